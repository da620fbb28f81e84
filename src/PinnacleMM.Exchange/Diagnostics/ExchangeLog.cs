using Microsoft.Extensions.Logging;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Sync;

namespace PinnacleMM.Exchange.Diagnostics;

/// <summary>
/// Every log message of the Exchange package, source-generated (<c>[LoggerMessage]</c>): nothing is formatted or
/// allocated unless the level is enabled. Event ids are stable and listed in the package README; they are what an
/// alert rule should match on. Nothing here is called per market event or per order on the hot path: only
/// connection changes, resyncs, refused or failed requests, and the engine's start, stop and faults.
/// </summary>
internal static partial class ExchangeLog
{
    [LoggerMessage(EventId = 1001, EventName = "FeedConnected", Level = LogLevel.Information,
        Message = "Coinbase feed connected to {Endpoint} (connection {Connection})")]
    public static partial void FeedConnected(ILogger logger, Uri endpoint, long connection);

    [LoggerMessage(EventId = 1002, EventName = "FeedDisconnected", Level = LogLevel.Warning,
        Message = "Coinbase feed connection to {Endpoint} ended: {Reason}; reconnecting in {Delay}")]
    public static partial void FeedDisconnected(ILogger logger, Uri endpoint, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 1003, EventName = "FeedStopped", Level = LogLevel.Information,
        Message = "Coinbase feed to {Endpoint} stopped")]
    public static partial void FeedStopped(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 1004, EventName = "ProductSynced", Level = LogLevel.Information,
        Message = "{Product} book synced: quotable")]
    public static partial void ProductSynced(ILogger logger, string product);

    [LoggerMessage(EventId = 1005, EventName = "ProductTrouble", Level = LogLevel.Warning,
        Message = "{Product} book {State} after {Trouble}: {Detail}")]
    public static partial void ProductTrouble(ILogger logger, string product, ConnectionState state, CoinbaseSyncTrouble trouble, string detail);

    [LoggerMessage(EventId = 1006, EventName = "ProductState", Level = LogLevel.Debug,
        Message = "{Product} book {State}")]
    public static partial void ProductState(ILogger logger, string product, ConnectionState state);

    [LoggerMessage(EventId = 1101, EventName = "RestNoResponse", Level = LogLevel.Warning,
        Message = "{Method} {Path}: no response from {Host}: {Reason}")]
    public static partial void RestNoResponse(ILogger logger, HttpMethod method, string path, string host, string reason);

    [LoggerMessage(EventId = 1102, EventName = "RestRateLimited", Level = LogLevel.Warning,
        Message = "{Method} {Path}: rate limited by the venue (HTTP 429, attempt {Attempt}); retrying in {Delay}")]
    public static partial void RestRateLimited(ILogger logger, HttpMethod method, string path, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 1103, EventName = "RestRateLimitGaveUp", Level = LogLevel.Error,
        Message = "{Method} {Path}: still rate limited by the venue after {Attempts} attempts; the request failed")]
    public static partial void RestRateLimitGaveUp(ILogger logger, HttpMethod method, string path, int attempts);

    [LoggerMessage(EventId = 1104, EventName = "RestRefused", Level = LogLevel.Debug,
        Message = "{Method} {Path}: HTTP {Status}, {Reason}: {Detail}")]
    public static partial void RestRefused(ILogger logger, HttpMethod method, string path, int status, RejectReason reason, string detail);
}
