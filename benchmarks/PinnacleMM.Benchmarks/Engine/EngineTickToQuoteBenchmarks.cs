using System.Globalization;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Benchmarks.Engine.EngineBenchmarkQuoter;

namespace PinnacleMM.Benchmarks.Engine;

/// <summary>
/// Tick-to-quote through the threaded engine with the simulator: each operation advances the simulated
/// market by 1 ms of virtual time on the benchmark thread, which delivers its book updates, trades and our
/// executions into the engine's rings (stamped with the monotonic clock on delivery); the strategy thread
/// decides on every book update (no throttle), reconciles and risk-checks, and the execution thread hands the
/// commands back to the simulator. The engine's own histogram measures each command from the receipt of the
/// market event that triggered it to its hand-over to the connector ("market event in → order command out");
/// the percentiles are printed at cleanup as <c>TICK-TO-QUOTE</c> lines. Each operation waits until the strategy
/// thread has taken the events it delivered, so the rings never back up (the latency is the engine's, not a
/// queue's); events delivered in one step still queue behind each other, as in a burst. The baseline steps the
/// same market with a sink that only counts.
/// </summary>
[MemoryDiagnoser]
public class EngineTickToQuoteBenchmarks
{

    private ExchangeSimulator? _alone;
    private ExchangeSimulator? _simulator;
    private TradingEngine? _engine;

    /// <summary>How the engine's strategy and execution threads wait.</summary>
    [Params(WaitStrategy.BusySpin, WaitStrategy.Yielding)]
    public WaitStrategy Wait { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _alone = new ExchangeSimulator(MarketOptions(receiveClock: null));
        _alone.ConnectAsync((IMarketDataSink)new CountingSink()).AsTask().GetAwaiter().GetResult();
        _alone.ConnectAsync((IExecutionSink)new CountingSink()).AsTask().GetAwaiter().GetResult();
        _alone.SubscribeAsync(Id).AsTask().GetAwaiter().GetResult();

        _simulator = new ExchangeSimulator(MarketOptions(MonotonicClock.System));
        var strategyOptions = StrategyOptions();
        var strategy = Strategy(strategyOptions);
        _engine = new TradingEngine(
            new TradingEngineOptions
            {
                WaitStrategy = Wait,
                Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions() },
            },
            strategy,
            Id,
            _simulator,
            _simulator);
        _engine.StartAsync().GetAwaiter().GetResult();

        // Warm up (tiered compilation) before the measured iterations.
        for (var i = 0; i < 2_000; i++)
        {
            ThroughEngine();
            _alone.RunFor(TimeSpan.FromMilliseconds(1));
        }
    }

    [Benchmark(Baseline = true, Description = "market 1 ms, counting sink")]
    public long MarketAlone() => _alone!.RunFor(TimeSpan.FromMilliseconds(1));

    [Benchmark(Description = "market 1 ms through the threaded engine")]
    public long ThroughEngine()
    {
        var delivered = _simulator!.RunFor(TimeSpan.FromMilliseconds(1));

        // Paced: wait until the strategy thread has taken every market event delivered so far, so that the
        // latency measured is the engine's, not a queue's (a saturated ring would measure the backlog).
        var marketEvents = _simulator.GetStatistics().MarketEventsDelivered;
        var spin = default(SpinWait);
        while (_engine!.MarketEventsProcessed < marketEvents)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }

        return delivered;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        var engine = _engine!;
        engine.StopAsync().GetAwaiter().GetResult();
        var p = engine.TickToQuote.GetPercentiles();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"TICK-TO-QUOTE {Wait}: n = {p.Count}, p50 = {p.P50} ns, p90 = {p.P90} ns, p99 = {p.P99} ns, p99.9 = {p.P999} ns, max = {p.Max} ns, mean = {engine.TickToQuote.Mean:F0} ns; orders sent {engine.Status.OrdersSent}, market events {engine.MarketEventsProcessed}"));
        engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _simulator!.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _alone!.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static ExchangeSimulatorOptions MarketOptions(MonotonicClock? receiveClock)
    {
        var options = new ExchangeSimulatorOptions
        {
            Instrument = Instrument,
            InstrumentId = Id,
            Seed = 17,
            InitialPrice = 100m,
            InitialQuoteBalance = 1_000_000_000m,
            InitialBaseBalance = 1_000_000m,
            ReceiveClock = receiveClock,
            Latency = { OrderEntry = TimeSpan.FromMicroseconds(100), MarketData = TimeSpan.FromMicroseconds(100) },
        };
        options.Makers.RatePerSecond = 400;
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 };
        options.Takers.RatePerSecond = 50;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 };
        options.NoiseTraders.RatePerSecond = 200;
        return options;
    }

    private sealed class CountingSink : IMarketDataSink, IExecutionSink
    {
        public long Count { get; private set; }

        public void OnMarketEvent(in MarketEvent marketEvent) => Count++;

        public void OnExecutionEvent(in ExecutionEvent executionEvent) => Count++;
    }
}
