using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// An event about one of the strategy's own orders, as the engine delivers it from the execution ring.
/// For <see cref="OrderEventKind.PartiallyFilled"/> and <see cref="OrderEventKind.Filled"/>,
/// <see cref="Price"/> and <see cref="Quantity"/> are those of this fill and <see cref="Fee"/> is the
/// fee in quote currency (negative: compute it from the position's fee rates). For the other kinds they
/// are the order's price and remaining size.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="OrderId">The client order id.</param>
/// <param name="Side">The order's side.</param>
/// <param name="Price">The fill price, or the order's price.</param>
/// <param name="Quantity">The fill size, or the order's remaining size.</param>
/// <param name="Liquidity">Maker or taker, for fills.</param>
/// <param name="Fee">The fee of a fill in quote currency; negative to let the position apply its fee rate.</param>
/// <param name="TimestampNanoseconds">When it happened, on the engine's monotonic clock.</param>
public readonly record struct OrderEvent(
    OrderEventKind Kind,
    long OrderId,
    Side Side,
    Price Price,
    Quantity Quantity,
    Liquidity Liquidity,
    decimal Fee,
    long TimestampNanoseconds)
{
    /// <summary>Whether this event is a fill (partial or complete).</summary>
    public bool IsFill => Kind is OrderEventKind.PartiallyFilled or OrderEventKind.Filled;

    /// <summary>A fill event whose fee the position computes from its rates.</summary>
    public static OrderEvent Fill(long orderId, Side side, Price price, Quantity quantity, Liquidity liquidity, long timestampNanoseconds, bool complete = true) =>
        new(complete ? OrderEventKind.Filled : OrderEventKind.PartiallyFilled, orderId, side, price, quantity, liquidity, -1m, timestampNanoseconds);
}
