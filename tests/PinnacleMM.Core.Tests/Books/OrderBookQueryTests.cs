using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using static PinnacleMM.Core.Tests.Books.BookTestKit;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>Queries (best prices, spread, mid, depth, impact, imbalance, queue position, lookups), the state hash and listener events.</summary>
[TestClass]
public sealed class OrderBookQueryTests
{
    [TestMethod]
    public void Empty_book_has_no_prices_and_nothing_to_fill()
    {
        var (book, _) = NewBook();
        Assert.IsFalse(book.TryGetBestBid(out _, out _));
        Assert.IsFalse(book.TryGetBestAsk(out _, out _));
        Assert.IsFalse(book.TryGetSpread(out _));
        Assert.IsFalse(book.TryGetMidTicks(out _));
        Assert.AreEqual(0, book.GetDepth(Side.Buy, new DepthLevel[4]));
        Assert.AreEqual(0.0, book.GetImbalance(5));
        var impact = book.EstimateMarketImpact(Side.Buy, new Quantity(5));
        Assert.AreEqual(new MarketImpact { Unfilled = new Quantity(5) }, impact);
        Assert.AreEqual(0m, impact.AveragePriceTicks);
        Assert.AreEqual((0, 0, 0, 0L), (book.OrderCount, book.BidLevelCount, book.AskLevelCount, book.LastTradeId));
    }

    [TestMethod]
    public void One_sided_book_has_no_spread_or_mid()
    {
        var (book, _) = NewBook();
        book.Accept(Buy(1, 100, 2));
        Assert.IsTrue(book.TryGetBestBid(out _, out _));
        Assert.IsFalse(book.TryGetSpread(out _));
        Assert.IsFalse(book.TryGetMidTicks(out _));
    }

    [TestMethod]
    public void Best_prices_spread_and_mid()
    {
        var (book, _) = Seeded();         // bids 3@99, 4@98; asks 5@101, 6@102
        book.Accept(Buy(10, 99, 2, owner: 3));
        Assert.IsTrue(book.TryGetBestBid(out var bid, out var bidQty));
        Assert.AreEqual((99L, 5L), (bid.Ticks, bidQty.Lots));
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out var askQty));
        Assert.AreEqual((101L, 5L), (ask.Ticks, askQty.Lots));
        Assert.IsTrue(book.TryGetSpread(out var spread));
        Assert.AreEqual(2L, spread);
        Assert.IsTrue(book.TryGetMidTicks(out var mid));
        Assert.AreEqual(100m, mid);

        book.Accept(Sell(11, 100, 2, owner: 3));
        Assert.IsTrue(book.TryGetMidTicks(out mid));
        Assert.AreEqual(99.5m, mid, "a half-tick mid");
        Assert.AreEqual(0.995m, book.Instrument.TicksToDecimal(mid));
    }

    [TestMethod]
    public void Depth_is_best_first_and_truncated_to_the_destination()
    {
        var (book, _) = Seeded();
        book.Accept(Sell(10, 101, 2, owner: 5));
        book.Accept(Sell(11, 110, 2, owner: 5));
        var all = new DepthLevel[8];
        Assert.AreEqual(3, book.GetDepth(Side.Sell, all));
        CollectionAssert.AreEqual(
            new[] { new DepthLevel(new Price(101), new Quantity(7), 2), new DepthLevel(new Price(102), new Quantity(6), 1), new DepthLevel(new Price(110), new Quantity(2), 1) },
            all.Take(3).ToArray());
        Assert.AreEqual(default, all[3], "nothing written past the levels");

        var two = new DepthLevel[2];
        Assert.AreEqual(2, book.GetDepth(Side.Sell, two));
        Assert.AreEqual(new Price(102), two[1].Price);
        Assert.AreEqual(0, book.GetDepth(Side.Buy, Span<DepthLevel>.Empty));

        var bids = new DepthLevel[8];
        Assert.AreEqual(2, book.GetDepth(Side.Buy, bids));
        Assert.AreEqual((99L, 98L), (bids[0].Price.Ticks, bids[1].Price.Ticks));
    }

    [TestMethod]
    public void Queries_refuse_an_undefined_side_or_a_negative_quantity_naming_the_parameter()
    {
        var (book, _) = Seeded();
        var hash = book.ComputeStateHash();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.GetDepth((Side)7, new DepthLevel[4]));
        StringAssert.StartsWith(e.Message, "side 7 is not Buy or Sell. (Parameter 'side')");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.GetOrders((Side)2));
        StringAssert.StartsWith(e.Message, "side 2 is not Buy or Sell. (Parameter 'side')");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.EstimateMarketImpact((Side)255, new Quantity(5)));
        StringAssert.StartsWith(e.Message, "takerSide 255 is not Buy or Sell. (Parameter 'takerSide')");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.EstimateMarketImpact(Side.Buy, new Quantity(-3)));
        StringAssert.StartsWith(e.Message, "quantity -3 must not be negative. (Parameter 'quantity')");
        Assert.AreEqual(hash, book.ComputeStateHash());

        // Nothing to fill is a valid question with an empty answer.
        Assert.AreEqual(default, book.EstimateMarketImpact(Side.Sell, Quantity.Zero));
    }

    [TestMethod]
    public void Market_impact_sums_levels_without_changing_the_book()
    {
        var (book, _) = Seeded();      // asks 5@101 (owner 1), 6@102
        book.Accept(Sell(10, 104, 10, owner: 5));
        var before = BookSnapshot.Of(book);

        var partial = book.EstimateMarketImpact(Side.Buy, new Quantity(8));
        Assert.AreEqual(new MarketImpact { Filled = new Quantity(8), NotionalTicksLots = (5 * 101) + (3 * 102), WorstPrice = new Price(102), LevelsConsumed = 2 }, partial);
        Assert.AreEqual(811m / 8, partial.AveragePriceTicks);

        var exact = book.EstimateMarketImpact(Side.Buy, new Quantity(5));
        Assert.AreEqual((5L, 0L, 101L, 1), (exact.Filled.Lots, exact.Unfilled.Lots, exact.WorstPrice.Ticks, exact.LevelsConsumed));

        var unfilled = book.EstimateMarketImpact(Side.Buy, new Quantity(30));
        Assert.AreEqual(new MarketImpact { Filled = new Quantity(21), Unfilled = new Quantity(9), NotionalTicksLots = 505 + 612 + 1040, WorstPrice = new Price(104), LevelsConsumed = 3 }, unfilled);

        var sell = book.EstimateMarketImpact(Side.Sell, new Quantity(4));
        Assert.AreEqual((4L, (Int128)((3 * 99) + 98), 98L, 2), (sell.Filled.Lots, sell.NotionalTicksLots, sell.WorstPrice.Ticks, sell.LevelsConsumed));

        Assert.AreEqual(before, BookSnapshot.Of(book));
    }

    [TestMethod]
    public void Market_impact_notional_does_not_overflow_64_bits()
    {
        var spec = new InstrumentSpec("BIG", 1m, 1m);
        var book = new OrderBook(spec);
        book.Accept(Sell(1, long.MaxValue / 2, long.MaxValue / 2));
        var impact = book.EstimateMarketImpact(Side.Buy, new Quantity(long.MaxValue / 2));
        Assert.AreEqual((Int128)(long.MaxValue / 2) * (long.MaxValue / 2), impact.NotionalTicksLots);
    }

    [TestMethod]
    public void Imbalance_over_the_top_levels()
    {
        var (book, _) = NewBook();
        book.Accept(Buy(1, 99, 6));
        Assert.AreEqual(1.0, book.GetImbalance(1));
        book.Accept(Sell(2, 101, 2));
        Assert.AreEqual((6 - 2) / 8.0, book.GetImbalance(1), 1e-15);
        book.Accept(Buy(3, 98, 10));
        book.Accept(Sell(4, 102, 30));
        Assert.AreEqual((6 - 2) / 8.0, book.GetImbalance(1), 1e-15, "one level ignores the deeper ones");
        Assert.AreEqual((16 - 32) / 48.0, book.GetImbalance(2), 1e-15);
        Assert.AreEqual((16 - 32) / 48.0, book.GetImbalance(100), 1e-15);
        book.Cancel(1);
        book.Cancel(3);
        Assert.AreEqual(-1.0, book.GetImbalance(3));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.GetImbalance(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.GetImbalance(-1));
    }

    [TestMethod]
    public void Queue_position_counts_orders_and_quantity_ahead_at_the_same_price()
    {
        var (book, _) = NewBook();
        book.Accept(Buy(1, 100, 5));
        book.Accept(Buy(2, 101, 50));
        book.Accept(Buy(3, 100, 7));
        book.Accept(Buy(4, 100, 2));
        Assert.IsTrue(book.TryGetQueuePosition(4, out var ahead, out var quantity));
        Assert.AreEqual((2, 12L), (ahead, quantity.Lots), "the better-priced bid is not in the queue");
        Assert.IsTrue(book.TryGetQueuePosition(1, out ahead, out quantity));
        Assert.AreEqual((0, 0L), (ahead, quantity.Lots));
        book.Cancel(1);
        Assert.IsTrue(book.TryGetQueuePosition(4, out ahead, out quantity));
        Assert.AreEqual((1, 7L), (ahead, quantity.Lots));
        Assert.IsFalse(book.TryGetQueuePosition(1, out ahead, out quantity));
        Assert.AreEqual((0, 0L), (ahead, quantity.Lots));
        Assert.IsFalse(book.TryGetQueuePosition(0, out _, out _));
    }

    [TestMethod]
    public void Order_lookup_and_contains()
    {
        var (book, _) = NewBook();
        book.Accept(OrderRequest.Limit(5, 42, Side.Sell, new Price(120), new Quantity(9), postOnly: true, selfTradePrevention: SelfTradePrevention.CancelResting, timestamp: 1234));
        Assert.IsTrue(book.TryGetOrder(5, out var order));
        Assert.AreEqual(new OrderInfo { OrderId = 5, OwnerId = 42, Side = Side.Sell, Price = new Price(120), Remaining = new Quantity(9), PostOnly = true, SelfTradePrevention = SelfTradePrevention.CancelResting, Timestamp = 1234 }, order);
        Assert.IsTrue(book.Contains(5));
        Assert.IsFalse(book.Contains(6));
        Assert.IsFalse(book.Contains(0));
        Assert.IsFalse(book.Contains(-5));
        Assert.IsFalse(book.TryGetOrder(-5, out _));
        book.Accept(Buy(6, 120, 9, owner: 1));
        Assert.IsFalse(book.Contains(5), "a filled order is gone");
        Assert.IsFalse(book.TryGetOrder(5, out order));
        Assert.AreEqual(default, order);
    }

    [TestMethod]
    public void GetOrders_enumerates_in_priority_order()
    {
        var (book, _) = NewBook();
        book.Accept(Sell(1, 103, 2));
        book.Accept(Sell(2, 101, 2));
        book.Accept(Sell(3, 103, 2));
        book.Accept(Sell(4, 102, 2));
        book.Accept(Buy(5, 90, 2));
        book.Accept(Buy(6, 95, 2));
        book.Accept(Buy(7, 90, 2));
        CollectionAssert.AreEqual(new long[] { 2, 4, 1, 3 }, book.Ids(Side.Sell));
        CollectionAssert.AreEqual(new long[] { 6, 5, 7 }, book.Ids(Side.Buy));
        Assert.IsTrue(BookSnapshot.Orders(book, Side.Sell).All(o => o.Side == Side.Sell));
    }

    [TestMethod]
    public void Clear_empties_the_book_and_trade_ids_keep_counting()
    {
        var (book, _) = Seeded();
        book.Accept(Buy(10, 101, 2, owner: 9));
        book.Clear();
        Assert.AreEqual((0, 0, 0, 1L), (book.OrderCount, book.BidLevelCount, book.AskLevelCount, book.LastTradeId));
        var emptyAfterOneTrade = new OrderBook(Spec);
        emptyAfterOneTrade.RestoreLastTradeId(1);
        Assert.AreEqual(emptyAfterOneTrade.ComputeStateHash(), book.ComputeStateHash());
        book.Accept(Sell(3, 100, 2));
        book.Accept(Buy(1, 100, 2, owner: 2));
        Assert.AreEqual(2L, book.LastTradeId);
        Assert.AreEqual(0, book.OrderCount);
    }

    // ------------------------------------------------------------------ state hash

    private static OrderBook Build(params OrderRequest[] requests)
    {
        var book = new OrderBook(Spec);
        foreach (var request in requests)
        {
            book.Accept(request);
        }

        return book;
    }

    [TestMethod]
    public void State_hash_is_equal_for_books_built_the_same_way_and_independent_of_history()
    {
        var a = Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2), Sell(3, 101, 5, owner: 1));
        var b = Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2), Sell(3, 101, 5, owner: 1));
        Assert.AreEqual(a.ComputeStateHash(), b.ComputeStateHash());

        // Same resting state reached through cancels, partial fills and reductions.
        var c = Build(Sell(9, 100, 3, owner: 4), Buy(1, 99, 3, owner: 1), Buy(7, 99, 9, owner: 5), Buy(2, 99, 4, owner: 2), Sell(3, 101, 8, owner: 1));
        c.Cancel(7);
        c.Cancel(9);
        c.Modify(3, new Price(101), new Quantity(5));
        Assert.AreEqual(a.ComputeStateHash(), c.ComputeStateHash());
        Assert.AreEqual(BookSnapshot.Of(a).Text, BookSnapshot.Of(c).Text);

        // A stable value: the hash must not depend on the process (e.g. randomized string or HashCode seeds).
        Assert.AreEqual(a.ComputeStateHash(), Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2), Sell(3, 101, 5, owner: 1)).ComputeStateHash());
        Assert.AreNotEqual(new OrderBook(Spec).ComputeStateHash(), a.ComputeStateHash());
    }

    [TestMethod]
    [DataRow("owner")]
    [DataRow("quantity")]
    [DataRow("queue order")]
    [DataRow("price")]
    [DataRow("id")]
    [DataRow("post-only")]
    [DataRow("stp")]
    [DataRow("side")]
    public void State_hash_differs_when_one_order_differs(string field)
    {
        var baseline = Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2), Sell(3, 101, 5, owner: 1));
        var changed = field switch
        {
            "owner" => Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 3), Sell(3, 101, 5, owner: 1)),
            "quantity" => Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 5, owner: 2), Sell(3, 101, 5, owner: 1)),
            "queue order" => Build(Buy(2, 99, 4, owner: 2), Buy(1, 99, 3, owner: 1), Sell(3, 101, 5, owner: 1)),
            "price" => Build(Buy(1, 99, 3, owner: 1), Buy(2, 98, 4, owner: 2), Sell(3, 101, 5, owner: 1)),
            "id" => Build(Buy(1, 99, 3, owner: 1), Buy(4, 99, 4, owner: 2), Sell(3, 101, 5, owner: 1)),
            "post-only" => Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2, postOnly: true), Sell(3, 101, 5, owner: 1)),
            "stp" => Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2, stp: SelfTradePrevention.CancelBoth), Sell(3, 101, 5, owner: 1)),
            _ => Build(Buy(1, 99, 3, owner: 1), Buy(2, 99, 4, owner: 2), Buy(3, 90, 5, owner: 1)),
        };
        Assert.AreNotEqual(baseline.ComputeStateHash(), changed.ComputeStateHash(), field);
    }

    // ------------------------------------------------------------------ listener

    [TestMethod]
    public void Listener_reports_updates_trades_and_depth_changes_in_order()
    {
        var (book, listener) = NewBook();
        book.Accept(OrderRequest.Limit(1, 10, Side.Sell, new Price(101), new Quantity(5), timestamp: 1));
        book.Accept(OrderRequest.Limit(2, 10, Side.Sell, new Price(101), new Quantity(6), timestamp: 2));
        book.Accept(OrderRequest.Limit(3, 20, Side.Buy, new Price(101), new Quantity(7), timestamp: 3));
        book.Modify(2, new Price(101), new Quantity(2), timestamp: 4);
        book.Cancel(2, timestamp: 5);

        object[] expected =
        [
            new OrderUpdate { Kind = OrderUpdateKind.Rested, OrderId = 1, OwnerId = 10, Side = Side.Sell, Price = new Price(101), Quantity = new Quantity(5), Remaining = new Quantity(5), Timestamp = 1 },
            new OrderUpdate { Kind = OrderUpdateKind.Rested, OrderId = 2, OwnerId = 10, Side = Side.Sell, Price = new Price(101), Quantity = new Quantity(6), Remaining = new Quantity(6), Timestamp = 2 },
            new Trade { TradeId = 1, Price = new Price(101), Quantity = new Quantity(5), MakerOrderId = 1, MakerOwnerId = 10, TakerOrderId = 3, TakerOwnerId = 20, TakerSide = Side.Buy, MakerFilled = true, Timestamp = 3 },
            new Trade { TradeId = 2, Price = new Price(101), Quantity = new Quantity(2), MakerOrderId = 2, MakerOwnerId = 10, TakerOrderId = 3, TakerOwnerId = 20, TakerSide = Side.Buy, MakerFilled = false, Timestamp = 3 },
            new OrderUpdate { Kind = OrderUpdateKind.Reduced, OrderId = 2, OwnerId = 10, Side = Side.Sell, Price = new Price(101), Quantity = new Quantity(2), Remaining = new Quantity(2), Reason = CancelReason.Requested, Timestamp = 4 },
            new OrderUpdate { Kind = OrderUpdateKind.Cancelled, OrderId = 2, OwnerId = 10, Side = Side.Sell, Price = new Price(101), Quantity = new Quantity(2), Remaining = Quantity.Zero, Reason = CancelReason.Requested, Timestamp = 5 },
        ];
        CollectionAssert.AreEqual(expected, listener.Events);

        (Side, Price, Quantity, int)[] depth =
        [
            (Side.Sell, new Price(101), new Quantity(5), 1),
            (Side.Sell, new Price(101), new Quantity(11), 2),
            (Side.Sell, new Price(101), new Quantity(4), 1),     // after the sweep of the level
            (Side.Sell, new Price(101), new Quantity(2), 1),
            (Side.Sell, new Price(101), Quantity.Zero, 0),       // level gone
        ];
        CollectionAssert.AreEqual(depth, listener.DepthChanges);
        Assert.AreEqual(0, listener.AskL2.Count);
    }

    [TestMethod]
    public void Depth_change_is_reported_only_for_a_level_that_changed()
    {
        var (book, listener) = NewBook();
        book.Accept(Sell(1, 101, 5, owner: 7));
        book.Accept(Sell(2, 101, 4, owner: 8));
        listener.Clear();

        // Self-trade prevention stops matching at the first (own) order: the level is untouched.
        var result = book.Accept(Buy(3, 101, 3, owner: 7, tif: TimeInForce.ImmediateOrCancel, stp: SelfTradePrevention.CancelIncoming));

        Assert.AreEqual(CancelReason.SelfTradePrevention, result.CancelReason);
        Assert.AreEqual(0, listener.DepthChanges.Count, "depth changes: " + string.Join(", ", listener.DepthChanges));
    }

    [TestMethod]
    public void No_listener_still_counts_trade_ids()
    {
        var book = new OrderBook(Spec);
        book.Accept(Sell(1, 100, 4));
        book.Accept(Buy(2, 100, 2, owner: 2));
        book.Accept(Buy(3, 100, 2, owner: 2));
        Assert.AreEqual(2L, book.LastTradeId);
    }
}
