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

    /// <summary>An order update from the authenticated user channel.</summary>
    void OnUserOrder(in CoinbaseUserOrder order)
    {
    }
}
