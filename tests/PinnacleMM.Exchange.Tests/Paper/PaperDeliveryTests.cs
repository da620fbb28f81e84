using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Paper;
using PinnacleMM.Testing;
using static PinnacleMM.Exchange.Tests.Paper.PaperQueueTests;
using static PinnacleMM.Exchange.Tests.Paper.PaperRun;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>Latency, delivery threads, determinism, allocation, and the taker path against a list model.</summary>
[TestClass]
public sealed class PaperDeliveryTests
{
    [TestMethod]
    public async Task With_latency_a_command_reaches_the_book_as_the_feed_passes_its_arrival_time_and_the_answer_comes_back_later()
    {
        await using var run = await StartAsync(o => o.OrderEntryLatency = TimeSpan.FromTicks(15_000)); // 1.5 ms
        run.Snapshot(Bids, Asks);
        var sentAt = run.Now;

        var answers = await run.BuyAsync(1, 10000, 2);
        Assert.AreEqual(0, answers.Count, "nothing reached the venue yet");
        Assert.AreEqual(-1, run.QueueAhead(1));

        run.Level(Side.Buy, 10000, 8); // at sentAt + 1 ms: before the order arrives
        Assert.AreEqual(-1, run.QueueAhead(1));

        run.Level(Side.Buy, 10000, 9); // at sentAt + 2 ms: the order arrived at + 1.5 ms, behind the 8 shown then
        Assert.AreEqual(8, run.QueueAhead(1));
        Assert.AreEqual(0, run.Sink.Executions.Count, "the acknowledgement is still on its way back");

        Assert.AreEqual(1, run.Paper.AdvanceTo(sentAt + 3_000_000));
        var accepted = run.Sink.Executions.Single();
        AssertEvent(accepted, ExecutionEventKind.Accepted, 1, 10000, 2, 2, 0);
        Assert.AreEqual(sentAt + 3_000_000, accepted.ReceivedNanoseconds);
        Assert.AreEqual(sentAt + 3_000_000, run.Paper.NowNanoseconds);
    }

    [TestMethod]
    public async Task A_command_sent_outside_a_delivery_is_answered_on_a_thread_pool_thread_when_scheduling_is_on()
    {
        await using var run = await StartAsync(o => o.ScheduleDelivery = true);
        run.Snapshot(Bids, Asks);
        var answered = new TaskCompletionSource<ExecutionEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sendingThread = Environment.CurrentManagedThreadId;
        var sending = true;
        var deliveredInsideSend = false;
        run.Sink.OnExecution = e =>
        {
            deliveredInsideSend |= Volatile.Read(ref sending) && Environment.CurrentManagedThreadId == sendingThread;
            answered.TrySetResult(e);
        };

        var sent = run.Paper.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, P(10000), Q(2)));
        Volatile.Write(ref sending, false);
        Assert.IsTrue(sent.IsCompletedSuccessfully, "SendAsync never waits");
        var accepted = await answered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.AreEqual(ExecutionEventKind.Accepted, accepted.Kind);
        Assert.IsFalse(deliveredInsideSend, "the answer must not be delivered inside SendAsync (the caller may hold its own state)");
        Assert.IsNull(run.Paper.DeliveryFault);

        // The next feed event waits for that delivery, then fills the order in its queue as usual.
        run.Trade(Side.Sell, 10000, 7);
        Assert.AreEqual(ExecutionEventKind.Filled, run.Sink.Executions[^1].Kind);
    }

    [TestMethod]
    public async Task A_command_sent_from_inside_a_sink_callback_is_answered_after_the_event_being_delivered()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        var order = new List<string>();
        run.Sink.OnMarket = e =>
        {
            order.Add("market " + e.Kind);
            if (e.Kind == MarketEventKind.Trade)
            {
                run.Paper.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, P(10001), Q(2))).AsTask().GetAwaiter().GetResult();
                order.Add("sent");
            }
        };
        run.Sink.OnExecution = e => order.Add("execution " + e.Kind);

        run.Trade(Side.Buy, 10001, 1);
        CollectionAssert.AreEqual(
            new[] { "market Trade", "sent", "execution Accepted", "execution Filled", "market LevelUpdate" },
            order);
    }

    [TestMethod]
    public async Task The_same_feed_and_commands_give_the_same_events_and_another_script_gives_others()
    {
        var first = await RunScriptAsync(seed: 11);
        var second = await RunScriptAsync(seed: 11);
        var other = await RunScriptAsync(seed: 12);
        Assert.AreEqual(first.Digest, second.Digest);
        Assert.IsTrue(first.Fills > 10, $"the script must exercise fills ({first.Fills})");
        Assert.AreNotEqual(first.Digest, other.Digest);
    }

    [TestMethod]
    public async Task Matching_feed_events_against_resting_orders_allocates_nothing_once_warm()
    {
        var registry = new InstrumentRegistry();
        registry.Register(Instrument);
        var feed = new ScriptedFeed();
        var paper = new PaperExchange(new PaperExchangeOptions { Instruments = registry, MakerFeeRate = MakerFee, TakerFeeRate = TakerFee, ScheduleDelivery = false }, feed);
        var sink = new CountingSink();
        await paper.MarketData.ConnectAsync(sink);
        await paper.ConnectAsync(sink);
        feed.Send(MarketEvent.SnapshotBegin(Id, 1, 0, 0));
        for (var i = 0; i < 20; i++)
        {
            feed.Send(MarketEvent.SnapshotLevel(Id, Side.Buy, P(10000 - i), Q(50), 1, 1, 0, 0));
            feed.Send(MarketEvent.SnapshotLevel(Id, Side.Sell, P(10001 + i), Q(50), 1, 1, 0, 0));
        }

        feed.Send(MarketEvent.SnapshotEnd(Id, 1, 0, 0));
        var sequence = 1L;
        var clientId = 1L;

        void Round(int round)
        {
            // Quote on both sides, let the market trade into and move against the quotes, then cancel what is left.
            Send(paper, OrderCommand.Place(Id, new ClientOrderId(clientId++), Side.Buy, P(9999), Q(4)));
            Send(paper, OrderCommand.Place(Id, new ClientOrderId(clientId++), Side.Sell, P(10002), Q(4)));
            Send(paper, OrderCommand.Place(Id, new ClientOrderId(clientId++), Side.Buy, P(10001), Q(2), TimeInForce.ImmediateOrCancel));
            for (var i = 0; i < 10; i++)
            {
                feed.Send(MarketEvent.Trade(Id, Side.Sell, P(9999), Q(10), round, sequence, round, round));
                feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, P(9999), Q(40 + i), 0, ++sequence, round, round));
                feed.Send(MarketEvent.LevelUpdate(Id, Side.Sell, P(10002), Q(45 - i), 0, ++sequence, round, round));
                feed.Send(MarketEvent.Ticker(Id, P(10000), Q(50), P(10001), Q(50), sequence, round, round));
            }

            Send(paper, OrderCommand.CancelAll(Id));
            paper.DeliverPending();
        }

        for (var round = 0; round < 50; round++)
        {
            Round(round);
        }

        var next = 50;
        SteadyState.AssertAllocatesNothing("50 rounds of 40 feed events and 4 commands", () =>
        {
            for (var end = next + 50; next < end; next++)
            {
                Round(next);
            }
        });
        Assert.IsTrue(sink.Fills > 100, $"fills: {sink.Fills}");
        Assert.IsTrue(sink.Market > 4000, $"market events: {sink.Market}");
    }

    [TestMethod]
    public void Immediate_orders_against_a_still_book_fill_like_a_list_of_levels()
    {
        var levels = Gen.Choose(1, 30).ArrayOf(6);
        var orders = (from offset in Gen.Choose(0, 7) from lots in Gen.Choose(2, 40) from fok in Gen.Elements(false, false, true) select (offset, lots, fok)).ArrayOf();
        Prop.ForAll(Arb.From(levels), Arb.From(orders), (sizes, script) =>
        {
            // The model: asks at 10001… with the given sizes, taken in price order, never given back.
            var model = sizes.Select((lots, i) => (Price: 10001L + i, Lots: (long)lots)).ToList();
            var expected = new List<(long Price, long Lots)>();
            var rejected = new List<bool>();
            foreach (var (offset, lots, fok) in script)
            {
                var limit = 10001L + offset;
                var fillable = model.Where(l => l.Price <= limit).Sum(l => l.Lots);
                rejected.Add(fok && fillable < lots);
                if (fok && fillable < lots)
                {
                    continue;
                }

                var left = (long)lots;
                for (var i = 0; i < model.Count && left > 0 && model[i].Price <= limit; i++)
                {
                    var take = Math.Min(left, model[i].Lots);
                    if (take > 0)
                    {
                        expected.Add((model[i].Price, take));
                        model[i] = (model[i].Price, model[i].Lots - take);
                        left -= take;
                    }
                }
            }

            var actual = RunImmediateOrdersAsync(sizes, script).GetAwaiter().GetResult();
            CollectionAssert.AreEqual(expected, actual.Fills, "fills");
            CollectionAssert.AreEqual(rejected, actual.Rejected, "fill-or-kill rejections");
        }).QuickCheckThrowOnFailure();
    }

    private static async Task<(List<(long Price, long Lots)> Fills, List<bool> Rejected)> RunImmediateOrdersAsync(int[] sizes, (int Offset, int Lots, bool Fok)[] script)
    {
        await using var run = await StartAsync();
        run.Snapshot([(10000, 5)], sizes.Select((lots, i) => (10001L + i, (long)lots)).ToArray());
        var fills = new List<(long, long)>();
        var rejected = new List<bool>();
        var id = 1;
        foreach (var (offset, lots, fok) in script)
        {
            var events = await run.BuyAsync(id++, 10001 + offset, lots, fok ? TimeInForce.FillOrKill : TimeInForce.ImmediateOrCancel);
            rejected.Add(events.Any(e => e.Kind == ExecutionEventKind.Rejected));
            fills.AddRange(events.Where(e => e.IsFill).Select(e => (e.Price.Ticks, e.Quantity.Lots)));
        }

        return (fills, rejected);
    }

    /// <summary>A scripted session from a seed: the feed moves around a mid, trades print, and we quote, take and cancel.</summary>
    private static async Task<(string Digest, int Fills)> RunScriptAsync(int seed)
    {
        await using var run = await StartAsync(o => o.SupportsAmend = true);
        var random = new Random(seed);
        run.Snapshot([(10000, 20), (9999, 30), (9998, 40)], [(10001, 20), (10002, 30), (10003, 40)]);
        var mid = 10000;
        var id = 1L;
        for (var step = 0; step < 400; step++)
        {
            switch (random.Next(10))
            {
                case 0 or 1 or 2:
                    var levelSide = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                    run.Level(levelSide, levelSide == Side.Buy ? mid - random.Next(3) : mid + 1 + random.Next(3), random.Next(40));
                    break;
                case 3 or 4:
                    var aggressor = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                    run.Trade(aggressor, aggressor == Side.Buy ? mid + 1 + random.Next(2) : mid - random.Next(2), 1 + random.Next(15));
                    break;
                case 5:
                    mid += random.Next(3) - 1;
                    run.Level(Side.Buy, mid, 10 + random.Next(20));
                    run.Level(Side.Sell, mid + 1, 10 + random.Next(20));
                    run.Level(Side.Buy, mid + 1, 0);
                    run.Level(Side.Sell, mid, 0);
                    break;
                case 6 or 7:
                    var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                    var price = side == Side.Buy ? mid - random.Next(3) + random.Next(2) : mid + 1 + random.Next(3) - random.Next(2);
                    await run.SendAsync(OrderCommand.Place(Id, new ClientOrderId(id++), side, P(price), Q(2 + random.Next(10)), random.Next(4) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel));
                    break;
                case 8:
                    await run.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(1 + random.Next((int)id))));
                    break;
                default:
                    await run.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1 + random.Next((int)id)), P(mid - random.Next(3)), Q(2 + random.Next(5))));
                    break;
            }

            if (step % 7 == 0)
            {
                run.Level(Side.Buy, mid - random.Next(3), 5 + random.Next(30));
                run.Level(Side.Sell, mid + 1 + random.Next(3), 5 + random.Next(30));
            }
        }

        return (run.Sink.Digest(), run.Sink.Executions.Count(e => e.IsFill));
    }

    private static void Send(PaperExchange paper, OrderCommand command)
    {
        var sent = paper.SendAsync(command);
        Assert.IsTrue(sent.IsCompletedSuccessfully);
    }

    private sealed class CountingSink : IMarketDataSink, IExecutionSink
    {
        public long Market { get; private set; }

        public long Fills { get; private set; }

        public void OnMarketEvent(in MarketEvent marketEvent) => Market++;

        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
            if (executionEvent.IsFill)
            {
                Fills++;
            }
        }
    }
}
