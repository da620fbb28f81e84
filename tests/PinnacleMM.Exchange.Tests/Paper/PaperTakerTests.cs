using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using static PinnacleMM.Exchange.Tests.Paper.PaperQueueTests;
using static PinnacleMM.Exchange.Tests.Paper.PaperRun;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>Orders that trade on arrival: walking the displayed levels, time in force, post-only, self-trade prevention, amend, cancel.</summary>
[TestClass]
public sealed class PaperTakerTests
{
    [TestMethod]
    public async Task A_marketable_limit_order_walks_the_levels_as_taker_and_rests_its_remainder()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);

        var events = await run.BuyAsync(1, 10002, 12);
        Assert.AreEqual(3, events.Count, string.Join("\n", events));
        AssertEvent(events[0], ExecutionEventKind.Accepted, 1, 10002, 12, 12, 0);
        AssertFill(events[1], 1, 10001, 4, 8, 4, Liquidity.Taker);
        AssertFill(events[2], 1, 10002, 6, 2, 10, Liquidity.Taker);
        Assert.AreEqual(0, run.QueueAhead(1), "nobody bids at 10002");
        Assert.AreEqual(0, run.AppLots(Side.Sell, 10001));
        Assert.AreEqual(0, run.AppLots(Side.Sell, 10002));
        Assert.AreEqual(2, run.AppLots(Side.Buy, 10002));
        Assert.IsTrue(run.AppBook.TryGetBestAsk(out var ask, out _));
        Assert.AreEqual(10003, ask.Ticks);

        // 2 lots join at 10002 on the feed: the 6 we took are still taken, the 2 new ones fill our rest.
        var fills = run.During(() => run.Level(Side.Sell, 10002, 8));
        Assert.AreEqual(1, fills.Count);
        AssertFill(fills[0], 1, 10002, 2, 0, 12, Liquidity.Maker);

        var balances = await run.Paper.GetBalancesAsync();
        var cost = (4 * 100.01m * 0.001m) + (8 * 100.02m * 0.001m);
        var fees = Fee(10001, 4, TakerFee) + Fee(10002, 6, TakerFee) + Fee(10002, 2, MakerFee);
        Assert.AreEqual(new Balance("BTC", 10.012m, 10.012m), balances[0]);
        Assert.AreEqual(new Balance("USD", 100_000m - cost - fees, 100_000m - cost - fees), balances[1]);
    }

    [TestMethod]
    public async Task A_marketable_sell_walks_the_bids()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        var events = await run.SellAsync(1, 9999, 20);
        Assert.AreEqual(3, events.Count, string.Join("\n", events));
        AssertFill(events[1], 1, 10000, 5, 15, 5, Liquidity.Taker);
        AssertFill(events[2], 1, 9999, 10, 5, 15, Liquidity.Taker);
        Assert.AreEqual(5, run.AppLots(Side.Sell, 9999));
        Assert.AreEqual(0, run.AppBook.BidLevelCount);
    }

    [TestMethod]
    public async Task Immediate_or_cancel_and_market_orders_cancel_what_they_cannot_take()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);

        var ioc = await run.BuyAsync(1, 10001, 7, TimeInForce.ImmediateOrCancel);
        Assert.AreEqual(3, ioc.Count, string.Join("\n", ioc));
        AssertFill(ioc[1], 1, 10001, 4, 3, 4, Liquidity.Taker);
        AssertEvent(ioc[2], ExecutionEventKind.Cancelled, 1, 10001, 3, 0, 4);
        Assert.AreEqual(CancelReason.ImmediateOrCancel, ioc[2].CancelReason);

        var market = await run.SendAsync(OrderCommand.PlaceMarket(Id, new ClientOrderId(2), Side.Buy, Q(20)));
        Assert.AreEqual(4, market.Count, string.Join("\n", market));
        AssertEvent(market[0], ExecutionEventKind.Accepted, 2, 0, 20, 20, 0);
        AssertFill(market[1], 2, 10002, 6, 14, 6, Liquidity.Taker);
        AssertFill(market[2], 2, 10003, 5, 9, 11, Liquidity.Taker);
        AssertEvent(market[3], ExecutionEventKind.Cancelled, 2, 0, 9, 0, 11);
        Assert.AreEqual(CancelReason.NoLiquidity, market[3].CancelReason);
        Assert.AreEqual(0, run.AppBook.AskLevelCount, "every ask was taken");
        Assert.AreEqual(0, (await run.Paper.GetOpenOrdersAsync(Id)).Count);
    }

    [TestMethod]
    public async Task Fill_or_kill_fills_completely_or_is_rejected_with_nothing_taken()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);

        var killed = await run.BuyAsync(1, 10002, 11, TimeInForce.FillOrKill);
        Assert.AreEqual(1, killed.Count);
        Assert.AreEqual(ExecutionEventKind.Rejected, killed[0].Kind);
        Assert.AreEqual(RejectReason.FillOrKillNotFillable, killed[0].RejectReason);
        Assert.AreEqual(4, run.AppLots(Side.Sell, 10001), "nothing was taken");

        var filled = await run.BuyAsync(1, 10002, 10, TimeInForce.FillOrKill);
        Assert.AreEqual(3, filled.Count, "the rejected id was not used up");
        AssertFill(filled[1], 1, 10001, 4, 6, 4, Liquidity.Taker);
        AssertFill(filled[2], 1, 10002, 6, 0, 10, Liquidity.Taker);
    }

    [TestMethod]
    public async Task Post_only_that_would_cross_is_rejected_and_one_that_does_not_rests()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);

        var crossing = await run.BuyAsync(1, 10001, 2, postOnly: true);
        Assert.AreEqual(RejectReason.PostOnlyWouldCross, crossing.Single().RejectReason);
        Assert.AreEqual(4, run.AppLots(Side.Sell, 10001));

        var resting = await run.BuyAsync(1, 10000, 2, postOnly: true);
        AssertEvent(resting.Single(), ExecutionEventKind.Accepted, 1, 10000, 2, 2, 0);

        var againstOwn = await run.SellAsync(2, 10000, 2, postOnly: true);
        Assert.AreEqual(RejectReason.PostOnlyWouldCross, againstOwn.Single().RejectReason, "crossing our own bid counts too");
    }

    [TestMethod]
    public async Task An_order_that_would_trade_with_our_own_resting_order_takes_better_levels_and_cancels_the_rest()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.SellAsync(1, 10003, 2);

        var events = await run.BuyAsync(2, 10004, 20);
        Assert.AreEqual(4, events.Count, string.Join("\n", events));
        AssertFill(events[1], 2, 10001, 4, 16, 4, Liquidity.Taker);
        AssertFill(events[2], 2, 10002, 6, 10, 10, Liquidity.Taker);
        AssertEvent(events[3], ExecutionEventKind.Cancelled, 2, 10004, 10, 0, 10);
        Assert.AreEqual(CancelReason.SelfTradePrevention, events[3].CancelReason);
        Assert.AreEqual(1, (await run.Paper.GetOpenOrdersAsync(Id)).Count, "our ask is untouched");
        Assert.AreEqual(7, run.AppLots(Side.Sell, 10003));
    }

    [TestMethod]
    public async Task Cancel_and_cancel_all_answer_with_the_open_size_and_unknown_ids_are_refused()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 9999, 2);
        await run.BuyAsync(2, 10000, 3);
        await run.SellAsync(3, 10003, 4);
        run.Trade(Side.Sell, 10000, 6);

        var cancelled = await run.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(2)));
        AssertEvent(cancelled.Single(), ExecutionEventKind.Cancelled, 2, 10000, 2, 0, 1);
        Assert.AreEqual(CancelReason.Requested, cancelled[0].CancelReason);

        var again = await run.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(2)));
        Assert.AreEqual(ExecutionEventKind.CancelRejected, again.Single().Kind);
        Assert.AreEqual(RejectReason.UnknownOrder, again[0].RejectReason);

        var all = await run.SendAsync(OrderCommand.CancelAll(InstrumentId.None));
        Assert.AreEqual(2, all.Count);
        AssertEvent(all[0], ExecutionEventKind.Cancelled, 1, 9999, 2, 0, 0);
        AssertEvent(all[1], ExecutionEventKind.Cancelled, 3, 10003, 4, 0, 0);
        Assert.AreEqual(0, (await run.Paper.GetOpenOrdersAsync(InstrumentId.None)).Count);
        Assert.AreEqual(10, run.AppLots(Side.Buy, 9999));
        Assert.AreEqual(5, run.AppLots(Side.Sell, 10003));
    }

    [TestMethod]
    public async Task Amend_keeps_the_queue_for_a_smaller_size_and_goes_to_the_back_for_a_new_price_or_more()
    {
        await using var run = await StartAsync(o => o.SupportsAmend = true);
        Assert.IsTrue(run.Paper.SupportsAmend);
        run.Snapshot(Bids, Asks);
        await run.BuyAsync(1, 10000, 4);
        run.Level(Side.Buy, 10000, 9);

        var smaller = await run.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), P(10000), Q(2)));
        AssertEvent(smaller.Single(), ExecutionEventKind.Amended, 1, 10000, 2, 2, 0);
        Assert.AreEqual(5, run.QueueAhead(1), "kept its place");
        Assert.AreEqual(11, run.AppLots(Side.Buy, 10000));

        var larger = await run.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), P(10000), Q(3)));
        AssertEvent(larger.Single(), ExecutionEventKind.Amended, 1, 10000, 3, 3, 0);
        Assert.AreEqual(9, run.QueueAhead(1), "to the back: behind all 9 displayed");

        var moved = await run.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), P(9999), Q(3)));
        AssertEvent(moved.Single(), ExecutionEventKind.Amended, 1, 9999, 3, 3, 0);
        Assert.AreEqual(10, run.QueueAhead(1));
        Assert.AreEqual(9, run.AppLots(Side.Buy, 10000));
        Assert.AreEqual(13, run.AppLots(Side.Buy, 9999));

        var crossing = await run.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), P(10001), Q(3)));
        Assert.AreEqual(2, crossing.Count, string.Join("\n", crossing));
        AssertEvent(crossing[0], ExecutionEventKind.Amended, 1, 10001, 3, 3, 0);
        AssertFill(crossing[1], 1, 10001, 3, 0, 3, Liquidity.Taker);
        Assert.AreEqual(10, run.AppLots(Side.Buy, 9999));
        Assert.AreEqual(1, run.AppLots(Side.Sell, 10001));
        Assert.AreEqual(0, run.AppBookProblems.Count);
    }
}
