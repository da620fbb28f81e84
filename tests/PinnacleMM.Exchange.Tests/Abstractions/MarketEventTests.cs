using PinnacleMM.Testing;
using System.Runtime.CompilerServices;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

[TestClass]
public sealed class MarketEventTests
{
    private static readonly InstrumentId Btc = new(3);

    [TestMethod]
    public void Is_one_cache_line_without_references()
    {
        Assert.AreEqual(64, Unsafe.SizeOf<MarketEvent>());
        Assert.IsFalse(RuntimeHelpers.IsReferenceOrContainsReferences<MarketEvent>());
        Assert.IsFalse(RuntimeHelpers.IsReferenceOrContainsReferences<OrderCommand>());
        Assert.IsFalse(RuntimeHelpers.IsReferenceOrContainsReferences<ExecutionEvent>());
    }

    [TestMethod]
    public void Level_update_carries_its_fields_and_reads_zero_for_other_kinds()
    {
        var e = MarketEvent.LevelUpdate(Btc, Side.Sell, new Price(101), new Quantity(7), 3, 42, 1000, 2000);
        Assert.AreEqual(MarketEventKind.LevelUpdate, e.Kind);
        Assert.AreEqual(Btc, e.Instrument);
        Assert.AreEqual(Side.Sell, e.Side);
        Assert.AreEqual(new Price(101), e.Price);
        Assert.AreEqual(new Quantity(7), e.Quantity);
        Assert.AreEqual(3, e.OrderCount);
        Assert.AreEqual(42, e.Sequence);
        Assert.AreEqual(1000, e.ExchangeTimestampNanoseconds);
        Assert.AreEqual(2000, e.ReceivedNanoseconds);
        Assert.AreEqual(0, e.TradeId);
        Assert.AreEqual(Price.Zero, e.BestAskPrice);
    }

    [TestMethod]
    public void Trade_and_ticker_use_the_shared_slots_by_kind()
    {
        var trade = MarketEvent.Trade(Btc, Side.Buy, new Price(100), new Quantity(5), 77, 9, 1, 2);
        Assert.AreEqual(77, trade.TradeId);
        Assert.AreEqual(0, trade.OrderCount);
        Assert.AreEqual(Side.Buy, trade.Side);

        var ticker = MarketEvent.Ticker(Btc, new Price(99), new Quantity(4), new Price(101), new Quantity(6), 9, 1, 2);
        Assert.AreEqual(new Price(99), ticker.BestBidPrice);
        Assert.AreEqual(new Quantity(4), ticker.BestBidQuantity);
        Assert.AreEqual(new Price(101), ticker.BestAskPrice);
        Assert.AreEqual(new Quantity(6), ticker.BestAskQuantity);
        Assert.AreEqual(Price.Zero, ticker.Price);
        Assert.AreEqual(0, ticker.TradeId);
    }

    [TestMethod]
    public void Status_and_received_stamp()
    {
        var status = MarketEvent.Status(Btc, ConnectionState.Synced, 5, 10, 20);
        Assert.AreEqual(ConnectionState.Synced, status.ConnectionState);
        var stamped = status.WithReceived(99);
        Assert.AreEqual(99, stamped.ReceivedNanoseconds);
        Assert.AreEqual(ConnectionState.Synced, stamped.ConnectionState);
        Assert.AreEqual(status with { }, status);
        Assert.AreNotEqual(status, stamped);
    }

    [TestMethod]
    public void Travels_through_a_ring_without_allocation()
    {
        var ring = new SpscRing<MarketEvent>(64);
        var e = MarketEvent.LevelUpdate(Btc, Side.Buy, new Price(100), new Quantity(1), 1, 1, 0, 0);
        ring.TryWrite(e);
        ring.TryRead(out _);

        var sum = 0L;
        SteadyState.AssertAllocatesNothing("10,000 events through a ring", () =>
        {
            sum = 0;
            for (var i = 0; i < 10_000; i++)
            {
                ring.TryWrite(MarketEvent.LevelUpdate(Btc, Side.Buy, new Price(100 + i), new Quantity(1), 1, i, 0, 0));
                ring.TryRead(out var read);
                sum += read.Price.Ticks;
            }
        });
        Assert.AreEqual((10_000L * 100) + (9_999L * 10_000 / 2), sum);
    }

    [TestMethod]
    public void Travels_through_a_ring_with_the_slot_tag_unchanged_in_every_field()
    {
        var ring = new SpscRing<MarketEvent>(4, slotTagOffset: MarketEvent.RingTagOffset);
        var events = new[]
        {
            MarketEvent.LevelUpdate(Btc, Side.Sell, new Price(101), new Quantity(7), 12, 34, 56, 78),
            MarketEvent.Status(Btc, ConnectionState.Synced, 9, 10, 11),
            MarketEvent.LevelUpdate(Btc, Side.Buy, new Price(99), new Quantity(3), 13, 35, 57, 79),
        };

        // Three laps, so that the tag takes each of its values.
        for (var lap = 0; lap < 3; lap++)
        {
            foreach (var e in events)
            {
                Assert.IsTrue(ring.TryWrite(e));
                Assert.IsTrue(ring.TryRead(out var read));
                Assert.AreEqual(e, read);
                Assert.AreEqual(e.ConnectionState, read.ConnectionState);
                Assert.AreEqual(e.Instrument, read.Instrument);
            }
        }
    }
}
