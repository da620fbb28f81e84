using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// A stop whose cancels the venue loses or refuses: it still ends at the stop timeout, on the engine's clock, without
/// an exception; it says which orders it left open; the final snapshot keeps them open; and a restart against the same
/// venue (the simulator kept running, our orders resting and trading meanwhile) ends with no order of ours left at the
/// venue and the venue's position.
/// </summary>
[TestClass]
public sealed class StopWithUnansweredCancelsTests
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private static Task<EngineRun> StartAsync(ExchangeSimulator simulator, FaultyVenue venue, EngineThreading threading = EngineThreading.Inline, string? directory = null, TimeSpan? stopTimeout = null) =>
        EngineRun.StartAsync(0, threading, directory, wrap: _ => (venue, venue), configureEngine: o => o.StopTimeout = stopTimeout ?? StopTimeout, venue: simulator);

    /// <summary>
    /// Stops while driving the venue in virtual time (at most a simulated minute) until the engine has finished, and
    /// checks that it finished there, on its own clock, not on the real-time net of an inline stop. Returns the
    /// engine's time when the stop began.
    /// </summary>
    private static async Task<long> StopDrivingAsync(EngineRun run)
    {
        var begun = run.Clock!.NowNanoseconds;
        var stop = run.Engine.StopAsync();
        run.Lockstep?.Stopping(stop);

        // Until the engine has finished (it publishes its stop report then) and no further: the venue would trade on.
        for (var i = 0; i < 600 && run.Engine.Status.Stop is null; i++)
        {
            if (run.Simulator.RunFor(TimeSpan.FromMilliseconds(100)) == 0)
            {
                // Nothing happened at the venue: give a threaded engine's thread the time to take the stop in.
                await Task.Delay(1);
            }
        }

        var endedWhileDriven = run.Engine.Status.Stop is not null;

        // The stop completes right after the engine finished. One that does not (a broken engine) gets the venue driven on,
        // so that the test fails below instead of hanging in its disposal. Generous real-time bounds: "did not hang", not timings.
        if (await Task.WhenAny(stop, Task.Delay(TimeSpan.FromSeconds(10))) != stop)
        {
            for (var i = 0; i < 600 && !stop.IsCompleted; i++)
            {
                run.Simulator.RunFor(TimeSpan.FromMilliseconds(100));
            }
        }

        await stop.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.IsTrue(endedWhileDriven, "the stop ended while the venue was driven (engine clock), not on the real-time net");
        Assert.IsNull(run.Engine.Fault, "the venue's silence is not a failure");
        return begun;
    }

    private static long[] Ids(IEnumerable<TrackedOrder> orders) => orders.Select(o => o.ClientOrderId.Value).Order().ToArray();

    private static async Task<long[]> VenueIdsAsync(EngineRun run) => (await run.VenueOpenOrdersAsync()).Select(o => o.ClientOrderId.Value).Order().ToArray();

    [TestMethod]
    [DataRow(EngineThreading.Inline)]
    [DataRow(EngineThreading.ThreadedDirectSend)]
    [DataRow(EngineThreading.Threaded)]
    public async Task Lost_cancels_end_the_stop_at_the_timeout_with_the_orders_left_open_named_and_a_restart_cancels_them(EngineThreading threading)
    {
        var directory = TempDirectory.Create();
        await using var simulator = EngineRun.CreateSimulator(61);
        var venue = new FaultyVenue(simulator);
        try
        {
            long[] leftOpen;
            await using (var first = await StartAsync(simulator, venue, threading, directory))
            {
                first.Simulator.RunFor(TimeSpan.FromSeconds(5));
                venue.DropNextCancels = int.MaxValue;
                var begun = await StopDrivingAsync(first);

                var status = first.Engine.Status;
                var report = status.Stop!;
                leftOpen = Ids(report.OrdersLeftOpen);
                Assert.IsTrue(leftOpen.Length > 0, "orders were resting at the stop");
                CollectionAssert.AreEqual(await VenueIdsAsync(first), leftOpen, "the report names exactly the orders still resting at the venue");
                Assert.IsTrue(report.TimedOut);
                Assert.IsFalse(report.IsClean);
                Assert.AreEqual(leftOpen.Length, report.PendingCancelCount, "each waits for the answer to its cancel: " + report);
                Assert.IsTrue(report.OrdersLeftOpen.All(o => o.CancelAttempts > 1), "unanswered cancels were sent again: " + report);
                Assert.IsTrue(leftOpen.All(id => venue.Dropped.Any(d => d.Value == id)), "their cancels were lost");
                CollectionAssert.AreEqual(leftOpen, Ids(status.OpenOrders));
                var elapsed = status.TimestampNanoseconds - begun;
                Assert.IsTrue(elapsed >= StopTimeout.Ticks * 100 && elapsed < (StopTimeout + TimeSpan.FromSeconds(1)).Ticks * 100, $"ended at the stop timeout on the engine's clock: {elapsed} ns after it began");

                var warning = status.Resilience.Warnings.Single(w => w.StartsWith("stop: ", StringComparison.Ordinal));
                StringAssert.StartsWith(warning, $"stop: {leftOpen.Length} orders were still open when the stop ended after 5 s ({leftOpen.Length} waiting for the answer to a cancel): ");
                foreach (var id in leftOpen)
                {
                    StringAssert.Contains(warning, $"#{id} ");
                }

                // Fills during the stop came on the stream: the position is the venue's.
                Assert.AreEqual(await first.VenuePositionLotsAsync(), first.Strategy.Position.PositionLots);
            }

            // The venue answers again. The restart recovers them open from the final snapshot and sends their cancels again at once.
            venue.DropNextCancels = 0;
            await using var second = await StartAsync(simulator, venue, threading, directory);
            var recovery = second.Recovery!;
            Assert.AreEqual(0, recovery.ActivitiesReplayed, "all from the final snapshot: " + recovery);
            CollectionAssert.AreEqual(leftOpen, Ids(recovery.RecoveredOpenOrders));
            Assert.IsTrue(recovery.RecoveredOpenOrders.All(o => o.State == OrderState.PendingCancel), "recorded pending cancel, not cancelled: " + recovery);
            CollectionAssert.AreEqual(leftOpen, recovery.StopCancelsResent.Select(id => id.Value).Order().ToArray(), recovery.ToString());

            // Stopped again at once: the stop waits for the answers, though the engine's clock has not seen the venue's time yet.
            await StopDrivingAsync(second);
            Assert.IsTrue(second.Engine.Status.Stop!.IsClean, second.Engine.Status.Stop.ToString());
            Assert.AreEqual(0, (await second.VenueOpenOrdersAsync()).Count, "no order of ours left at the venue");
            Assert.AreEqual(await second.VenuePositionLotsAsync(), second.Strategy.Position.PositionLots, "position = venue");
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    /// <summary>
    /// A stop whose cancels are lost, then the venue trades on without the engine until one of the orders left open has
    /// filled (its fills reach nobody's stream), then the venue answers again and the engine restarts on the same data.
    /// </summary>
    private static async Task<(EngineRun Second, long[] LeftOpen, long[] GoneMeanwhile)> RestartAfterFillsWhileStoppedAsync(ExchangeSimulator simulator, FaultyVenue venue, string directory)
    {
        long[] leftOpen;
        long positionAtStop;
        await using (var first = await StartAsync(simulator, venue, directory: directory))
        {
            first.Simulator.RunFor(TimeSpan.FromSeconds(5));
            venue.DropNextCancels = int.MaxValue;
            await StopDrivingAsync(first);
            leftOpen = Ids(first.Engine.Status.Stop!.OrdersLeftOpen);
            positionAtStop = first.Strategy.Position.PositionLots;
            Assert.AreEqual(await first.VenuePositionLotsAsync(), positionAtStop);
        }

        var position = 0L;
        for (var i = 0; i < 120 && (position = await VenuePositionLotsAsync(simulator)) == positionAtStop; i++)
        {
            simulator.RunFor(TimeSpan.FromSeconds(1));
        }

        Assert.AreNotEqual(positionAtStop, position, "an order left open traded while the engine was stopped");
        var stillThere = (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Select(o => o.ClientOrderId.Value).ToHashSet();
        var gone = leftOpen.Where(id => !stillThere.Contains(id)).ToArray();
        venue.DropNextCancels = 0;
        return (await StartAsync(simulator, venue, directory: directory), leftOpen, gone);
    }

    private static async Task<long> VenuePositionLotsAsync(ExchangeSimulator simulator)
    {
        var balances = await simulator.GetBalancesAsync();
        return (long)((balances.Single(b => b.Currency == "SIM").Total - EngineRun.InitialBase) / SimulatorTestKit.Instrument.LotSize);
    }

    /// <summary>The position and the cash are the venue's (as <c>FaultInjectionTests</c> checks them).</summary>
    private static async Task AssertPositionAndCashAreTheVenuesAsync(EngineRun run)
    {
        var position = run.Strategy.Position;
        Assert.AreEqual(await run.VenuePositionLotsAsync(), position.PositionLots, "position = venue");
        var mark = new Price(10_000);
        Assert.AreEqual(await run.VenueQuoteChangeAsync() + (position.Position * SimulatorTestKit.Instrument.ToDecimal(mark)), position.Equity(mark), "cash = venue");
    }

    [TestMethod]
    public async Task Fills_of_orders_left_open_that_traded_while_stopped_are_recovered_from_the_venues_fill_history_at_restart()
    {
        var directory = TempDirectory.Create();
        await using var simulator = EngineRun.CreateSimulator(61);
        var venue = new FaultyVenue(simulator);
        try
        {
            var (second, leftOpen, gone) = await RestartAfterFillsWhileStoppedAsync(simulator, venue, directory);
            await using (second)
            {
                await AssertPositionAndCashAreTheVenuesAsync(second);
                var recovery = second.Recovery!;
                var reconciliation = recovery.Venue!;
                Assert.IsTrue(reconciliation.FillHistoryUsed, recovery.ToString());
                Assert.IsTrue(reconciliation.FillsRecovered > 0, recovery.ToString());

                // A filled order is closed by its fills, not as cancelled; the others are still open and cancelled again.
                Assert.AreEqual(0, reconciliation.ClosedLocally.Count, recovery.ToString());
                foreach (var id in gone)
                {
                    Assert.IsTrue(second.Engine.Orders.Tracker.TryGet(new ClientOrderId(id), out var order));
                    Assert.AreEqual(OrderState.Filled, order.State, $"#{id}");
                }

                CollectionAssert.AreEqual(leftOpen.Except(gone).ToArray(), recovery.StopCancelsResent.Select(id => id.Value).Order().ToArray(), recovery.ToString());

                second.Simulator.RunFor(TimeSpan.FromSeconds(2));
                await StopDrivingAsync(second);
                Assert.IsTrue(second.Engine.Status.Stop!.IsClean, second.Engine.Status.Stop.ToString());
                Assert.AreEqual(0, (await second.VenueOpenOrdersAsync()).Count, "no order of ours left at the venue");
                await AssertPositionAndCashAreTheVenuesAsync(second);
            }
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task Without_the_venues_fill_history_a_restart_closes_the_orders_gone_meanwhile_and_warns_that_their_fills_were_not_seen()
    {
        // The limit of what a restart can know: a venue without a fill history shows only that the order is gone.
        var directory = TempDirectory.Create();
        await using var simulator = EngineRun.CreateSimulator(61);
        var venue = new FaultyVenue(simulator) { OfferFillHistory = false };
        try
        {
            var (second, _, gone) = await RestartAfterFillsWhileStoppedAsync(simulator, venue, directory);
            await using (second)
            {
                Assert.IsTrue(gone.Length > 0, "an order left open filled completely while the engine was stopped");
                var reconciliation = second.Recovery!.Venue!;
                Assert.IsFalse(reconciliation.FillHistoryUsed);
                CollectionAssert.AreEqual(gone, reconciliation.ClosedLocally.Select(id => id.Value).Order().ToArray());
                var warning = second.Engine.Status.Resilience.Warnings.Single(w => w.StartsWith("start: ", StringComparison.Ordinal));
                Assert.AreEqual($"start: {gone.Length} recovered orders were gone at faulty-simulator and closed, but faulty-simulator keeps no fill history; fills they may have had while the engine was stopped were not seen: check the position against the venue's balances.", warning);
                Assert.AreEqual(gone.Length, second.Engine.Status.Resilience.OrdersClosedWithoutFills);
                Assert.AreNotEqual(await second.VenuePositionLotsAsync(), second.Strategy.Position.PositionLots, "the fills while stopped are not known");
            }
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task After_a_crash_without_any_snapshot_the_venue_time_comes_from_the_journal_and_fills_while_down_are_recovered()
    {
        // No snapshot at all (only a stop takes one): the venue time to ask the fill history from is the journal's.
        var directory = TempDirectory.Create();
        await using var simulator = EngineRun.CreateSimulator(61);
        var venue = new FaultyVenue(simulator);
        try
        {
            long positionAtCrash;
            await using (var first = await StartAsync(simulator, venue, directory: directory))
            {
                first.Simulator.RunFor(TimeSpan.FromSeconds(5));
                await first.Engine.AbortAsync();
                positionAtCrash = first.Strategy.Position.PositionLots;
                Assert.IsTrue(first.Engine.Orders.Tracker.OpenCount > 0, "orders were resting at the crash");
            }

            for (var i = 0; i < 120 && await VenuePositionLotsAsync(simulator) == positionAtCrash; i++)
            {
                simulator.RunFor(TimeSpan.FromSeconds(1));
            }

            Assert.AreNotEqual(positionAtCrash, await VenuePositionLotsAsync(simulator), "a resting order traded while the engine was down");
            await using var second = await StartAsync(simulator, venue, directory: directory);
            Assert.IsNull(second.Recovery!.Persistence!.Snapshot, "recovered from the journal alone");
            await AssertPositionAndCashAreTheVenuesAsync(second);
            Assert.IsTrue(second.Recovery.Venue!.FillsRecovered > 0, second.Recovery.ToString());
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task Refused_cancels_whose_orders_then_fill_leave_the_venues_position_and_are_not_reported_left_open()
    {
        await using var simulator = EngineRun.CreateSimulator(71);
        var venue = new FaultyVenue(simulator);
        await using var run = await StartAsync(simulator, venue, stopTimeout: TimeSpan.FromSeconds(2));
        run.Simulator.RunFor(TimeSpan.FromSeconds(5));
        var openAtStop = Ids(run.Engine.Orders.Tracker.GetOpenOrders());
        venue.RejectNextCancels = int.MaxValue;
        await StopDrivingAsync(run);

        var report = run.Engine.Status.Stop!;
        var refused = venue.CancelsRejected.Select(id => id.Value).ToHashSet();
        var filled = openAtStop.Where(id => refused.Contains(id) && run.Engine.Orders.Tracker.TryGet(new ClientOrderId(id), out var o) && o.State == OrderState.Filled).ToArray();
        Assert.IsTrue(filled.Length > 0, "an order whose cancel was refused filled before the stop ended");
        Assert.IsFalse(Ids(report.OrdersLeftOpen).Intersect(filled).Any(), "a filled order is not reported left open: " + report);
        CollectionAssert.AreEqual(await VenueIdsAsync(run), Ids(report.OrdersLeftOpen), "the report names exactly the orders still at the venue");
        Assert.IsTrue(report.OrdersLeftOpen.Count > 0, "some refused orders did not fill: the report is not empty by construction");
        await AssertPositionAndCashAreTheVenuesAsync(run);
    }

    [TestMethod]
    public async Task A_stop_while_order_entry_is_down_reports_every_order_left_open_and_the_restart_cancels_them()
    {
        // The cancels are refused by the engine itself (not connected): the orders stay open, not pending cancel.
        var directory = TempDirectory.Create();
        await using var simulator = EngineRun.CreateSimulator(63);
        var venue = new FaultyVenue(simulator);
        try
        {
            long[] leftOpen;
            await using (var first = await StartAsync(simulator, venue, directory: directory))
            {
                first.Simulator.RunFor(TimeSpan.FromSeconds(5));
                venue.GoDown();
                first.Simulator.RunFor(TimeSpan.FromMilliseconds(100));
                var refusedBefore = first.Engine.Orders.RefusalCount(OrderRefusalReason.NotConnected);
                var openAtStop = Ids(first.Engine.Orders.Tracker.GetOpenOrders());
                await StopDrivingAsync(first);

                var report = first.Engine.Status.Stop!;
                leftOpen = Ids(report.OrdersLeftOpen);
                Assert.IsTrue(leftOpen.Length > 0);

                // Every order the engine had open: fills while disconnected are not known yet, so some may be gone at the venue.
                CollectionAssert.AreEqual(openAtStop, leftOpen);
                CollectionAssert.IsSubsetOf(await VenueIdsAsync(first), leftOpen, "every order still at the venue is reported");
                Assert.IsTrue(report.TimedOut);
                Assert.AreEqual(0, report.PendingCancelCount, "no cancel could be sent: " + report);
                Assert.IsTrue(first.Engine.Orders.RefusalCount(OrderRefusalReason.NotConnected) > refusedBefore, "the stop's cancels were refused");
                Assert.AreEqual(0, venue.Dropped.Count, "nothing was sent into the dead connection");
            }

            venue.ComeBack();
            await using var second = await StartAsync(simulator, venue, directory: directory);
            var recovery = second.Recovery!;
            var stillThere = await VenueIdsAsync(second);
            CollectionAssert.AreEqual(stillThere, recovery.StopCancelsResent.Select(id => id.Value).Order().ToArray(), recovery.ToString());
            Assert.IsTrue(recovery.StopCancelsResent.Count > 0, recovery.ToString());
            await AssertPositionAndCashAreTheVenuesAsync(second);

            second.Simulator.RunFor(TimeSpan.FromSeconds(2));
            await StopDrivingAsync(second);
            Assert.AreEqual(0, (await second.VenueOpenOrdersAsync()).Count, "no order of ours left at the venue");
            await AssertPositionAndCashAreTheVenuesAsync(second);
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }
}
