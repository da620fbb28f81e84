using Microsoft.Extensions.Logging;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Diagnostics;

/// <summary>
/// Every log message of the Exchange package, source-generated (<c>[LoggerMessage]</c>): nothing is formatted or
/// allocated unless the level is enabled. Event ids are stable and listed in the package README; they are what an
/// alert rule should match on. Nothing here is called per market event or per order on the hot path: only
/// connection changes, resyncs, refused or failed requests, trading state changes, and the engine's start, stop and faults.
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

    // ------------------------------------------------------------------ the trading engine (2001-2012)

    [LoggerMessage(EventId = 2001, EventName = "EngineStarted", Level = LogLevel.Information,
        Message = "{Symbol} engine started on {Venue} ({Threading}): position {Position}, realized P&L {RealizedPnl}, {FillCount} fills, {OpenOrders} open orders, trading state {TradingState}; from disk {RecoveredOrders} open orders ({Replayed} order records replayed, strategy state {StrategyState}); venue: {Reconciliation}; {Resent} cancels the last stop left unanswered sent again")]
    public static partial void EngineStarted(ILogger logger, string symbol, string venue, EngineThreading threading, decimal position, decimal realizedPnl, long fillCount, int openOrders, string tradingState, int recoveredOrders, long replayed, string strategyState, string reconciliation, int resent);

    [LoggerMessage(EventId = 2002, EventName = "EngineStartFailed", Level = LogLevel.Error,
        Message = "{Symbol} engine failed to start on {Venue}; nothing runs and the instrument's persistence is closed")]
    public static partial void EngineStartFailed(ILogger logger, string symbol, string venue, Exception exception);

    /// <summary>Information after a clean stop; Warning when a failure stopped the engine or the stop left orders open at the venue.</summary>
    [LoggerMessage(EventId = 2003, EventName = "EngineStopped",
        Message = "{Symbol} engine stopped on {Venue} ({Cause}): {Stop}; position {Position}, realized P&L {RealizedPnl}, fees {Fees}, {FillCount} fills")]
    public static partial void EngineStopped(ILogger logger, LogLevel level, string symbol, string venue, string cause, EngineStopReport stop, decimal position, decimal realizedPnl, decimal fees, long fillCount);

    [LoggerMessage(EventId = 2004, EventName = "EngineFailed", Level = LogLevel.Error,
        Message = "{Symbol} engine failed; it stops, cancelling what it still can, and StopAsync rethrows the failure")]
    public static partial void EngineFailed(ILogger logger, string symbol, Exception exception);

    /// <summary>Warning into Reducing or Halted; Information back to Active.</summary>
    [LoggerMessage(EventId = 2005, EventName = "TradingStateChanged",
        Message = "{Symbol} trading state {Previous} -> {State}: {Reason}")]
    public static partial void TradingStateChanged(ILogger logger, LogLevel level, string symbol, Core.Risk.TradingState previous, Core.Risk.TradingState state, string reason);

    [LoggerMessage(EventId = 2006, EventName = "OrderEntryLost", Level = LogLevel.Warning,
        Message = "{Symbol} order entry at {Venue} {State}: commands are held until it is back and reconciled")]
    public static partial void OrderEntryLost(ILogger logger, string symbol, string venue, ConnectionState state);

    [LoggerMessage(EventId = 2007, EventName = "OrderEntryReconciled", Level = LogLevel.Information,
        Message = "{Symbol} order entry back at {Venue} (reconnect {Reconnects}): {Reconciliation}; commands flow again")]
    public static partial void OrderEntryReconciled(ILogger logger, string symbol, string venue, long reconnects, VenueReconciliation reconciliation);

    [LoggerMessage(EventId = 2008, EventName = "OrdersClosedWithoutFills", Level = LogLevel.Warning,
        Message = "{Symbol} {When}: {Count} orders were gone at {Venue} and closed without their fills ({Why}); check the position against the venue's balances")]
    public static partial void OrdersClosedWithoutFills(ILogger logger, string symbol, string when, int count, string venue, string why);

    [LoggerMessage(EventId = 2009, EventName = "ReconciliationFailed", Level = LogLevel.Warning,
        Message = "{Symbol} reconciliation with {Venue} after a reconnect failed (failure {Failures}); {Retry}; commands stay held")]
    public static partial void ReconciliationFailed(ILogger logger, string symbol, string venue, long failures, string retry, Exception exception);

    [LoggerMessage(EventId = 2010, EventName = "ResyncRequested", Level = LogLevel.Warning,
        Message = "{Symbol} book of {Venue} out of sync: quotes pulled and a fresh snapshot asked for (request {Requests}; the next no sooner than {Backoff} later)")]
    public static partial void ResyncRequested(ILogger logger, string symbol, string venue, long requests, TimeSpan backoff);

    [LoggerMessage(EventId = 2011, EventName = "ResyncFailed", Level = LogLevel.Warning,
        Message = "{Symbol} resync from {Venue} failed (failure {Failures}); retried after the backoff, quotes stay pulled")]
    public static partial void ResyncFailed(ILogger logger, string symbol, string venue, long failures, Exception exception);

    /// <summary>More trading state changes between two status publications than the risk keeps: the older ones are only counted.</summary>
    [LoggerMessage(EventId = 2012, EventName = "TradingStateChangesNotLogged", Level = LogLevel.Warning,
        Message = "{Symbol} {Missed} trading state changes not logged: more than {Kept} between two status publications; the newest {Kept} follow, and pinnaclemm.engine.trading_state_changes counts them all")]
    public static partial void TradingStateChangesNotLogged(ILogger logger, string symbol, long missed, int kept);
}
