using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Persistence;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>One inline engine (deterministic, virtual time) or threaded engine on a simulator, with optional persistence.</summary>
internal sealed class EngineRun : IAsyncDisposable
{
    public const decimal InitialBase = 1_000m;
    public const decimal InitialQuote = 1_000_000m;

    private readonly bool _ownsSimulator;

    private EngineRun(ExchangeSimulator simulator, bool ownsSimulator, BasicMarketMaker strategy, TradingEngine engine, PersistenceManager? persistence, ManualMonotonicClock? clock, LockstepVenue? lockstep)
    {
        Simulator = simulator;
        _ownsSimulator = ownsSimulator;
        Strategy = strategy;
        Engine = engine;
        Persistence = persistence;
        Clock = clock;
        Lockstep = lockstep;
    }

    /// <summary>The wrapper that steps a threaded engine through the virtual venue one event at a time; null inline.</summary>
    public LockstepVenue? Lockstep { get; }

    public ExchangeSimulator Simulator { get; }

    public BasicMarketMaker Strategy { get; }

    public TradingEngine Engine { get; }

    public PersistenceManager? Persistence { get; }

    public ManualMonotonicClock? Clock { get; }

    public EngineRecoveryReport? Recovery { get; private set; }

    public static BasicMarketMakerOptions StrategyOptions() => new()
    {
        BaseSpreadBps = 2,
        MinSpreadBps = 1,
        OrderQuantity = 0.05m,
        MinOrderQuantity = 0.01m,
        MaxOrderQuantity = 1m,
        MaxPosition = 5m,
        MaxLevels = 2,
        QuoteUpdateInterval = TimeSpan.FromMilliseconds(50),
        OrderTimeout = TimeSpan.FromSeconds(2),
        CancelRetryInterval = TimeSpan.FromMilliseconds(200),
        Capital = 1_000_000m,
    };

    /// <summary>The runs' simulator (virtual time): takers 10/s, the seed's market.</summary>
    public static ExchangeSimulator CreateSimulator(long seed, Action<ExchangeSimulatorOptions>? configure = null)
    {
        var options = SimulatorTestKit.Options(seed);
        options.Takers.RatePerSecond = 10;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 };
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 };
        configure?.Invoke(options);
        return new ExchangeSimulator(options);
    }

    /// <summary>An inline engine in the simulator's virtual time: the same seed gives the same run.</summary>
    public static Task<EngineRun> StartInlineAsync(long seed, string? dataDirectory = null, TimeSpan? snapshotInterval = null, Action<ExchangeSimulatorOptions>? configure = null, Func<ExchangeSimulator, (IMarketDataConnector, IOrderEntryConnector)>? wrap = null, Security.Audit.IAuditLog? audit = null, ILoggerFactory? loggerFactory = null) =>
        StartAsync(seed, EngineThreading.Inline, dataDirectory, snapshotInterval, configure, wrap, audit, loggerFactory: loggerFactory);

    /// <summary>
    /// An engine in the simulator's virtual time. Inline, the same seed gives the same run. Threaded layouts run
    /// their real threads, stepped by a <see cref="LockstepVenue"/>: each event is handed over only when the engine
    /// has finished the one before (and sent what it decided), with the clock at the event's time, as inline.
    /// <c>configureEngine</c> changes the engine's options (stop timeout 30 s by default); <c>venue</c> is a simulator
    /// that already runs (a restart against a venue that kept our orders), which the run does not dispose.
    /// </summary>
    public static async Task<EngineRun> StartAsync(long seed, EngineThreading threading, string? dataDirectory = null, TimeSpan? snapshotInterval = null, Action<ExchangeSimulatorOptions>? configure = null, Func<ExchangeSimulator, (IMarketDataConnector, IOrderEntryConnector)>? wrap = null, Security.Audit.IAuditLog? audit = null, TimeSpan? timerInterval = null, Action<TradingEngineOptions>? configureEngine = null, ExchangeSimulator? venue = null, ILoggerFactory? loggerFactory = null)
    {
        var simulator = venue ?? CreateSimulator(seed, configure);
        var inline = threading == EngineThreading.Inline;

        // A threaded engine's clock stands for a real one, which a restart finds at the venue's time; inline it follows the events from 0.
        var clock = new ManualMonotonicClock(venue is null || inline ? 0 : simulator.NowNanoseconds);
        var strategyOptions = StrategyOptions();
        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, strategyOptions, clock, position: new PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m));
        var engineOptions = new TradingEngineOptions
        {
            Threading = threading,
            ClockFollowsEvents = inline,
            TimerInterval = timerInterval ?? TimeSpan.FromMilliseconds(100),
            SnapshotInterval = snapshotInterval ?? TimeSpan.Zero,
            StopTimeout = TimeSpan.FromSeconds(30),
            Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions(), AcknowledgementTimeout = TimeSpan.FromSeconds(1) },
        };
        configureEngine?.Invoke(engineOptions);
        var persistence = dataDirectory is null ? null : new PersistenceManager(new PersistenceOptions { DataDirectory = dataDirectory, SnapshotIntervalMin = 0, JournalSegmentSize = 1 << 20 });
        var (marketData, orderEntry) = wrap?.Invoke(simulator) ?? (simulator, simulator);
        var lockstep = inline ? null : new LockstepVenue(marketData, orderEntry, clock);
        var engine = lockstep is null
            ? new TradingEngine(engineOptions, strategy, SimulatorTestKit.Id, marketData, orderEntry, persistence, audit, clock: clock, loggerFactory: loggerFactory)
            : new TradingEngine(engineOptions, strategy, SimulatorTestKit.Id, lockstep, lockstep, persistence, audit, clock: clock, loggerFactory: loggerFactory);
        lockstep?.Attach(engine);
        var run = new EngineRun(simulator, venue is null, strategy, engine, persistence, clock, lockstep);
        run.Recovery = await engine.StartAsync();
        return run;
    }

    /// <summary>Stops the engine while driving the virtual venue until the cancels are confirmed.</summary>
    public async Task StopAsync()
    {
        var stop = Engine.StopAsync();
        Lockstep?.Stopping(stop);
        for (var i = 0; i < 100 && !stop.IsCompleted; i++)
        {
            Simulator.RunFor(TimeSpan.FromMilliseconds(100));
        }

        await stop;
    }

    public async Task<IReadOnlyList<OpenOrder>> VenueOpenOrdersAsync() => await Simulator.GetOpenOrdersAsync(SimulatorTestKit.Id);

    /// <summary>Position in lots according to the venue's base balance.</summary>
    public async Task<long> VenuePositionLotsAsync()
    {
        var balances = await Simulator.GetBalancesAsync();
        var baseBalance = balances.Single(b => b.Currency == "SIM").Total;
        return (long)((baseBalance - InitialBase) / SimulatorTestKit.Instrument.LotSize);
    }

    /// <summary>The venue's quote balance change: what our fills and fees cost.</summary>
    public async Task<decimal> VenueQuoteChangeAsync()
    {
        var balances = await Simulator.GetBalancesAsync();
        return balances.Single(b => b.Currency == "USD").Total - InitialQuote;
    }

    public async ValueTask DisposeAsync()
    {
        if (Engine.IsRunning)
        {
            await StopAsync();
        }

        await Engine.DisposeAsync();
        Persistence?.Dispose();
        if (_ownsSimulator)
        {
            await Simulator.DisposeAsync();
        }
    }
}

/// <summary>Waiting for a threaded engine in real time.</summary>
internal static class EngineWait
{
    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails the test after 20 s, naming <paramref name="what"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(20))
            {
                Assert.Fail($"not within 20 s: {what}");
            }

            await Task.Delay(10);
        }
    }
}

internal static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "pmm-engine-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder does not affect the result.
        }
    }
}
