using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Paper;
using static PinnacleMM.Exchange.Tests.Paper.PaperQueueTests;
using static PinnacleMM.Exchange.Tests.Paper.PaperRun;

namespace PinnacleMM.Exchange.Tests.Paper;

[TestClass]
public sealed class PaperRejectTests
{
    public static IEnumerable<object[]> BadCommands() =>
    [
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(0), Q(2)), ExecutionEventKind.Rejected, RejectReason.InvalidPrice, "price:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(100_000_001), Q(2)), ExecutionEventKind.Rejected, RejectReason.PriceAboveMaximum, "price:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(9990), Q(0)), ExecutionEventKind.Rejected, RejectReason.InvalidQuantity, "quantity:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(9990), Q(1)), ExecutionEventKind.Rejected, RejectReason.QuantityBelowMinimum, "quantity:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(9990), Q(100_001)), ExecutionEventKind.Rejected, RejectReason.QuantityAboveMaximum, "quantity:"],
        [OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, P(9990), Q(2)), ExecutionEventKind.Rejected, RejectReason.DuplicateClientOrderId, "clientOrderId:"],
        [OrderCommand.Place(Id, new ClientOrderId(0), Side.Buy, P(9990), Q(2)), ExecutionEventKind.Rejected, RejectReason.InvalidClientOrderId, "clientOrderId:"],
        [OrderCommand.Place(new InstrumentId(3), new ClientOrderId(50), Side.Buy, P(9990), Q(2)), ExecutionEventKind.Rejected, RejectReason.UnknownInstrument, "instrument:"],
        [OrderCommand.Place(UnsyncedId, new ClientOrderId(50), Side.Buy, P(9990), Q(2)), ExecutionEventKind.Rejected, RejectReason.NotConnected, "connection:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), (Side)7, P(9990), Q(2)), ExecutionEventKind.Rejected, RejectReason.InvalidEnumValue, "kind/side"],
        [OrderCommand.PlaceMarket(Id, new ClientOrderId(50), Side.Buy, Q(2), TimeInForce.GoodTillCancel), ExecutionEventKind.Rejected, RejectReason.MarketOrderCannotRest, "timeInForce:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(9990), Q(2), TimeInForce.ImmediateOrCancel, postOnly: true), ExecutionEventKind.Rejected, RejectReason.PostOnlyRequiresGoodTillCancelLimit, "postOnly:"],
        [OrderCommand.Place(Id, new ClientOrderId(50), Side.Buy, P(10001), Q(2), postOnly: true), ExecutionEventKind.Rejected, RejectReason.PostOnlyWouldCross, "postOnly:"],
        [OrderCommand.PlaceMarket(Id, new ClientOrderId(50), Side.Buy, Q(1_000), TimeInForce.FillOrKill), ExecutionEventKind.Rejected, RejectReason.FillOrKillNotFillable, "timeInForce:"],
        [OrderCommand.Cancel(Id, new ClientOrderId(77)), ExecutionEventKind.CancelRejected, RejectReason.UnknownOrder, "clientOrderId:"],
        [OrderCommand.Cancel(new InstrumentId(3), new ClientOrderId(1)), ExecutionEventKind.CancelRejected, RejectReason.UnknownInstrument, "instrument:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), P(9990), Q(2)), ExecutionEventKind.AmendRejected, RejectReason.AmendNotSupported, "kind:"],
        [new OrderCommand { Kind = (OrderCommandKind)9, Instrument = Id, ClientOrderId = new ClientOrderId(1) }, ExecutionEventKind.Rejected, RejectReason.InvalidEnumValue, "kind"],
    ];

    public static IEnumerable<object[]> BadAmends() =>
    [
        [OrderCommand.Amend(Id, new ClientOrderId(77), P(9990), Q(2)), RejectReason.UnknownOrder, "clientOrderId:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), P(-5), Q(2)), RejectReason.InvalidPrice, "price:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), P(9990), Q(1)), RejectReason.QuantityBelowMinimum, "quantity:"],
        [OrderCommand.Amend(Id, new ClientOrderId(1), P(10001), Q(2)), RejectReason.PostOnlyWouldCross, "postOnly:"],
    ];

    [TestMethod]
    [DynamicData(nameof(BadCommands))]
    public async Task A_bad_command_gets_one_reject_with_its_reason_and_changes_nothing(OrderCommand command, ExecutionEventKind kind, RejectReason reason, string field)
    {
        await using var run = await StartAsync();
        await AssertRejectedWithNothingChanged(run, command, kind, reason, field);
    }

    [TestMethod]
    [DynamicData(nameof(BadAmends))]
    public async Task A_bad_amend_gets_one_reject_with_its_reason_and_changes_nothing(OrderCommand command, RejectReason reason, string field)
    {
        await using var run = await StartAsync(o => o.SupportsAmend = true);
        await AssertRejectedWithNothingChanged(run, command, ExecutionEventKind.AmendRejected, reason, field);
    }

    [TestMethod]
    public async Task Orders_are_refused_until_the_live_book_has_a_snapshot_and_after_the_feed_says_it_is_out_of_sync()
    {
        await using var run = await StartAsync();
        var before = await run.BuyAsync(1, 9990, 2);
        Assert.AreEqual(RejectReason.NotConnected, before.Single().RejectReason);

        run.Snapshot(Bids, Asks);
        AssertEvent((await run.BuyAsync(1, 9990, 2)).Single(), ExecutionEventKind.Accepted, 1, 9990, 2, 2, 0);

        run.Feed.Send(MarketEvent.Status(Id, ConnectionState.Syncing, 0, run.Now, run.Now + 1));
        Assert.AreEqual(RejectReason.NotConnected, (await run.BuyAsync(2, 9990, 2)).Single().RejectReason);
        var cancel = await run.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1)));
        Assert.AreEqual(ExecutionEventKind.Cancelled, cancel.Single().Kind, "cancels still work");
    }

    [TestMethod]
    public void Options_breaking_rules_are_refused_with_every_field_named()
    {
        var options = new PaperExchangeOptions
        {
            MakerFeeRate = -0.001m,
            TakerFeeRate = 0.5m,
            OrderEntryLatency = TimeSpan.FromMilliseconds(-1),
            InitialBalances = new Dictionary<string, decimal> { [""] = 1m, ["USD"] = -3m },
        };
        var errors = options.Validate();
        Assert.AreEqual(6, errors.Count, string.Join("\n", errors));
        foreach (var field in new[] { "Instruments:", "MakerFeeRate:", "TakerFeeRate:", "OrderEntryLatency:", "InitialBalances: currency ''", "InitialBalances[USD]:" })
        {
            Assert.IsTrue(errors.Any(e => e.StartsWith(field, StringComparison.Ordinal)), field + " missing from\n" + string.Join("\n", errors));
        }

        var error = Assert.ThrowsExactly<ArgumentException>(() => new PaperExchange(options, new ScriptedFeed()));
        StringAssert.Contains(error.Message, "TakerFeeRate: 0.5 must be from 0 to 0.1");
    }

    [TestMethod]
    public async Task Misuse_throws_a_clear_exception()
    {
        var registry = new InstrumentRegistry();
        var paper = new PaperExchange(new PaperExchangeOptions { Instruments = registry }, new ScriptedFeed());
        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await paper.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1))));
        StringAssert.Contains(error.Message, "not connected");
        await paper.MarketData.ConnectAsync(new RecordingSinkAdapter());
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await paper.MarketData.ConnectAsync(new RecordingSinkAdapter()));
        await paper.DisposeAsync();
        await Assert.ThrowsExactlyAsync<ObjectDisposedException>(async () => await paper.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1))));
    }

    private static async Task AssertRejectedWithNothingChanged(PaperRun run, OrderCommand command, ExecutionEventKind kind, RejectReason reason, string field)
    {
        run.Snapshot(Bids, Asks);

        // One resting post-only order (client id 1), so that duplicate, cancel and amend paths have something to hit.
        await run.BuyAsync(1, 9990, 2, postOnly: true);
        var open = await run.Paper.GetOpenOrdersAsync(InstrumentId.None);
        var balances = await run.Paper.GetBalancesAsync();
        var appBook = run.AppBook.ComputeStateHash();
        var queue = run.QueueAhead(1);
        var marketBefore = run.Sink.Market.Count;

        var answers = await run.SendAsync(command);

        Assert.AreEqual(1, answers.Count, string.Join("\n", answers));
        Assert.AreEqual(kind, answers[0].Kind);
        Assert.AreEqual(reason, answers[0].RejectReason);
        StringAssert.StartsWith(answers[0].RejectReason.Describe(), field);
        Assert.AreEqual(command.ClientOrderId, answers[0].ClientOrderId);
        CollectionAssert.AreEqual(open.ToArray(), (await run.Paper.GetOpenOrdersAsync(InstrumentId.None)).ToArray());
        CollectionAssert.AreEqual(balances.ToArray(), (await run.Paper.GetBalancesAsync()).ToArray());
        Assert.AreEqual(appBook, run.AppBook.ComputeStateHash());
        Assert.AreEqual(queue, run.QueueAhead(1));
        Assert.AreEqual(marketBefore, run.Sink.Market.Count, "no market data was inserted");

        // Nothing was taken from the book either: all 15 displayed ask lots can still be bought.
        var sweep = await run.SendAsync(OrderCommand.PlaceMarket(Id, new ClientOrderId(99), Side.Buy, Q(15), TimeInForce.FillOrKill));
        Assert.AreEqual(ExecutionEventKind.Filled, sweep[^1].Kind, string.Join("\n", sweep));
    }

    private sealed class RecordingSinkAdapter : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent)
        {
        }
    }
}
