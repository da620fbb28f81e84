using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>One match between an incoming (taker) order and a resting (maker) order, at the maker's price.</summary>
public readonly record struct Trade
{
    /// <summary>The book's trade sequence number: 1, 2, 3… in the order trades happened.</summary>
    public long TradeId { get; init; }

    /// <summary>The price, in ticks: always the resting order's price.</summary>
    public Price Price { get; init; }

    /// <summary>The traded quantity.</summary>
    public Quantity Quantity { get; init; }

    /// <summary>The resting order.</summary>
    public long MakerOrderId { get; init; }

    /// <summary>The owner of the resting order.</summary>
    public long MakerOwnerId { get; init; }

    /// <summary>The incoming order.</summary>
    public long TakerOrderId { get; init; }

    /// <summary>The owner of the incoming order.</summary>
    public long TakerOwnerId { get; init; }

    /// <summary>The incoming order's side (the aggressor side).</summary>
    public Side TakerSide { get; init; }

    /// <summary>Whether the resting order is now completely filled (and gone from the book).</summary>
    public bool MakerFilled { get; init; }

    /// <summary>The incoming order's timestamp.</summary>
    public long Timestamp { get; init; }
}
