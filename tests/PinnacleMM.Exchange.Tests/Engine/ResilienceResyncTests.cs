using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class ResilienceResyncTests
{
    private static async Task<(EngineRun Run, ObservingFeed Feed)> StartAsync(long seed, Action<ExchangeSimulatorOptions> configure)
    {
        ObservingFeed? feed = null;
        var run = await EngineRun.StartInlineAsync(seed, configure: options =>
        {
            // Market data without delay: after a run every update made has been delivered, so the books can be compared.
            options.Latency.MarketData = TimeSpan.Zero;
            configure(options);
        }, wrap: simulator =>
        {
            feed = new ObservingFeed(simulator);
            return (feed, simulator);
        });
        feed!.Engine = run.Engine;
        return (run, feed);
    }

    [TestMethod]
    public async Task Dropped_updates_lead_to_a_resync_with_quotes_pulled_meanwhile_and_the_book_equal_to_the_venues_after()
    {
        var (run, feed) = await StartAsync(71, o =>
        {
            o.MarketDataFaults.LevelUpdateDropRate = 0.01;
            o.MarketDataFaults.MaxDroppedUpdates = 4;
        });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(20));
            var stats = run.Simulator.GetStatistics();
            Assert.AreEqual(4, stats.DroppedMarketDataUpdates);
            Assert.IsTrue(run.Engine.BookGaps >= 1, "the engine saw the gaps");
            Assert.IsTrue(run.Engine.ResyncRequests >= 1);
            Assert.AreEqual(run.Engine.ResyncRequests, feed.Resyncs, "every request reached the connector");
            Assert.AreEqual(run.Engine.ResyncRequests, stats.ResyncRequests);
            Assert.AreEqual(1 + stats.ResyncRequests, stats.SnapshotsSent, "the subscription's snapshot and one per request");
            Assert.IsTrue(feed.EventsOutOfSync > 0, "events arrived while the book was out of sync");
            Assert.AreEqual(0, feed.Violations.Count, string.Join(Environment.NewLine, feed.Violations.Take(5)));

            Assert.IsTrue(run.Engine.VenueBook.IsSynced, "in sync again");
            CollectionAssert.AreEqual(ResilienceKit.VenueLevels(run.Simulator), ResilienceKit.EngineLevels(run.Engine), "the engine's book is the venue's");
            Assert.IsTrue(run.Strategy.QuotingEnabled, "quoting resumed");
            Assert.IsTrue(feed.PlacesAtLastResume >= 0 && run.Engine.Orders.PlacesSent > feed.PlacesAtLastResume, "orders placed after the last resync");
            Assert.AreEqual(run.Engine.ResyncRequests, run.Engine.Status.Resilience.ResyncRequests);
            Assert.AreEqual(run.Engine.BookGaps, run.Engine.Status.Resilience.BookGaps);
            await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
        }
    }

    [TestMethod]
    public async Task A_feed_that_keeps_gapping_gets_resyncs_spaced_by_the_backoff_not_one_per_gap()
    {
        var (run, feed) = await StartAsync(72, o => o.MarketDataFaults.LevelUpdateDropRate = 0.3);
        await using (run)
        {
            var duration = TimeSpan.FromSeconds(20);
            run.Simulator.RunFor(duration);

            // The most requests the backoff allows in the run: at 0, 0.25 s, 0.75 s, 1.75 s, ... (doubling, capped at 30 s).
            var options = new EngineResilienceOptions();
            var allowed = 0;
            var backoff = options.ResyncBackoffInitial;
            for (var t = TimeSpan.Zero; t <= duration; t += backoff, backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, options.ResyncBackoffMaximum.Ticks)))
            {
                allowed++;
            }

            var requests = run.Engine.ResyncRequests;
            Assert.IsTrue(requests >= 3, $"it kept asking ({requests})");
            Assert.IsTrue(requests <= allowed, $"{requests} resyncs in {duration}, the backoff allows {allowed}");
            Assert.IsTrue(run.Simulator.GetStatistics().DroppedMarketDataUpdates > 10 * requests, "far more gaps in the feed than requests");
            Assert.AreEqual(0, feed.Violations.Count, string.Join(Environment.NewLine, feed.Violations.Take(5)));
            await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
        }
    }

    [TestMethod]
    public async Task Without_gaps_the_engine_never_asks_for_a_snapshot()
    {
        var (run, feed) = await StartAsync(73, _ => { });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(10));
            Assert.AreEqual(0, run.Engine.BookGaps);
            Assert.AreEqual(0, run.Engine.ResyncRequests);
            Assert.AreEqual(0, feed.Resyncs);
            Assert.AreEqual(1, run.Simulator.GetStatistics().SnapshotsSent);
            CollectionAssert.AreEqual(ResilienceKit.VenueLevels(run.Simulator), ResilienceKit.EngineLevels(run.Engine));
        }
    }

    [TestMethod]
    public async Task A_dropped_feed_is_left_to_the_connector_for_the_grace_then_the_engine_asks()
    {
        var (run, feed) = await StartAsync(74, _ => { });
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(2));
            Assert.IsTrue(run.Engine.VenueBook.IsSynced && run.Strategy.QuotingEnabled, "quoting before the drop");

            // Dropped: quotes pulled, and no request while the connector reconnects (it subscribes afresh; a request
            // racing its snapshot would only subscribe twice).
            feed.Drop();
            Assert.IsFalse(run.Strategy.QuotingEnabled, "quotes pulled at the drop");
            for (var attempt = 0; attempt < 4; attempt++)
            {
                run.Simulator.RunFor(TimeSpan.FromSeconds(1));
                feed.FailedAttempt();
            }

            Assert.AreEqual(0, run.Engine.ResyncRequests, "4 s into the outage: within ConnectorResyncGrace (5 s)");
            Assert.AreEqual(0, feed.Resyncs);

            await feed.ReconnectAsync();
            run.Simulator.RunFor(TimeSpan.FromSeconds(2));
            Assert.AreEqual(0, run.Engine.ResyncRequests, "the connector's own snapshot brought the book back");
            Assert.AreEqual(0, feed.Resyncs);
            Assert.IsTrue(run.Engine.VenueBook.IsSynced && run.Strategy.QuotingEnabled, "quoting again");
            Assert.IsTrue(run.Engine.Orders.PlacesSent > feed.PlacesAtLastResume, "orders placed after the reconnect");
            CollectionAssert.AreEqual(ResilienceKit.VenueLevels(run.Simulator), ResilienceKit.EngineLevels(run.Engine), "the engine's book is the venue's");

            // A second outage the connector does not come back from: after the grace the engine asks itself.
            feed.Drop();
            for (var attempt = 0; attempt < 5; attempt++)
            {
                Assert.AreEqual(0, run.Engine.ResyncRequests, $"{attempt} s into the second outage");
                run.Simulator.RunFor(TimeSpan.FromSeconds(1));
                feed.FailedAttempt();
            }

            Assert.AreEqual(1, run.Engine.ResyncRequests, "one request once the grace (5 s) had passed");
            Assert.AreEqual(1, feed.Resyncs, "and it reached the connector");
            Assert.AreEqual(0, feed.Violations.Count, string.Join(Environment.NewLine, feed.Violations.Take(5)));
        }
    }
}
