using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// A consistent picture of the engine for dashboards, published by the strategy thread on every timer tick
/// (and at stop): read <see cref="TradingEngine.Status"/> from any thread.
/// </summary>
public sealed record EngineStatus
{
    /// <summary>The engine's monotonic time of the picture.</summary>
    public long TimestampNanoseconds { get; init; }

    /// <summary>The best bid in quote currency; null without one.</summary>
    public decimal? BestBid { get; init; }

    /// <summary>The best ask in quote currency; null without one.</summary>
    public decimal? BestAsk { get; init; }

    /// <summary>Whether the book is in sync with the venue (quoting is only done then).</summary>
    public bool BookSynced { get; init; }

    /// <summary>Our open orders (after a stop: those it left open, as <see cref="Stop"/> lists them).</summary>
    public IReadOnlyList<TrackedOrder> OpenOrders { get; init; } = [];

    /// <summary>
    /// How the stop ended, in the status published at its end: the orders it could not close (cancels lost, refused or
    /// not sent within <see cref="TradingEngineOptions.StopTimeout"/>), which may still rest at the venue. Null while
    /// the engine runs.
    /// </summary>
    public EngineStopReport? Stop { get; init; }

    /// <summary>The position in base currency.</summary>
    public decimal Position { get; init; }

    /// <summary>Realized P&amp;L (average cost, before fees), quote currency.</summary>
    public decimal RealizedPnl { get; init; }

    /// <summary>Unrealized P&amp;L at the mid (average cost), quote currency; 0 without a mid.</summary>
    public decimal UnrealizedPnl { get; init; }

    /// <summary>Fees paid, quote currency.</summary>
    public decimal Fees { get; init; }

    /// <summary>Realized + unrealized − fees.</summary>
    public decimal NetPnl => RealizedPnl + UnrealizedPnl - Fees;

    /// <summary>Fills applied.</summary>
    public long FillCount { get; init; }

    /// <summary>Traded volume in base currency.</summary>
    public decimal Volume { get; init; }

    /// <summary>The strategy's trading state (risk).</summary>
    public TradingState TradingState { get; init; }

    /// <summary>Why the trading state is what it is (empty when active).</summary>
    public string TradingStateReason { get; init; } = string.Empty;

    /// <summary>Tick-to-quote latency percentiles.</summary>
    public LatencyPercentiles TickToQuote { get; init; }

    /// <summary>Turns of the strategy thread's loop over <see cref="TradingEngineOptions.SlowCycleThreshold"/> (<see cref="TradingEngine.SlowCycles"/>).</summary>
    public long SlowCycles { get; init; }

    /// <summary>Commands whose tick-to-quote overlapped a slow turn of the strategy thread (<see cref="TradingEngine.CommandsAfterSlowCycle"/>).</summary>
    public long CommandsAfterSlowCycle { get; init; }

    /// <summary>Market events processed.</summary>
    public long MarketEvents { get; init; }

    /// <summary>Places, cancels and amends sent.</summary>
    public long OrdersSent { get; init; }

    /// <summary>Actions refused locally (risk, validation, rate limits, disconnected).</summary>
    public long Refusals { get; init; }

    /// <summary>Reconnects, reconciliations, recovered fills, gaps and resyncs, and warnings for an operator.</summary>
    public EngineResilienceStatus Resilience { get; init; } = new();
}
