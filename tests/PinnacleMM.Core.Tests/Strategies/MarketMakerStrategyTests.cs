using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Strategies;

[TestClass]
public sealed class MarketMakerStrategyTests
{
    private static readonly InstrumentSpec Instrument = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 5m, maxPrice: 1_000_000m);

    private static RawQuoteStrategy Create(long bid, long ask, long positionLimit = long.MaxValue, bool postOnly = true)
    {
        var s = new RawQuoteStrategy(Instrument, 8, new ManualMonotonicClock(1), positionLimit, postOnly);
        s.Book.ApplySnapshot([new DepthLevel(new Price(bid), new Quantity(1_000), 0)], [new DepthLevel(new Price(ask), new Quantity(1_000), 0)]);
        return s;
    }

    [TestMethod]
    public void Levels_crossing_the_opposite_best_out_of_order_or_off_limits_are_dropped_or_cut()
    {
        var s = Create(10_000, 10_010);
        s.Raw =
        [
            (Side.Buy, 10_010, 10),  // touches best ask: dropped (post-only)
            (Side.Buy, 10_005, 10),  // kept
            (Side.Buy, 10_006, 10),  // not below previous bid: dropped
            (Side.Buy, 10_001, 1),   // below the instrument minimum 2 lots: dropped
            (Side.Buy, 10_000, 9_000), // cut to the maximum 5000 lots
            (Side.Sell, 10_000, 10), // touches best bid: dropped
            (Side.Sell, 10_005, 10), // kept; our bid at 10_005 then goes (our bid must stay below our ask)
            (Side.Sell, 10_007, 10), // kept
        ];
        Assert.IsTrue(s.OnBookUpdated());
        CollectionAssert.AreEqual(new[] { new QuoteLevel(new Price(10_000), new Quantity(5_000)) }, s.Quotes.Bids.ToArray());
        CollectionAssert.AreEqual(
            new[] { new QuoteLevel(new Price(10_005), new Quantity(10)), new QuoteLevel(new Price(10_007), new Quantity(10)) },
            s.Quotes.Asks.ToArray());
        Assert.AreEqual(5L, s.DroppedLevelCount);
    }

    [TestMethod]
    public void Without_post_only_a_bid_may_cross_the_best_ask_but_never_our_own_ask()
    {
        var s = Create(10_000, 10_010, postOnly: false);
        s.Raw = [(Side.Buy, 10_012, 10), (Side.Sell, 10_020, 10)];
        s.OnBookUpdated();
        Assert.AreEqual(new Price(10_012), s.Quotes.Bids[0].Price);
        s.Raw = [(Side.Buy, 10_012, 10), (Side.Sell, 10_012, 10)];
        s.OnBookUpdated();
        Assert.AreEqual(0, s.Quotes.BidCount);
        Assert.AreEqual(1, s.Quotes.AskCount);
    }

    [TestMethod]
    public void Sizes_are_cut_so_that_all_bids_or_all_asks_filled_stay_within_the_position_limit()
    {
        var s = Create(10_000, 10_010, positionLimit: 100);
        s.OnOrderEvent(OrderEvent.Fill(1, Side.Buy, new Price(10_000), new Quantity(70), Liquidity.Maker, 1));
        s.Raw = [(Side.Buy, 9_999, 20), (Side.Buy, 9_998, 20), (Side.Buy, 9_997, 20), (Side.Sell, 10_011, 150), (Side.Sell, 10_012, 50)];
        s.OnBookUpdated();
        CollectionAssert.AreEqual(new long[] { 20, 10 }, s.Quotes.Bids.ToArray().Select(l => l.Quantity.Lots).ToArray());
        CollectionAssert.AreEqual(new long[] { 150, 20 }, s.Quotes.Asks.ToArray().Select(l => l.Quantity.Lots).ToArray());
        Assert.AreEqual(70L, s.Position.PositionLots);
    }

    [TestMethod]
    public void Quoting_disabled_publishes_empty_quotes_and_events_reach_the_hooks_and_the_position()
    {
        var s = Create(10_000, 10_010);
        s.Raw = [(Side.Buy, 10_000, 10)];
        s.QuotingEnabled = false;
        Assert.IsTrue(s.OnTrade(new MarketTrade(new Price(10_000), new Quantity(5), Side.Sell, 1)));
        Assert.IsTrue(s.Quotes.IsEmpty);
        Assert.AreEqual(1, s.TradesSeen);
        Assert.AreEqual(0, s.Decisions);
        s.QuotingEnabled = true;
        s.OnOrderEvent(OrderEvent.Fill(1, Side.Sell, new Price(10_010), new Quantity(4), Liquidity.Maker, 1, complete: false));
        Assert.AreEqual(-4L, s.Position.PositionLots);
        Assert.AreEqual(1, s.Quotes.BidCount);
        s.OnTimer();
        Assert.AreEqual(new Price(10_005), s.Position.LastMark);
    }

    [TestMethod]
    public void Volatility_is_sampled_from_mid_returns_once_per_interval()
    {
        var clock = new ManualMonotonicClock(1);
        var s = new RawQuoteStrategy(Instrument, 1, clock);
        s.Book.ApplySnapshot([new DepthLevel(new Price(9_999), new Quantity(1), 0)], [new DepthLevel(new Price(10_001), new Quantity(1), 0)]);
        s.OnBookUpdated();                                       // reference mid 10_000
        s.Book.ApplySnapshot([new DepthLevel(new Price(10_019), new Quantity(1), 0)], [new DepthLevel(new Price(10_021), new Quantity(1), 0)]);
        s.OnBookUpdated();                                       // too early: not sampled
        Assert.AreEqual(0L, s.Volatility.ReturnCount);
        clock.Advance(100_000_000);
        s.OnBookUpdated();                                       // mid 10_020: +20 bps
        Assert.AreEqual(1L, s.Volatility.ReturnCount);
        Assert.AreEqual(20.0, s.Volatility.VolatilityBps, 1e-9);
    }

    [TestMethod]
    public void A_decision_allocates_nothing()
    {
        var s = Create(10_000, 10_010, positionLimit: 1_000);
        s.Raw = [(Side.Buy, 10_000, 10), (Side.Buy, 9_990, 10), (Side.Sell, 10_010, 10), (Side.Sell, 10_020, 10)];
        for (var i = 0; i < 100; i++)
        {
            s.OnBookUpdated();
        }

        void Decisions()
        {
            for (var i = 0; i < 1_000; i++)
            {
                s.Book.SetLevel(Side.Buy, new Price(9_990 + (i % 5)), new Quantity(1 + i));
                s.OnBookUpdated();
                s.OnTimer();
            }
        }

        Decisions();
        SteadyState.AssertAllocatesNothing("1,000 decisions", Decisions);
        Assert.AreEqual(2, s.Quotes.AskCount);
    }

    [TestMethod]
    public void Property_published_quotes_obey_grid_order_no_cross_and_position_limit_whatever_the_subclass_writes()
    {
        var levelGen = from side in Gen.Elements(Side.Buy, Side.Sell)
                       from offset in Gen.Choose(-30, 30)
                       from lots in Gen.Choose(-5, 8_000)
                       select (side, (long)(10_000 + offset), (long)lots);
        var gen = from bid in Gen.Choose(9_980, 10_000)
                  from width in Gen.Choose(1, 20)
                  from position in Gen.Choose(-300, 300)
                  from limit in Gen.Choose(0, 400)
                  from raw in Gen.ArrayOf(levelGen, 10)
                  select (bid, width, position, limit, raw);
        var nonEmpty = 0;
        Prop.ForAll(Arb.From(gen), c =>
        {
            var s = Create(c.bid, c.bid + c.width, positionLimit: c.limit);
            if (c.position != 0)
            {
                s.OnOrderEvent(OrderEvent.Fill(1, c.position > 0 ? Side.Buy : Side.Sell, new Price(10_000), new Quantity(Math.Abs(c.position)), Liquidity.Taker, 1));
            }

            s.Raw = c.raw;
            s.OnBookUpdated();
            var q = s.Quotes;
            nonEmpty += q.IsEmpty ? 0 : 1;
            long buys = 0, sells = 0;
            for (var i = 0; i < q.BidCount; i++)
            {
                Assert.IsTrue(q.Bids[i].Price.Ticks < c.bid + c.width);
                Assert.IsTrue(i == 0 || q.Bids[i].Price < q.Bids[i - 1].Price);
                Assert.IsTrue(q.Bids[i].Quantity >= Instrument.MinQuantity && q.Bids[i].Quantity <= Instrument.MaxQuantity);
                buys += q.Bids[i].Quantity.Lots;
            }

            for (var i = 0; i < q.AskCount; i++)
            {
                Assert.IsTrue(q.Asks[i].Price.Ticks > c.bid);
                Assert.IsTrue(i == 0 || q.Asks[i].Price > q.Asks[i - 1].Price);
                Assert.IsTrue(q.Asks[i].Quantity >= Instrument.MinQuantity && q.Asks[i].Quantity <= Instrument.MaxQuantity);
                sells += q.Asks[i].Quantity.Lots;
            }

            Assert.IsTrue(q.BidCount == 0 || q.AskCount == 0 || q.Bids[0].Price < q.Asks[0].Price);
            Assert.IsTrue(c.position + buys <= Math.Max(c.limit, c.position), $"buys {buys}");
            Assert.IsTrue(sells - c.position <= Math.Max(c.limit, -c.position), $"sells {sells}");
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true));
        Assert.IsTrue(nonEmpty > 200, $"non-empty {nonEmpty}");
    }
}
