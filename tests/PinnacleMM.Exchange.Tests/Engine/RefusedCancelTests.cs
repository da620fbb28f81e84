using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// A venue that refuses every cancel for a while (rate limit, busy): the engine does not hammer it. Each order's cancels
/// are spaced by at least the wait the options allow after each refusal (the cancel retry interval, doubling up to the
/// cap), so their number over a stretch of virtual time is bounded by the options; once the venue accepts again every
/// unwanted order is cancelled, none is left open and the position is the venue's. Inline engine, virtual time.
/// </summary>
[TestClass]
public sealed class RefusedCancelTests
{
    private static readonly TimeSpan RefusingFor = TimeSpan.FromSeconds(10);

    private static async Task<(EngineRun Run, FaultyVenue Venue, OrderManagerOptions Orders)> StartAsync(long seed, bool amend = true)
    {
        FaultyVenue? venue = null;
        OrderManagerOptions? orders = null;
        var run = await EngineRun.StartAsync(
            seed,
            EngineThreading.Inline,
            wrap: simulator =>
            {
                venue = new FaultyVenue(simulator);
                return (venue, venue);
            },
            configureEngine: o =>
            {
                o.Orders = o.Orders with
                {
                    CancelRefusalBackoff = TimeSpan.FromMilliseconds(50),
                    MaxCancelRefusalBackoff = TimeSpan.FromSeconds(1),
                    Reconciler = o.Orders.Reconciler with { AllowAmend = amend },
                };
                orders = o.Orders;
            });
        return (run, venue!, orders!);
    }

    /// <summary>
    /// The least time between an order's <c>n</c>-th refused cancel and the next one, from the options alone: the longer
    /// of the cancel retry interval and the refusal backoff, doubled per refusal in a row, capped (never below the first).
    /// </summary>
    private static long LeastWaitNanoseconds(OrderManagerOptions options, int refusals)
    {
        var first = Math.Max(options.Reconciler.CancelRetryNanoseconds, options.CancelRefusalBackoff.Ticks * TimeSpan.NanosecondsPerTick);
        var cap = Math.Max(first, options.MaxCancelRefusalBackoff.Ticks * TimeSpan.NanosecondsPerTick);
        var wait = (double)first * Math.Pow(2, refusals - 1);
        return (long)Math.Min(wait, cap);
    }

    /// <summary>The most cancels one order can get in <paramref name="window"/> when each is refused: the first, then one after each wait.</summary>
    private static int MostCancelsPerOrder(OrderManagerOptions options, TimeSpan window)
    {
        var budget = window.Ticks * TimeSpan.NanosecondsPerTick;
        var cancels = 1;
        for (long spent = LeastWaitNanoseconds(options, 1); spent <= budget; spent += LeastWaitNanoseconds(options, cancels))
        {
            cancels++;
        }

        return cancels;
    }

    /// <summary>Every cancel of every order, sent at or after <paramref name="from"/> in <paramref name="venue"/>'s list, grouped by order, in order.</summary>
    private static Dictionary<long, List<long>> CancelTimes(FaultyVenue venue, int from, int to) =>
        venue.Received.Skip(from).Take(to - from)
            .Where(c => c.Kind == OrderCommandKind.Cancel)
            .GroupBy(c => c.ClientOrderId.Value)
            .ToDictionary(g => g.Key, g => g.Select(c => c.CreatedNanoseconds).ToList());

    /// <summary>Each order's cancels while all were refused come no sooner than the options' wait after the one before, and no more often than they allow.</summary>
    private static void AssertSpacedByTheBackoff(Dictionary<long, List<long>> cancels, OrderManagerOptions options, TimeSpan window)
    {
        Assert.IsTrue(cancels.Count > 0, "some cancels were refused");
        var most = MostCancelsPerOrder(options, window);
        foreach (var (order, times) in cancels)
        {
            for (var i = 1; i < times.Count; i++)
            {
                var least = LeastWaitNanoseconds(options, i);
                Assert.IsTrue(times[i] - times[i - 1] >= least, $"order {order}: cancel {i + 1} came {(times[i] - times[i - 1]) / 1e6} ms after the one before, less than the {least / 1e6} ms its {i} refusals allow");
            }

            Assert.IsTrue(times.Count <= most, $"order {order}: {times.Count} cancels in {window.TotalSeconds} s, more than the {most} the options allow");
        }

        var total = cancels.Values.Sum(t => t.Count);
        Assert.IsTrue(total <= most * cancels.Count, $"{total} cancels for {cancels.Count} orders");
    }

    private static async Task<long[]> VenueIdsAsync(EngineRun run) => (await run.VenueOpenOrdersAsync()).Select(o => o.ClientOrderId.Value).Order().ToArray();

    private static async Task AssertPositionAndCashAreTheVenuesAsync(EngineRun run)
    {
        var position = run.Strategy.Position;
        Assert.AreEqual(await run.VenuePositionLotsAsync(), position.PositionLots, "position = venue");
        var mark = new Price(10_000);
        Assert.AreEqual(await run.VenueQuoteChangeAsync() + (position.Position * run.Strategy.Instrument.ToDecimal(mark)), position.Equity(mark), "cash = venue");
    }

    [TestMethod]
    [DataRow(true, DisplayName = "amends allowed: the quotes move by amend, old orders are cancelled")]
    [DataRow(false, DisplayName = "no amends: every requote cancels")]
    public async Task A_venue_refusing_every_cancel_gets_each_order_s_cancels_no_faster_than_the_backoff_and_all_are_cancelled_once_it_accepts(bool amend)
    {
        var (run, venue, options) = await StartAsync(81, amend);
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(3));
            var from = venue.Received.Count;
            var refusedBefore = run.Engine.Orders.CancelsRefused;
            venue.RejectNextCancels = int.MaxValue;
            run.Simulator.RunFor(RefusingFor);
            venue.RejectNextCancels = 0;
            var to = venue.Received.Count;

            var cancels = CancelTimes(venue, from, to);
            AssertSpacedByTheBackoff(cancels, options, RefusingFor);
            Assert.AreEqual(venue.CancelsRejected.Count, cancels.Values.Sum(t => t.Count), "every cancel sent meanwhile was refused");

            // Refused orders rest at the venue and are tracked open: their leaves still count.
            var tracked = run.Engine.Orders.Tracker.GetOpenOrders().ToDictionary(o => o.ClientOrderId.Value);
            var atVenue = await VenueIdsAsync(run);
            CollectionAssert.IsSubsetOf(atVenue, tracked.Keys.ToArray(), "every order at the venue is tracked open");
            var refusedResting = atVenue.Where(cancels.ContainsKey).ToArray();
            Assert.IsTrue(refusedResting.Length > 0, "orders whose cancels were refused are still resting");
            Assert.IsTrue(refusedResting.All(id => tracked[id].CancelRefusals > 0 && !tracked[id].LeavesQuantity.IsZero), "they are tracked with their refusals and open size");

            // Accepted again: after at most the cap (and a timer tick) each unwanted order's cancel goes out and is accepted.
            run.Simulator.RunFor(options.MaxCancelRefusalBackoff + TimeSpan.FromSeconds(1));
            foreach (var id in cancels.Keys)
            {
                Assert.IsTrue(run.Engine.Orders.Tracker.TryGet(new ClientOrderId(id), out var order) && order.IsClosed, $"order {id} refused earlier is closed: {order}");
            }

            CollectionAssert.IsSubsetOf(await VenueIdsAsync(run), run.Engine.Orders.Tracker.GetOpenOrders().Select(o => o.ClientOrderId.Value).ToArray());
            Assert.AreEqual(venue.CancelsRejected.Count, run.Engine.Orders.CancelsRefused - refusedBefore, "every refusal counted (each reached an order still open in this run)");
            await run.StopAsync();
            Assert.IsTrue(run.Engine.Status.Stop!.IsClean, run.Engine.Status.Stop.ToString());
            Assert.AreEqual(0, run.Engine.Orders.Tracker.OpenCount, "no order left in our books");
            Assert.AreEqual(0, (await run.VenueOpenOrdersAsync()).Count, "no order left at the venue");
            await AssertPositionAndCashAreTheVenuesAsync(run);
        }
    }

    [TestMethod]
    public async Task A_stop_whose_cancels_are_refused_for_a_while_resends_them_no_faster_than_the_backoff_and_ends_clean()
    {
        var (run, venue, options) = await StartAsync(83);
        await using (run)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(5));
            Assert.IsTrue(run.Engine.Orders.Tracker.OpenCount > 0, "orders rest when the stop begins");
            venue.RejectNextCancels = int.MaxValue;
            var from = venue.Received.Count;
            var stop = run.Engine.StopAsync();
            var refusing = TimeSpan.FromSeconds(3);
            run.Simulator.RunFor(refusing);
            Assert.IsFalse(stop.IsCompleted, "the refused orders keep the stop waiting");
            venue.RejectNextCancels = 0;
            var to = venue.Received.Count;

            AssertSpacedByTheBackoff(CancelTimes(venue, from, to), options, refusing);

            for (var i = 0; i < 100 && !stop.IsCompleted; i++)
            {
                run.Simulator.RunFor(TimeSpan.FromMilliseconds(100));
            }

            await stop;
            Assert.IsTrue(run.Engine.Status.Stop!.IsClean, run.Engine.Status.Stop.ToString());
            Assert.AreEqual(0, run.Engine.Orders.Tracker.OpenCount, "no order left in our books");
            Assert.AreEqual(0, (await run.VenueOpenOrdersAsync()).Count, "no order left at the venue");
            await AssertPositionAndCashAreTheVenuesAsync(run);
        }
    }
}
