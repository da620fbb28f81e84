using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Benchmarks.Engine;

/// <summary>The instrument and the quoting strategy that every engine benchmark runs, so that their numbers compare.</summary>
internal static class EngineBenchmarkQuoter
{
    /// <summary>Tick 0.01, lot 0.001.</summary>
    public static readonly InstrumentSpec Instrument = new("SIM-USD", 0.01m, 0.001m, maxPrice: 1_000_000m);

    /// <summary>The instrument's id at the venue.</summary>
    public static readonly InstrumentId Id = new(1);

    /// <summary>BasicMarketMaker's options: 2 levels a side, 2 bps, a decision on every book update (no throttle).</summary>
    public static BasicMarketMakerOptions StrategyOptions() => new()
    {
        BaseSpreadBps = 2,
        MinSpreadBps = 1,
        OrderQuantity = 0.05m,
        MinOrderQuantity = 0.01m,
        MaxOrderQuantity = 1m,
        MaxPosition = 1_000m,
        MaxLevels = 2,
        QuoteUpdateInterval = TimeSpan.Zero,
        Capital = 100_000_000m,
    };

    /// <summary>A BasicMarketMaker with <paramref name="options"/> on the system clock.</summary>
    public static BasicMarketMaker Strategy(BasicMarketMakerOptions options) =>
        new(Instrument, options, MonotonicClock.System, position: new PositionTracker(Instrument));
}
