namespace PinnacleMM.Exchange.Simulator;

/// <summary>Counters of an <see cref="ExchangeSimulator"/> run, read with <see cref="ExchangeSimulator.GetStatistics"/>.</summary>
public sealed record SimulatorStatistics
{
    /// <summary>The virtual time reached, in nanoseconds since the start.</summary>
    public long VirtualNanoseconds { get; init; }

    /// <summary>Simulation steps processed: participant arrivals, price steps, our commands reaching the venue, and deliveries.</summary>
    public long ProcessedEvents { get; init; }

    /// <summary>Market events delivered to the market data sink.</summary>
    public long MarketEventsDelivered { get; init; }

    /// <summary>Execution events delivered to the execution sink.</summary>
    public long ExecutionEventsDelivered { get; init; }

    /// <summary>Price process steps taken.</summary>
    public long PriceSteps { get; init; }

    /// <summary>Jumps of the price process.</summary>
    public long Jumps { get; init; }

    /// <summary>Trades printed (anyone's).</summary>
    public long Trades { get; init; }

    /// <summary>Level updates dropped by <see cref="ExchangeSimulatorOptions.MarketDataFaults"/> (never delivered; their sequence numbers are missing from the feed).</summary>
    public long DroppedMarketDataUpdates { get; init; }

    /// <summary>Book snapshots sent (one per subscription and per <see cref="ExchangeSimulator.ResyncAsync"/>).</summary>
    public long SnapshotsSent { get; init; }

    /// <summary>Fresh snapshots asked for with <see cref="ExchangeSimulator.ResyncAsync"/>.</summary>
    public long ResyncRequests { get; init; }

    /// <summary>Times the order-entry connection was dropped with <see cref="ExchangeSimulator.DisconnectOrderEntry"/>.</summary>
    public long OrderEntryDisconnects { get; init; }

    /// <summary>Execution events lost because order entry was disconnected when they happened (fills among them stay in the fill history).</summary>
    public long ExecutionEventsLost { get; init; }

    /// <summary>Commands sent while order entry was disconnected: they never reached the venue.</summary>
    public long CommandsLost { get; init; }

    /// <summary>What the takers did.</summary>
    public ParticipantStatistics Takers { get; init; }

    /// <summary>What the makers did.</summary>
    public ParticipantStatistics Makers { get; init; }

    /// <summary>What the noise traders did.</summary>
    public ParticipantStatistics NoiseTraders { get; init; }

    /// <summary>What the informed traders did.</summary>
    public ParticipantStatistics InformedTraders { get; init; }

    /// <summary>The counters of one participant kind.</summary>
    public ParticipantStatistics this[ParticipantKind kind] => kind switch
    {
        ParticipantKind.Taker => Takers,
        ParticipantKind.Maker => Makers,
        ParticipantKind.NoiseTrader => NoiseTraders,
        ParticipantKind.InformedTrader => InformedTraders,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "kind: not a defined participant kind."),
    };
}
