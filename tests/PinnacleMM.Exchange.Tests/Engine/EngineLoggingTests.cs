using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// The engine's log (event ids 2001-2012): what an operator reads after a night of unattended running. Each test runs the
/// situation for real (the simulator in virtual time, injected venue faults) and reads a real sink: the exact level,
/// event id and the facts in the message, and that nothing is logged per event or per order.
/// </summary>
[TestClass]
public sealed class EngineLoggingTests
{
    private const string Category = "PinnacleMM.Exchange.Engine.TradingEngine";

    private static IReadOnlyList<RecordingLogger.LogRecord> Engine(RecordingLogger log) => [.. log.Records.Where(r => r.Category == Category)];

    private static RecordingLogger.LogRecord Single(RecordingLogger log, int eventId)
    {
        var records = log.WithId(eventId);
        Assert.AreEqual(1, records.Count, $"one record {eventId}: " + string.Join(" | ", Engine(log).Select(r => $"{r.EventId.Id} {r.Message}")));
        Assert.AreEqual(Category, records[0].Category);
        return records[0];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    [TestMethod]
    public async Task Start_and_stop_log_what_was_recovered_and_what_was_left_and_nothing_per_event()
    {
        var directory = TempDirectory.Create();
        try
        {
            var log = new RecordingLogger();
            (decimal Position, decimal Realized, decimal Fees, long Fills) stopped;
            await using (var run = await EngineRun.StartInlineAsync(81, directory, loggerFactory: log))
            {
                var started = Single(log, 2001);
                Assert.AreEqual(LogLevel.Information, started.Level);
                var fresh = run.Strategy.Position;
                Assert.AreEqual(Invariant($"SIM-USD engine started on simulator (Inline): position {fresh.Position}, realized P&L {fresh.RealizedPnlAverageCost}, 0 fills, 0 open orders, trading state Active; ")
                    + $"from disk 0 open orders (0 order records replayed, strategy state fresh); venue: {run.Recovery!.Venue}; 0 cancels the last stop left unanswered sent again", started.Message);
                Assert.AreEqual(0m, fresh.Position);

                run.Simulator.RunFor(TimeSpan.FromSeconds(60));
                Assert.IsTrue(run.Engine.MarketEventsProcessed > 5_000 && run.Engine.Orders.PlacesSent > 20 && run.Strategy.Position.FillCount > 5,
                    $"a busy run: {run.Engine.MarketEventsProcessed} events, {run.Engine.Orders.PlacesSent} places, {run.Strategy.Position.FillCount} fills");
                Assert.AreEqual(1, Engine(log).Count, "nothing logged per event, per order or per fill: " + string.Join(" | ", Engine(log).Select(r => r.Message)));

                run.Strategy.Pause("operator: weekend");
                await run.StopAsync();
                var position = run.Strategy.Position;
                stopped = (position.Position, position.RealizedPnlAverageCost, position.Fees, position.FillCount);
                var stop = Single(log, 2003);
                Assert.AreEqual(LogLevel.Information, stop.Level);
                Assert.AreEqual(Invariant($"SIM-USD engine stopped on simulator (asked to stop): every order closed; position {stopped.Position}, realized P&L {stopped.Realized}, fees {stopped.Fees}, {stopped.Fills} fills"), stop.Message);
                Assert.AreEqual(3, Engine(log).Count, "started, halted, stopped");
            }

            var restartLog = new RecordingLogger();
            await using (var restarted = await EngineRun.StartInlineAsync(82, directory, loggerFactory: restartLog))
            {
                var started = Single(restartLog, 2001);
                StringAssert.StartsWith(started.Message, Invariant($"SIM-USD engine started on simulator (Inline): position {stopped.Position}, realized P&L {stopped.Realized}, {stopped.Fills} fills, 0 open orders, trading state Halted (operator: weekend); from disk 0 open orders ("));
                StringAssert.Contains(started.Message, "strategy state from snapshot");
                restarted.Simulator.RunFor(TimeSpan.FromSeconds(1));
                Assert.AreEqual(0, restartLog.WithId(2005).Count, "the halt restored from the snapshot is in the start record, not a change");
            }
        }
        finally
        {
            TempDirectory.Delete(directory);
        }
    }

    [TestMethod]
    public async Task A_stop_the_venue_does_not_answer_is_a_warning_naming_the_orders_left_open()
    {
        var log = new RecordingLogger();
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartAsync(83, EngineThreading.Inline, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            return (venue, venue);
        }, configureEngine: o => o.StopTimeout = TimeSpan.FromSeconds(2), loggerFactory: log);
        run.Simulator.RunFor(TimeSpan.FromSeconds(5));
        var open = run.Engine.Orders.Tracker.GetOpenOrders();
        Assert.IsTrue(open.Count >= 2, "orders rest when the stop comes");
        venue!.DropNextCancels = 1_000;

        await run.StopAsync();

        var report = run.Engine.Status.Stop!;
        Assert.IsFalse(report.IsClean);
        var stop = Single(log, 2003);
        Assert.AreEqual(LogLevel.Warning, stop.Level);
        StringAssert.StartsWith(stop.Message, $"SIM-USD engine stopped on faulty-simulator (asked to stop): {report.OrdersLeftOpen.Count} orders left open ({report.OrdersLeftOpen.Count} pending cancel) at the stop timeout: ");
        foreach (var order in report.OrdersLeftOpen)
        {
            StringAssert.Contains(stop.Message, Invariant($"#{order.ClientOrderId.Value} {order.Side} {order.LeavesQuantity.Lots} lots"));
        }
    }

    [TestMethod]
    public async Task A_failed_start_is_an_error_with_the_cause()
    {
        var log = new RecordingLogger();
        await using var simulator = EngineRun.CreateSimulator(84);
        var venue = new FaultyVenue(simulator) { FailOpenOrderQueries = 1 };
        var error = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => EngineRun.StartAsync(84, EngineThreading.Inline, wrap: _ => (venue, venue), venue: simulator, loggerFactory: log));

        var failed = Single(log, 2002);
        Assert.AreEqual(LogLevel.Error, failed.Level);
        Assert.AreEqual("SIM-USD engine failed to start on faulty-simulator; nothing runs and the instrument's persistence is closed", failed.Message);
        Assert.AreSame(error, failed.Exception);
        Assert.AreEqual(0, log.WithId(2001).Count, "no start logged");
    }

    [TestMethod]
    public async Task Trading_state_changes_are_logged_once_each_with_the_reason()
    {
        var log = new RecordingLogger();
        await using var run = await EngineRun.StartInlineAsync(85, loggerFactory: log);
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        Assert.AreEqual(0, log.WithId(2005).Count, "active from the start: no change");

        run.Strategy.Pause("operator: news at 14:00");
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        run.Strategy.Reduce("operator: flatten");
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        run.Strategy.Resume("operator: done");
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));

        var changes = log.WithId(2005);
        CollectionAssert.AreEqual(
            new[]
            {
                (LogLevel.Warning, "SIM-USD trading state Active -> Halted: operator: news at 14:00"),
                (LogLevel.Warning, "SIM-USD trading state Halted -> Reducing: operator: flatten"),
                (LogLevel.Information, "SIM-USD trading state Reducing -> Active: quoting both sides again"),
            },
            changes.Select(r => (r.Level, r.Message)).ToArray(),
            string.Join(" | ", changes.Select(r => r.Message)));
    }

    [TestMethod]
    [DataRow(EngineThreading.Inline)]
    [DataRow(EngineThreading.ThreadedDirectSend)]
    [DataRow(EngineThreading.Threaded)]
    public async Task A_halt_and_a_resume_between_two_status_publications_are_two_records_in_order_and_two_counts(EngineThreading threading)
    {
        var log = new RecordingLogger();
        await using var run = await EngineRun.StartAsync(87, threading, loggerFactory: log);
        var counted = ListenToStateChanges(run.Engine, out var listener);
        using (listener)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(2));

            // Just after a publication: the next one is a timer interval (100 ms of the engine's clock) away.
            var published = await NextPublicationAsync(run);
            await OnStrategyThreadAsync(run, () => run.Strategy.Pause("operator: news at 14:00"));
            run.Simulator.RunFor(TimeSpan.FromMilliseconds(30));
            Assert.AreEqual(TradingState.Halted, run.Strategy.State);
            await OnStrategyThreadAsync(run, () => run.Strategy.Resume("operator: done"));
            run.Simulator.RunFor(TimeSpan.FromMilliseconds(30));
            Assert.AreEqual(published, run.Engine.Status.TimestampNanoseconds, "no publication since the one before the halt");
            Assert.AreEqual(0, log.WithId(2005).Count, "nothing logged on the strategy's path");
            Assert.AreEqual(0, Snapshot(counted).Length);

            await NextPublicationAsync(run);
            var changes = log.WithId(2005);
            CollectionAssert.AreEqual(
                new[]
                {
                    (LogLevel.Warning, "SIM-USD trading state Active -> Halted: operator: news at 14:00"),
                    (LogLevel.Information, "SIM-USD trading state Halted -> Active: quoting both sides again"),
                },
                changes.Select(r => (r.Level, r.Message)).ToArray(),
                string.Join(" | ", changes.Select(r => r.Message)));
            Assert.IsTrue(changes.All(r => r.Category == Category));
            CollectionAssert.AreEqual(new[] { (1L, "state=halted"), (1L, "state=active") }, Snapshot(counted));
            Assert.AreEqual(TradingState.Active, run.Engine.Status.TradingState, "the gauge's sample alone shows nothing happened");
        }
    }

    [TestMethod]
    public async Task More_changes_between_two_publications_than_the_risk_keeps_log_the_newest_and_count_them_all()
    {
        var log = new RecordingLogger();
        await using var run = await EngineRun.StartInlineAsync(88, loggerFactory: log);
        var counted = ListenToStateChanges(run.Engine, out var listener);
        using (listener)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(1));
            var published = await NextPublicationAsync(run);

            // 40 halts and resumes (80 changes): Halted -> Active -> Halted flips each look like no change to a sampler.
            for (var i = 1; i <= 40; i++)
            {
                run.Strategy.Pause($"operator: halt {i}");
                run.Strategy.Resume("operator: resume");
            }

            Assert.AreEqual(published, run.Engine.Status.TimestampNanoseconds);
            await NextPublicationAsync(run);

            var missed = Single(log, 2012);
            Assert.AreEqual(LogLevel.Warning, missed.Level);
            Assert.AreEqual("SIM-USD 16 trading state changes not logged: more than 64 between two status publications; the newest 64 follow, and pinnaclemm.engine.trading_state_changes counts them all", missed.Message);
            var records = Engine(log).SkipWhile(r => r.EventId.Id != 2012).Skip(1).ToArray();
            Assert.AreEqual(64, records.Length, "the newest 64 changes follow the summary: " + string.Join(" | ", records.Select(r => r.Message)));
            for (var i = 0; i < 64; i += 2)
            {
                var halt = 9 + (i / 2); // changes 17 to 80: the 9th halt and its resume first
                Assert.AreEqual((2005, LogLevel.Warning, $"SIM-USD trading state Active -> Halted: operator: halt {halt}"), (records[i].EventId.Id, records[i].Level, records[i].Message));
                Assert.AreEqual((2005, LogLevel.Information, "SIM-USD trading state Halted -> Active: quoting both sides again"), (records[i + 1].EventId.Id, records[i + 1].Level, records[i + 1].Message));
            }

            var counts = Snapshot(counted);
            CollectionAssert.AreEqual(new[] { (8L, "state=active"), (8L, "state=halted") }, counts[..2], "the 16 missed, by the state entered");
            Assert.AreEqual(66, counts.Length);
            Assert.AreEqual(40L, counts.Where(c => c.Tags == "state=halted").Sum(c => c.Value));
            Assert.AreEqual(40L, counts.Where(c => c.Tags == "state=active").Sum(c => c.Value));
        }
    }

    /// <summary>Runs <paramref name="action"/> where the strategy is called (the strategy thread, or inline under the engine's gate).</summary>
    private static Task OnStrategyThreadAsync(EngineRun run, Action action) => run.Engine.OnStrategyThreadAsync(() =>
    {
        action();
        return true;
    });

    /// <summary>Drives the venue 1 ms at a time until the engine publishes its status again; returns the publication's time.</summary>
    private static async Task<long> NextPublicationAsync(EngineRun run)
    {
        var before = run.Engine.Status.TimestampNanoseconds;
        for (var i = 0; i < 1_000 && run.Engine.Status.TimestampNanoseconds == before; i++)
        {
            run.Simulator.RunFor(TimeSpan.FromMilliseconds(1));

            // A threaded engine runs its timer once the event that moved its clock is handled: give it the moment.
            if (run.Lockstep is not null && run.Engine.Status.TimestampNanoseconds == before)
            {
                await Task.Delay(1);
            }
        }

        Assert.AreNotEqual(before, run.Engine.Status.TimestampNanoseconds, "the status was published again");
        return run.Engine.Status.TimestampNanoseconds;
    }

    /// <summary>The measurements of <c>pinnaclemm.engine.trading_state_changes</c>, in order: value and the tags other than the instrument.</summary>
    private static List<(long Value, string Tags)> ListenToStateChanges(TradingEngine engine, out MeterListener listener)
    {
        var counted = new List<(long, string)>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, engine.Metrics.Meter) && instrument.Name == "pinnaclemm.engine.trading_state_changes")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            Assert.AreEqual("instrument=SIM-USD", $"{tags[0].Key}={tags[0].Value}");
            var rest = string.Join(",", tags.ToArray().Skip(1).Select(t => $"{t.Key}={t.Value}"));
            lock (counted)
            {
                counted.Add((value, rest));
            }
        });
        listener.Start();
        return counted;
    }

    private static (long Value, string Tags)[] Snapshot(List<(long Value, string Tags)> counted)
    {
        lock (counted)
        {
            return [.. counted];
        }
    }

    [TestMethod]
    public async Task Losing_order_entry_and_getting_it_back_are_logged_once_each()
    {
        var log = new RecordingLogger();
        await using var run = await EngineRun.StartInlineAsync(86, loggerFactory: log);
        run.Simulator.RunFor(TimeSpan.FromSeconds(4));
        run.Simulator.DisconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromSeconds(6));

        var lost = Single(log, 2006);
        Assert.AreEqual(LogLevel.Warning, lost.Level);
        Assert.AreEqual("SIM-USD order entry at simulator Disconnected: commands are held until it is back and reconciled", lost.Message);
        Assert.AreEqual(0, log.WithId(2007).Count);

        run.Simulator.ReconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromSeconds(1));

        var back = Single(log, 2007);
        Assert.AreEqual(LogLevel.Information, back.Level);
        Assert.AreEqual($"SIM-USD order entry back at simulator (reconnect 1): {run.Engine.LastVenueReconciliation}; commands flow again", back.Message);
        Assert.AreEqual(0, log.WithId(2008).Count, "the simulator keeps a fill history");
        Assert.AreEqual(1, log.WithId(2006).Count);
    }

    [TestMethod]
    public async Task Orders_closed_without_their_fills_are_a_warning()
    {
        var log = new RecordingLogger();
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartInlineAsync(64, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator) { OfferFillHistory = false };
            return (venue, venue);
        }, loggerFactory: log);
        run.Simulator.RunFor(TimeSpan.FromSeconds(4));
        run.Simulator.DisconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromSeconds(8));
        run.Simulator.ReconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromMilliseconds(1));

        var closed = run.Engine.LastVenueReconciliation!.ClosedLocally.Count;
        Assert.IsTrue(closed > 0);
        var warning = Single(log, 2008);
        Assert.AreEqual(LogLevel.Warning, warning.Level);
        Assert.AreEqual($"SIM-USD order entry reconnected: {closed} orders were gone at faulty-simulator and closed without their fills (faulty-simulator keeps no fill history); check the position against the venue's balances", warning.Message);
    }

    [TestMethod]
    public async Task A_failed_reconciliation_is_a_warning_with_the_cause_and_the_retry()
    {
        var log = new RecordingLogger();
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartInlineAsync(65, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            return (venue, venue);
        }, loggerFactory: log);
        run.Simulator.RunFor(TimeSpan.FromSeconds(3));
        venue!.GoDown();
        run.Simulator.RunFor(TimeSpan.FromSeconds(2));
        venue.FailOpenOrderQueries = 1;
        venue.ComeBack();
        run.Simulator.RunFor(TimeSpan.FromSeconds(3));

        var failed = Single(log, 2009);
        Assert.AreEqual(LogLevel.Warning, failed.Level);
        Assert.AreEqual(Invariant($"SIM-USD reconciliation with faulty-simulator after a reconnect failed (failure 1); retrying in {new EngineResilienceOptions().ReconcileRetryInterval}; commands stay held"), failed.Message);
        Assert.IsInstanceOfType<HttpRequestException>(failed.Exception);
        Assert.AreEqual(1, log.WithId(2007).Count, "the retry reconciled");
        Assert.IsTrue(run.Engine.Orders.IsConnected);
    }

    [TestMethod]
    public async Task Resyncs_are_logged_once_per_request_not_per_gap_and_a_failed_one_with_its_cause()
    {
        var log = new RecordingLogger();
        ObservingFeed? feed = null;
        await using var run = await EngineRun.StartInlineAsync(72, configure: o =>
        {
            o.Latency.MarketData = TimeSpan.Zero;
            o.MarketDataFaults.LevelUpdateDropRate = 0.3;
        }, wrap: simulator =>
        {
            feed = new ObservingFeed(simulator) { FailResyncs = 1 };
            return (feed, simulator);
        }, loggerFactory: log);
        feed!.Engine = run.Engine;
        run.Simulator.RunFor(TimeSpan.FromSeconds(20));

        var requests = log.WithId(2010);
        Assert.IsTrue(run.Engine.ResyncRequests >= 3, $"it kept asking ({run.Engine.ResyncRequests})");
        Assert.AreEqual(run.Engine.ResyncRequests, requests.Count, "one record per request");
        var dropped = run.Simulator.GetStatistics().DroppedMarketDataUpdates;
        Assert.IsTrue(dropped > 10 * requests.Count, $"far fewer records ({requests.Count}) than updates lost ({dropped})");
        Assert.IsTrue(requests.All(r => r.Level == LogLevel.Warning));
        Assert.AreEqual("SIM-USD book of simulator out of sync: quotes pulled and a fresh snapshot asked for (request 1; the next no sooner than 00:00:00.2500000 later)", requests[0].Message);
        StringAssert.StartsWith(requests[1].Message, "SIM-USD book of simulator out of sync: quotes pulled and a fresh snapshot asked for (request 2; the next no sooner than 00:00:00.5000000 later)");

        var failed = Single(log, 2011);
        Assert.AreEqual(LogLevel.Warning, failed.Level);
        Assert.AreEqual("SIM-USD resync from simulator failed (failure 1); retried after the backoff, quotes stay pulled", failed.Message);
        Assert.AreEqual("snapshot request refused (injected)", failed.Exception!.Message);
    }
}
