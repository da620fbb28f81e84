using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class RejectTests
{
    public static IEnumerable<object[]> BadCommands() =>
    [
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, new Price(0), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.InvalidPrice, "price:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, new Price(100_000_001), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.PriceAboveMaximum, "price:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, new Price(10001), new Quantity(1), postOnly: true), ExecutionEventKind.Rejected, RejectReason.PostOnlyWouldCross, "postOnly:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Sell, new Price(9000), new Quantity(1), postOnly: true), ExecutionEventKind.Rejected, RejectReason.PostOnlyWouldCross, "postOnly:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, new Price(9990), new Quantity(0)), ExecutionEventKind.Rejected, RejectReason.InvalidQuantity, "quantity:"],
        [OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9990), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.DuplicateClientOrderId, "clientOrderId:"],
        [OrderCommand.Place(Id, new ClientOrderId(0), Side.Buy, new Price(9990), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.InvalidClientOrderId, "clientOrderId:"],
        [OrderCommand.Place(new InstrumentId(2), new ClientOrderId(50), Side.Buy, new Price(9990), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.UnknownInstrument, "instrument:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), (Side)7, new Price(9990), new Quantity(1)), ExecutionEventKind.Rejected, RejectReason.InvalidEnumValue, "kind/side"],
        [OrderCommand.PlaceMarket(Id, new ClientOrderId(50), Side.Buy, new Quantity(1_000), TimeInForce.FillOrKill), ExecutionEventKind.Rejected, RejectReason.FillOrKillNotFillable, "timeInForce:"],
        [OrderCommand.Cancel(Id, new ClientOrderId(77)), ExecutionEventKind.CancelRejected, RejectReason.UnknownOrder, "clientOrderId:"],
        [OrderCommand.Amend(Id, new ClientOrderId(77), new Price(9990), new Quantity(1)), ExecutionEventKind.AmendRejected, RejectReason.UnknownOrder, "clientOrderId:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), new Price(10002), new Quantity(2)), ExecutionEventKind.AmendRejected, RejectReason.PostOnlyWouldCross, "postOnly:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), new Price(-5), new Quantity(2)), ExecutionEventKind.AmendRejected, RejectReason.InvalidPrice, "price:"],
        [new OrderCommand { Kind = (OrderCommandKind)9, Instrument = Id, ClientOrderId = new ClientOrderId(1) }, ExecutionEventKind.Rejected, RejectReason.InvalidEnumValue, "kind"],
    ];

    [TestMethod]
    [DynamicData(nameof(BadCommands))]
    public async Task A_bad_command_gets_one_reject_with_its_reason_and_changes_nothing(OrderCommand command, ExecutionEventKind kind, RejectReason reason, string field)
    {
        var options = Quiet();
        options.InitialDepthLevels = 5;
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;

        // One live order of ours (client id 1), post-only, so that duplicate/amend paths have something to hit.
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9990), new Quantity(2), postOnly: true));
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        var bookHash = simulator.Book.ComputeStateHash();
        var open = await simulator.GetOpenOrdersAsync(Id);
        var balances = await simulator.GetBalancesAsync();
        var executionsBefore = sink.Executions.Count;
        var levelUpdatesBefore = sink.Market.Count(e => e.Kind is MarketEventKind.LevelUpdate or MarketEventKind.Trade);

        await simulator.SendAsync(command);
        simulator.RunFor(TimeSpan.FromMilliseconds(5));

        var answers = sink.Executions.Skip(executionsBefore).ToList();
        Assert.AreEqual(1, answers.Count, string.Join("\n", answers));
        Assert.AreEqual(kind, answers[0].Kind);
        Assert.AreEqual(reason, answers[0].RejectReason);
        StringAssert.StartsWith(answers[0].RejectReason.Describe(), field);
        Assert.AreEqual(command.ClientOrderId, answers[0].ClientOrderId);
        Assert.AreEqual(bookHash, simulator.Book.ComputeStateHash());
        CollectionAssert.AreEqual(open.ToArray(), (await simulator.GetOpenOrdersAsync(Id)).ToArray());
        CollectionAssert.AreEqual(balances.ToArray(), (await simulator.GetBalancesAsync()).ToArray());
        Assert.AreEqual(levelUpdatesBefore, sink.Market.Count(e => e.Kind is MarketEventKind.LevelUpdate or MarketEventKind.Trade));
    }

    [TestMethod]
    public async Task A_rejected_client_order_id_can_be_used_again()
    {
        var options = Quiet();
        options.InitialDepthLevels = 5;
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(3), Side.Buy, new Price(0), new Quantity(1)));
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(3), Side.Buy, new Price(9990), new Quantity(1)));
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        CollectionAssert.AreEqual(new[] { ExecutionEventKind.Rejected, ExecutionEventKind.Accepted }, sink.Executions.Select(e => e.Kind).ToArray());
    }

    [TestMethod]
    public async Task Sending_before_connecting_order_entry_is_refused_with_a_clear_message()
    {
        await using var simulator = new PinnacleMM.Exchange.Simulator.ExchangeSimulator(Quiet());
        var ex = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await simulator.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1))));
        StringAssert.Contains(ex.Message, "not connected");
        Assert.ThrowsExactly<ArgumentException>(() => simulator.SubscribeAsync(new InstrumentId(9)));
    }
}
