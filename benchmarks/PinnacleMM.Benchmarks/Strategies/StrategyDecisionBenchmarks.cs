using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Benchmarks.Strategies;

/// <summary>
/// One strategy decision as the engine runs it: a book update in, the desired quotes out (BasicMarketMaker: 3 levels a
/// side; Avellaneda–Stoikov: 1, with kill switch and circuit breaker configured), reconciled against the live orders and
/// every action risk-checked, the accepted actions applied to the live-order table (so orders stay as fresh as an
/// engine's would). The best bid moves within 8 ticks and its size changes on every update, so quotes move and some
/// updates amend. The baseline is BasicMarketMaker's decision alone. Target (issue 5 §7): at most 200 ns and 0 B.
/// </summary>
[MemoryDiagnoser]
public class StrategyDecisionBenchmarks
{
    private readonly ManualMonotonicClock _clock = new(1);
    private readonly QuoteAction[] _actions = new QuoteAction[32];
    private Engine _basic = null!;
    private Engine _avellanedaStoikov = null!;
    private long _i;

    [GlobalSetup]
    public void Setup()
    {
        var instrument = new InstrumentSpec("BTC-USD", 0.01m, 0.001m);
        var basicOptions = new BasicMarketMakerOptions { QuoteUpdateInterval = TimeSpan.Zero };
        _basic = new Engine(new BasicMarketMaker(instrument, basicOptions, _clock, risk: new PreTradeRisk(new RiskLimits { MaxPositionLots = 10_000 })), basicOptions.ToReconcilerOptions() with { PriceToleranceTicks = 5 });
        var asOptions = new AvellanedaStoikovOptions
        {
            QuoteUpdateInterval = TimeSpan.Zero,
            KillSwitch = new KillSwitchOptions { MaxDrawdown = 500, DailyLossLimit = 300, StopLossPercent = 3, TakeProfitPercent = 5 },
            CircuitBreaker = new CircuitBreakerOptions { SpreadThresholdBps = 50, VolatilityThresholdBps = 5 },
        };
        _avellanedaStoikov = new Engine(new AvellanedaStoikovMarketMaker(instrument, asOptions, _clock, risk: new PreTradeRisk(new RiskLimits { MaxPositionLots = 10_000 })), new QuoteReconcilerOptions { PriceToleranceTicks = 5 });
        foreach (var e in new[] { _basic, _avellanedaStoikov })
        {
            e.Strategy.Book.ApplySnapshot([new DepthLevel(new Price(999_000), new Quantity(1_000), 0)], [new DepthLevel(new Price(1_001_000), new Quantity(1_000), 0)]);
            e.Strategy.OnBookUpdated();
            e.Reconcile(_clock.NowNanoseconds, _actions);
        }
    }

    [Benchmark(Baseline = true)]
    public int Decide() => Update(_basic).Quotes.BidCount;

    [Benchmark]
    public int DecideReconcileAndRiskCheck() => Update(_basic) is var _ ? _basic.Reconcile(_clock.NowNanoseconds, _actions) : 0;

    [Benchmark]
    public int DecideAvellanedaStoikov() => Update(_avellanedaStoikov).Quotes.BidCount;

    [Benchmark]
    public int DecideAvellanedaStoikovReconcileAndRiskCheck() => Update(_avellanedaStoikov) is var _ ? _avellanedaStoikov.Reconcile(_clock.NowNanoseconds, _actions) : 0;

    private MarketMakerStrategy Update(Engine engine)
    {
        _clock.Advance(1_000);
        var i = ++_i;
        engine.Strategy.Book.SetLevel(Side.Buy, new Price(999_000 + (i & 7)), new Quantity(1_000 + (i & 63)));
        engine.Strategy.OnBookUpdated();
        return engine.Strategy;
    }

    /// <summary>The part of the engine that holds live orders: reconcile, risk-check, apply what passed.</summary>
    private sealed class Engine(MarketMakerStrategy strategy, QuoteReconcilerOptions options)
    {
        private readonly QuoteReconciler _reconciler = new(options);
        private readonly LiveOrder[] _live = new LiveOrder[16];
        private int _liveCount;
        private long _nextId = 1;

        public MarketMakerStrategy Strategy { get; } = strategy;

        public int Reconcile(long now, QuoteAction[] actions)
        {
            var n = _reconciler.Reconcile(Strategy.Quotes, _live.AsSpan(0, _liveCount), now, actions);
            var passed = 0;
            for (var a = 0; a < n; a++)
            {
                ref readonly var action = ref actions[a];
                if (Strategy.Risk.Check(in action, Strategy.Position.PositionLots, 0, 0, _liveCount, Strategy.MidHalfTicks, now) != RiskRejectReason.None)
                {
                    continue;
                }

                passed++;
                Apply(in action, now);
            }

            return passed;
        }

        private void Apply(in QuoteAction action, long now)
        {
            if (action.Kind == QuoteActionKind.Place)
            {
                _live[_liveCount++] = new LiveOrder(_nextId++, action.Side, action.Price, action.Quantity, now);
                return;
            }

            for (var j = 0; j < _liveCount; j++)
            {
                if (_live[j].OrderId != action.OrderId)
                {
                    continue;
                }

                if (action.Kind == QuoteActionKind.Amend)
                {
                    _live[j] = new LiveOrder(action.OrderId, action.Side, action.Price, action.Quantity, now);
                }
                else
                {
                    _live[j] = _live[--_liveCount];
                }

                return;
            }
        }
    }
}
