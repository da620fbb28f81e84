using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Execution;

[TestClass]
public sealed class OrderTrackerPropertyTests
{
    /// <summary>
    /// The venue's true history of several orders (acks, fills with trade ids, cancels), delivered shuffled,
    /// with some events repeated: the position must equal the sum of the distinct fills (the model), no order
    /// may stay open once its last fill or cancel arrived, and duplicates are counted, never applied.
    /// </summary>
    [TestMethod]
    public void Shuffled_and_repeated_event_streams_give_the_position_of_the_distinct_fills()
    {
        var instrument = OmsHarness.Instrument;
        var gen =
            from orders in Gen.Choose(1, 4)
            from fills in Gen.ArrayOf(Gen.Choose(1, 4), orders)
            from cancelled in Gen.ArrayOf(Gen.Elements(true, false), orders)
            from seed in Gen.Choose(0, int.MaxValue)
            from repeats in Gen.Choose(0, 6)
            select (fills, cancelled, seed, repeats);

        var repeatedFillsInAllRuns = 0;
        Prop.ForAll(gen.ToArbitrary(), input =>
        {
            var (fills, cancelled, seed, repeats) = input;
            var tracker = new OrderTracker(instrument, new PositionTracker(instrument));
            var stream = new List<ExecutionEvent>();
            long expected = 0;
            long tradeId = 0;
            for (var o = 0; o < fills.Length; o++)
            {
                var id = new ClientOrderId(o + 1);
                var side = o % 2 == 0 ? Side.Buy : Side.Sell;
                var size = fills[o] * 2L;
                tracker.OnPlaceSent(OrderCommand.Place(OmsHarness.Id, id, side, new Price(10_000 + o), new Quantity(size)), 0);
                stream.Add(new ExecutionEvent { Kind = ExecutionEventKind.Accepted, ClientOrderId = id, Side = side, Price = new Price(10_000 + o), Quantity = new Quantity(size), LeavesQuantity = new Quantity(size) });
                var fillCount = cancelled[o] ? fills[o] - 1 : fills[o];
                for (var f = 0; f < fillCount; f++)
                {
                    var last = f == fills[o] - 1;
                    stream.Add(new ExecutionEvent
                    {
                        Kind = last ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
                        ClientOrderId = id,
                        Side = side,
                        Price = new Price(10_000 + o),
                        Quantity = new Quantity(2),
                        FilledQuantity = new Quantity((f + 1) * 2L),
                        LeavesQuantity = new Quantity(size - ((f + 1) * 2L)),
                        TradeId = ++tradeId,
                        Fee = 0,
                    });
                    expected += side == Side.Buy ? 2 : -2;
                }

                if (cancelled[o])
                {
                    stream.Add(new ExecutionEvent { Kind = ExecutionEventKind.Cancelled, ClientOrderId = id, Side = side, Price = new Price(10_000 + o), Quantity = new Quantity(2), FilledQuantity = new Quantity(size - 2) });
                }
            }

            var random = new Random(seed);
            var repeatedFills = 0;
            for (var r = 0; r < repeats; r++)
            {
                var repeated = stream[random.Next(stream.Count)];
                repeatedFills += repeated.TradeId != 0 ? 1 : 0;
                stream.Add(repeated);
            }

            repeatedFillsInAllRuns += repeatedFills;

            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(stream));
            foreach (var e in stream)
            {
                tracker.Apply(e);
            }

            return tracker.Position!.PositionLots == expected
                && tracker.OpenCount == 0
                && tracker.Position.FillCount == (int)tradeId
                && tracker.DuplicateCount >= repeatedFills       // every repeated fill counted, none applied
                && tracker.DuplicateCount <= repeats;            // and nothing but a repeat counted
        }).QuickCheckThrowOnFailure();
        Assert.IsTrue(repeatedFillsInAllRuns > 20, $"{repeatedFillsInAllRuns} repeated fills in all runs");
    }

    [TestMethod]
    public void Tracker_state_written_and_restored_gives_the_same_orders_and_still_recognises_duplicates()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        var fill = h.Fill(place, 2, 0, tradeId: 77);
        h.Manager.OnExecutionEvent(fill);
        var other = h.Manager.PlaceOrder(Side.Sell, 101m, 1m);
        Assert.IsTrue(other.IsSent);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        h.Manager.Tracker.WriteState(buffer);
        var restored = new OrderTracker(OmsHarness.Instrument);
        restored.RestoreState(buffer.WrittenSpan);
        CollectionAssert.AreEqual(h.Manager.Tracker.GetOpenOrders().ToArray(), restored.GetOpenOrders().ToArray());
        Assert.AreEqual(h.Manager.Tracker.HighestClientOrderId, restored.HighestClientOrderId);
        Assert.AreEqual(ExecutionOutcome.Duplicate, restored.Apply(fill));

        var bad = buffer.WrittenSpan.ToArray()[..^3];
        var e = Assert.ThrowsExactly<ArgumentException>(() => restored.RestoreState(bad));
        StringAssert.Contains(e.Message, "do not match the length");
        Assert.AreEqual(2, restored.OpenCount, "a refused state leaves the tracker as it was");
    }
}
