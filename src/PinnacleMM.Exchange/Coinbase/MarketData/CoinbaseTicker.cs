using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>A ticker: last trade price and the top of the book, in the product's fixed-point units. Absent fields are zero.</summary>
/// <param name="ProductIndex">The product's index in <see cref="CoinbaseProductBooks"/>.</param>
/// <param name="Price">The last trade price.</param>
/// <param name="BestBid">The best bid price.</param>
/// <param name="BestBidSize">The size at the best bid.</param>
/// <param name="BestAsk">The best ask price.</param>
/// <param name="BestAskSize">The size at the best ask.</param>
/// <param name="LastSize">The last trade's size (Exchange only).</param>
/// <param name="TradeId">The last trade's id (Exchange only), or -1.</param>
/// <param name="Sequence">The product sequence (Exchange) or the message's <c>sequence_num</c> (Advanced Trade), or -1.</param>
public readonly record struct CoinbaseTicker(
    int ProductIndex,
    Price Price,
    Price BestBid,
    Quantity BestBidSize,
    Price BestAsk,
    Quantity BestAskSize,
    Quantity LastSize,
    long TradeId,
    long Sequence);
