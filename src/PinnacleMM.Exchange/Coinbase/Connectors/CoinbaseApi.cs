namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>Which Coinbase API a connector speaks.</summary>
public enum CoinbaseApi
{
    /// <summary>Coinbase Exchange (the successor of Coinbase Pro): <c>wss://ws-feed.exchange.coinbase.com</c>, HMAC-signed.</summary>
    Exchange = 0,

    /// <summary>Coinbase Advanced Trade: <c>wss://advanced-trade-ws.coinbase.com</c>, JWT-authenticated (ES256 or EdDSA keys).</summary>
    AdvancedTrade = 1,
}
