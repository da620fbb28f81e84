using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>The strategy's trading states: kill switch, circuit breaker, operator pause / reduce / resume, and what the reconciler and pre-trade risk do with them.</summary>
[TestClass]
public sealed class StrategyRiskTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    private static void SetBook(MarketMakerStrategy s, long bid, long ask) =>
        Assert.AreEqual(DepthBookResultCode.Applied, s.Book.ApplySnapshot([new DepthLevel(new Price(bid), new Quantity(1_000), 0)], [new DepthLevel(new Price(ask), new Quantity(1_000), 0)]));

    private static void Fill(MarketMakerStrategy s, Side side, long lots) =>
        s.OnOrderEvent(OrderEvent.Fill(1, side, new Price(1_000_000), new Quantity(lots), Liquidity.Maker, 1));

    private static string Summary(MarketMakerStrategy s) => $"{s.State}: {s.Quotes.BidCount} bids, {s.Quotes.AskCount} asks";

    [TestMethod]
    public void DailyLossLimitPercent_halts_at_that_loss_of_capital_until_the_next_UTC_day()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));
        var s = new BasicMarketMaker(Btc, new BasicMarketMakerOptions { DailyLossLimitPercent = 2, StopLossPercent = 50, MaxDrawdownPercent = 100 }, new ManualMonotonicClock(1), time);
        SetBook(s, 999_000, 1_001_000);
        Fill(s, Side.Buy, 1_000); // long 1.0 at 10000.00
        SetBook(s, 979_999, 980_003); // marked at 9800.01: a loss of 199.99, under 2 % of 10 000
        s.OnTimer();
        s.Requote();
        Assert.AreEqual("Active: 3 bids, 3 asks", Summary(s));
        SetBook(s, 979_998, 980_002); // 9800.00: a loss of exactly 200
        s.OnTimer();
        s.Requote();
        Assert.AreEqual("Halted: 0 bids, 0 asks", Summary(s));
        Assert.AreEqual("kill switch: loss since the start of the UTC day reached the limit", s.Risk.StateReason);
        Assert.AreEqual(1L, s.KillSwitch!.TripCount(KillSwitchReason.DailyLoss));

        time.Now = new DateTimeOffset(2025, 3, 5, 0, 0, 1, TimeSpan.Zero);
        s.OnTimer();
        s.Requote();
        Assert.AreEqual("Active: 3 bids, 3 asks", Summary(s));

        // Off (the default): the same loss does not halt.
        var off = new BasicMarketMaker(Btc, new BasicMarketMakerOptions { StopLossPercent = 50, MaxDrawdownPercent = 100 }, new ManualMonotonicClock(1), time);
        SetBook(off, 999_000, 1_001_000);
        Fill(off, Side.Buy, 1_000);
        SetBook(off, 979_998, 980_002);
        off.OnTimer();
        off.Requote();
        Assert.AreEqual("Active: 3 bids, 3 asks", Summary(off));
    }

    private static AvellanedaStoikovMarketMaker Stressed(CircuitBreakerOptions breaker, ManualMonotonicClock clock) =>
        new(Btc, new AvellanedaStoikovOptions { Volatility = 0.5, QuoteUpdateInterval = TimeSpan.Zero, CircuitBreaker = breaker }, clock);

    [TestMethod]
    public void Circuit_breaker_on_the_market_spread_widens_the_model_spread_by_its_factor()
    {
        // 9990 / 10010 is 20 bps wide. δ = 1.5 + 20 ln(1 + 0.1/1.5) USD, doubled above a 15 bps threshold.
        var delta = 1.5 + (20 * Math.Log(1 + (0.1 / 1.5)));
        string Expect(double d) => $"B {(long)Math.Floor((10_000 - (d / 2)) / 0.01)}x10 | A {(long)Math.Ceiling((10_000 + (d / 2)) / 0.01)}x10";

        var clock = new ManualMonotonicClock(1);
        var s = Stressed(new CircuitBreakerOptions { SpreadThresholdBps = 15, WidenFactor = 2 }, clock);
        SetBook(s, 999_000, 1_001_000);
        s.Requote();
        Assert.AreEqual(Expect(2 * delta), BasicMarketMakerTests.Format(s.Quotes));
        Assert.AreEqual(TradingState.Active, s.State);

        SetBook(s, 999_500, 1_000_500); // 10 bps: calm again
        s.Requote();
        Assert.AreEqual(Expect(delta), BasicMarketMakerTests.Format(s.Quotes));
        Assert.AreEqual(1L, s.CircuitBreaker!.TripCount);
    }

    [TestMethod]
    public void Circuit_breaker_pause_quotes_nothing_until_the_stress_has_been_gone_for_the_cooldown()
    {
        var clock = new ManualMonotonicClock(1);
        var s = Stressed(new CircuitBreakerOptions { SpreadThresholdBps = 15, Action = CircuitBreakerAction.Pause, Cooldown = TimeSpan.FromMilliseconds(500) }, clock);
        SetBook(s, 999_000, 1_001_000);
        s.Requote();
        Assert.AreEqual("Halted: 0 bids, 0 asks", Summary(s));
        Assert.AreEqual("circuit breaker: market stress, quoting paused", s.Risk.StateReason);

        SetBook(s, 999_500, 1_000_500);
        clock.Advance(499_999_999);
        s.Requote();
        Assert.AreEqual("Halted: 0 bids, 0 asks", Summary(s));
        clock.Advance(1);
        s.Requote();
        Assert.AreEqual("Active: 1 bids, 1 asks", Summary(s));
    }

    [TestMethod]
    public void Pause_cancels_everything_through_the_reconciler_and_risk_refuses_new_orders_until_resume()
    {
        var s = new BasicMarketMaker(Btc, new BasicMarketMakerOptions { MaxLevels = 1 }, new ManualMonotonicClock(1));
        SetBook(s, 999_000, 1_001_000);
        s.Requote();
        LiveOrder[] live = [new(1, Side.Buy, s.Quotes.Bids[0].Price, s.Quotes.Bids[0].Quantity, 1), new(2, Side.Sell, s.Quotes.Asks[0].Price, s.Quotes.Asks[0].Quantity, 1)];
        var reconciler = new QuoteReconciler(new QuoteReconcilerOptions());
        var actions = new QuoteAction[8];

        s.Pause("operator: venue maintenance");
        s.Requote();
        Assert.AreEqual((TradingState.Halted, "operator: venue maintenance"), (s.State, s.Risk.StateReason));
        var n = reconciler.Reconcile(s.Quotes, live, 2, actions);
        Assert.AreEqual("Cancel 1, Cancel 2", string.Join(", ", actions[..n].Select(a => $"{a.Kind} {a.OrderId}")));
        Assert.IsTrue(actions[..n].All(a => s.Risk.Check(a, 0, 0, 0, 2, s.MidHalfTicks, 2) == RiskRejectReason.None));
        var place = new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(999_500), new Quantity(10));
        Assert.AreEqual(RiskRejectReason.Halted, s.Risk.Check(place, 0, 0, 0, 0, s.MidHalfTicks, 2));
        Assert.AreEqual((1L, 1L), (s.Risk.RejectionCount(RiskRejectReason.Halted), s.Risk.RejectedCount));

        s.Resume("operator: back");
        s.Requote();
        Assert.AreEqual("Active: 1 bids, 1 asks", Summary(s));
        Assert.AreEqual(RiskRejectReason.None, s.Risk.Check(place, 0, 0, 0, 0, s.MidHalfTicks, 2));
    }

    [TestMethod]
    public void Reduce_quotes_only_towards_flat_and_never_past_it()
    {
        var s = new BasicMarketMaker(Btc, new BasicMarketMakerOptions(), new ManualMonotonicClock(1));
        SetBook(s, 999_000, 1_001_000);
        Fill(s, Side.Buy, 15);
        s.Reduce("operator");
        s.Requote();
        Assert.AreEqual(TradingState.Reducing, s.State);
        Assert.AreEqual(0, s.Quotes.BidCount);
        Assert.AreEqual(15L, s.Quotes.Asks.ToArray().Sum(l => l.Quantity.Lots)); // 10 + 5 of the 10, 15, 20 wanted

        var sell = new QuoteAction(QuoteActionKind.Place, 0, Side.Sell, new Price(1_000_500), new Quantity(16));
        Assert.AreEqual(RiskRejectReason.ReduceOnly, s.Risk.Check(sell, 15, 0, 0, 0, s.MidHalfTicks, 1));
        s.Resume("operator");
        s.Requote();
        Assert.AreEqual("Active: 3 bids, 3 asks", Summary(s));
    }

    [TestMethod]
    public void Manual_and_automatic_states_combine_to_the_more_restrictive()
    {
        var risk = new PreTradeRisk(new RiskLimits());
        risk.Reduce("operator");
        risk.SetAutomaticState(TradingState.Halted, "kill switch");
        Assert.AreEqual((TradingState.Halted, "kill switch"), (risk.State, risk.StateReason));
        risk.SetAutomaticState(TradingState.Active, string.Empty);
        Assert.AreEqual((TradingState.Reducing, "operator"), (risk.State, risk.StateReason));
        risk.SetAutomaticState(TradingState.Reducing, "stop loss");
        risk.Resume("operator");
        Assert.AreEqual((TradingState.Active, TradingState.Active, string.Empty), (risk.ManualState, risk.AutomaticState, risk.StateReason));
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => risk.SetAutomaticState((TradingState)7, "x"));
        StringAssert.StartsWith(e.Message, "state 7 is not Active, Reducing or Halted.", StringComparison.Ordinal);
        Assert.AreEqual(TradingState.Active, risk.State);
    }

    [TestMethod]
    public void A_decision_with_kill_switch_and_circuit_breaker_allocates_nothing()
    {
        var clock = new ManualMonotonicClock(1);
        var s = new AvellanedaStoikovMarketMaker(Btc, new AvellanedaStoikovOptions
        {
            QuoteUpdateInterval = TimeSpan.Zero,
            KillSwitch = new KillSwitchOptions { MaxDrawdown = 1_000, DailyLossLimit = 500, StopLossPercent = 3, TakeProfitPercent = 5 },
            CircuitBreaker = new CircuitBreakerOptions { SpreadThresholdBps = 15, VolatilityThresholdBps = 1 },
        }, clock);
        SetBook(s, 999_000, 1_001_000);
        Fill(s, Side.Buy, 5);
        s.OnBookUpdated();
        void Decisions()
        {
            for (var i = 0; i < 2_000; i++)
            {
                clock.Advance(10_000_000);
                s.Book.SetLevel(Side.Buy, new Price(999_000 + (i % 7)), new Quantity(1_000 + i));
                s.OnBookUpdated();
                s.OnTimer();
            }
        }

        Decisions();
        SteadyState.AssertAllocatesNothing("2,000 decisions under the kill switch and circuit breaker", Decisions);
    }
}
