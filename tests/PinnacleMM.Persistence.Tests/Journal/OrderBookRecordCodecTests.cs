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
