using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// What an <see cref="OrderBook"/> operation did to one order. The quantities always add up: for a
/// submission, <c>Filled + Resting + Cancelled</c> equals the order's quantity unless it was rejected.
/// </summary>
public readonly record struct OrderResult
{
    /// <summary><see cref="OrderBookResultCode.Accepted"/>, or the rejection (the book is then unchanged).</summary>
    public OrderBookResultCode Code { get; init; }

    /// <summary>The order the result is about.</summary>
    public long OrderId { get; init; }

    /// <summary>Quantity traded by this order during the operation.</summary>
    public Quantity Filled { get; init; }

    /// <summary>Quantity of this order resting in the book after the operation.</summary>
    public Quantity Resting { get; init; }

    /// <summary>Quantity of this order cancelled by the operation (IOC remainder, market remainder, self-trade prevention, a requested cancel or a size reduction).</summary>
    public Quantity Cancelled { get; init; }

    /// <summary>Why <see cref="Cancelled"/> is not zero.</summary>
    public CancelReason CancelReason { get; init; }

    /// <summary>The number of trades the operation produced.</summary>
    public int TradeCount { get; init; }

    /// <summary>Whether the operation was applied.</summary>
    public bool IsAccepted => Code == OrderBookResultCode.Accepted;

    /// <summary>A rejection result.</summary>
    public static OrderResult Rejected(long orderId, OrderBookResultCode code) => new() { OrderId = orderId, Code = code };

    /// <summary>The code, and for a rejection the field and rule that it broke.</summary>
    public override string ToString() => IsAccepted
        ? $"order {OrderId}: accepted, filled {Filled}, resting {Resting}, cancelled {Cancelled} ({CancelReason}), {TradeCount} trades"
        : $"order {OrderId}: rejected {Code} ({Code.Describe()})";
}
