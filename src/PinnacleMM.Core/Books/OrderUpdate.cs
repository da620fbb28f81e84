using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>A change to one order, reported to <see cref="IOrderBookListener.OnOrderUpdate"/>.</summary>
public readonly record struct OrderUpdate
{
    /// <summary>What happened.</summary>
    public OrderUpdateKind Kind { get; init; }

    /// <summary>The order.</summary>
    public long OrderId { get; init; }

    /// <summary>The order's owner.</summary>
    public long OwnerId { get; init; }

    /// <summary>The order's side.</summary>
    public Side Side { get; init; }

    /// <summary>The order's price (for <see cref="OrderUpdateKind.Replaced"/>, the price it left).</summary>
    public Price Price { get; init; }

    /// <summary>The quantity the update is about: rested, cancelled, or removed by a reduction.</summary>
    public Quantity Quantity { get; init; }

    /// <summary>The order's quantity still resting after the update.</summary>
    public Quantity Remaining { get; init; }

    /// <summary>For <see cref="OrderUpdateKind.Cancelled"/>, why.</summary>
    public CancelReason Reason { get; init; }

    /// <summary>The timestamp of the operation that caused the update.</summary>
    public long Timestamp { get; init; }
}
