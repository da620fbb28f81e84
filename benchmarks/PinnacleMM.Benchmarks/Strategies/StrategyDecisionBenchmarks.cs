using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Benchmarks.Strategies;

/// <summary>
/// One strategy decision as the engine will run it: a book update in, <see cref="BasicMarketMaker"/>'s
/// desired quotes out (3 levels a side), reconciled against the live orders and every action risk-checked.
/// The baseline is the decision alone. Target (issue 5 §7): at most 200 ns and 0 B per decision.
/// </summary>
[MemoryDiagnoser]
public class StrategyDecisionBenchmarks
{
    private readonly ManualMonotonicClock _clock = new(1);
    private readonly QuoteAction[] _actions = new QuoteAction[32];
    private readonly LiveOrder[] _live = new LiveOrder[6];
    private BasicMarketMaker _strategy = null!;
    private QuoteReconciler _reconciler = null!;
    private PreTradeRisk _risk = null!;
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        var instrument = new InstrumentSpec("BTC-USD", 0.01m, 0.001m);
        var options = new BasicMarketMakerOptions { QuoteUpdateInterval = TimeSpan.Zero };
        _strategy = new BasicMarketMaker(instrument, options, _clock);
        _reconciler = new QuoteReconciler(options.ToReconcilerOptions() with { PriceToleranceTicks = 5 });
        _risk = new PreTradeRisk(new RiskLimits { MaxPositionLots = 10_000 });
        _strategy.Book.ApplySnapshot([new DepthLevel(new Price(999_000), new Quantity(1_000), 0)], [new DepthLevel(new Price(1_001_000), new Quantity(1_000), 0)]);
        _strategy.OnBookUpdated();
        var n = 0;
        foreach (var l in _strategy.Quotes.Bids)
        {
            _live[n] = new LiveOrder(n + 1, Side.Buy, l.Price, l.Quantity, 1);
            n++;
        }

        foreach (var l in _strategy.Quotes.Asks)
        {
            _live[n] = new LiveOrder(n + 1, Side.Sell, l.Price, l.Quantity, 1);
            n++;
        }
    }

    [Benchmark(Baseline = true)]
    public int Decide()
    {
        _clock.Advance(1_000);
        _strategy.Book.SetLevel(Side.Buy, new Price(999_000), new Quantity(1_000 + (++_i & 63)));
        _strategy.OnBookUpdated();
        return _strategy.Quotes.BidCount;
    }

    [Benchmark]
    public int DecideReconcileAndRiskCheck()
    {
        _clock.Advance(1_000);
        _strategy.Book.SetLevel(Side.Buy, new Price(999_000 + (++_i & 3)), new Quantity(1_000));
        _strategy.OnBookUpdated();
        var now = _clock.NowNanoseconds;
        var n = _reconciler.Reconcile(_strategy.Quotes, _live, now, _actions);
        var passed = 0;
        for (var k = 0; k < n; k++)
        {
            passed += _risk.Check(_actions[k], 0, 0, 0, _live.Length, _strategy.MidHalfTicks, now) == RiskRejectReason.None ? 1 : 0;
        }

        return passed;
    }
}
