using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Benchmarks.Simulator;

/// <summary>
/// Exchange simulator throughput in virtual time: one invocation runs the simulation until
/// <see cref="EventsPerInvoke"/> events have been delivered to the sinks (it may overshoot by one batch, which
/// only makes the per-event time look worse), so the reported time is per delivered event. Every event is
/// a real simulation step: a participant order through the Core order book, the book's level changes and
/// trades sent out after the market data delay, tickers, our own commands and their answers.
/// Target (issue 6 §8): at least 1,000,000 events per second (≤ 1,000 ns per event), 0 B per event.
/// </summary>
[MemoryDiagnoser]
public class SimulatorThroughputBenchmarks
{
    public const int EventsPerInvoke = 100_000;

    private static readonly InstrumentSpec Instrument = new("SIM-USD", 0.01m, 0.001m);
    private static readonly InstrumentId Id = new(1);

    private Harness _default = null!;
    private Harness _busy = null!;
    private Harness _quoting = null!;

    [GlobalSetup]
    public void Setup()
    {
        _default = new Harness(Options(), quote: false);
        _busy = new Harness(Busy(), quote: false);
        _quoting = new Harness(Options(), quote: true);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var harness in new[] { _default, _busy, _quoting })
        {
            Console.WriteLine($"// {harness.Name}: {harness.Simulator.GetStatistics()}");
            harness.Simulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>The default market (≈ 70 participant arrivals per virtual second), market data subscribed.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = EventsPerInvoke)]
    public long DefaultMarket() => _default.Run();

    /// <summary>Every participant ten times as active, and a deeper book (up to 20,000 resting orders).</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long BusyMarket() => _busy.Run();

    /// <summary>The default market plus our quoter: two orders amended to the touch on every ticker, answered and filled.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvoke)]
    public long DefaultMarketWithQuoting() => _quoting.Run();

    private static ExchangeSimulatorOptions Options() => new()
    {
        Instrument = Instrument,
        InstrumentId = Id,
        Seed = 1,
        InitialPrice = 100m,
        MakerFeeRate = 0.0002m,
        TakerFeeRate = 0.0005m,
    };

    private static ExchangeSimulatorOptions Busy()
    {
        var options = Options();
        options.MaxRestingOrders = 20_000;
        options.InitialDepthLevels = 100;
        options.Takers.RatePerSecond *= 10;
        options.Makers.RatePerSecond *= 10;
        options.NoiseTraders.RatePerSecond *= 10;
        options.InformedTraders.RatePerSecond *= 10;
        return options;
    }

    private sealed class Harness : IMarketDataSink, IExecutionSink
    {
        private readonly bool _quote;
        private long _delivered;
        private long _checksum;

        public Harness(ExchangeSimulatorOptions options, bool quote)
        {
            _quote = quote;
            Name = quote ? "quoting" : options.MaxRestingOrders > 10_000 ? "busy" : "default";
            Simulator = new ExchangeSimulator(options);
            Simulator.ConnectAsync((IMarketDataSink)this).AsTask().GetAwaiter().GetResult();
            Simulator.ConnectAsync((IExecutionSink)this).AsTask().GetAwaiter().GetResult();
            Simulator.SubscribeAsync(Id).AsTask().GetAwaiter().GetResult();
            if (quote)
            {
                Simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9_000), new Quantity(5), postOnly: true)).AsTask().GetAwaiter().GetResult();
                Simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(2), Side.Sell, new Price(11_000), new Quantity(5), postOnly: true)).AsTask().GetAwaiter().GetResult();
            }

            // Warm up: the book, queues and maps reach their working size.
            Simulator.RunFor(TimeSpan.FromSeconds(300));
        }

        public string Name { get; }

        public ExchangeSimulator Simulator { get; }

        public long Run()
        {
            var until = _delivered + EventsPerInvoke;
            while (_delivered < until)
            {
                Simulator.RunFor(TimeSpan.FromMilliseconds(100));
            }

            return _checksum;
        }

        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            _delivered++;
            _checksum += marketEvent.Price.Ticks;
            if (_quote && marketEvent.Kind == MarketEventKind.Ticker && marketEvent.BestBidPrice.Ticks > 1 && marketEvent.BestAskPrice.Ticks > 0)
            {
                // Filled orders are gone: amending them is answered with a reject, which is also a path worth timing.
                _ = Simulator.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), marketEvent.BestBidPrice, new Quantity(5)));
                _ = Simulator.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(2), marketEvent.BestAskPrice, new Quantity(5)));
            }
        }

        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
            _delivered++;
            _checksum += executionEvent.Quantity.Lots;
        }
    }
}
