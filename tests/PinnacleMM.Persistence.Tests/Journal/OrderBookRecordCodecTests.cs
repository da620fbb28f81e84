using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class OrderBookRecordCodecTests
{
    [TestMethod]
    public void Orders_round_trip_for_any_field_values()
    {
        var orders =
            from id in ArbMap.Default.GeneratorFor<long>()
            from owner in ArbMap.Default.GeneratorFor<long>()
            from price in ArbMap.Default.GeneratorFor<long>()
            from quantity in ArbMap.Default.GeneratorFor<long>()
            from timestamp in ArbMap.Default.GeneratorFor<long>()
            from side in Gen.Elements(Side.Buy, Side.Sell)
            from type in Gen.Elements(OrderType.Limit, OrderType.Market)
            from tif in Gen.Elements(TimeInForce.GoodTillCancel, TimeInForce.ImmediateOrCancel, TimeInForce.FillOrKill)
            from postOnly in ArbMap.Default.GeneratorFor<bool>()
            from stp in Gen.Elements(Enum.GetValues<SelfTradePrevention>())
            select new OrderRequest
            {
                OrderId = id, OwnerId = owner, Price = new Price(price), Quantity = new Quantity(quantity), Timestamp = timestamp,
                Side = side, Type = type, TimeInForce = tif, PostOnly = postOnly, SelfTradePrevention = stp,
            };

        Prop.ForAll(orders.ToArbitrary(), order =>
        {
            Span<byte> buffer = stackalloc byte[OrderBookRecordCodec.OrderSize];
            Assert.AreEqual(OrderBookRecordCodec.OrderSize, OrderBookRecordCodec.WriteOrder(buffer, order));
            Assert.IsTrue(OrderBookRecordCodec.TryReadOrder(buffer, out var read));
            Assert.AreEqual(order, read);
        }).QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void Order_layout_matches_the_documented_offsets()
    {
        var order = OrderRequest.Limit(0x0102, 0x0304, Side.Sell, new Price(0x0506), new Quantity(0x0708), TimeInForce.FillOrKill, false, SelfTradePrevention.CancelBoth, 0x090A);
        var buffer = new byte[OrderBookRecordCodec.OrderSize];
        OrderBookRecordCodec.WriteOrder(buffer, order);
        Assert.AreEqual(0x0102, BinaryPrimitives.ReadInt64LittleEndian(buffer));
        Assert.AreEqual(0x0304, BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(8)));
        Assert.AreEqual(0x0506, BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(16)));
        Assert.AreEqual(0x0708, BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(24)));
        Assert.AreEqual(0x090A, BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(32)));
        CollectionAssert.AreEqual(new byte[] { 1, 0, 2, 0, 3, 0, 0, 0 }, buffer[40..]);
        Assert.AreEqual(JournalRecordType.OrderAdded, OrderBookRecordCodec.RecordTypeOf(order));
        Assert.AreEqual(JournalRecordType.MarketOrder, OrderBookRecordCodec.RecordTypeOf(OrderRequest.Market(1, 1, Side.Buy, new Quantity(1))));
    }

    [TestMethod]
    [DataRow(40, (byte)2)]
    [DataRow(41, (byte)2)]
    [DataRow(42, (byte)3)]
    [DataRow(43, (byte)2)]
    [DataRow(44, (byte)4)]
    [DataRow(47, (byte)1)]
    public void Orders_with_undefined_values_or_reserved_bytes_are_refused(int offset, byte value)
    {
        var buffer = new byte[OrderBookRecordCodec.OrderSize];
        OrderBookRecordCodec.WriteOrder(buffer, OrderRequest.Limit(1, 2, Side.Buy, new Price(3), new Quantity(4)));
        buffer[offset] = value;
        Assert.IsFalse(OrderBookRecordCodec.TryReadOrder(buffer, out var order));
        Assert.AreEqual(default, order);
    }

    [TestMethod]
    public void The_order_writer_never_writes_bytes_the_reader_refuses()
    {
        // Every byte value of every enum: either the writer refuses the order and leaves the buffer alone, or
        // the reader gives the same order back.
        var orders =
            from side in Gen.Choose(0, 255)
            from type in Gen.Choose(0, 255)
            from tif in Gen.Choose(0, 255)
            from stp in Gen.Choose(0, 255)
            from postOnly in ArbMap.Default.GeneratorFor<bool>()
            select new OrderRequest
            {
                OrderId = 1, OwnerId = 2, Price = new Price(3), Quantity = new Quantity(4), Timestamp = 5, PostOnly = postOnly,
                Side = (Side)side, Type = (OrderType)type, TimeInForce = (TimeInForce)tif, SelfTradePrevention = (SelfTradePrevention)stp,
            };

        Prop.ForAll(orders.ToArbitrary(), order =>
        {
            var buffer = new byte[OrderBookRecordCodec.OrderSize];
            buffer.AsSpan().Fill(0xAA);
            try
            {
                OrderBookRecordCodec.WriteOrder(buffer, order);
            }
            catch (ArgumentException e)
            {
                Assert.AreEqual("order", e.ParamName);
                Assert.IsTrue(buffer.All(b => b == 0xAA), "a refused order writes nothing");
                return;
            }

            Assert.IsTrue(OrderBookRecordCodec.TryReadOrder(buffer, out var read), order.ToString());
            Assert.AreEqual(order, read);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));
    }

    [TestMethod]
    [DataRow("Side", "order.Side 2 is not a defined value (Buy 0, Sell 1): the journal stores only defined values. (Parameter 'order')")]
    [DataRow("Type", "order.Type 2 is not a defined value (Limit 0, Market 1): the journal stores only defined values. (Parameter 'order')")]
    [DataRow("TimeInForce", "order.TimeInForce 7 is not a defined value (GoodTillCancel 0, ImmediateOrCancel 1, FillOrKill 2): the journal stores only defined values. (Parameter 'order')")]
    [DataRow("SelfTradePrevention", "order.SelfTradePrevention 4 is not a defined value (None 0, CancelResting 1, CancelIncoming 2, CancelBoth 3): the journal stores only defined values. (Parameter 'order')")]
    public void Orders_with_undefined_values_are_not_journaled_and_the_error_names_the_field(string field, string message)
    {
        var order = UndefinedIn(field);
        var buffer = new byte[OrderBookRecordCodec.OrderSize];
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => OrderBookRecordCodec.WriteOrder(buffer, order));
        Assert.AreEqual(message, thrown.Message);
        Assert.IsTrue(buffer.All(b => b == 0), "nothing is written");

        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 4096, SyncPolicy = JournalSyncPolicy.None }))
        {
            Assert.AreEqual(1, writer.AppendOrder(OrderRequest.Limit(1, 1, Side.Buy, new Price(100), new Quantity(1)), 1));
            writer.Flush();
            var before = JournalTestData.Snapshot(dir.Path);

            thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.AppendOrder(order, 2));
            Assert.AreEqual(message, thrown.Message);
            writer.Flush();
            Assert.AreEqual(1, writer.LastSequence);
            var after = JournalTestData.Snapshot(dir.Path);
            CollectionAssert.AreEquivalent(before.Keys, after.Keys);
            foreach (var (path, bytes) in before)
            {
                CollectionAssert.AreEqual(bytes, after[path], path);
            }

            // No reservation was left pending: the next order is journaled.
            Assert.AreEqual(2, writer.AppendOrder(OrderRequest.Limit(2, 1, Side.Buy, new Price(100), new Quantity(1)), 3));
        }

        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        Assert.HasCount(2, records);
        Assert.IsTrue(records.TrueForAll(r => OrderBookRecordCodec.TryReadOrder(r.Payload, out _)));
    }

    /// <summary>A valid limit order with one enum field set to an undefined value.</summary>
    internal static OrderRequest UndefinedIn(string field)
    {
        var order = OrderRequest.Limit(5, 1, Side.Buy, new Price(100), new Quantity(1));
        return field switch
        {
            "Side" => order with { Side = (Side)2 },
            "Type" => order with { Type = (OrderType)2 },
            "TimeInForce" => order with { TimeInForce = (TimeInForce)7 },
            _ => order with { SelfTradePrevention = (SelfTradePrevention)4 },
        };
    }

    [TestMethod]
    public void Payloads_of_the_wrong_size_are_refused()
    {
        var buffer = new byte[100];
        Assert.IsFalse(OrderBookRecordCodec.TryReadOrder(buffer.AsSpan(0, 47), out _));
        Assert.IsFalse(OrderBookRecordCodec.TryReadCancel(buffer.AsSpan(0, 17), out _, out _));
        Assert.IsFalse(OrderBookRecordCodec.TryReadModify(buffer.AsSpan(0, 31), out _, out _, out _, out _));
        Assert.IsFalse(OrderBookRecordCodec.TryReadTrade(buffer.AsSpan(0, 73), out _));
        Assert.IsFalse(OrderBookRecordCodec.TryReadCheckpoint(buffer.AsSpan(0, 15), out _, out _));
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => OrderBookRecordCodec.WriteTrade(new byte[71], default));
        Assert.AreEqual("destination", thrown.ParamName);
    }

    [TestMethod]
    public void Order_book_events_journaled_in_place_read_back_equal()
    {
        using var dir = new TempJournalDirectory();
        var order = OrderRequest.Limit(11, 7, Side.Buy, new Price(100), new Quantity(5), timestamp: 42);
        var market = OrderRequest.Market(12, 8, Side.Sell, new Quantity(2), timestamp: 43);
        var trade = new Trade
        {
            TradeId = 1, Price = new Price(100), Quantity = new Quantity(2), MakerOrderId = 11, MakerOwnerId = 7,
            TakerOrderId = 12, TakerOwnerId = 8, TakerSide = Side.Sell, MakerFilled = false, Timestamp = 43,
        };
        using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 4096, SyncPolicy = JournalSyncPolicy.None }))
        {
            Assert.AreEqual(1, writer.AppendOrder(order, 1000));
            Assert.AreEqual(2, writer.AppendOrder(market, 1001));
            Assert.AreEqual(3, writer.AppendTrade(trade, 1002));
            Assert.AreEqual(4, writer.AppendModify(11, new Price(101), new Quantity(3), 1003));
            Assert.AreEqual(5, writer.AppendCancel(11, 1004));
            Assert.AreEqual(6, writer.AppendCheckpoint(5, -123456789, 1005));
        }

        using var reader = JournalReader.Open(dir.Path);
        Assert.IsTrue(reader.TryRead(out var record));
        Assert.AreEqual(JournalRecordType.OrderAdded, record.Type);
        Assert.IsTrue(OrderBookRecordCodec.TryReadOrder(record.Payload, out var readOrder));
        Assert.AreEqual(order, readOrder);

        Assert.IsTrue(reader.TryRead(out record));
        Assert.AreEqual(JournalRecordType.MarketOrder, record.Type);
        Assert.IsTrue(OrderBookRecordCodec.TryReadOrder(record.Payload, out readOrder));
        Assert.AreEqual(market, readOrder);

        Assert.IsTrue(reader.TryRead(out record));
        Assert.AreEqual(JournalRecordType.Trade, record.Type);
        Assert.IsTrue(OrderBookRecordCodec.TryReadTrade(record.Payload, out var readTrade));
        Assert.AreEqual(trade, readTrade);

        Assert.IsTrue(reader.TryRead(out record));
        Assert.AreEqual(JournalRecordType.OrderModified, record.Type);
        Assert.IsTrue(OrderBookRecordCodec.TryReadModify(record.Payload, out var id, out var price, out var quantity, out var timestamp));
        Assert.AreEqual((11L, new Price(101), new Quantity(3), 1003L), (id, price, quantity, timestamp));

        Assert.IsTrue(reader.TryRead(out record));
        Assert.AreEqual(JournalRecordType.OrderCancelled, record.Type);
        Assert.IsTrue(OrderBookRecordCodec.TryReadCancel(record.Payload, out id, out timestamp));
        Assert.AreEqual((11L, 1004L), (id, timestamp));

        Assert.IsTrue(reader.TryRead(out record));
        Assert.AreEqual(JournalRecordType.Checkpoint, record.Type);
        Assert.AreEqual(1005, record.TimestampNs);
        Assert.IsTrue(OrderBookRecordCodec.TryReadCheckpoint(record.Payload, out var snapshot, out var hash));
        Assert.AreEqual((5L, -123456789L), (snapshot, hash));

        Assert.IsFalse(reader.TryRead(out _));
        Assert.IsNull(reader.Fault);
    }
}
