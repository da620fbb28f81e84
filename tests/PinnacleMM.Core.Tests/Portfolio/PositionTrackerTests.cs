using System.Text.Json;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Portfolio;

[TestClass]
public sealed class PositionTrackerTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    private static Price P(decimal value) => Btc.GetPrice(value);

    private static Quantity Q(decimal value) => Btc.GetQuantity(value);

    [TestMethod]
    public void Scripted_round_trips_give_exact_average_cost_fifo_fees_and_counts()
    {
        var t = new PositionTracker(Btc, makerFeeRate: 0.0002m, takerFeeRate: 0.0005m);

        t.ApplyFill(Side.Buy, P(100.00m), Q(1.000m), Liquidity.Maker);   // fee 0.02
        t.ApplyFill(Side.Buy, P(102.00m), Q(1.000m), Liquidity.Maker);   // fee 0.0204
        Assert.AreEqual(2L * 1000, t.PositionLots);
        Assert.AreEqual(101.00m, t.AverageEntryPrice);
        Assert.AreEqual(0m, t.RealizedPnlAverageCost);

        t.ApplyFill(Side.Sell, P(105.00m), Q(1.500m), Liquidity.Taker); // fee 0.07875
        // Average cost: 1.5 x (105 - 101) = 6. FIFO: 1 x (105 - 100) + 0.5 x (105 - 102) = 6.5.
        Assert.AreEqual(6.00m, t.RealizedPnlAverageCost);
        Assert.AreEqual(6.50m, t.RealizedPnlFifo);
        Assert.AreEqual(0.500m, t.Position);
        Assert.AreEqual(101.00m, t.AverageEntryPrice);
        Assert.AreEqual(0.11915m, t.Fees);

        // Marked to 104: average cost 0.5 x 3 = 1.5; FIFO 0.5 x 2 = 1.0. Same equity either way.
        Assert.AreEqual(1.50m, t.UnrealizedPnlAverageCost(P(104m)));
        Assert.AreEqual(1.00m, t.UnrealizedPnlFifo(P(104m)));
        Assert.AreEqual(7.5m - 0.11915m, t.Equity(P(104m)));

        // Sell 1.5 at 99 flips to short 1.0: closing 0.5 realizes -1.0 (average cost) and -1.5 (FIFO).
        t.ApplyFill(Side.Sell, P(99.00m), Q(1.500m), Liquidity.Taker);
        Assert.AreEqual(-1.000m, t.Position);
        Assert.AreEqual(99.00m, t.AverageEntryPrice);
        Assert.AreEqual(5.00m, t.RealizedPnlAverageCost);
        Assert.AreEqual(5.00m, t.RealizedPnlFifo);
        Assert.AreEqual(2.00m, t.UnrealizedPnlFifo(P(97m)));

        Assert.AreEqual(4, t.FillCount);
        Assert.AreEqual(2, t.BuyFillCount);
        Assert.AreEqual(2, t.SellFillCount);
        Assert.AreEqual(2, t.MakerFillCount);
        Assert.AreEqual(2, t.TakerFillCount);
        Assert.AreEqual(Q(5.000m), t.TradedQuantity);
        Assert.AreEqual(100m + 102m + 157.5m + 148.5m, t.TradedNotional);
    }

    [TestMethod]
    public void Flat_position_has_zero_unrealized_pnl_at_any_mark()
    {
        var t = new PositionTracker(Btc);
        t.ApplyFill(Side.Sell, P(50m), Q(0.3m), Liquidity.Maker);
        t.ApplyFill(Side.Buy, P(40m), Q(0.3m), Liquidity.Maker);
        Assert.IsTrue(t.IsFlat);
        Assert.AreEqual(0m, t.UnrealizedPnlAverageCost(P(1m)));
        Assert.AreEqual(0m, t.UnrealizedPnlFifo(P(1_000_000m)));
        Assert.AreEqual(3.0m, t.RealizedPnlAverageCost);
        Assert.AreEqual(0m, t.AverageEntryPrice);
    }

    [TestMethod]
    public void Mark_tracks_equity_peak_drawdown_and_max_drawdown()
    {
        var t = new PositionTracker(Btc);
        t.ApplyFill(Side.Buy, P(100m), Q(1m), Liquidity.Maker);
        Assert.AreEqual(5m, t.Mark(P(105m)));
        Assert.AreEqual(5m, t.EquityPeak);
        Assert.AreEqual(0m, t.Drawdown);
        Assert.AreEqual(-2m, t.Mark(P(98m)));
        Assert.AreEqual(7m, t.Drawdown);
        Assert.AreEqual(3m, t.Mark(P(103m)));
        Assert.AreEqual(2m, t.Drawdown);
        Assert.AreEqual(7m, t.MaxDrawdown);
        Assert.AreEqual(P(103m), t.LastMark);
    }

    [TestMethod]
    public void Fifo_queue_grows_past_its_initial_capacity()
    {
        var t = new PositionTracker(Btc, fifoCapacity: 1);
        for (var i = 1; i <= 10; i++)
        {
            t.ApplyFill(Side.Buy, P(i), Q(0.001m), Liquidity.Maker);
        }

        t.ApplyFill(Side.Sell, P(20m), Q(0.010m), Liquidity.Maker);
        // sum over i of 0.001 x (20 - i) = 0.001 x (200 - 55)
        Assert.AreEqual(0.145m, t.RealizedPnlFifo);
        Assert.AreEqual(0.145m, t.RealizedPnlAverageCost);
    }

    [TestMethod]
    public void Bad_fills_and_rates_are_rejected_with_exact_messages_and_change_nothing()
    {
        var t = new PositionTracker(Btc, 0.001m, 0.002m);
        t.ApplyFill(Side.Buy, P(10m), Q(1m), Liquidity.Maker);

        var e1 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, Price.Zero, Q(1m), Liquidity.Maker));
        StringAssert.StartsWith(e1.Message, "price 0 must be positive.");
        var e2 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, P(10m), Quantity.Zero, Liquidity.Maker));
        StringAssert.StartsWith(e2.Message, "quantity 0 must be positive.");
        var e3 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill((Side)7, P(10m), Q(1m), Liquidity.Maker));
        StringAssert.StartsWith(e3.Message, "side 7 is not Buy or Sell.");
        var e4 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, P(10m), Q(1m), Liquidity.Maker, -0.01m));
        StringAssert.StartsWith(e4.Message, "fee -0.01 must not be negative.");
        var e5 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PositionTracker(Btc, makerFeeRate: -0.0001m));
        StringAssert.StartsWith(e5.Message, "makerFeeRate -0.0001 must be at least 0 and below 1.");
        var e6 = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PositionTracker(Btc, takerFeeRate: 1m));
        StringAssert.StartsWith(e6.Message, "takerFeeRate 1 must be at least 0 and below 1.");

        Assert.AreEqual(1.000m, t.Position);
        Assert.AreEqual(1, t.FillCount);
        Assert.AreEqual(0.01m, t.Fees);
    }
    private static string State(PositionTracker t) => JsonSerializer.Serialize(t.CaptureState());

    [TestMethod]
    public void A_fill_whose_traded_total_overflows_is_refused_naming_quantity_and_changes_nothing()
    {
        // The instrument allows any size up to long.MaxValue lots; the position goes back to flat, but the traded lots would not fit.
        var t = new PositionTracker(Btc, makerFeeRate: 0.001m);
        t.ApplyFill(Side.Buy, new Price(1), new Quantity(5_000_000_000_000_000_000), Liquidity.Maker);
        var before = State(t);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, new Price(2), new Quantity(5_000_000_000_000_000_000), Liquidity.Maker));
        StringAssert.StartsWith(e.Message, "quantity 5000000000000000000 at price 2 ticks would take the position (5000000000000000000 lots), its cost, P&L, fees or traded totals beyond what they can hold; nothing is changed. (Parameter 'quantity')");
        Assert.AreEqual("quantity", e.ParamName);
        Assert.AreEqual(before, State(t));
        Assert.AreEqual(1, t.FillCount);

        // Still usable: a fill that fits is applied as before.
        t.ApplyFill(Side.Buy, new Price(2), new Quantity(1_000_000_000_000_000_000), Liquidity.Maker);
        Assert.AreEqual((6_000_000_000_000_000_000, 2), (t.PositionLots, t.FillCount));
    }

    [TestMethod]
    public void A_flip_whose_new_cost_overflows_is_refused_and_changes_nothing()
    {
        // Closing the long realizes P&L first; the rest opens a short whose cost (lots x ticks) no decimal holds.
        var t = new PositionTracker(Btc);
        t.ApplyFill(Side.Buy, new Price(1_000_000_000_000_000), new Quantity(10), Liquidity.Taker);
        var before = State(t);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, new Price(1_000_000_000_000_000), new Quantity(1_000_000_000_000_000), Liquidity.Taker, fee: 0m));
        Assert.AreEqual("quantity", e.ParamName);
        Assert.AreEqual(before, State(t));
    }

    [TestMethod]
    public void A_fill_whose_equity_at_the_last_mark_overflows_is_refused_and_changes_nothing()
    {
        var t = new PositionTracker(Btc);
        t.Mark(new Price(100_000_000_000));
        var before = State(t);

        // Cost 4e18 tick-lots fits; the equity at the mark (4e18 lots x 1e11 ticks) does not.
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Buy, new Price(1), new Quantity(4_000_000_000_000_000_000), Liquidity.Maker));
        Assert.AreEqual("quantity", e.ParamName);
        Assert.AreEqual(before, State(t));
    }

    [TestMethod]
    public void A_reported_fee_that_would_overflow_the_fees_paid_is_refused_naming_fee()
    {
        var t = new PositionTracker(Btc);
        t.ApplyFill(Side.Buy, P(10m), Q(1m), Liquidity.Maker, fee: 0.5m);
        var before = State(t);

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => t.ApplyFill(Side.Sell, P(10m), Q(1m), Liquidity.Maker, decimal.MaxValue));
        StringAssert.StartsWith(e.Message, "fee 79228162514264337593543950335 would take the fees paid (0.5) beyond what a decimal holds; nothing is changed. (Parameter 'fee')");
        Assert.AreEqual(before, State(t));
    }
    [TestMethod]
    public void A_large_position_closes_in_part_although_cost_times_closed_lots_is_beyond_a_decimal()
    {
        // 1-satoshi lots and 1-cent ticks: 2,000 BTC at about 100,000 USD cost 2e18 tick-lots, times 1e11 lots closed is 2e29.
        var sats = new InstrumentSpec("BTC-USD", 0.01m, 0.00000001m);
        var t = new PositionTracker(sats);
        t.ApplyFill(Side.Buy, sats.GetPrice(100_000m), sats.GetQuantity(1_000m), Liquidity.Maker);
        t.ApplyFill(Side.Buy, sats.GetPrice(100_001m), sats.GetQuantity(1_000m), Liquidity.Maker);
        t.ApplyFill(Side.Sell, sats.GetPrice(101_000m), sats.GetQuantity(1_000m), Liquidity.Maker);

        Assert.AreEqual(1_000m, t.Position);
        Assert.AreEqual(999_500m, t.RealizedPnlAverageCost);   // 1,000 x (101,000 - 100,000.5)
        Assert.AreEqual(1_000_000m, t.RealizedPnlFifo);        // 1,000 x (101,000 - 100,000)
        Assert.AreEqual(100_000.5m, t.AverageEntryPrice);
        Assert.AreEqual(t.Equity(sats.GetPrice(101_000m)), t.RealizedPnlFifo + t.UnrealizedPnlFifo(sats.GetPrice(101_000m)));
    }
}
