using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using static PinnacleMM.Exchange.Tests.Paper.PaperRun;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>Resting paper orders: queue position, fills from trades at and through their price, fills when the live book crosses them.</summary>
[TestClass]
public sealed class PaperQueueTests
{
    internal static readonly (long, long)[] Bids = [(10000, 5), (9999, 10)];
    internal static readonly (long, long)[] Asks = [(10001, 4), (10002, 6), (10003, 5)];

    internal static void AssertEvent(ExecutionEvent e, ExecutionEventKind kind, long id, long price, long lots, long leaves, long filled)
    {
        Assert.AreEqual(kind, e.Kind, e.ToString());
        Assert.AreEqual(id, e.ClientOrderId.Value, e.ToString());
        Assert.AreEqual(price, e.Price.Ticks, e.ToString());
        Assert.AreEqual(lots, e.Quantity.Lots, e.ToString());
        Assert.AreEqual(leaves, e.LeavesQuantity.Lots, e.ToString());
        Assert.AreEqual(filled, e.FilledQuantity.Lots, e.ToString());
    }

    internal static void AssertFill(ExecutionEvent e, long id, long price, long lots, long leaves, long filled, Liquidity liquidity)
    {
        AssertEvent(e, leaves == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled, id, price, lots, leaves, filled);
        Assert.AreEqual(liquidity, e.Liquidity, e.ToString());
        Assert.AreEqual(Fee(price, lots, liquidity == Liquidity.Maker ? MakerFee : TakerFee), e.Fee, e.ToString());
    }

    [TestMethod]
    [DataRow(true)]
    [DataRow(false)]
    public async Task A_resting_order_waits_behind_the_displayed_size_and_fills_when_trades_eat_through_the_queue(bool sequenced)
    {
        await using var run = await StartAsync(sequenced: sequenced);
        run.Snapshot(Bids, Asks);

        var placed = await run.BuyAsync(1, 10000, 3);
        Assert.AreEqual(1, placed.Count);
        AssertEvent(placed[0], ExecutionEventKind.Accepted, 1, 10000, 3, 3, 0);
        Assert.AreEqual(5, run.QueueAhead(1), "queue ahead = the displayed size when the order arrived");
        Assert.AreEqual(8, run.AppLots(Side.Buy, 10000), "the application sees the level with our order in it");

        Assert.AreEqual(0, run.During(() => run.Trade(Side.Sell, 10000, 4)).Count, "4 of the 5 lots ahead traded: no fill");
        Assert.AreEqual(1, run.QueueAhead(1));

        var fills = run.During(() => run.Trade(Side.Sell, 10000, 3));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10000, 2, 1, 2, Liquidity.Maker);
        Assert.AreEqual(0, run.QueueAhead(1));
        Assert.AreEqual(6, run.AppLots(Side.Buy, 10000), "live 5 (not updated yet) + our 1 left");

        // The feed's level update for those trades: 7 lots traded explain the decrease, the order stays first.
        Assert.AreEqual(0, run.During(() => run.Level(Side.Buy, 10000, 0)).Count);
        Assert.AreEqual(1, run.AppLots(Side.Buy, 10000), "only our order is left at the price");

        fills = run.During(() => run.Trade(Side.Sell, 10000, 1));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10000, 1, 0, 3, Liquidity.Maker);
        Assert.AreEqual(-1, run.QueueAhead(1), "a filled order is no longer resting");
        Assert.AreEqual(0, run.AppLots(Side.Buy, 10000));
        Assert.AreEqual(0, run.AppBookProblems.Count, string.Join(", ", run.AppBookProblems));
        Assert.IsTrue(run.AppBook.IsSynced);
    }

    [TestMethod]
    public async Task Cancellations_shrink_the_queue_ahead_in_proportion_and_trades_are_not_counted_twice()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 2);
        Assert.AreEqual(5, run.QueueAhead(1));

        run.Level(Side.Buy, 10000, 15);
        Assert.AreEqual(5, run.QueueAhead(1), "10 lots joined behind us");

        run.Level(Side.Buy, 10000, 12);
        Assert.AreEqual(4, run.QueueAhead(1), "3 cancelled of 15: 5 - floor(3 × 5 / 15) = 4");

        run.Level(Side.Buy, 10000, 2);
        Assert.AreEqual(1, run.QueueAhead(1), "10 cancelled of 12: 4 - floor(10 × 4 / 12) = 1");

        Assert.AreEqual(0, run.During(() => run.Trade(Side.Sell, 10000, 1)).Count, "the trade eats the last lot ahead");
        Assert.AreEqual(0, run.QueueAhead(1));

        run.Level(Side.Buy, 10000, 1);
        Assert.AreEqual(0, run.QueueAhead(1), "the decrease is the trade already counted");

        var fills = run.During(() => run.Trade(Side.Sell, 10000, 3));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10000, 2, 0, 2, Liquidity.Maker);
    }

    [TestMethod]
    public async Task A_level_decrease_explained_by_trades_at_the_price_does_not_move_the_queue()
    {
        await using var run = await StartAsync();
        run.Snapshot([(10000, 10)], Asks);
        await run.BuyAsync(1, 10000, 2);
        Assert.AreEqual(10, run.QueueAhead(1));

        run.Trade(Side.Sell, 10000, 4);
        Assert.AreEqual(6, run.QueueAhead(1));
        run.Level(Side.Buy, 10000, 6);
        Assert.AreEqual(6, run.QueueAhead(1), "the 4 lots gone are the 4 traded");

        run.Level(Side.Buy, 10000, 3);
        Assert.AreEqual(3, run.QueueAhead(1), "3 cancelled of 6: 6 - 3 × 6 / 6");
    }

    [TestMethod]
    public async Task Our_own_orders_at_one_price_fill_in_time_priority()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 2);
        run.Level(Side.Buy, 10000, 8);
        await run.BuyAsync(2, 10000, 3);
        Assert.AreEqual(5, run.QueueAhead(1));
        Assert.AreEqual(8, run.QueueAhead(2));
        Assert.AreEqual(13, run.AppLots(Side.Buy, 10000), "live 8 + ours 2 + 3");

        // 5 ahead of #1, #1's 2, 3 others, then #2: a 12-lot trade reaches #2 for 2 lots.
        var fills = run.During(() => run.Trade(Side.Sell, 10000, 12));
        Assert.AreEqual(2, fills.Count);
        AssertFill(fills[0], 1, 10000, 2, 0, 2, Liquidity.Maker);
        AssertFill(fills[1], 2, 10000, 2, 1, 2, Liquidity.Maker);
        Assert.AreEqual(0, run.QueueAhead(2));
    }

    [TestMethod]
    public async Task A_trade_through_our_price_fills_the_whole_order_at_our_price()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 2);
        await run.SellAsync(2, 10002, 3);

        var fills = run.During(() => run.Trade(Side.Sell, 9999, 1));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10000, 2, 0, 2, Liquidity.Maker);

        fills = run.During(() => run.Trade(Side.Buy, 10003, 1));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 2, 10002, 3, 0, 3, Liquidity.Maker);

        Assert.AreEqual(0, run.During(() => run.Trade(Side.Buy, 10000, 1)).Count, "a print on the other side at our price is not ours");
    }

    [TestMethod]
    public async Task When_the_live_book_crosses_a_resting_order_it_fills_as_maker_against_the_available_size_only_once()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 2);
        run.Level(Side.Buy, 10000, 0);
        Assert.AreEqual(0, run.QueueAhead(1));

        var fills = run.During(() => run.Level(Side.Sell, 10000, 1));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10000, 1, 1, 1, Liquidity.Maker);
        Assert.AreEqual(0, run.AppLots(Side.Sell, 10000), "the lot we took is shown gone");
        Assert.AreEqual(1, run.AppLots(Side.Buy, 10000));
        Assert.IsFalse(run.AppBook.IsCrossed);

        Assert.AreEqual(0, run.During(() => run.Level(Side.Sell, 10001, 3)).Count, "an update elsewhere does not give the taken lot back");

        fills = run.During(() => run.Level(Side.Sell, 10000, 3));
        Assert.AreEqual(1, fills.Count, "2 new lots at the price: 1 fills our last lot");
        AssertFill(fills[0], 1, 10000, 1, 0, 2, Liquidity.Maker);
        Assert.AreEqual(1, run.AppLots(Side.Sell, 10000), "3 live - 2 taken");

        run.Level(Side.Sell, 10000, 2);
        Assert.AreEqual(1, run.AppLots(Side.Sell, 10000), "1 of the 2 taken left the level: 2 live - 1 still taken");
        Assert.AreEqual(0, run.AppBookProblems.Count, string.Join(", ", run.AppBookProblems));
    }

    [TestMethod]
    public async Task A_resync_snapshot_is_passed_on_merged_and_fills_an_order_it_crosses_first()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 9999, 2);
        await run.SellAsync(2, 10003, 3);
        Assert.AreEqual(10, run.QueueAhead(1));
        Assert.AreEqual(5, run.QueueAhead(2));

        // The feed resyncs to a book that moved down: asks now start at 9998, through our bid.
        var fills = run.During(() => run.Snapshot([(9997, 4)], [(9998, 1), (9999, 7), (10003, 2)]));
        Assert.AreEqual(2, fills.Count, "one fill per crossing level, each at our price");
        AssertFill(fills[0], 1, 9999, 1, 1, 1, Liquidity.Maker);
        AssertFill(fills[1], 1, 9999, 1, 0, 2, Liquidity.Maker);
        Assert.IsTrue(run.AppBook.IsSynced);
        Assert.AreEqual(0, run.AppBookProblems.Count, string.Join(", ", run.AppBookProblems));
        Assert.AreEqual(0, run.AppLots(Side.Sell, 9998), "the lot we took is not shown");
        Assert.AreEqual(6, run.AppLots(Side.Sell, 9999), "7 - the 1 more we took");
        Assert.AreEqual(5, run.AppLots(Side.Sell, 10003), "live 2 + our 3");
        Assert.AreEqual(0, run.AppLots(Side.Buy, 9999));
        Assert.AreEqual(2, run.QueueAhead(2), "nobody is further ahead than the level is long");
    }

    [TestMethod]
    public async Task Sequence_numbers_stay_consecutive_around_the_inserted_level_updates_and_a_real_gap_stays_a_gap()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 2);
        await run.SellAsync(2, 10002, 2);
        run.Level(Side.Buy, 9999, 12);
        await run.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1)));
        run.Level(Side.Sell, 10003, 1);

        var levels = run.Sink.Market.Where(e => e.Kind == MarketEventKind.LevelUpdate).Select(e => e.Sequence).ToList();
        CollectionAssert.AreEqual(Enumerable.Range(101, levels.Count).Select(i => (long)i).ToList(), levels);
        Assert.AreEqual(0, run.AppBookProblems.Count);
        Assert.AreEqual(2, run.AppLots(Side.Sell, 10002) - 6);

        // The feed skips a number: the application must see the gap too.
        run.Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, P(9999), Q(3), 0, run.FeedSequence + 2, run.Now, run.Now + 1));
        CollectionAssert.Contains(run.AppBookProblems, DepthBookResultCode.Gap);
    }

    [TestMethod]
    public async Task Without_merging_the_feed_is_passed_on_exactly_as_received()
    {
        await using var run = await StartAsync(o => o.MergeOwnOrdersIntoMarketData = false);
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10002, 12);
        run.Level(Side.Buy, 10000, 7);
        run.Trade(Side.Sell, 10000, 1);

        // What the feed sent, in order (the scripted feed numbers from 100).
        Assert.AreEqual(9 + 1 + 1, run.Sink.Market.Count, "status, snapshot of 5 levels, status, one update, one trade");
        Assert.AreEqual(7, run.AppLots(Side.Buy, 10000));
        Assert.AreEqual(4, run.AppLots(Side.Sell, 10001), "the taken lots are still shown");
        Assert.AreEqual(0, run.AppLots(Side.Buy, 10002), "our resting lot is not shown");
        Assert.AreEqual(101, run.Sink.Market.Single(e => e.Kind == MarketEventKind.LevelUpdate).Sequence);
    }
}
