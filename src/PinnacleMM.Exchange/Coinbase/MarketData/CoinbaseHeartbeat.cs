namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>A heartbeat: proof the connection (Advanced Trade) or the product's feed (Exchange) is alive.</summary>
/// <param name="ProductIndex">The product's index (Exchange heartbeats are per product), or -1 for Advanced Trade's per-connection heartbeats.</param>
/// <param name="Counter">The Exchange product <c>sequence</c>, or Advanced Trade's <c>heartbeat_counter</c>; -1 when absent.</param>
/// <param name="LastTradeId">The Exchange product's last trade id (compare with matches to find dropped ones), or -1.</param>
public readonly record struct CoinbaseHeartbeat(int ProductIndex, long Counter, long LastTradeId);
