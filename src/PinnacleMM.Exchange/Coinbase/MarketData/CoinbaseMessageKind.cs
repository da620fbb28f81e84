namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>What a decoded Coinbase feed message was.</summary>
public enum CoinbaseMessageKind : byte
{
    /// <summary>A message type this decoder does not know; ignored, as the protocol requires.</summary>
    Unknown = 0,

    /// <summary>A full book: Exchange <c>snapshot</c>, or an Advanced Trade <c>l2_data</c> event of type <c>snapshot</c>.</summary>
    BookSnapshot,

    /// <summary>Book changes: Exchange <c>l2update</c>, or an Advanced Trade <c>l2_data</c> event of type <c>update</c>.</summary>
    BookUpdate,

    /// <summary>Exchange <c>ticker</c>, or Advanced Trade <c>ticker</c>/<c>ticker_batch</c>.</summary>
    Ticker,

    /// <summary>Exchange <c>heartbeat</c>, or Advanced Trade <c>heartbeats</c>.</summary>
    Heartbeat,

    /// <summary>Trades: Exchange <c>match</c>/<c>last_match</c>, or Advanced Trade <c>market_trades</c>.</summary>
    Trade,

    /// <summary>Order updates: Advanced Trade <c>user</c>, or Coinbase Exchange <c>user</c>/<c>full</c> order messages (<see cref="CoinbaseExchangeOrderDecoder"/>).</summary>
    User,

    /// <summary>The venue's reply to subscribe or unsubscribe.</summary>
    Subscriptions,

    /// <summary>An <c>error</c> message from the venue; <see cref="CoinbaseDecodeResult.Message"/> holds its text.</summary>
    Error,
}
