using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Execution;

[TestClass]
public sealed class AllocationTests
{
    [TestMethod]
    public void Requote_and_execution_events_allocate_nothing_once_warm()
    {
        var clock = new ManualMonotonicClock(1_000);
        var strategy = new TogglingStrategy(OmsHarness.Instrument, clock);
        var commands = new LastCommand();
        var manager = new OrderManager(OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits { PriceBandBps = 0 }), commands, activity: new CountingActivity(), clock: clock);
        long tradeId = 0;
        OrderCommand previous = default;

        // Each step flips the quote between a bid and an ask: a cancel and a place, their answers and a one-lot
        // fill, so buys and sells alternate and the position stays small.
        void Step()
        {
            clock.Advance(1_000);
            strategy.Up = !strategy.Up;
            strategy.Requote();
            manager.Requote(clock.NowNanoseconds);
            var c = commands.Last;
            if (previous.Kind == OrderCommandKind.Place)
            {
                manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.Cancelled, ClientOrderId = previous.ClientOrderId, Side = previous.Side, Price = previous.Price, Quantity = new Quantity(previous.Quantity.Lots - 1), FilledQuantity = new Quantity(1) });
            }

            manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.Accepted, ClientOrderId = c.ClientOrderId, Side = c.Side, Price = c.Price, Quantity = c.Quantity, LeavesQuantity = c.Quantity, VenueOrderId = VenueOrderId.FromInt64(c.ClientOrderId.Value) });
            manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.PartiallyFilled, ClientOrderId = c.ClientOrderId, Side = c.Side, Price = c.Price, Quantity = new Quantity(1), LeavesQuantity = new Quantity(c.Quantity.Lots - 1), FilledQuantity = new Quantity(1), TradeId = ++tradeId, Fee = 0.001m });
            previous = c;
        }

        for (var i = 0; i < 2_000; i++)
        {
            Step();
        }

        SteadyState.AssertAllocatesNothing("2,000 requotes with their answers and fills", () =>
        {
            for (var i = 0; i < 2_000; i++)
            {
                Step();
            }
        });
        Assert.AreEqual(8_000, manager.PlacesSent, "every step placed");
        Assert.AreEqual(7_999, manager.CancelsSent, "every step but the first cancelled");
        Assert.AreEqual(8_000, manager.FillsApplied);
        Assert.AreEqual(1, manager.Tracker.OpenCount);
    }

    [TestMethod]
    public void Refused_cancels_held_back_and_sent_again_allocate_nothing_once_warm()
    {
        var clock = new ManualMonotonicClock(1_000);
        var strategy = new TogglingStrategy(OmsHarness.Instrument, clock);
        var commands = new LastCommand();
        var options = new OrderManagerOptions { CancelRefusalBackoff = TimeSpan.FromMilliseconds(100), MaxCancelRefusalBackoff = TimeSpan.FromMilliseconds(400) };
        var manager = new OrderManager(OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits { PriceBandBps = 0 }), commands, options, new CountingActivity(), clock: clock);
        OrderCommand previous = default;
        var resentOnTick = new long[15];

        // Each step flips the quote: the new order is placed, and the old one's cancel is refused three times (held back
        // on every 100 ms timer tick of its wait, 100, 200 and 400 ms, and sent again after it), then accepted.
        void Step()
        {
            clock.Advance(1_000);
            strategy.Up = !strategy.Up;
            strategy.Requote();
            manager.Requote(clock.NowNanoseconds);
            var placed = commands.Last;
            manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.Accepted, ClientOrderId = placed.ClientOrderId, Side = placed.Side, Price = placed.Price, Quantity = placed.Quantity, LeavesQuantity = placed.Quantity, VenueOrderId = VenueOrderId.FromInt64(placed.ClientOrderId.Value) });
            if (previous.Kind == OrderCommandKind.Place)
            {
                for (var refusal = 0; refusal < 3; refusal++)
                {
                    manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.CancelRejected, ClientOrderId = previous.ClientOrderId, RejectReason = RejectReason.RateLimited });
                    for (var tick = 0; tick < 5; tick++)
                    {
                        clock.Advance(100_000_000);
                        resentOnTick[(refusal * 5) + tick] += manager.CheckTimeouts();
                    }
                }

                manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.Cancelled, ClientOrderId = previous.ClientOrderId, Side = previous.Side, Price = previous.Price, Quantity = previous.Quantity });
            }

            previous = placed;
        }

        for (var i = 0; i < 500; i++)
        {
            Step();
        }

        SteadyState.AssertAllocatesNothing("500 orders with three refused cancels each", () =>
        {
            for (var i = 0; i < 500; i++)
            {
                Step();
            }
        });

        // Every order but the last: its cancel refused three times, sent again after each wait, then accepted.
        var replaced = manager.PlacesSent - 1;
        Assert.AreEqual(3 * replaced, manager.CancelsRefused);
        Assert.AreEqual(4 * replaced, manager.CancelsSent, "each refused cancel sent again once");
        CollectionAssert.AreEqual(
            new[] { replaced, 0, 0, 0, 0, 0, replaced, 0, 0, 0, 0, 0, 0, replaced, 0 },
            resentOnTick,
            "sent again on the tick its wait ended: 100, 200 and 400 ms after each refusal");
        Assert.AreEqual(1, manager.Tracker.OpenCount);
    }

    private sealed class TogglingStrategy(InstrumentSpec instrument, MonotonicClock clock) : MarketMakerStrategy(instrument, 2, clock)
    {
        public bool Up { get; set; }

        protected override void ComputeQuotes(DesiredQuotes quotes) => quotes.TryAdd(Up ? Side.Buy : Side.Sell, new Price(Up ? 10_000 : 10_001), new Quantity(1_000));

        protected override bool ShouldRequote(QuoteTrigger trigger, long nowNanoseconds) => false;
    }

    private sealed class LastCommand : IOrderCommandSink
    {
        public OrderCommand Last { get; private set; }

        public void Send(in OrderCommand command, long triggerNanoseconds) => Last = command;
    }

    private sealed class CountingActivity : IOrderActivitySink
    {
        public long Count { get; private set; }

        public void OnActivity(in OrderActivity activity) => Count++;
    }
}
