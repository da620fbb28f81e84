using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Portfolio;

/// <summary>State capture and restore of <see cref="PositionTracker"/>, and P&amp;L marked to a fractional mid.</summary>
[TestClass]
public sealed class PositionTrackerStateTests
{
    private static readonly InstrumentSpec Eth = new("ETH-USD", 0.01m, 0.001m);

    private sealed record FillOp(Side Side, long Price, long Lots, bool Maker);

    private static readonly Gen<FillOp> FillGen =
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from price in Gen.Choose(9_000, 11_000)
        from lots in Gen.Frequency((3, Gen.Choose(1, 20)), (1, Gen.Choose(1, 3_000)))
        from maker in Gen.Elements(true, false)
        select new FillOp(side, price, lots, maker);

    private static void Apply(PositionTracker t, FillOp f) =>
        t.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), f.Maker ? Liquidity.Maker : Liquidity.Taker);

    private static string Describe(PositionTracker t, Price mark) =>
        string.Join(" ", t.PositionLots, t.RealizedPnlAverageCost, t.RealizedPnlFifo, t.UnrealizedPnlAverageCost(mark), t.UnrealizedPnlFifo(mark), t.Fees,
            t.TradedNotional, t.TradedQuantity.Lots, t.FillCount, t.BuyFillCount, t.SellFillCount, t.MakerFillCount, t.TakerFillCount,
            t.EquityPeak, t.Drawdown, t.MaxDrawdown, t.LastMark.Ticks, t.AverageEntryPrice);

    [TestMethod]
    public void Property_a_tracker_restored_from_json_behaves_exactly_like_the_original()
    {
        var gen = from before in Gen.ArrayOf(FillGen, 30)
                  from after in Gen.ArrayOf(FillGen, 30)
                  from mark in Gen.Choose(9_000, 11_000)
                  select (before, after, (long)mark);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var original = new PositionTracker(Eth, 0.0002m, 0.0007m, fifoCapacity: 2);
            foreach (var f in c.before)
            {
                Apply(original, f);
            }

            original.Mark(new Price(c.Item3));
            var json = JsonSerializer.Serialize(original.CaptureState());
            var restored = new PositionTracker(Eth, 0.0002m, 0.0007m);
            restored.RestoreState(JsonSerializer.Deserialize<PositionTrackerState>(json)!);
            Assert.AreEqual(Describe(original, new Price(c.Item3)), Describe(restored, new Price(c.Item3)));

            foreach (var f in c.after)
            {
                Apply(original, f);
                Apply(restored, f);
            }

            original.Mark(new Price(c.Item3 + 7));
            restored.Mark(new Price(c.Item3 + 7));
            Assert.AreEqual(Describe(original, new Price(c.Item3)), Describe(restored, new Price(c.Item3)));
            Assert.AreEqual(JsonSerializer.Serialize(original.CaptureState()), JsonSerializer.Serialize(restored.CaptureState()));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));
    }

    [TestMethod]
    public void Property_realized_plus_unrealized_at_a_fractional_mid_equals_the_cash_flow_value_there()
    {
        var gen = from fills in Gen.ArrayOf(FillGen, 40)
                  from bid in Gen.Choose(9_000, 11_000)
                  from width in Gen.Choose(1, 50)
                  select (fills, (long)bid, (long)width);
        Prop.ForAll(Arb.From(gen), c =>
        {
            var t = new PositionTracker(Eth, 0.0002m, 0.0007m);
            var model = new PositionModel(0.01m, 0.001m);
            foreach (var f in c.fills)
            {
                var fee = t.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), f.Maker ? Liquidity.Maker : Liquidity.Taker);
                model.Fill(f.Side, f.Price, f.Lots, fee);
            }

            // The model's value is linear in the mark: at a half tick it is the mean of the two ticks around it.
            var midTicks = (2 * c.Item2 + c.Item3) / 2m;
            var low = (long)Math.Floor(midTicks);
            var expected = midTicks == low ? model.CashFlowValue(low) : (model.CashFlowValue(low) + model.CashFlowValue(low + 1)) / 2;
            Assert.AreEqual(expected, t.RealizedPnlAverageCost + t.UnrealizedPnlAverageCost(midTicks) - t.Fees);
            Assert.AreEqual(expected, t.RealizedPnlFifo + t.UnrealizedPnlFifo(midTicks) - t.Fees);
            Assert.AreEqual(expected, t.Equity(midTicks));
            if (t.IsFlat)
            {
                Assert.AreEqual(0m, t.UnrealizedPnlFifo(midTicks));
                Assert.AreEqual(0m, t.UnrealizedPnlAverageCost(midTicks));
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));
    }

    [TestMethod]
    public void A_bad_state_is_refused_naming_the_field_and_changes_nothing()
    {
        var t = new PositionTracker(Eth);
        t.ApplyFill(Side.Buy, new Price(1_000), new Quantity(5), Liquidity.Maker);
        t.ApplyFill(Side.Buy, new Price(1_010), new Quantity(3), Liquidity.Taker);
        var good = t.CaptureState();
        var before = Describe(t, new Price(1_005));

        (PositionTrackerState State, string Message)[] cases =
        [
            (good with { Symbol = "BTC-USD" }, "Symbol BTC-USD is not this tracker's instrument ETH-USD."),
            (good with { FifoLots = [new FifoLot(1_000, 5)] }, "FifoLots add up to 5 lots, not PositionLots 8."),
            (good with { FifoLots = [new FifoLot(1_000, 9), new FifoLot(1_010, -1)] }, "FifoLots[1] (1010 ticks, -1 lots) must have a positive price and a non-zero size signed like PositionLots 8."),
            (good with { Fees = -1m }, "Fees -1 must not be negative."),
            (good with { MakerFillCount = 2 }, "fill counts (buy 2, sell 0, maker 2, taker 1) must not be negative and buys + sells must equal makers + takers."),
            (good with { BuyFillCount = long.MaxValue, SellFillCount = 1, MakerFillCount = long.MaxValue, TakerFillCount = 1 },
                $"fill counts (buy {long.MaxValue}, sell 1, maker {long.MaxValue}, taker 1) must not be negative and buys + sells must equal makers + takers."),
            (good with { PositionLots = 0, FifoLots = [] }, "CostTickLots 8030 must be 0 when PositionLots is 0."),
        ];
        foreach (var (state, message) in cases)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => t.RestoreState(state));
            Assert.AreEqual(message + " (Parameter 'state')", e.Message);
            Assert.AreEqual(before, Describe(t, new Price(1_005)));
        }

        Assert.AreEqual(1_003.75m * 0.01m, t.AverageEntryPrice);
    }

    [TestMethod]
    public void Fill_counts_past_two_billion_are_kept_and_keep_counting()
    {
        // A market maker with a few thousand fills an hour passes int.MaxValue in well under a year of uptime.
        var t = new PositionTracker(Eth);
        t.ApplyFill(Side.Buy, new Price(1_000), new Quantity(5), Liquidity.Maker);
        const long many = 3_000_000_000L;
        t.RestoreState(t.CaptureState() with { BuyFillCount = many, SellFillCount = many, MakerFillCount = 2 * many - 1, TakerFillCount = 1 });
        Assert.AreEqual(2 * many, t.FillCount);

        t.ApplyFill(Side.Sell, new Price(1_010), new Quantity(5), Liquidity.Maker);
        Assert.AreEqual((2 * many + 1, many, many + 1, 2 * many), (t.FillCount, t.BuyFillCount, t.SellFillCount, t.MakerFillCount));
        var restored = new PositionTracker(Eth);
        restored.RestoreState(t.CaptureState());
        Assert.AreEqual(2 * many + 1, restored.FillCount);
    }
}
