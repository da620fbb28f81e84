using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>One public trade, in the product's fixed-point units.</summary>
/// <param name="ProductIndex">The product's index in <see cref="CoinbaseProductBooks"/>.</param>
/// <param name="TradeId">The venue's trade id.</param>
/// <param name="Price">The trade price.</param>
/// <param name="Size">The traded size.</param>
/// <param name="Side">
/// The side as the venue reports it: on Coinbase Exchange the <b>maker's</b> side (a <c>sell</c> match was a
/// buyer lifting an offer); on Advanced Trade the trade's <c>side</c> field.
/// </param>
/// <param name="Sequence">The product sequence (Exchange) or the message's <c>sequence_num</c> (Advanced Trade), or -1.</param>
/// <param name="IsSnapshot">Whether the trade is history sent on subscribing (Exchange <c>last_match</c>, Advanced Trade <c>snapshot</c> event) rather than a new trade.</param>
public readonly record struct CoinbaseTrade(
    int ProductIndex,
    long TradeId,
    Price Price,
    Quantity Size,
    Side Side,
    long Sequence,
    bool IsSnapshot);
