using System.Globalization;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Paper;
using PinnacleMM.Persistence;
using static PinnacleMM.Benchmarks.Engine.EngineBenchmarkQuoter;

namespace PinnacleMM.Benchmarks.Engine;

/// <summary>
/// The engine's own work for one market event, without threads or a simulated market: an inline engine
/// (<see cref="EngineThreading.Inline"/>) runs BasicMarketMaker (2 levels a side, as <c>engine-latency</c>) on a
/// <see cref="PaperExchange"/> fed by hand, journaling to a temporary directory or not (<see cref="Journal"/>). The
/// paper exchange answers every command at once on the same thread, so orders are open again before the next event.
/// Each operation is one level update:
/// <list type="bullet">
/// <item>the baseline changes a level deep in the bid side: applied to both books (and journaled), the strategy decides
/// again and nothing needs to be sent;</item>
/// <item>the other moves the best bid by 20 ticks (back and forth): the mid moves, all four quotes move, and the
/// engine amends them (reconcile, risk, rate limits, tracking, journal records), then handles the paper exchange's
/// four acknowledgements and the level updates that echo our orders.</item>
/// </list>
/// The cleanup prints the engine's tick-to-quote (event received → hand-over of the command) as
/// <c>TICK-TO-QUOTE</c>: in this layout it is the work on the path, without the hop between threads.
/// </summary>
[MemoryDiagnoser]
public class EngineDecisionPathBenchmarks
{

    private readonly MonotonicClock _clock = MonotonicClock.System;
    private HandFedFeed _feed = null!;
    private PaperExchange _paper = null!;
    private PersistenceManager? _persistence;
    private TradingEngine _engine = null!;
    private string? _directory;
    private long _deepLots = 100;
    private bool _bidUp;

    /// <summary>
    /// Whether the engine journals. Inline, every record is also encoded and appended on the calling thread; a threaded
    /// engine leaves that to its persistence thread, so the run without a journal is closer to the strategy thread's work.
    /// </summary>
    [Params(true, false)]
    public bool Journal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Journal)
        {
            _directory = Path.Combine(Path.GetTempPath(), "pinnaclemm-decision-path-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(_directory);
            _persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = _directory, SnapshotIntervalMin = 0 });
        }

        var registry = new InstrumentRegistry();
        registry.Register(Instrument);
        _feed = new HandFedFeed();
        _paper = new PaperExchange(
            new PaperExchangeOptions
            {
                Instruments = registry,
                SupportsAmend = true,
                ScheduleDelivery = false,
                InitialBalances = new Dictionary<string, decimal> { ["USD"] = 1_000_000_000m, ["SIM"] = 1_000_000m },
            },
            _feed);
        var strategyOptions = StrategyOptions();
        var strategy = Strategy(strategyOptions);
        _engine = new TradingEngine(
            new TradingEngineOptions
            {
                Threading = EngineThreading.Inline,
                SnapshotInterval = TimeSpan.Zero,
                Orders = new OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions() },
            },
            strategy,
            Id,
            _paper.MarketData,
            _paper,
            _persistence);
        _engine.StartAsync().GetAwaiter().GetResult();

        // A book 1,000.00 bid / 1,000.40 ask with ten levels a side; quotes then rest inside it.
        Send(MarketEvent.Status(Id, ConnectionState.Syncing, 0, 0, _clock.NowNanoseconds));
        Send(MarketEvent.SnapshotBegin(Id, 0, 0, _clock.NowNanoseconds));
        for (var i = 0; i < 10; i++)
        {
            Send(MarketEvent.SnapshotLevel(Id, Side.Buy, new Price(100_000 - (i * 10)), new Quantity(500), 1, 0, 0, _clock.NowNanoseconds));
            Send(MarketEvent.SnapshotLevel(Id, Side.Sell, new Price(100_040 + (i * 10)), new Quantity(500), 1, 0, 0, _clock.NowNanoseconds));
        }

        Send(MarketEvent.SnapshotEnd(Id, 0, 0, _clock.NowNanoseconds));
        Send(MarketEvent.Status(Id, ConnectionState.Synced, 0, 0, _clock.NowNanoseconds));
        if (_engine.TickToQuote.Count == 0)
        {
            throw new InvalidOperationException($"the strategy did not quote on the snapshot (engine fault: {_engine.Fault?.Message ?? "none"})");
        }

        // Warm up (tiered compilation, PGO) before the measured iterations.
        for (var i = 0; i < 20_000; i++)
        {
            DeepLevelChanges();
            BestBidMoves();
        }
    }

    [Benchmark(Baseline = true, Description = "deep level changes, no command")]
    public long DeepLevelChanges()
    {
        _deepLots = _deepLots == 100 ? 200 : 100;
        Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(99_950), new Quantity(_deepLots), 1, 0, 0, _clock.NowNanoseconds));
        return _engine.MarketEventsProcessed;
    }

    [Benchmark(Description = "best bid moves 20 ticks, 4 amends acknowledged")]
    public long BestBidMoves()
    {
        _bidUp = !_bidUp;
        var sent = _engine.TickToQuote.Count;
        if (_bidUp)
        {
            Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(100_020), new Quantity(500), 1, 0, 0, _clock.NowNanoseconds));
        }
        else
        {
            Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(100_020), Quantity.Zero, 0, 0, 0, _clock.NowNanoseconds));
        }

        return _engine.TickToQuote.Count - sent;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var p = _engine.TickToQuote.GetPercentiles();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"TICK-TO-QUOTE inline, journal {Journal}: n = {p.Count}, p50 = {p.P50} ns, p90 = {p.P90} ns, p99 = {p.P99} ns, mean = {_engine.TickToQuote.Mean:F0} ns; market events {_engine.MarketEventsProcessed}"));
        _engine.StopAsync().GetAwaiter().GetResult();
        _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _paper.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _persistence?.Dispose();
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private void Send(in MarketEvent e) => _feed.Send(e);

    /// <summary>The live feed under the paper exchange: each <see cref="Send"/> is delivered at once on the caller's thread.</summary>
    private sealed class HandFedFeed : IMarketDataConnector
    {
        private IMarketDataSink? _sink;

        public string Venue => "hand-fed";

        public ConnectionState State { get; private set; }

        public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
        {
            _sink = sink;
            State = ConnectionState.Synced;
            return ValueTask.CompletedTask;
        }

        public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public void Send(in MarketEvent marketEvent) => _sink!.OnMarketEvent(marketEvent);

        public ValueTask DisposeAsync()
        {
            State = ConnectionState.Disconnected;
            return ValueTask.CompletedTask;
        }
    }
}
