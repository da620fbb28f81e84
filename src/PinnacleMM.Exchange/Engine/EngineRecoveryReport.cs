using System.Globalization;
using System.Text;
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

    /// <summary>How the recovered orders were reconciled with the venue's open orders at start.</summary>
    public VenueReconciliation? Venue { get; init; }

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

        if (Persistence is not null)
        {
            text.Append(Persistence);
        }

        return text.ToString().TrimEnd();
    }
}
