using PinnacleMM.Core.Books;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// Receives the non-book events a decoder finds, on the decoding thread, in message order. Book changes
/// go straight into the <see cref="CoinbaseProductBooks"/>; everything else comes here. Every method has an
/// empty default, so implement only what you need. Calls must return quickly: the feed waits meanwhile.
/// </summary>
public interface ICoinbaseFeedListener
{
    /// <summary>A ticker.</summary>
    void OnTicker(in CoinbaseTicker ticker)
    {
    }

    /// <summary>A public trade.</summary>
    void OnTrade(in CoinbaseTrade trade)
    {
    }

    /// <summary>A heartbeat.</summary>
    void OnHeartbeat(in CoinbaseHeartbeat heartbeat)
    {
    }

    /// <summary>An order update from the Advanced Trade authenticated user channel.</summary>
    void OnUserOrder(in CoinbaseUserOrder order)
    {
    }

    /// <summary>
    /// A product's book took a snapshot (<paramref name="isSnapshot"/>: the levels replace the book) or changes (each
    /// level's new absolute size; 0 removed it). Called after the book accepted them; the spans are the decoder's
    /// buffers, valid only during the call.
    /// </summary>
    void OnBookChanged(int productIndex, bool isSnapshot, ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
    }

    /// <summary>An order message (<c>received</c>, <c>open</c>, <c>match</c>, <c>done</c>, <c>change</c>) from the Coinbase Exchange authenticated <c>user</c> or <c>full</c> channel.</summary>
    void OnExchangeOrder(in CoinbaseOrderMessage message)
    {
    }
}
