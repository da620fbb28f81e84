using PinnacleMM.Core.Portfolio;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Persistence;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class RestartTests
{
    private static (long Lots, decimal Realized, decimal Fifo, decimal Fees, long Fills, long Traded, decimal Peak) Of(PositionTracker p) =>
        (p.PositionLots, p.RealizedPnlAverageCost, p.RealizedPnlFifo, p.Fees, p.FillCount, p.TradedQuantity.Lots, p.EquityPeak);

    [TestMethod]
    [DataRow(EngineThreading.Inline)]
    [DataRow(EngineThreading.ThreadedDirectSend)]
    public async Task Stop_then_restart_recovers_position_pnl_and_order_ids_exactly_from_the_final_snapshot(EngineThreading threading)
    {
        var directory = TempDirectory.Create();
        try
        {
            (long, decimal, decimal, decimal, long, long, decimal) before;
            long highestId;
            long marketEvents;
            await using (var first = await EngineRun.StartAsync(31, threading, directory))
            {
                Assert.IsFalse(first.Recovery!.RecoveredAnything);
                first.Simulator.RunFor(TimeSpan.FromSeconds(12));
                await first.StopAsync();
                before = Of(first.Strategy.Position);
                highestId = first.Engine.Orders.Tracker.HighestClientOrderId;
                marketEvents = first.Engine.MarketEventsProcessed;
                Assert.IsTrue(before.Item5 > 0, "fills happened");
            }

            // Every market event and every order activity is in the journal, and replaying the activities gives the same orders and position.
            var replay = new OrderTracker(SimulatorTestKit.Instrument, new PositionTracker(SimulatorTestKit.Instrument));
            long marketRecords = 0;
            using (var reader = JournalReader.Open(Path.Combine(directory, "SIM-USD", "journal")))
            {
                while (reader.TryRead(out var record))
                {
                    if (record.Type == EngineRecordTypes.MarketEvent)
                    {
                        Assert.IsTrue(EngineRecordCodec.TryDecodeMarketEvent(record.Payload, out _));
                        marketRecords++;
                    }
                    else if (record.Type >= JournalRecordType.ApplicationBase)
                    {
                        Assert.IsTrue(EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity), $"record {record.Sequence} decodes");
                        activity.ApplyTo(replay);
                    }
                }

                Assert.IsNull(reader.Fault);
            }

            Assert.AreEqual(marketEvents, marketRecords);
            Assert.AreEqual(before.Item1, replay.Position!.PositionLots);
            Assert.AreEqual(before.Item4, replay.Position.Fees);
            Assert.AreEqual(0, replay.OpenCount);

            await using var second = await EngineRun.StartAsync(32, threading, directory);
            var report = second.Recovery!;
            Assert.IsTrue(report.StrategyStateRestored, report.ToString());
            Assert.AreEqual(0, report.ActivitiesReplayed, "the final snapshot includes everything");
            Assert.AreEqual(0, report.RecoveredOpenOrders.Count);
            Assert.AreEqual(before, Of(second.Strategy.Position));
            Assert.AreEqual(before.Item1 * SimulatorTestKit.Instrument.LotSize, report.Position);
            Assert.AreEqual(highestId, second.Engine.Orders.Tracker.HighestClientOrderId, "new orders continue the ids");

            second.Simulator.RunFor(TimeSpan.FromSeconds(2));
            Assert.IsTrue(second.Engine.Orders.Tracker.GetOpenOrders().All(o => o.ClientOrderId.Value > highestId));
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task Abort_then_restart_recovers_open_orders_and_position_from_snapshot_plus_journal_and_closes_orders_the_new_venue_lacks()
    {
        var directory = TempDirectory.Create();
        try
        {
            IReadOnlyList<TrackedOrder> openAtCrash;
            (long, decimal, decimal, decimal, long, long, decimal) atCrash;
            await using (var first = await EngineRun.StartInlineAsync(41, directory, snapshotInterval: TimeSpan.FromSeconds(2)))
            {
                first.Simulator.RunFor(TimeSpan.FromSeconds(6.5));

                // A manual order after the last periodic snapshot (6 s): only the journal knows about it.
                Assert.IsTrue(first.Engine.Orders.PlaceOrder(Core.Primitives.Side.Buy, 99m, 0.05m).IsSent);
                first.Simulator.RunFor(TimeSpan.FromSeconds(0.5));
                await first.Engine.AbortAsync();   // no cancels, no final snapshot: the last one is 6 s old
                openAtCrash = first.Engine.Orders.Tracker.GetOpenOrders();
                atCrash = Of(first.Strategy.Position);
                Assert.IsTrue(openAtCrash.Count > 0, "orders were resting at the crash");
                Assert.IsTrue(first.Persistence!.Instruments.Count == 0, "the engine closed its instrument");
            }

            await using var second = await EngineRun.StartInlineAsync(42, directory);
            var report = second.Recovery!;
            Assert.IsNotNull(report.Persistence!.Snapshot, "a periodic snapshot was used");
            Assert.IsTrue(report.ActivitiesReplayed > 0, "activities after the snapshot were replayed: " + report);
            CollectionAssert.AreEqual(openAtCrash.ToArray(), report.RecoveredOpenOrders.ToArray());
            Assert.AreEqual(atCrash.Item1, second.Strategy.Position.PositionLots);
            Assert.AreEqual(atCrash.Item2, second.Strategy.Position.RealizedPnlAverageCost);
            Assert.AreEqual(atCrash.Item4, second.Strategy.Position.Fees);
            Assert.AreEqual(atCrash.Item5, second.Strategy.Position.FillCount);

            // The new venue has none of them: each is closed locally, none is left dangling.
            Assert.AreEqual(openAtCrash.Count, report.Venue!.ClosedLocally.Count);
            foreach (var order in openAtCrash)
            {
                Assert.IsTrue(second.Engine.Orders.Tracker.TryGet(order.ClientOrderId, out var now), $"order {order.ClientOrderId.Value} is still known");
                Assert.AreEqual(OrderState.Cancelled, now.State, $"order {order.ClientOrderId.Value} closed locally");
            }
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task Persistence_taking_its_own_periodic_snapshots_is_refused_at_start_naming_the_setting()
    {
        var directory = TempDirectory.Create();
        try
        {
            using var persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = directory });
            var strategy = new Core.Strategies.BasicMarketMaker(SimulatorTestKit.Instrument, EngineRun.StrategyOptions(), new Core.Time.ManualMonotonicClock());
            await using var simulator = new Exchange.Simulator.ExchangeSimulator(SimulatorTestKit.Options(1));
            await using var engine = new TradingEngine(new TradingEngineOptions { Threading = EngineThreading.Inline }, strategy, SimulatorTestKit.Id, simulator, simulator, persistence);
            var e = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => engine.StartAsync());
            StringAssert.Contains(e.Message, "PersistenceOptions.SnapshotIntervalMin is 15; it must be 0");
            Assert.AreEqual(0, persistence.Instruments.Count, "nothing was opened");
            Assert.AreEqual(PinnacleMM.Exchange.Abstractions.ConnectionState.Disconnected, ConnectionStateOf(simulator), "nothing was connected");
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    private static PinnacleMM.Exchange.Abstractions.ConnectionState ConnectionStateOf(Exchange.Simulator.ExchangeSimulator simulator) => simulator.OrderEntryState;
}
