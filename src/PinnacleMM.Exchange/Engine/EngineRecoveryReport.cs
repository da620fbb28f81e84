using System.Globalization;
using System.Text;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Recovery;

namespace PinnacleMM.Exchange.Engine;

/// <summary>What <see cref="TradingEngine.StartAsync"/> recovered and how the recovered orders compared with the venue's.</summary>
public sealed record EngineRecoveryReport
{
    /// <summary>The persistence layer's report (snapshot used, records replayed, torn tail); null without persistence.</summary>
    public RecoveryReport? Persistence { get; init; }

    /// <summary>Whether the strategy's state (position, P&amp;L, kill switch, operator state) came from a snapshot.</summary>
    public bool StrategyStateRestored { get; init; }

    /// <summary>Order activities replayed from the journal after the snapshot.</summary>
    public long ActivitiesReplayed { get; init; }

    /// <summary>Our orders open according to the recovered state, before reconciling with the venue.</summary>
    public IReadOnlyList<TrackedOrder> RecoveredOpenOrders { get; init; } = [];

    /// <summary>The recovered position in base currency.</summary>
    public decimal Position { get; init; }

    /// <summary>The recovered realized P&amp;L (average cost, before fees) in quote currency.</summary>
    public decimal RealizedPnl { get; init; }

    /// <summary>The recovered fees in quote currency.</summary>
    public decimal Fees { get; init; }

    /// <summary>The recovered number of fills.</summary>
    public long FillCount { get; init; }

    /// <summary>
    /// How the recovered orders were reconciled with the venue at start: orders the venue no longer has are closed,
    /// orphans cancelled, and, where the venue keeps a fill history and the last venue time the engine saw was recovered,
    /// our fills since then are applied (those that happened while the engine was stopped, e.g. of orders a stop left
    /// open) and recognised when already known (<see cref="VenueReconciliation.FillHistoryUsed"/>).
    /// </summary>
    public VenueReconciliation? Venue { get; init; }

    /// <summary>
    /// Orders the previous run's stop left open (<see cref="EngineStopReport.OrdersLeftOpen"/>) that the venue still had
    /// at start: their cancels were sent again, right after the reconciliation. Empty when the stop closed every order.
    /// </summary>
    public IReadOnlyList<ClientOrderId> StopCancelsResent { get; init; } = [];

    /// <summary>Whether anything was recovered (a snapshot or journal records).</summary>
    public bool RecoveredAnything => StrategyStateRestored || ActivitiesReplayed > 0;

    /// <summary>A multi-line account for logs and the console.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"recovered: position {Position}, realized P&L {RealizedPnl}, fees {Fees}, {FillCount} fills, {RecoveredOpenOrders.Count} open orders ({ActivitiesReplayed} order records replayed, strategy state {(StrategyStateRestored ? "from snapshot" : "fresh")})").AppendLine();
        if (Venue is not null)
        {
            text.Append("venue: ").Append(Venue).AppendLine();
        }

        if (StopCancelsResent.Count > 0)
        {
            text.Append(invariant, $"cancels sent again for {StopCancelsResent.Count} orders the last stop left open: ")
                .AppendJoin(", ", StopCancelsResent.Select(id => "#" + id.Value.ToString(invariant))).AppendLine();
        }

        if (Persistence is not null)
        {
            text.Append(Persistence);
        }

        return text.ToString().TrimEnd();
    }
}
