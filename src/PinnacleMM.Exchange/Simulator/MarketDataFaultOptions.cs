namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// Faults injected into the simulator's market data delivery, to test how a consumer detects and recovers from a
/// feed that silently loses messages. A dropped level update still consumes its sequence number, so the next
/// delivered update shows a gap; the simulator does not resync by itself (a consumer asks with
/// <see cref="ExchangeSimulator.ResyncAsync"/>). The drops are drawn from a generator of their own, seeded from
/// <see cref="ExchangeSimulatorOptions.Seed"/>: the same seed drops the same updates, and the market itself (prices,
/// participants, fills) is the same with and without drops.
/// </summary>
public sealed class MarketDataFaultOptions
{
    /// <summary>The probability that a level update is dropped (never delivered); 0 to 1. Default 0 (none).</summary>
    public double LevelUpdateDropRate { get; set; }

    /// <summary>The most level updates dropped in the whole run (later ones are all delivered); null for no limit. Zero or positive. Default null.</summary>
    public long? MaxDroppedUpdates { get; set; }
}
