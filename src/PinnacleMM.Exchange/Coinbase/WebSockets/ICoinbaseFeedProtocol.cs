using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// What <see cref="CoinbaseFeedClient"/> needs to know about one Coinbase WebSocket protocol: how to subscribe
/// (with fresh authentication each time), how to ask for a product's book again, and how to decode.
/// Implemented by <see cref="CoinbaseExchangeFeedProtocol"/> and <see cref="AdvancedTradeFeedProtocol"/>.
/// </summary>
public interface ICoinbaseFeedProtocol
{
    /// <summary>The products and their books.</summary>
    CoinbaseProductBooks Books { get; }

    /// <summary>Whether heartbeats come per product (Exchange) rather than per connection (Advanced Trade).</summary>
    bool PerProductHeartbeats { get; }

    /// <summary>Called once per new connection, before anything is received on it.</summary>
    void OnNewConnection();

    /// <summary>Decodes and applies one message.</summary>
    CoinbaseDecodeResult Decode(ReadOnlySpan<byte> message, ICoinbaseFeedListener? listener);

    /// <summary>The messages that subscribe every channel of every product, authenticated afresh.</summary>
    IReadOnlyList<byte[]> CreateSubscribeMessages();

    /// <summary>The messages that make the venue send fresh snapshots of <paramref name="products"/> (unsubscribe, then subscribe their book channel).</summary>
    IReadOnlyList<byte[]> CreateResubscribeMessages(ReadOnlySpan<int> products);
}
