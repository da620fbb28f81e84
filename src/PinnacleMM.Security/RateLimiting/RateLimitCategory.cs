namespace PinnacleMM.Security.RateLimiting;

/// <summary>What a rate-limited call does; each category has its own policy (see <see cref="RateLimitPolicy.Default"/>).</summary>
public enum RateLimitCategory
{
    /// <summary>General REST API calls: 1000 / 1 min, 60 s cooldown.</summary>
    GeneralApi,

    /// <summary>Market data requests: 5000 / 1 min, 30 s cooldown.</summary>
    MarketData,

    /// <summary>Authentication attempts: 5 / 15 min, 5 min cooldown.</summary>
    Authentication,

    /// <summary>Order submissions: 100 / 1 min, 30 s cooldown.</summary>
    OrderSubmit,

    /// <summary>Order cancellations: 500 / 1 min, 15 s cooldown.</summary>
    OrderCancel,

    /// <summary>Order modifications: 200 / 1 min, 30 s cooldown.</summary>
    OrderModify,

    /// <summary>Configuration reads: 100 / 1 min, no cooldown.</summary>
    ConfigRead,

    /// <summary>Configuration writes: 10 / 5 min, 1 min cooldown.</summary>
    ConfigWrite,

    /// <summary>WebSocket connection attempts: 50 / 5 min, 2 min cooldown.</summary>
    WebSocketConnect,
}
