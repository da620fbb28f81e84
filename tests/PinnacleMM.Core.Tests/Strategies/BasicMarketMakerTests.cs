using PinnacleMM.Testing;
using System.Globalization;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>
/// Scripted markets with exact expected quotes: a baseline, then each parameter changed on its own. The
/// baseline market is 9990.00 / 10010.00 (mid 1 000 000 ticks of 0.01, 20 bps wide) with 1.000 on each
/// side, flat position: default spread 10 bps gives a half-spread of 500 ticks, spacing 0.1 bps is 10
/// ticks, order quantity 0.01 is 10 lots, depth factor 0.5 gives 10, 15, 20.
/// </summary>
[TestClass]
public sealed class BasicMarketMakerTests
{
    private const string Baseline = "B 999500x10 999490x15 999480x20 | A 1000500x10 1000510x15 1000520x20";
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    internal static string Format(DesiredQuotes q) =>
        "B " + string.Join(" ", q.Bids.ToArray().Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Price.Ticks}x{l.Quantity.Lots}")))
        + " | A " + string.Join(" ", q.Asks.ToArray().Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Price.Ticks}x{l.Quantity.Lots}")));

    private static (BasicMarketMaker Strategy, ManualMonotonicClock Clock) Create(Action<BasicMarketMakerOptions>? configure = null, long bid = 999_000, long bidLots = 1_000, long ask = 1_001_000, long askLots = 1_000)
    {
        var options = new BasicMarketMakerOptions();
        configure?.Invoke(options);
        var clock = new ManualMonotonicClock(1);
        var s = new BasicMarketMaker(Btc, options, clock);
        SetBook(s, bid, bidLots, ask, askLots);
        return (s, clock);
    }

    private static void SetBook(BasicMarketMaker s, long bid, long bidLots, long ask, long askLots) =>
        Assert.AreEqual(DepthBookResultCode.Applied, s.Book.ApplySnapshot([new DepthLevel(new Price(bid), new Quantity(bidLots), 0)], [new DepthLevel(new Price(ask), new Quantity(askLots), 0)]));

    private static void Fill(BasicMarketMaker s, Side side, long lots, long price = 1_000_000) =>
        s.OnOrderEvent(OrderEvent.Fill(1, side, new Price(price), new Quantity(lots), Liquidity.Maker, 1));

    private static string Quote(Action<BasicMarketMakerOptions>? configure = null, long bid = 999_000, long bidLots = 1_000, long ask = 1_001_000, long askLots = 1_000, long position = 0)
    {
        var (s, _) = Create(configure, bid, bidLots, ask, askLots);
        if (position != 0)
        {
            Fill(s, position > 0 ? Side.Buy : Side.Sell, Math.Abs(position));
        }

        s.Requote();
        return Format(s.Quotes);
    }

    [TestMethod]
    public void Baseline_quotes_are_symmetric_around_the_mid_with_three_levels() => Assert.AreEqual(Baseline, Quote());

    [TestMethod]
    public void BaseSpreadBps_sets_the_distance_from_the_mid() =>
        Assert.AreEqual("B 999000x10 998990x15 998980x20 | A 1001000x10 1001010x15 1001020x20", Quote(o => o.BaseSpreadBps = 20));

    [TestMethod]
    public void MinSpreadBps_floors_the_spread_when_the_market_is_tighter_than_the_base()
    {
        // Market 9999.90 / 10000.10 is 0.2 bps wide: the spread tightens to it but not below the minimum.
        Assert.AreEqual("B 999750x10 999740x15 999730x20 | A 1000250x10 1000260x15 1000270x20", Quote(bid: 999_990, ask: 1_000_010));
        Assert.AreEqual("B 999650x10 999640x15 999630x20 | A 1000350x10 1000360x15 1000370x20", Quote(o => o.MinSpreadBps = 7, bid: 999_990, ask: 1_000_010));
    }

    [TestMethod]
    public void MaxSpreadBps_caps_the_widened_spread()
    {
        // Imbalance 0.5 (3 vs 1) widens 10 bps to 15; weight 0 keeps the reservation at the mid.
        Assert.AreEqual("B 999250x10 999240x15 999230x20 | A 1000750x10 1000760x15 1000770x20", Quote(o => o.VolumeWeightFactor = 0, bidLots: 3_000));
        Assert.AreEqual("B 999400x10 999390x15 999380x20 | A 1000600x10 1000610x15 1000620x20", Quote(o => { o.VolumeWeightFactor = 0; o.MaxSpreadBps = 12; }, bidLots: 3_000));
    }

    [TestMethod]
    public void OrderQuantity_sets_the_first_level_size() =>
        Assert.AreEqual("B 999500x20 999490x30 999480x40 | A 1000500x20 1000510x30 1000520x40", Quote(o => o.OrderQuantity = 0.02m));

    [TestMethod]
    public void MinOrderQuantity_floors_a_size_shrunk_by_inventory()
    {
        // Long 8 of max 10: q = 0.8, bids x 0.6 (6, 9, 12), asks x 1.4; reservation -0.4 half-spreads.
        Assert.AreEqual("B 999300x6 999290x9 999280x12 | A 1000300x14 1000310x21 1000320x28", Quote(position: 8_000));
        Assert.AreEqual("B 999300x8 999290x9 999280x12 | A 1000300x14 1000310x21 1000320x28", Quote(o => o.MinOrderQuantity = 0.008m, position: 8_000));
    }

    [TestMethod]
    public void MaxOrderQuantity_caps_each_level() =>
        Assert.AreEqual("B 999500x10 999490x15 999480x15 | A 1000500x10 1000510x15 1000520x15", Quote(o => o.MaxOrderQuantity = 0.015m));

    [TestMethod]
    public void TargetPosition_makes_a_flat_position_lean_towards_the_target() =>
        // Target 5 of max 10: q = -0.5; reservation +0.25 half-spreads (+125 ticks); bids x 1.25, asks x 0.75.
        Assert.AreEqual("B 999625x12 999615x18 999605x25 | A 1000625x7 1000635x11 1000645x15", Quote(o => o.TargetPosition = 5));

    [TestMethod]
    public void MaxPosition_scales_the_skew_and_limits_what_the_quotes_can_fill()
    {
        // Long 5: q = 0.5 with max 10, 0.25 with max 20.
        Assert.AreEqual("B 999375x7 999365x11 999355x15 | A 1000375x12 1000385x18 1000395x25", Quote(position: 5_000));
        Assert.AreEqual("B 999437x8 999427x13 999417x17 | A 1000438x11 1000448x16 1000458x22", Quote(o => o.MaxPosition = 20, position: 5_000));

        // Max 0.02 and flat: all bids filled may buy 20 lots at most.
        Assert.AreEqual("B 999500x10 999490x10 | A 1000500x10 1000510x10", Quote(o => o.MaxPosition = 0.02m));
    }

    [TestMethod]
    public void InventorySkewFactor_sets_how_hard_inventory_moves_prices_and_sizes()
    {
        Assert.AreEqual("B 999375x7 999365x11 999355x15 | A 1000375x12 1000385x18 1000395x25", Quote(position: 5_000));
        Assert.AreEqual("B 999250x5 999240x7 999230x10 | A 1000250x15 1000260x22 1000270x30", Quote(o => o.InventorySkewFactor = 1, position: 5_000));
        Assert.AreEqual(Baseline, Quote(o => o.InventorySkewFactor = 0, position: 5_000));
    }

    [TestMethod]
    public void PriceLevelSpacingBps_sets_the_distance_between_levels() =>
        Assert.AreEqual("B 999500x10 999450x15 999400x20 | A 1000500x10 1000550x15 1000600x20", Quote(o => o.PriceLevelSpacingBps = 0.5));

    [TestMethod]
    public void MaxLevels_sets_the_number_of_levels() =>
        Assert.AreEqual("B 999500x10 | A 1000500x10", Quote(o => o.MaxLevels = 1));

    [TestMethod]
    public void VolumeDepthFactor_grows_deeper_levels() =>
        Assert.AreEqual("B 999500x10 999490x20 999480x30 | A 1000500x10 1000510x20 1000520x30", Quote(o => o.VolumeDepthFactor = 1));

    [TestMethod]
    public void ImbalanceThreshold_decides_when_imbalance_widens_the_spread()
    {
        // I = 0.5: above 0.3 the spread is 15 bps (half 750) and the reservation leans up 0.25 x 750.
        Assert.AreEqual("B 999437x10 999427x15 999417x20 | A 1000938x10 1000948x15 1000958x20", Quote(bidLots: 3_000));
        Assert.AreEqual("B 999625x10 999615x15 999605x20 | A 1000625x10 1000635x15 1000645x20", Quote(o => o.ImbalanceThreshold = 0.6, bidLots: 3_000));
    }

    [TestMethod]
    public void VolumeWeightFactor_leans_the_quotes_towards_the_heavier_side()
    {
        Assert.AreEqual("B 999500x10 999490x15 999480x20 | A 1000500x10 1000510x15 1000520x20", Quote(o => { o.ImbalanceThreshold = 0.6; o.VolumeWeightFactor = 0; }, bidLots: 3_000));
        Assert.AreEqual("B 999750x10 999740x15 999730x20 | A 1000750x10 1000760x15 1000770x20", Quote(o => { o.ImbalanceThreshold = 0.6; o.VolumeWeightFactor = 1; }, bidLots: 3_000));
    }

    private static string AfterVolatileMids(Action<BasicMarketMakerOptions>? configure)
    {
        var (s, clock) = Create(configure);
        s.OnBookUpdated();
        clock.Advance(100_000_000);
        SetBook(s, 999_200, 1_000, 1_001_200, 1_000);   // mid +2 bps
        s.OnBookUpdated();
        clock.Advance(100_000_000);
        SetBook(s, 999_000, 1_000, 1_001_000, 1_000);   // back: about -2 bps
        Assert.IsTrue(s.OnBookUpdated());
        Assert.AreEqual(2.0, s.Volatility.VolatilityBps, 0.01);
        return Format(s.Quotes);
    }

    [TestMethod]
    public void VolatilityThreshold_and_SpreadWidenFactor_widen_the_spread_in_a_volatile_market()
    {
        Assert.AreEqual("B 999000x10 998990x15 998980x20 | A 1001000x10 1001010x15 1001020x20", AfterVolatileMids(null));
        Assert.AreEqual(Baseline, AfterVolatileMids(o => o.VolatilityThreshold = 3));
        Assert.AreEqual("B 998500x10 998490x15 998480x20 | A 1001500x10 1001510x15 1001520x20", AfterVolatileMids(o => o.SpreadWidenFactor = 3));
    }

    [TestMethod]
    public void StopLossPercent_quotes_only_the_reducing_side_once_the_loss_reaches_it()
    {
        // Long 1.0 from 10000.00; mid falls to 9650.00 (-3.5 %).
        string After(double stop)
        {
            var (s, _) = Create(o => { o.StopLossPercent = stop; o.MaxDrawdownPercent = 100; });
            Fill(s, Side.Buy, 1_000);
            SetBook(s, 963_000, 1_000, 967_000, 1_000);
            s.Requote();
            return $"{s.State}: {s.Quotes.BidCount} bids, {s.Quotes.AskCount} asks";
        }

        Assert.AreEqual("Reducing: 0 bids, 3 asks", After(3));
        Assert.AreEqual("Active: 3 bids, 3 asks", After(4));
    }

    [TestMethod]
    public void TakeProfitPercent_quotes_only_the_reducing_side_once_the_gain_reaches_it()
    {
        // Short 1.0 from 10000.00; mid falls to 9400.00 (+6 % for a short).
        string After(double takeProfit)
        {
            var (s, _) = Create(o => o.TakeProfitPercent = takeProfit);
            Fill(s, Side.Sell, 1_000);
            SetBook(s, 938_000, 1_000, 942_000, 1_000);
            s.Requote();
            return $"{s.State}: {s.Quotes.BidCount} bids, {s.Quotes.AskCount} asks";
        }

        Assert.AreEqual("Reducing: 3 bids, 0 asks", After(5));
        Assert.AreEqual("Active: 3 bids, 3 asks", After(7));
    }

    [TestMethod]
    public void MaxDrawdownPercent_halts_quoting_when_the_drawdown_from_the_peak_reaches_it_until_resumed()
    {
        // Long 1.0 from 10000.00, capital 10 000: a fall to 9400.00 is a 600 drawdown, 6 % of capital.
        (BasicMarketMaker, string) After(decimal maxDrawdown)
        {
            var (s, _) = Create(o => { o.MaxDrawdownPercent = maxDrawdown; o.StopLossPercent = 50; });
            Fill(s, Side.Buy, 1_000);
            s.OnTimer();
            SetBook(s, 938_000, 1_000, 942_000, 1_000);
            s.OnTimer();
            s.Requote();
            return (s, $"{s.State}: {s.Quotes.BidCount} bids, {s.Quotes.AskCount} asks");
        }

        var (halted, text) = After(5);
        Assert.AreEqual("Halted: 0 bids, 0 asks", text);
        Assert.AreEqual(600m, halted.Position.Drawdown);
        Assert.AreEqual("Active: 3 bids, 3 asks", After(7).Item2);
        Assert.AreEqual("Halted: 0 bids, 0 asks", After(6).Item2);

        // Capital is what the percentage refers to.
        var (s, _) = Create(o => { o.Capital = 20_000; o.StopLossPercent = 50; });
        Fill(s, Side.Buy, 1_000);
        SetBook(s, 938_000, 1_000, 942_000, 1_000);
        s.OnTimer();
        s.Requote();
        Assert.AreEqual(TradingState.Active, s.State);

        halted.Resume("operator");
        halted.Requote();
        Assert.AreEqual(TradingState.Active, halted.State);
    }

    [TestMethod]
    public void QuoteUpdateInterval_limits_how_often_book_updates_requote_but_fills_always_do()
    {
        var (s, clock) = Create();
        Assert.IsTrue(s.OnBookUpdated());
        clock.Advance(99_999_999);
        Assert.IsFalse(s.OnBookUpdated());
        Assert.IsFalse(s.OnTimer());
        Assert.IsTrue(s.OnOrderEvent(OrderEvent.Fill(1, Side.Buy, new Price(1_000_000), new Quantity(1), Liquidity.Maker, 1)));
        clock.Advance(100_000_000);
        Assert.IsTrue(s.OnBookUpdated());

        var (fast, fastClock) = Create(o => o.QuoteUpdateInterval = TimeSpan.Zero);
        Assert.IsTrue(fast.OnBookUpdated());
        fastClock.Advance(1);
        Assert.IsTrue(fast.OnBookUpdated());
    }

    [TestMethod]
    public void OrderTimeout_CancelRetryInterval_and_RefreshToleranceTicks_configure_the_reconciler()
    {
        var o = new BasicMarketMakerOptions { OrderTimeout = TimeSpan.FromSeconds(2), CancelRetryInterval = TimeSpan.FromMilliseconds(250), RefreshToleranceTicks = 3 };
        Assert.AreEqual(new QuoteReconcilerOptions { MaxOrderAgeNanoseconds = 2_000_000_000, CancelRetryNanoseconds = 250_000_000, PriceToleranceTicks = 3 }, o.ToReconcilerOptions());
        Assert.AreEqual(5_000_000_000L, new BasicMarketMakerOptions().ToReconcilerOptions().MaxOrderAgeNanoseconds);
        Assert.AreEqual(100_000_000L, new BasicMarketMakerOptions().ToReconcilerOptions().CancelRetryNanoseconds);
    }

    [TestMethod]
    public void OrderTimeout_replaces_a_matching_order_once_it_is_that_old()
    {
        var (s, _) = Create(o => o.MaxLevels = 1);
        s.Requote();
        var actions = new QuoteAction[8];
        LiveOrder[] Live(long created) =>
        [
            new(1, Side.Buy, s.Quotes.Bids[0].Price, s.Quotes.Bids[0].Quantity, created),
            new(2, Side.Sell, s.Quotes.Asks[0].Price, s.Quotes.Asks[0].Quantity, created),
        ];

        foreach (var (timeout, age, expected) in new[] { (5_000, 4_999, 0), (5_000, 5_000, 4), (2_000, 2_000, 4), (2_000, 1_999, 0) })
        {
            var reconciler = new QuoteReconciler(new BasicMarketMakerOptions { OrderTimeout = TimeSpan.FromMilliseconds(timeout) }.ToReconcilerOptions());
            var n = reconciler.Reconcile(s.Quotes, Live(1), 1 + (age * 1_000_000L), actions);
            Assert.AreEqual(expected, n, $"timeout {timeout} ms, age {age} ms");
            if (n == 4)
            {
                Assert.AreEqual("Cancel 1, Cancel 2, Place 999500, Place 1000500", string.Join(", ", actions[..n].Select(a => a.Kind == QuoteActionKind.Cancel ? $"Cancel {a.OrderId}" : $"Place {a.Price.Ticks}")));
            }
        }
    }

    [TestMethod]
    public void CancelRetryInterval_resends_an_unanswered_cancel_once_that_much_time_has_passed()
    {
        var (s, _) = Create(o => o.MaxLevels = 1);
        s.Requote();
        var actions = new QuoteAction[8];
        LiveOrder[] live = [new(9, Side.Buy, new Price(990_000), new Quantity(10), 1, CancelSentNanoseconds: 1_000)];
        foreach (var (retryMs, waitedNs, resent) in new[] { (100, 99_999_999L, false), (100, 100_000_000L, true), (250, 100_000_000L, false), (250, 250_000_000L, true) })
        {
            var reconciler = new QuoteReconciler(new BasicMarketMakerOptions { CancelRetryInterval = TimeSpan.FromMilliseconds(retryMs) }.ToReconcilerOptions());
            var n = reconciler.Reconcile(s.Quotes, live, 1_000 + waitedNs, actions);
            var cancels = actions[..n].Count(a => a.Kind == QuoteActionKind.Cancel && a.OrderId == 9);
            Assert.AreEqual(resent ? 1 : 0, cancels, $"retry {retryMs} ms after {waitedNs} ns");
            Assert.AreEqual(2, actions[..n].Count(a => a.Kind == QuoteActionKind.Place)); // the leaving order never serves a quote
        }
    }

    [TestMethod]
    public void RefreshToleranceTicks_leaves_an_order_alone_while_within_that_many_ticks()
    {
        var (s, _) = Create(o => o.MaxLevels = 1);
        s.Requote();
        var actions = new QuoteAction[8];
        var bid = s.Quotes.Bids[0];
        var ask = s.Quotes.Asks[0];
        LiveOrder[] live = [new(1, Side.Buy, new Price(bid.Price.Ticks - 3), bid.Quantity, 1), new(2, Side.Sell, ask.Price, ask.Quantity, 1)];
        var kept = new QuoteReconciler(new BasicMarketMakerOptions { RefreshToleranceTicks = 3 }.ToReconcilerOptions());
        Assert.AreEqual(0, kept.Reconcile(s.Quotes, live, 2, actions));
        var amended = new QuoteReconciler(new BasicMarketMakerOptions { RefreshToleranceTicks = 2 }.ToReconcilerOptions());
        Assert.AreEqual(1, amended.Reconcile(s.Quotes, live, 2, actions));
        Assert.AreEqual(new QuoteAction(QuoteActionKind.Amend, 1, Side.Buy, bid.Price, bid.Quantity), actions[0]);
    }

    [TestMethod]
    public void PostOnly_keeps_a_bid_pushed_through_the_best_ask_one_tick_below_it()
    {
        // Market 9999.99 / 10000.01, short 10 (the maximum) with skew 1 and a bid-heavy book: the reservation is above the best ask.
        void Configure(BasicMarketMakerOptions o, bool postOnly)
        {
            o.InventorySkewFactor = 1;
            o.VolumeWeightFactor = 1;
            o.ImbalanceThreshold = 0.6;
            o.PostOnly = postOnly;
        }

        Assert.AreEqual("B 1000000x20 999990x30 999980x40 | A ", Quote(o => Configure(o, true), bid: 999_999, bidLots: 3_000, ask: 1_000_001, position: -10_000));
        Assert.AreEqual("B 1000125x20 1000115x30 1000105x40 | A ", Quote(o => Configure(o, false), bid: 999_999, bidLots: 3_000, ask: 1_000_001, position: -10_000));
    }

    [TestMethod]
    public void A_decision_allocates_nothing()
    {
        var (s, clock) = Create(o => o.QuoteUpdateInterval = TimeSpan.Zero);
        s.OnBookUpdated();
        void Decisions()
        {
            for (var i = 0; i < 2_000; i++)
            {
                clock.Advance(10_000_000);
                s.Book.SetLevel(Side.Buy, new Price(999_000 - (i % 7)), new Quantity(1_000 + i));
                s.OnBookUpdated();
                s.OnTimer();
            }
        }

        Decisions();
        SteadyState.AssertAllocatesNothing("2,000 decisions", Decisions);
        Assert.AreEqual(3, s.Quotes.BidCount);
    }
}
