using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using static PinnacleMM.Core.Tests.Books.BookTestKit;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// <see cref="OrderBook.RestoreOrder"/> and <see cref="OrderBook.RestoreLastTradeId"/>: a book rebuilt
/// from another book's orders in queue order (as a snapshot stores them) behaves exactly like it.
/// </summary>
[TestClass]
public sealed class OrderBookRestoreTests
{
    private static OrderBook CopyOf(OrderBook source)
    {
        var copy = new OrderBook(source.Instrument);
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            foreach (var order in source.GetOrders(side))
            {
                copy.RestoreOrder(order);
            }
        }

        copy.RestoreLastTradeId(source.LastTradeId);
        return copy;
    }

    [TestMethod]
    public void Restored_orders_keep_queue_order_timestamps_and_trade_ids_and_emit_nothing()
    {
        var (book, _) = Seeded();
        book.Accept(OrderRequest.Limit(5, 3, Side.Buy, new Price(99), new Quantity(7), timestamp: 77));
        book.Accept(Sell(6, 99, 4, owner: 9)); // trades 3 with order 1 and 1 with order 5: 2 trades, partial fill of 5
        var listener = new RecordingListener();
        var copy = new OrderBook(Spec) { Listener = listener };
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            foreach (var order in book.GetOrders(side))
            {
                copy.RestoreOrder(order);
            }
        }

        Assert.AreEqual(0, listener.Events.Count + listener.DepthChanges.Count, "restoring reports no events");
        Assert.AreNotEqual(book.ComputeStateHash(), copy.ComputeStateHash(), "the trade counter is still missing");
        copy.RestoreLastTradeId(book.LastTradeId);
        Assert.AreEqual(BookSnapshot.Of(book), BookSnapshot.Of(copy));
        Assert.IsTrue(copy.TryGetOrder(5, out var partial));
        Assert.AreEqual((6L, 77L), (partial.Remaining.Lots, partial.Timestamp), "remaining quantity and timestamp of a partly filled order");

        // Both books now behave the same: the next trade gets the same id and hits the same maker.
        var a = new RecordingListener();
        var b = new RecordingListener();
        book.Listener = a;
        copy.Listener = b;
        book.Accept(Sell(7, 98, 7, owner: 8));
        copy.Accept(Sell(7, 98, 7, owner: 8));
        CollectionAssert.AreEqual(a.Events, b.Events);
        Assert.AreEqual(3L, a.Trades.First().TradeId);
        Assert.AreEqual(book.ComputeStateHash(), copy.ComputeStateHash());
    }

    [TestMethod]
    public void Restored_orders_can_rest_below_the_minimum_quantity()
    {
        var book = new OrderBook(Spec);
        book.RestoreOrder(new OrderInfo { OrderId = 1, OwnerId = 1, Side = Side.Buy, Price = new Price(100), Remaining = new Quantity(1) });
        Assert.AreEqual(1, book.OrderCount, "Spec's minimum is 2 lots; a partly filled order of 1 lot is restorable");
    }

    [TestMethod]
    [DataRow("id", "order 0: orderId must be positive")]
    [DataRow("duplicate", "order 1: orderId: an order with this id is already resting in the book")]
    [DataRow("side", "order 9: side 7 is not a defined value")]
    [DataRow("stp", "order 9: selfTradePrevention 9 is not a defined value")]
    [DataRow("price", "order 9: price 0 must be positive and at most the instrument's maximum 10000000 ticks")]
    [DataRow("price max", "order 9: price 10000001 must be positive and at most the instrument's maximum 10000000 ticks")]
    [DataRow("quantity", "order 9: remaining 0 must be positive and at most the instrument's maximum 100000 lots")]
    [DataRow("quantity max", "order 9: remaining 100001 must be positive and at most the instrument's maximum 100000 lots")]
    [DataRow("cross", "order 9: price 101 would cross the opposite side's best price: a resting book is never crossed")]
    public void Restore_rejects_bad_orders_by_field_and_changes_nothing(string field, string message)
    {
        var (book, listener) = Seeded();
        var before = BookSnapshot.Of(book);
        var good = new OrderInfo { OrderId = 9, OwnerId = 1, Side = Side.Buy, Price = new Price(97), Remaining = new Quantity(3) };
        var bad = field switch
        {
            "id" => good with { OrderId = 0 },
            "duplicate" => good with { OrderId = 1 },
            "side" => good with { Side = (Side)7 },
            "stp" => good with { SelfTradePrevention = (SelfTradePrevention)9 },
            "price" => good with { Price = new Price(0) },
            "price max" => good with { Price = new Price(10_000_001) },
            "quantity" => good with { Remaining = new Quantity(0) },
            "quantity max" => good with { Remaining = new Quantity(100_001) },
            _ => good with { Price = new Price(101) },
        };

        var error = Assert.ThrowsExactly<ArgumentException>(() => book.RestoreOrder(bad));
        Assert.AreEqual(message + " (Parameter 'order')", error.Message);
        Assert.AreEqual(before, BookSnapshot.Of(book));
        Assert.AreEqual(0, listener.Events.Count);
        book.RestoreOrder(good);
        Assert.AreEqual(5, book.OrderCount, "the book still accepts a valid order afterwards");
    }

    [TestMethod]
    public void Restore_last_trade_id_rejects_negative_values()
    {
        var book = new OrderBook(Spec);
        book.RestoreLastTradeId(41);
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.RestoreLastTradeId(-1));
        StringAssert.StartsWith(error.Message, "lastTradeId: must be zero or positive");
        Assert.AreEqual(41L, book.LastTradeId);
    }

    [TestMethod]
    [DataRow("last trade id")]
    [DataRow("timestamp")]
    public void State_hash_covers_trade_counter_and_timestamps(string field)
    {
        var a = new OrderBook(Spec);
        var b = new OrderBook(Spec);
        a.Accept(OrderRequest.Limit(1, 1, Side.Buy, new Price(99), new Quantity(3), timestamp: 5));
        b.Accept(OrderRequest.Limit(1, 1, Side.Buy, new Price(99), new Quantity(3), timestamp: field == "timestamp" ? 6 : 5));
        if (field == "last trade id")
        {
            b.RestoreLastTradeId(1);
        }

        Assert.AreNotEqual(a.ComputeStateHash(), b.ComputeStateHash(), field);
    }

    [TestMethod]
    public void Any_book_copied_order_by_order_has_the_same_hash_and_reacts_identically()
    {
        Prop.ForAll(Arb.From(Gen.Choose(0, 1_000_000).ArrayOf()), (int[] seeds) =>
        {
            var book = new OrderBook(new InstrumentSpec("TEST-USD", 0.01m, 1m));
            var id = 1L;
            foreach (var seed in seeds)
            {
                var side = (seed & 1) == 0 ? Side.Buy : Side.Sell;
                var price = 95 + (seed >> 1) % 11;
                var quantity = 1 + (seed >> 5) % 9;
                if ((seed >> 9) % 5 == 0 && id > 2)
                {
                    book.Cancel(1 + (seed >> 12) % (id - 1));
                }
                else
                {
                    book.Submit(OrderRequest.Limit(id++, (seed >> 14) % 3, side, new Price(price), new Quantity(quantity), timestamp: seed));
                }
            }

            var copy = CopyOf(book);
            Assert.AreEqual(book.ComputeStateHash(), copy.ComputeStateHash());
            Assert.AreEqual(BookSnapshot.Of(book), BookSnapshot.Of(copy));

            // Sweep both books: same trades, same ids, same makers in the same order.
            var a = new RecordingListener();
            var b = new RecordingListener();
            book.Listener = a;
            copy.Listener = b;
            book.Submit(OrderRequest.Market(id, 7, Side.Buy, new Quantity(50)));
            copy.Submit(OrderRequest.Market(id, 7, Side.Buy, new Quantity(50)));
            CollectionAssert.AreEqual(a.Events, b.Events);
        }).QuickCheckThrowOnFailure();
    }
    private static OrderBook RandomBook(int[] seeds)
    {
        var book = new OrderBook(new InstrumentSpec("TEST-USD", 0.01m, 1m));
        var id = 1L;
        foreach (var seed in seeds)
        {
            var side = (seed & 1) == 0 ? Side.Buy : Side.Sell;
            var price = 95 + (seed >> 1) % 11;
            if ((seed >> 9) % 5 == 0 && id > 2)
            {
                book.Cancel(1 + (seed >> 12) % (id - 1));
            }
            else
            {
                book.Submit(OrderRequest.Limit(id++, (seed >> 14) % 3, side, new Price(price), new Quantity(1 + (seed >> 5) % 9), timestamp: seed));
            }
        }

        return book;
    }

    private static OrderInfo[] AllOrders(OrderBook book) => [.. BookSnapshot.Orders(book, Side.Buy), .. BookSnapshot.Orders(book, Side.Sell)];

    [TestMethod]
    public void Bulk_restore_in_any_chunks_equals_restoring_order_by_order()
    {
        // Chunk sizes cross the bulk path's internal batch of 64 index probes.
        var gen = Gen.Choose(0, 1_000_000).ArrayOf().Zip(Gen.Choose(1, 200));
        Prop.ForAll(Arb.From(gen), input =>
        {
            var (seeds, chunk) = input;
            var book = RandomBook([.. seeds, .. seeds, .. seeds]);
            book.RestoreLastTradeId(book.LastTradeId);
            var orders = AllOrders(book);
            var bulk = new OrderBook(book.Instrument);
            for (var start = 0; start < orders.Length; start += chunk)
            {
                bulk.RestoreOrders(orders.AsSpan(start, Math.Min(chunk, orders.Length - start)));
            }

            bulk.RestoreLastTradeId(book.LastTradeId);
            var single = CopyOf(book);
            Assert.AreEqual(BookSnapshot.Of(single), BookSnapshot.Of(bulk));
            Assert.AreEqual(book.ComputeStateHash(), bulk.ComputeStateHash());
        }).QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void Bulk_restore_of_a_large_book_keeps_every_queue()
    {
        // Bids on 1..100, asks on 101..200 ticks: nothing trades, about 50 orders a level, some cancelled.
        var random = new Random(17);
        var book = new OrderBook(new InstrumentSpec("TEST-USD", 0.01m, 1m));
        for (var id = 1L; id <= 10_000; id++)
        {
            var buy = random.Next(2) == 0;
            book.Submit(OrderRequest.Limit(id, random.Next(5), buy ? Side.Buy : Side.Sell, new Price(buy ? random.Next(1, 101) : random.Next(101, 201)), new Quantity(random.Next(1, 50)), timestamp: id));
            if (random.Next(4) == 0)
            {
                book.Cancel(random.NextInt64(1, id + 1));
            }
        }

        var bulk = new OrderBook(book.Instrument, new OrderBookOptions { InitialOrderCapacity = 16, InitialLevelCapacity = 16 });
        bulk.RestoreOrders(AllOrders(book));
        bulk.RestoreLastTradeId(book.LastTradeId);
        Assert.IsGreaterThan(7000, bulk.OrderCount, "storage grew far past its initial 16 slots");
        Assert.AreEqual(BookSnapshot.Of(book), BookSnapshot.Of(bulk));
    }

    [TestMethod]
    public void Bulk_restore_appends_behind_orders_already_resting()
    {
        var (book, _) = Seeded();
        book.RestoreOrders(
        [
            new OrderInfo { OrderId = 10, OwnerId = 5, Side = Side.Buy, Price = new Price(99), Remaining = new Quantity(2), Timestamp = 1 },
            new OrderInfo { OrderId = 11, OwnerId = 5, Side = Side.Buy, Price = new Price(99), Remaining = new Quantity(2), Timestamp = 2 },
            new OrderInfo { OrderId = 12, OwnerId = 5, Side = Side.Buy, Price = new Price(97), Remaining = new Quantity(2), Timestamp = 3 },
            new OrderInfo { OrderId = 13, OwnerId = 5, Side = Side.Sell, Price = new Price(101), Remaining = new Quantity(2), Timestamp = 4 },
        ]);
        CollectionAssert.AreEqual(new long[] { 1, 10, 11, 2, 12 }, book.Ids(Side.Buy));
        CollectionAssert.AreEqual(new long[] { 3, 13, 4 }, book.Ids(Side.Sell));
        Assert.IsTrue(book.TryGetQueuePosition(11, out var ahead, out var quantityAhead));
        Assert.AreEqual((2, 5L), (ahead, quantityAhead.Lots));
    }

    [TestMethod]
    [DataRow("duplicate in the batch", "orders[2]: order 10: orderId: an order with this id is already resting in the book")]
    [DataRow("duplicate in the book", "orders[2]: order 1: orderId: an order with this id is already resting in the book")]
    [DataRow("cross the book", "orders[2]: order 12: price 101 would cross the opposite side's best price: a resting book is never crossed")]
    [DataRow("cross the batch", "orders[2]: order 12: price 100 would cross the opposite side's best price: a resting book is never crossed")]
    [DataRow("quantity", "orders[2]: order 12: remaining 0 must be positive and at most the instrument's maximum 100000 lots")]
    public void Bulk_restore_refuses_a_bad_order_naming_its_position_and_restores_none(string field, string message)
    {
        var (book, listener) = Seeded();
        var hash = book.ComputeStateHash();
        var before = BookSnapshot.Of(book);
        var good = new OrderInfo { OrderId = 12, OwnerId = 5, Side = Side.Buy, Price = new Price(97), Remaining = new Quantity(2) };
        var bad = field switch
        {
            "duplicate in the batch" => good with { OrderId = 10 },
            "duplicate in the book" => good with { OrderId = 1 },
            "cross the book" => good with { Price = new Price(101) },
            "cross the batch" => good with { Side = Side.Sell, Price = new Price(100) }, // the book's best bid is 99; orders[0] bids 100
            _ => good with { Remaining = new Quantity(0) },
        };
        OrderInfo[] orders =
        [
            good with { OrderId = 10, Price = new Price(100) },
            good with { OrderId = 11, Price = new Price(96) },
            bad,
            good with { OrderId = 13 },
        ];

        var error = Assert.ThrowsExactly<ArgumentException>(() => book.RestoreOrders(orders));
        Assert.AreEqual(message + " (Parameter 'orders')", error.Message);
        Assert.AreEqual(hash, book.ComputeStateHash());
        Assert.AreEqual(before, BookSnapshot.Of(book));
        Assert.AreEqual(0, listener.Events.Count + listener.DepthChanges.Count, "a refused restore reports nothing");

        // The corrected orders restore as one call each would.
        orders[2] = good;
        book.RestoreOrders(orders);
        var (expected, _) = Seeded();
        foreach (var order in orders)
        {
            expected.RestoreOrder(order);
        }

        Assert.AreEqual(BookSnapshot.Of(expected), BookSnapshot.Of(book));
    }

    [TestMethod]
    public void Bulk_restore_with_a_bad_order_at_any_position_leaves_the_book_as_it_was()
    {
        // 150 orders, more than two batches of index probes, on new and existing levels of both sides of the seeded book
        // (bids 99, 98; asks 101, 102): bids on 90..100, asks on 101..111.
        static OrderInfo Good(int i) => new()
        {
            OrderId = 100 + i,
            OwnerId = i % 3,
            Side = i % 2 == 0 ? Side.Buy : Side.Sell,
            Price = new Price(i % 2 == 0 ? 90 + (i / 2 % 11) : 101 + (i / 2 % 11)),
            Remaining = new Quantity(1 + (i % 5)),
            Timestamp = i,
        };
        var goods = Enumerable.Range(0, 150).Select(Good).ToArray();
        var (book, listener) = Seeded();
        var hash = book.ComputeStateHash();
        var before = BookSnapshot.Of(book);
        foreach (var k in new[] { 0, 1, 2, 63, 64, 65, 127, 128, 149 })
        {
            var bads = new List<OrderInfo>
            {
                goods[k] with { OrderId = 3 },                                           // rests in the book
                goods[k] with { Side = Side.Buy, Price = new Price(101) },               // crosses the book's best ask
                goods[k] with { Remaining = Quantity.Zero },
                goods[k] with { SelfTradePrevention = (SelfTradePrevention)9 },
            };
            if (k > 0)
            {
                bads.Add(goods[k] with { OrderId = goods[k - 1].OrderId });            // repeats the order before it
            }

            foreach (var bad in bads)
            {
                var orders = (OrderInfo[])goods.Clone();
                orders[k] = bad;
                var error = Assert.ThrowsExactly<ArgumentException>(() => book.RestoreOrders(orders));
                StringAssert.StartsWith(error.Message, $"orders[{k}]: order {bad.OrderId}: ");
                Assert.AreEqual(hash, book.ComputeStateHash(), $"orders[{k}]: {error.Message}");
                Assert.AreEqual(before, BookSnapshot.Of(book));
            }
        }

        Assert.AreEqual(0, listener.Events.Count + listener.DepthChanges.Count);
        book.RestoreOrders(goods);
        var (expected, _) = Seeded();
        foreach (var order in goods)
        {
            expected.RestoreOrder(order);
        }

        Assert.AreEqual(BookSnapshot.Of(expected), BookSnapshot.Of(book));
        Assert.AreEqual(expected.ComputeStateHash(), book.ComputeStateHash());
    }

    [TestMethod]
    public void Bulk_restore_names_a_field_error_before_an_earlier_repeated_id()
    {
        // Fields and crossing are checked for every order before any is inserted; repeated ids are found while inserting.
        var (book, _) = Seeded();
        var hash = book.ComputeStateHash();
        OrderInfo[] orders =
        [
            new() { OrderId = 10, Side = Side.Buy, Price = new Price(97), Remaining = new Quantity(1) },
            new() { OrderId = 10, Side = Side.Buy, Price = new Price(97), Remaining = new Quantity(1) },
            new() { OrderId = 12, Side = Side.Buy, Price = new Price(0), Remaining = new Quantity(1) },
        ];
        var error = Assert.ThrowsExactly<ArgumentException>(() => book.RestoreOrders(orders));
        Assert.AreEqual("orders[2]: order 12: price 0 must be positive and at most the instrument's maximum 10000000 ticks (Parameter 'orders')", error.Message);
        Assert.AreEqual(hash, book.ComputeStateHash());
    }
}
