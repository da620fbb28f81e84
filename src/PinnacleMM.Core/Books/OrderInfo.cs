using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>A resting order as the book holds it.</summary>
public readonly record struct OrderInfo
{
    /// <summary>The order id.</summary>
    public long OrderId { get; init; }

    /// <summary>The owner id.</summary>
    public long OwnerId { get; init; }

    /// <summary>The side.</summary>
    public Side Side { get; init; }

    /// <summary>The limit price.</summary>
    public Price Price { get; init; }

    /// <summary>The quantity still resting.</summary>
    public Quantity Remaining { get; init; }

    /// <summary>Whether the order is post-only (kept across replaces).</summary>
    public bool PostOnly { get; init; }

    /// <summary>The self-trade prevention mode it was entered with (kept across replaces).</summary>
    public SelfTradePrevention SelfTradePrevention { get; init; }

    /// <summary>The timestamp of its last entry into the queue.</summary>
    public long Timestamp { get; init; }
}
