using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// A new order for <see cref="OrderBook.Submit(in OrderRequest)"/>. Build one with
/// <see cref="Limit"/> or <see cref="Market"/>; adjust with <c>with</c>.
/// </summary>
public readonly record struct OrderRequest
{
    /// <summary>The order id: positive and unique among the orders resting in the book.</summary>
    public long OrderId { get; init; }

    /// <summary>The owner (participant, account) id, used for self-trade prevention and reported in trades.</summary>
    public long OwnerId { get; init; }

    /// <summary>Buy or sell.</summary>
    public Side Side { get; init; }

    /// <summary>Limit or market.</summary>
    public OrderType Type { get; init; }

    /// <summary>The limit price in ticks; ignored for market orders.</summary>
    public Price Price { get; init; }

    /// <summary>The quantity in lots.</summary>
    public Quantity Quantity { get; init; }

    /// <summary>What happens to the part that does not trade on arrival. Market orders take <see cref="TimeInForce.ImmediateOrCancel"/> or <see cref="TimeInForce.FillOrKill"/>.</summary>
    public TimeInForce TimeInForce { get; init; }

    /// <summary>Post-only (maker-only): rejected instead of trading if it would cross. Only for good-till-cancel limit orders.</summary>
    public bool PostOnly { get; init; }

    /// <summary>What to do when this order would trade with a resting order of the same owner.</summary>
    public SelfTradePrevention SelfTradePrevention { get; init; }

    /// <summary>The caller's timestamp in nanoseconds (e.g. from <see cref="Time.MonotonicClock"/>), carried into trades and events; the book never reads a clock itself, so replays are deterministic.</summary>
    public long Timestamp { get; init; }

    /// <summary>A limit order.</summary>
    public static OrderRequest Limit(
        long orderId,
        long ownerId,
        Side side,
        Price price,
        Quantity quantity,
        TimeInForce timeInForce = TimeInForce.GoodTillCancel,
        bool postOnly = false,
        SelfTradePrevention selfTradePrevention = SelfTradePrevention.None,
        long timestamp = 0) => new()
        {
            OrderId = orderId,
            OwnerId = ownerId,
            Side = side,
            Type = OrderType.Limit,
            Price = price,
            Quantity = quantity,
            TimeInForce = timeInForce,
            PostOnly = postOnly,
            SelfTradePrevention = selfTradePrevention,
            Timestamp = timestamp,
        };

    /// <summary>A market order: immediate-or-cancel unless <paramref name="timeInForce"/> is fill-or-kill.</summary>
    public static OrderRequest Market(
        long orderId,
        long ownerId,
        Side side,
        Quantity quantity,
        TimeInForce timeInForce = TimeInForce.ImmediateOrCancel,
        SelfTradePrevention selfTradePrevention = SelfTradePrevention.None,
        long timestamp = 0) => new()
        {
            OrderId = orderId,
            OwnerId = ownerId,
            Side = side,
            Type = OrderType.Market,
            Quantity = quantity,
            TimeInForce = timeInForce,
            SelfTradePrevention = selfTradePrevention,
            Timestamp = timestamp,
        };
}
