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
