using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class OwnOrderTests
{
    // Quiet market at fair 100.00 (10000 ticks): bids 9999..9995, asks 10001..10005, 10 lots each.
    private static ExchangeSimulatorOptionsBuilder Quiet5() => new(o => o.InitialDepthLevels = 5);

    [TestMethod]
    public async Task Our_order_queues_behind_the_book_and_fills_exactly_after_the_quantity_ahead()
    {
        var options = Quiet5().Build();
        options.Takers.RatePerSecond = 20;
        options.Takers.Size = new() { Kind = SizeDistributionKind.Uniform, MinLots = 1, MaxLots = 5 };
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;

        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9999), new Quantity(4), postOnly: true));
        simulator.RunFor(TimeSpan.FromMilliseconds(2));

        var ack = sink.Executions.Single(e => e.ClientOrderId.Value == 1 && e.Kind == ExecutionEventKind.Accepted);
        Assert.IsTrue(ack.VenueOrderId.TryGetInt64(out var bookId));
        Assert.IsTrue(simulator.Book.TryGetQueuePosition(bookId, out var ordersAhead, out var quantityAhead));
        Assert.AreEqual(1, ordersAhead);
        Assert.AreEqual(new Quantity(10), quantityAhead);

        simulator.RunFor(TimeSpan.FromSeconds(30));
        var fills = sink.Executions.Where(e => e.ClientOrderId.Value == 1 && e.IsFill).ToList();
        Assert.AreEqual(4, fills.Sum(f => f.Quantity.Lots));
        Assert.AreEqual(ExecutionEventKind.Filled, fills[^1].Kind);
        Assert.IsTrue(fills.All(f => f.Liquidity == Liquidity.Maker && f.Price == new Price(9999)));
        Assert.IsFalse(simulator.Book.Contains(bookId));

        // The prints at our price before our first fill are exactly the quantity that was ahead of us,
        // and the prints carrying our fills' trade ids are ours, size for size.
        var prints = sink.Market.Where(e => e.Kind == MarketEventKind.Trade && e.Price == new Price(9999)).ToList();
        Assert.AreEqual(quantityAhead.Lots, prints.Where(p => p.TradeId < fills[0].TradeId).Sum(p => p.Quantity.Lots));
        foreach (var fill in fills)
        {
            Assert.AreEqual(fill.Quantity, prints.Single(p => p.TradeId == fill.TradeId).Quantity);
        }

        // Cumulative quantities add up after every fill.
        Assert.IsTrue(fills.All(f => f.FilledQuantity.Lots + f.LeavesQuantity.Lots == 4));
    }

    [TestMethod]
    public async Task Taker_fills_carry_exact_fees_and_move_balances()
    {
        var (simulator, sink) = await StartAsync(Quiet5().Build());
        await using var disposeSimulator = simulator;

        await simulator.SendAsync(OrderCommand.PlaceMarket(Id, new ClientOrderId(5), Side.Buy, new Quantity(15)));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));

        var events = sink.Executions.Where(e => e.ClientOrderId.Value == 5).ToList();
        CollectionAssert.AreEqual(
            new[] { ExecutionEventKind.Accepted, ExecutionEventKind.PartiallyFilled, ExecutionEventKind.Filled },
            events.Select(e => e.Kind).ToArray());
        var fills = events.Where(e => e.IsFill).ToList();
        Assert.AreEqual((new Price(10001), new Quantity(10)), (fills[0].Price, fills[0].Quantity));
        Assert.AreEqual((new Price(10002), new Quantity(5)), (fills[1].Price, fills[1].Quantity));
        Assert.AreEqual(100.01m * 0.010m * 0.002m, fills[0].Fee);
        Assert.AreEqual(100.02m * 0.005m * 0.002m, fills[1].Fee);
        Assert.IsTrue(fills.All(f => f.Liquidity == Liquidity.Taker));

        var balances = await simulator.GetBalancesAsync();
        var notional = (100.01m * 0.010m) + (100.02m * 0.005m);
        Assert.AreEqual(new Balance("SIM", 1_000.015m, 1_000.015m), balances[0]);
        Assert.AreEqual(1_000_000m - notional - fills.Sum(f => f.Fee), balances[1].Total);
    }

    [TestMethod]
    public async Task Maker_fills_are_charged_the_maker_rate()
    {
        var options = Quiet5().Build();
        options.Takers.RatePerSecond = 50;
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Sell, new Price(10001), new Quantity(3), postOnly: true));
        simulator.RunFor(TimeSpan.FromSeconds(20));

        var fills = sink.Executions.Where(e => e.IsFill).ToList();
        Assert.IsTrue(fills.Count > 0);
        foreach (var fill in fills)
        {
            Assert.AreEqual(Liquidity.Maker, fill.Liquidity);
            Assert.AreEqual(Instrument.ToDecimal(fill.Price) * Instrument.ToDecimal(fill.Quantity) * 0.001m, fill.Fee);
        }
    }

    [TestMethod]
    public async Task An_ioc_remainder_is_cancelled_by_the_venue_with_its_reason()
    {
        var (simulator, sink) = await StartAsync(Quiet5().Build());
        await using var disposeSimulator = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(9), Side.Buy, new Price(10001), new Quantity(15), TimeInForce.ImmediateOrCancel));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));

        var events = sink.Executions.Where(e => e.ClientOrderId.Value == 9).ToList();
        CollectionAssert.AreEqual(
            new[] { ExecutionEventKind.Accepted, ExecutionEventKind.PartiallyFilled, ExecutionEventKind.Cancelled },
            events.Select(e => e.Kind).ToArray());
        Assert.AreEqual(new Quantity(5), events[2].Quantity);
        Assert.AreEqual(CancelReason.ImmediateOrCancel, events[2].CancelReason);
        Assert.AreEqual(new Quantity(10), events[2].FilledQuantity);
        Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(Id)).Count);
    }

    [TestMethod]
    public async Task Amend_down_keeps_the_queue_position_and_a_new_price_loses_it()
    {
        var (simulator, sink) = await StartAsync(Quiet5().Build());
        await using var disposeSimulator = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9998), new Quantity(8), postOnly: true));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));
        var bookId = VenueId(sink, 1);

        await simulator.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), new Price(9998), new Quantity(6)));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));
        Assert.IsTrue(simulator.Book.TryGetQueuePosition(bookId, out var ahead, out _));
        Assert.AreEqual(1, ahead);
        var amended = sink.Executions[^1];
        Assert.AreEqual((ExecutionEventKind.Amended, new Quantity(6)), (amended.Kind, amended.LeavesQuantity));

        await simulator.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), new Price(9999), new Quantity(6)));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));
        Assert.IsTrue(simulator.Book.TryGetOrder(bookId, out var info));
        Assert.AreEqual(new Price(9999), info.Price);
        Assert.IsTrue(simulator.Book.TryGetQueuePosition(bookId, out ahead, out _));
        Assert.AreEqual(1, ahead);

        var open = await simulator.GetOpenOrdersAsync(InstrumentId.None);
        Assert.AreEqual(1, open.Count);
        Assert.AreEqual((new ClientOrderId(1), new Price(9999), new Quantity(6)), (open[0].ClientOrderId, open[0].Price, open[0].LeavesQuantity));
    }

    [TestMethod]
    public async Task Cancel_and_cancel_all_answer_every_order_and_leave_none()
    {
        var (simulator, sink) = await StartAsync(Quiet5().Build());
        await using var disposeSimulator = simulator;
        var hashBefore = simulator.Book.ComputeStateHash();
        for (var i = 1; i <= 4; i++)
        {
            await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(i), i % 2 == 0 ? Side.Sell : Side.Buy, new Price(i % 2 == 0 ? 10010 + i : 9990 - i), new Quantity(2), postOnly: true));
        }

        simulator.RunFor(TimeSpan.FromMilliseconds(3));
        Assert.AreEqual(4, (await simulator.GetOpenOrdersAsync(Id)).Count);
        var balances = await simulator.GetBalancesAsync();
        Assert.AreEqual(0.004m, balances[0].Held);

        await simulator.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1)));
        await simulator.SendAsync(OrderCommand.CancelAll(InstrumentId.None));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));

        var cancels = sink.Executions.Where(e => e.Kind == ExecutionEventKind.Cancelled).ToList();
        CollectionAssert.AreEquivalent(new long[] { 1, 2, 3, 4 }, cancels.Select(c => c.ClientOrderId.Value).ToArray());
        Assert.IsTrue(cancels.All(c => c.CancelReason == CancelReason.Requested && c.Quantity == new Quantity(2)));
        Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(Id)).Count);
        Assert.AreEqual(hashBefore, simulator.Book.ComputeStateHash());
    }

    private static long VenueId(RecordingSink sink, long clientId)
    {
        var ack = sink.Executions.Single(e => e.ClientOrderId.Value == clientId && e.Kind == ExecutionEventKind.Accepted);
        Assert.IsTrue(ack.VenueOrderId.TryGetInt64(out var id));
        return id;
    }
}

internal sealed class ExchangeSimulatorOptionsBuilder(Action<PinnacleMM.Exchange.Simulator.ExchangeSimulatorOptions> configure)
{
    public PinnacleMM.Exchange.Simulator.ExchangeSimulatorOptions Build()
    {
        var options = Quiet();
        configure(options);
        return options;
    }
}
