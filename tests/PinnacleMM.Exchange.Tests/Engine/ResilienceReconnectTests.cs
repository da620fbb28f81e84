using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class ResilienceReconnectTests
{
    [TestMethod]
    public async Task Reconnect_recovers_missed_fills_and_venue_cancels_and_a_crash_replay_gives_the_same_state()
    {
        var directory = TempDirectory.Create();
        try
        {
            (long Lots, decimal Realized, decimal Fees, long Fills) beforeCrash;
            await using (var run = await EngineRun.StartInlineAsync(61, directory))
            {
                run.Simulator.RunFor(TimeSpan.FromSeconds(5));
                var resting = run.Engine.Orders.Tracker.GetOpenOrders().Where(o => o.State == OrderState.Open).ToList();
                Assert.IsTrue(resting.Count >= 2, "orders rest at the venue before the loss");

                // A cancel on the wire when the connection drops: the venue cancels, the answer is lost.
                var victim = resting[0].ClientOrderId;
                Assert.IsTrue(run.Engine.Orders.CancelOrder(victim));
                run.Simulator.DisconnectOrderEntry();
                run.Simulator.RunFor(TimeSpan.FromSeconds(8));
                var down = run.Simulator.GetStatistics();
                Assert.IsTrue(down.ExecutionEventsLost > 0, "events happened while disconnected and were lost");
                Assert.IsFalse(run.Engine.Orders.IsConnected);
                Assert.IsTrue(run.Engine.Orders.RefusalCount(OrderRefusalReason.NotConnected) > 0, "commands were held while down");
                Assert.AreEqual(0, down.CommandsLost, "the engine sent nothing into the dead connection");
                Assert.IsTrue(run.Engine.Orders.Tracker.TryGet(victim, out var stale) && !stale.IsClosed, "we never heard of the cancel");

                run.Simulator.ReconnectOrderEntry();
                Assert.AreNotEqual(await run.VenuePositionLotsAsync(), run.Strategy.Position.PositionLots, "fills were missed while down");

                // The reconnect is delivered 1 ms later; the reconciliation applies at that instant, so the books can be compared exactly.
                run.Simulator.RunFor(TimeSpan.FromMilliseconds(1));
                Assert.AreEqual(1, run.Engine.Reconnects);
                Assert.AreEqual(1, run.Engine.VenueReconciliations);
                Assert.IsTrue(run.Engine.MissedFillsRecovered > 0, "missed fills recovered from the venue's history");
                var reconciliation = run.Engine.LastVenueReconciliation!;
                Assert.IsTrue(reconciliation.FillHistoryUsed);
                CollectionAssert.Contains(reconciliation.ClosedLocally.ToList(), victim);
                Assert.IsTrue(run.Engine.Orders.Tracker.TryGet(victim, out var closed));
                Assert.AreEqual(OrderState.Cancelled, closed.State);
                Assert.IsTrue(run.Engine.Orders.IsConnected, "commands flow again after the reconciliation");
                await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
                await ResilienceKit.AssertOrdersMatchVenueAsync(run);

                // Quoting resumed and stays right.
                var placed = run.Engine.Orders.PlacesSent;
                run.Simulator.RunFor(TimeSpan.FromSeconds(5));
                Assert.IsTrue(run.Engine.Orders.PlacesSent > placed, "the strategy quotes again");
                Assert.AreEqual(0, run.Engine.Status.Resilience.Warnings.Count, string.Join(" | ", run.Engine.Status.Resilience.Warnings));
                Assert.IsTrue(run.Engine.Status.Resilience.OrderEntryReady);
                Assert.AreEqual(run.Engine.MissedFillsRecovered, run.Engine.Status.Resilience.MissedFillsRecovered);
                await ResilienceKit.AssertPositionIsTheVenuesAsync(run);

                var position = run.Strategy.Position;
                beforeCrash = (position.PositionLots, position.RealizedPnlAverageCost, position.Fees, position.FillCount);
                await run.Engine.AbortAsync();
            }

            // The journal says what the reconciliation did, and replaying it rebuilds the same position.
            var summaries = new List<ReconciliationCounts>();
            var replay = new OrderTracker(SimulatorTestKit.Instrument, new Core.Portfolio.PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m));
            using (var reader = JournalReader.Open(Path.Combine(directory, "SIM-USD", "journal")))
            {
                while (reader.TryRead(out var record))
                {
                    if (record.Type >= JournalRecordType.ApplicationBase && record.Type != EngineRecordTypes.MarketEvent)
                    {
                        Assert.IsTrue(EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity), $"record {record.Sequence} decodes");
                        activity.ApplyTo(replay);
                        if (activity.Kind == OrderActivityKind.VenueReconciled)
                        {
                            summaries.Add(activity.Reconciliation);
                        }
                    }
                }
            }

            Assert.AreEqual(2, summaries.Count, "one at start, one after the reconnect");
            Assert.IsFalse(summaries[0].AfterReconnect);
            Assert.IsTrue(summaries[1].AfterReconnect);
            Assert.IsTrue(summaries[1].FillsRecovered > 0 && summaries[1].ClosedLocally >= 1);
            Assert.AreEqual(beforeCrash.Lots, replay.Position!.PositionLots);
            Assert.AreEqual(beforeCrash.Fees, replay.Position.Fees);

            await using var restarted = await EngineRun.StartInlineAsync(62, directory);
            var p = restarted.Strategy.Position;
            Assert.AreEqual(beforeCrash, (p.PositionLots, p.RealizedPnlAverageCost, p.Fees, p.FillCount), "restart after the crash recovers the reconciled state");
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task Fills_recovered_at_the_reconnect_and_replayed_late_on_the_stream_count_once()
    {
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartInlineAsync(61, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            return (venue, venue);
        });
        run.Simulator.RunFor(TimeSpan.FromSeconds(5));
        venue!.GoDown();
        run.Simulator.RunFor(TimeSpan.FromSeconds(8));
        var duplicatesBefore = run.Engine.Orders.Tracker.DuplicateCount;
        venue.ComeBack();
        run.Simulator.RunFor(TimeSpan.FromSeconds(1));

        Assert.AreEqual(1, run.Engine.VenueReconciliations);
        var recovered = run.Engine.MissedFillsRecovered;
        Assert.IsTrue(recovered > 0, "the held fills were recovered from the venue's history first: " + run.Engine.LastVenueReconciliation);
        Assert.IsTrue(run.Engine.Orders.Tracker.DuplicateCount - duplicatesBefore >= recovered, "then recognised when the stream replayed them");
        await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
        await ResilienceKit.AssertOrdersMatchVenueAsync(run);
    }

    [TestMethod]
    public async Task Without_a_fill_history_orders_gone_are_closed_and_the_status_warns()
    {
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartInlineAsync(64, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator) { OfferFillHistory = false };
            return (venue, venue);
        });
        run.Simulator.RunFor(TimeSpan.FromSeconds(4));
        run.Simulator.DisconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromSeconds(8));
        run.Simulator.ReconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromMilliseconds(1));

        var reconciliation = run.Engine.LastVenueReconciliation!;
        Assert.IsFalse(reconciliation.FillHistoryUsed);
        Assert.IsTrue(reconciliation.ClosedLocally.Count > 0, reconciliation.ToString());
        Assert.AreEqual(0, reconciliation.FillsRecovered);
        await ResilienceKit.AssertOrdersMatchVenueAsync(run);
        run.Simulator.RunFor(TimeSpan.FromMilliseconds(200));
        var status = run.Engine.Status.Resilience;
        Assert.AreEqual(reconciliation.ClosedLocally.Count, status.OrdersClosedWithoutFills);
        Assert.AreEqual(1, status.Warnings.Count);
        StringAssert.Contains(status.Warnings[0], "keeps no fill history");
        Assert.AreNotEqual(await run.VenuePositionLotsAsync(), run.Strategy.Position.PositionLots, "the fills missed are why the status warns");
    }

    [TestMethod]
    public async Task A_failed_reconciliation_query_holds_commands_and_is_retried()
    {
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartInlineAsync(65, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            return (venue, venue);
        });
        run.Simulator.RunFor(TimeSpan.FromSeconds(3));
        venue!.GoDown();
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        venue.FailOpenOrderQueries = 1;
        venue.ComeBack();
        run.Simulator.RunFor(TimeSpan.FromMilliseconds(300));

        var status = run.Engine.Status.Resilience;
        Assert.AreEqual(1, status.ReconciliationFailures);
        Assert.IsFalse(status.OrderEntryReady, "held until reconciled");
        Assert.IsFalse(run.Engine.Orders.IsConnected);
        StringAssert.Contains(status.Warnings.Single(), "reconciliation with faulty-simulator after a reconnect failed");
        Assert.AreEqual(0, run.Engine.VenueReconciliations);

        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.AreEqual(1, run.Engine.VenueReconciliations, "retried after ReconcileRetryInterval");
        Assert.IsTrue(run.Engine.Status.Resilience.OrderEntryReady);
        await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
    }

    [TestMethod]
    public void Resilience_options_name_every_broken_field()
    {
        var options = new TradingEngineOptions
        {
            Resilience = new EngineResilienceOptions
            {
                ReconcileRetryInterval = TimeSpan.Zero,
                ResyncBackoffInitial = TimeSpan.FromSeconds(2),
                ResyncBackoffMaximum = TimeSpan.FromSeconds(1),
                ConnectorResyncGrace = TimeSpan.FromMinutes(-1),
            },
        };
        var errors = options.Validate();
        Assert.AreEqual(3, errors.Count, string.Join(" ", errors));
        StringAssert.StartsWith(errors[0], "Resilience.ReconcileRetryInterval:");
        StringAssert.StartsWith(errors[1], "Resilience.ResyncBackoffMaximum:");
        StringAssert.Contains(errors[1], "must be from ResyncBackoffInitial");
        StringAssert.StartsWith(errors[2], "Resilience.ConnectorResyncGrace:");
    }
}
