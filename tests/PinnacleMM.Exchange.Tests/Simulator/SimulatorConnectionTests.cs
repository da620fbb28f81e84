using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

/// <summary>The simulator's order-entry disconnects, fill history, dropped market data and resync.</summary>
[TestClass]
public sealed class SimulatorConnectionTests
{
    [TestMethod]
    public async Task While_disconnected_events_and_commands_are_lost_but_fills_stay_in_the_history()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var _ = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9999), new Quantity(30)));
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        simulator.DisconnectOrderEntry();

        // A sell that trades with our resting bid while the connection is down: the fill is not delivered.
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(2), Side.Sell, new Price(9999), new Quantity(5)));
        var before = sink.Executions.Count;
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        var delivered = sink.Executions.Skip(before).ToList();
        Assert.AreEqual(ExecutionEventKind.ConnectionChanged, delivered.Single().Kind);
        Assert.AreEqual(ConnectionState.Disconnected, delivered.Single().ConnectionState);
        Assert.AreEqual(1, simulator.GetStatistics().CommandsLost, "the sell never reached the venue");
        var query = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await simulator.GetOpenOrdersAsync(Id));
        StringAssert.Contains(query.Message, "disconnected");

        simulator.ReconnectOrderEntry();
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        Assert.AreEqual(ConnectionState.Synced, sink.Executions[^1].ConnectionState);
        Assert.AreEqual(30, (await simulator.GetOpenOrdersAsync(Id)).Single().LeavesQuantity.Lots, "the lost sell did not trade");
        Assert.AreEqual(0, (await simulator.GetFillsAsync(Id, 0)).Count);
    }

    [TestMethod]
    public async Task Fills_while_disconnected_are_in_the_fill_history_with_the_stream_fields()
    {
        var options = Quiet();
        options.Takers.RatePerSecond = 50;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 40, MaxLots = 40 };
        var (simulator, sink) = await StartAsync(options);
        await using var _ = simulator;
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(10_000), new Quantity(50)));
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(2), Side.Sell, new Price(10_001), new Quantity(50)));
        simulator.RunFor(TimeSpan.FromMilliseconds(3));
        simulator.DisconnectOrderEntry();
        var downAt = simulator.NowNanoseconds;
        simulator.RunFor(TimeSpan.FromSeconds(2));
        simulator.ReconnectOrderEntry();
        simulator.RunFor(TimeSpan.FromMilliseconds(5));

        Assert.IsFalse(sink.Executions.Any(e => e.IsFill), "no fill was delivered");
        var fills = await simulator.GetFillsAsync(Id, 0);
        Assert.IsTrue(fills.Count > 0, "our orders traded while disconnected");
        Assert.IsTrue(fills.All(f => f.ExchangeTimestampNanoseconds >= downAt && f.TradeId > 0 && f.Sequence > 0));
        foreach (var id in new[] { 1L, 2L })
        {
            // Cumulative sizes add up per order, as on the stream.
            long filled = 0;
            foreach (var fill in fills.Where(f => f.ClientOrderId.Value == id))
            {
                filled += fill.Quantity.Lots;
                Assert.AreEqual(filled, fill.FilledQuantity.Lots);
                Assert.AreEqual(50 - filled, fill.LeavesQuantity.Lots);
                Assert.AreEqual(fill.LeavesQuantity.IsZero ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled, fill.Kind);
            }
        }

        var balances = await simulator.GetBalancesAsync();
        var baseChange = balances.Single(b => b.Currency == "SIM").Total - 1_000m;
        Assert.AreEqual(baseChange, fills.Sum(f => f.Side.Sign() * Instrument.ToDecimal(f.Quantity)), "the history is the venue's truth");
        var since = fills[^1].ExchangeTimestampNanoseconds;
        Assert.IsTrue((await simulator.GetFillsAsync(Id, since)).All(f => f.ExchangeTimestampNanoseconds >= since));
        Assert.IsTrue(simulator.GetStatistics().ExecutionEventsLost >= fills.Count);
    }

    [TestMethod]
    public async Task Dropped_updates_leave_sequence_holes_deterministically_and_do_not_change_the_market()
    {
        static async Task<(RecordingSink Sink, SimulatorStatistics Stats, string Book)> Run(double dropRate)
        {
            var options = Options(81);
            options.MarketDataFaults.LevelUpdateDropRate = dropRate;
            var (simulator, sink) = await StartAsync(options);
            await using var _ = simulator;
            simulator.RunFor(TimeSpan.FromSeconds(5));
            var levels = new Core.Books.DepthLevel[1024];
            var book = string.Join(";", Enumerable.Range(0, simulator.Book.GetDepth(Side.Buy, levels)).Select(i => levels[i].ToString()));
            return (sink, simulator.GetStatistics(), book);
        }

        var clean = await Run(0);
        var faulty = await Run(0.05);
        var again = await Run(0.05);
        Assert.AreEqual(0, clean.Stats.DroppedMarketDataUpdates);
        Assert.IsTrue(faulty.Stats.DroppedMarketDataUpdates > 0);
        Assert.AreEqual(clean.Stats.Trades, faulty.Stats.Trades, "the same market");
        Assert.AreEqual(clean.Book, faulty.Book, "the same book");
        Assert.AreEqual(faulty.Sink.Digest(), again.Sink.Digest(), "the same seed drops the same updates");

        var sequences = faulty.Sink.Market.Where(e => e.Kind == MarketEventKind.LevelUpdate).Select(e => e.Sequence).ToList();
        var holes = sequences.Zip(sequences.Skip(1)).Sum(p => p.Second - p.First - 1);
        var first = faulty.Sink.Market.First(e => e.Kind == MarketEventKind.SnapshotEnd).Sequence;
        holes += sequences[0] - first - 1;
        Assert.AreEqual(faulty.Stats.DroppedMarketDataUpdates, holes, "every drop is a missing sequence number");
    }

    [TestMethod]
    public async Task Resync_sends_a_fresh_snapshot_of_the_book_and_refuses_an_instrument_not_subscribed()
    {
        var (simulator, sink) = await StartAsync(Options(82), subscribe: false);
        await using var _ = simulator;
        var notSubscribed = await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await simulator.ResyncAsync(Id));
        StringAssert.Contains(notSubscribed.Message, "not subscribed");
        var other = await Assert.ThrowsExactlyAsync<ArgumentException>(async () => await simulator.ResyncAsync(new InstrumentId(5)));
        Assert.AreEqual("instrument", other.ParamName);

        await simulator.SubscribeAsync(Id);
        simulator.RunFor(TimeSpan.FromSeconds(1));
        await simulator.ResyncAsync(Id);
        var before = sink.Market.Count;
        var bid = simulator.Book.TryGetBestBid(out var best, out var size) ? (best, size) : default;
        simulator.RunFor(TimeSpan.FromMilliseconds(1));
        // Updates already on their way come first, then the snapshot between two statuses.
        var tail = sink.Market.Skip(before).ToList();
        var start = tail.FindIndex(e => e.Kind == MarketEventKind.Status);
        Assert.IsTrue(start >= 0, "a status announces the snapshot");
        Assert.IsFalse(tail.Take(start).Any(e => e.Kind is MarketEventKind.SnapshotBegin or MarketEventKind.SnapshotLevel));
        var events = tail.Skip(start).ToList();
        Assert.AreEqual(MarketEventKind.Status, events[0].Kind);
        Assert.AreEqual(ConnectionState.Syncing, events[0].ConnectionState);
        Assert.AreEqual(MarketEventKind.SnapshotBegin, events[1].Kind);
        var bestLevel = events.First(e => e.Kind == MarketEventKind.SnapshotLevel && e.Side == Side.Buy);
        Assert.AreEqual(bid, (bestLevel.Price, bestLevel.Quantity));
        Assert.AreEqual(ConnectionState.Synced, events.First(e => e.Kind == MarketEventKind.Status && e != events[0]).ConnectionState);
        var stats = simulator.GetStatistics();
        Assert.AreEqual(1, stats.ResyncRequests);
        Assert.AreEqual(2, stats.SnapshotsSent);
    }

    [TestMethod]
    public void Fault_and_history_options_name_every_broken_field()
    {
        var options = Options();
        options.MarketDataFaults.LevelUpdateDropRate = 1.5;
        options.MarketDataFaults.MaxDroppedUpdates = -1;
        options.FillHistoryCapacity = 3;
        var errors = options.Validate();
        Assert.AreEqual(3, errors.Count, string.Join(" ", errors));
        Assert.IsTrue(errors.Any(e => e.StartsWith("MarketDataFaults.LevelUpdateDropRate: 1.5 must be from 0 to 1", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.StartsWith("MarketDataFaults.MaxDroppedUpdates: -1 must not be negative", StringComparison.Ordinal)));
        Assert.IsTrue(errors.Any(e => e.StartsWith("FillHistoryCapacity: 3 must be from 16 to 1048576", StringComparison.Ordinal)));
        var refused = Assert.ThrowsExactly<ArgumentException>(() => new ExchangeSimulator(options));
        StringAssert.Contains(refused.Message, "FillHistoryCapacity");
    }
}
