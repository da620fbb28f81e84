using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// One order message of the Coinbase Exchange <c>full</c> or authenticated <c>user</c> channel, in the product's
/// fixed-point units. Fields a message type does not carry are zero (<see cref="Guid.Empty"/> for ids).
/// </summary>
/// <param name="Type">What happened.</param>
/// <param name="ProductIndex">The product's index in <see cref="CoinbaseProductBooks"/>.</param>
/// <param name="Sequence">The product's sequence number, or -1.</param>
/// <param name="OrderId">The venue order id (<c>order_id</c>); empty for a match.</param>
/// <param name="ClientOid">Our <c>client_oid</c> (on <c>received</c>); empty when absent.</param>
/// <param name="Side">The order's side; for a match, the maker's side.</param>
/// <param name="Price">The order's limit price, or the match price; zero when absent (a market order).</param>
/// <param name="Size">received: the order size; match: the traded size; change: the new size.</param>
/// <param name="RemainingSize">open, done: the size still open (done: what was cancelled).</param>
/// <param name="IsCanceled">done: whether the reason is <c>canceled</c> (otherwise <c>filled</c>).</param>
/// <param name="MakerOrderId">match: the resting order.</param>
/// <param name="TakerOrderId">match: the incoming order.</param>
/// <param name="TradeId">match: the trade id, or -1.</param>
/// <param name="MakerFeeRate">match on the user channel when our order was the maker: the fee rate applied; 0 when absent.</param>
/// <param name="TakerFeeRate">match on the user channel when our order was the taker: the fee rate applied; 0 when absent.</param>
/// <param name="TimeUnixNanoseconds">The message's <c>time</c> in Unix nanoseconds; 0 when absent.</param>
public readonly record struct CoinbaseOrderMessage(
    CoinbaseOrderMessageType Type,
    int ProductIndex,
    long Sequence,
    Guid OrderId,
    Guid ClientOid,
    Side Side,
    Price Price,
    Quantity Size,
    Quantity RemainingSize,
    bool IsCanceled,
    Guid MakerOrderId,
    Guid TakerOrderId,
    long TradeId,
    decimal MakerFeeRate,
    decimal TakerFeeRate,
    long TimeUnixNanoseconds);
