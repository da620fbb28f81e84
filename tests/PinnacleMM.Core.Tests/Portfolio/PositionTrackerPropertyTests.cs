using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Portfolio;

/// <summary><see cref="PositionTracker"/> against <see cref="PositionModel"/> over random fill sequences.</summary>
[TestClass]
public sealed class PositionTrackerPropertyTests
{
    private const decimal Tick = 0.01m;
    private const decimal Lot = 0.001m;
    private static readonly InstrumentSpec Instrument = new("ETH-USD", Tick, Lot);

    private sealed record FillOp(Side Side, long Price, long Lots, bool Maker);

    private static Gen<FillOp> FillGen(long lowPrice, long highPrice) =>
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from price in Gen.Choose((int)lowPrice, (int)highPrice)
        from lots in Gen.Frequency((3, Gen.Choose(1, 20)), (1, Gen.Choose(1, 5_000)))
        from maker in Gen.Elements(true, false)
        select new FillOp(side, price, lots, maker);

    private static Gen<(FillOp[] Fills, long Mark)> ScenarioGen(long low = 9_000, long high = 11_000) =>
        from n in Gen.Choose(1, 60)
        from fills in Gen.ArrayOf(FillGen(low, high), n)
        from mark in Gen.Choose((int)low, (int)high)
        select (fills, (long)mark);

    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true);

    [TestMethod]
    public void Realized_plus_unrealized_minus_fees_equals_cash_flow_value_exactly_under_both_methods()
    {
        var flips = 0;
        Prop.ForAll(Arb.From(ScenarioGen()), s =>
        {
            var tracker = new PositionTracker(Instrument, 0.0002m, 0.0007m, fifoCapacity: 2);
            var model = new PositionModel(Tick, Lot);
            foreach (var f in s.Fills)
            {
                var before = tracker.PositionLots;
                var fee = tracker.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), f.Maker ? Liquidity.Maker : Liquidity.Taker);
                model.Fill(f.Side, f.Price, f.Lots, fee);
                flips += Math.Sign(before) * Math.Sign(tracker.PositionLots) < 0 ? 1 : 0;

                var mark = new Price(s.Mark);
                var expected = model.CashFlowValue(s.Mark);
                Assert.AreEqual(expected, tracker.RealizedPnlAverageCost + tracker.UnrealizedPnlAverageCost(mark) - tracker.Fees);
                Assert.AreEqual(expected, tracker.RealizedPnlFifo + tracker.UnrealizedPnlFifo(mark) - tracker.Fees);
                Assert.AreEqual(expected, tracker.Equity(mark));
                Assert.AreEqual(model.Position, tracker.PositionLots);
            }
        }).Check(Quick);
        Assert.IsTrue(flips > 100, $"flips {flips}");
    }

    [TestMethod]
    public void Fifo_realized_equals_the_list_model_exactly_and_average_cost_to_far_below_a_cent()
    {
        Prop.ForAll(Arb.From(ScenarioGen()), s =>
        {
            var tracker = new PositionTracker(Instrument, fifoCapacity: 1);
            var model = new PositionModel(Tick, Lot);
            foreach (var f in s.Fills)
            {
                tracker.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), Liquidity.Maker);
                model.Fill(f.Side, f.Price, f.Lots, 0m);
                Assert.AreEqual(model.RealizedFifo, tracker.RealizedPnlFifo);
                Assert.IsTrue(Math.Abs(model.RealizedAverage - tracker.RealizedPnlAverageCost) < 0.000001m, $"{model.RealizedAverage} vs {tracker.RealizedPnlAverageCost}");
                Assert.IsTrue(Math.Abs(model.AveragePrice - tracker.AverageEntryPrice) < 0.000001m, $"{model.AveragePrice} vs {tracker.AverageEntryPrice}");
            }
        }).Check(Quick);
    }

    [TestMethod]
    public void When_flat_unrealized_is_zero_and_both_methods_have_realized_the_same()
    {
        var flatCount = 0;
        Prop.ForAll(Arb.From(ScenarioGen()), s =>
        {
            var tracker = new PositionTracker(Instrument);
            foreach (var f in s.Fills)
            {
                tracker.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), Liquidity.Maker);
            }

            // Close whatever is open, at the mark.
            if (!tracker.IsFlat)
            {
                var side = tracker.PositionLots > 0 ? Side.Sell : Side.Buy;
                tracker.ApplyFill(side, new Price(s.Mark), new Quantity(Math.Abs(tracker.PositionLots)), Liquidity.Taker);
            }

            flatCount++;
            Assert.AreEqual(0m, tracker.UnrealizedPnlAverageCost(new Price(s.Mark + 17)));
            Assert.AreEqual(0m, tracker.UnrealizedPnlFifo(new Price(s.Mark + 17)));
            Assert.AreEqual(tracker.RealizedPnlFifo, tracker.RealizedPnlAverageCost);
        }).Check(Quick);
        Assert.AreEqual(300, flatCount);
    }

    [TestMethod]
    public void Fills_that_never_reduce_the_position_realize_nothing_and_one_entry_price_makes_methods_agree()
    {
        var gen = from side in Gen.Elements(Side.Buy, Side.Sell)
                  from entry in Gen.Choose(9_000, 11_000)
                  from opens in Gen.ArrayOf(Gen.Choose(1, 500), 5)
                  from closes in Gen.ArrayOf(Gen.Choose(1, 500), 5)
                  from exits in Gen.ArrayOf(Gen.Choose(9_000, 11_000), 5)
                  select (side, entry, opens, closes, exits);
        Prop.ForAll(Arb.From(gen), s =>
        {
            var tracker = new PositionTracker(Instrument);
            foreach (var lots in s.opens)
            {
                tracker.ApplyFill(s.side, new Price(s.entry), new Quantity(lots), Liquidity.Maker);
            }

            Assert.AreEqual(0m, tracker.RealizedPnlAverageCost);
            Assert.AreEqual(0m, tracker.RealizedPnlFifo);

            // Partly closing (possibly flipping) a position opened at one price: the two methods agree.
            for (var i = 0; i < 5; i++)
            {
                tracker.ApplyFill(s.side.Opposite(), new Price(s.exits[i]), new Quantity(s.closes[i]), Liquidity.Maker);
                if (Math.Sign(tracker.PositionLots) == s.side.Sign() || tracker.IsFlat)
                {
                    Assert.AreEqual(tracker.RealizedPnlFifo, tracker.RealizedPnlAverageCost);
                }
            }
        }).Check(Quick);
    }

    [TestMethod]
    public void Fees_always_reduce_pnl()
    {
        Prop.ForAll(Arb.From(ScenarioGen()), s =>
        {
            var free = new PositionTracker(Instrument);
            var charged = new PositionTracker(Instrument, 0.0001m, 0.0004m);
            foreach (var f in s.Fills)
            {
                var liquidity = f.Maker ? Liquidity.Maker : Liquidity.Taker;
                free.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), liquidity);
                var fee = charged.ApplyFill(f.Side, new Price(f.Price), new Quantity(f.Lots), liquidity);
                Assert.IsTrue(fee > 0m);
            }

            var mark = new Price(s.Mark);
            Assert.IsTrue(charged.Equity(mark) < free.Equity(mark));
            Assert.AreEqual(free.Equity(mark) - charged.Fees, charged.Equity(mark));
        }).Check(Quick);
    }
}
