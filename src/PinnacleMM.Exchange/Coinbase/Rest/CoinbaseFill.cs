using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// One of our fills as the REST fill history lists it: Coinbase Exchange <c>GET /fills</c> (<c>trade_id</c>,
/// <c>order_id</c>, <c>price</c>, <c>size</c>, <c>fee</c>, <c>liquidity</c> M/T, <c>created_at</c>, <c>side</c>) or
/// Advanced Trade <c>GET /api/v3/brokerage/orders/historical/fills</c> (<c>trade_id</c>, <c>order_id</c>, <c>price</c>,
/// <c>size</c>, <c>commission</c>, <c>liquidity_indicator</c>, <c>trade_time</c>, <c>side</c>).
/// </summary>
/// <param name="TradeId">The venue's trade id as sent: an integer on Exchange (the <c>match</c> message's <c>trade_id</c>), a string on Advanced Trade.</param>
/// <param name="OrderId">The venue's id of our order.</param>
/// <param name="ProductId">The product, e.g. <c>BTC-USD</c>.</param>
/// <param name="Side">Our order's side.</param>
/// <param name="Price">The fill price.</param>
/// <param name="Size">The filled size in the base currency.</param>
/// <param name="Fee">The fee charged for this fill, in the quote currency.</param>
/// <param name="Liquidity">Maker or taker; null when the venue did not say (Advanced Trade's <c>UNKNOWN_LIQUIDITY_INDICATOR</c>).</param>
/// <param name="Time">When the trade happened on the venue.</param>
public sealed record CoinbaseFill(
    string TradeId,
    Guid OrderId,
    string ProductId,
    Side Side,
    decimal Price,
    decimal Size,
    decimal Fee,
    Liquidity? Liquidity,
    DateTimeOffset Time);
