using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>How the engine has coped with lost connections and market data gaps (part of <see cref="EngineStatus"/>).</summary>
public sealed record EngineResilienceStatus
{
    /// <summary>Whether order entry is connected and reconciled (commands are only sent then).</summary>
    public bool OrderEntryReady { get; init; }

    /// <summary>Times order entry came back after a disconnect.</summary>
    public long Reconnects { get; init; }

    /// <summary>Reconciliations with the venue after a reconnect.</summary>
    public long Reconciliations { get; init; }

    /// <summary>Fills missed while disconnected and recovered from the venue's fill history.</summary>
    public long MissedFillsRecovered { get; init; }

    /// <summary>Orders closed after a reconnect, or at start, without the venue's fill history: fills they may have had were never seen.</summary>
    public long OrdersClosedWithoutFills { get; init; }

    /// <summary>Reconciliation queries that failed (retried).</summary>
    public long ReconciliationFailures { get; init; }

    /// <summary>Sequence gaps found in the market data.</summary>
    public long BookGaps { get; init; }

    /// <summary>Fresh snapshots the engine asked the market data connector for.</summary>
    public long ResyncRequests { get; init; }

    /// <summary>Resync requests that failed (retried after the backoff).</summary>
    public long ResyncFailures { get; init; }

    /// <summary>The last reconciliation after a reconnect; null before the first.</summary>
    public VenueReconciliation? LastReconciliation { get; init; }

    /// <summary>The most recent warnings (oldest first, at most 16): things an operator should look at.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}
