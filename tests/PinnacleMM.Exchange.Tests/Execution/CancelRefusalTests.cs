using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Execution;

/// <summary>
/// Cancels the venue refuses for a reason other than not knowing the order: the order keeps resting and counting, and
/// its next cancel waits for the cancel retry interval, doubling with each refusal in a row up to a cap.
/// </summary>
[TestClass]
public sealed class CancelRefusalTests
{
    private const long Millisecond = 1_000_000;

    /// <summary>Cancel retry 100 ms (the first wait: longer than the 50 ms refusal backoff), capped at 350 ms: waits 100, 200, 350, 350 ... ms.</summary>
    private static OrderManagerOptions Options(long retryMs = 100, long backoffMs = 50, long capMs = 350) => new()
    {
        Reconciler = new QuoteReconcilerOptions { CancelRetryNanoseconds = retryMs * Millisecond },
        CancelRefusalBackoff = TimeSpan.FromMilliseconds(backoffMs),
        MaxCancelRefusalBackoff = TimeSpan.FromMilliseconds(capMs),
    };

    private static int Cancels(OmsHarness h, OrderCommand place) =>
        h.Commands.Sent.Count(c => c.Kind == OrderCommandKind.Cancel && c.ClientOrderId == place.ClientOrderId);

    /// <summary>A bid placed and acknowledged, then no longer wanted: its first cancel is out.</summary>
    private static OrderCommand CancelledBid(OmsHarness h, long lots = 5)
    {
        var place = h.PlaceBid(10_000, lots);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script();
        h.Manager.Requote();
        Assert.AreEqual(1, Cancels(h, place));
        return place;
    }

    private static TrackedOrder Order(OmsHarness h, in OrderCommand place) =>
        h.Manager.Tracker.TryGet(place.ClientOrderId, out var order) ? order : throw new AssertFailedException($"order {place.ClientOrderId} is not tracked");

    /// <summary>
    /// Calls the timer every millisecond (and reconciles, as every event would) until a cancel of <paramref name="place"/>
    /// goes out; returns how long that took, or -1 when none did within <paramref name="limitMs"/>.
    /// </summary>
    private static long MillisecondsUntilNextCancel(OmsHarness h, in OrderCommand place, long limitMs = 5_000)
    {
        var before = Cancels(h, place);
        for (long waited = 0; waited <= limitMs; waited++)
        {
            h.Manager.Requote();
            h.Manager.CheckTimeouts();
            var after = Cancels(h, place);
            if (after > before)
            {
                Assert.AreEqual(before + 1, after, "one cancel at a time");
                return waited;
            }

            h.Clock.Advance(Millisecond);
        }

        return -1;
    }

    [TestMethod]
    [DataRow(RejectReason.RateLimited)]
    [DataRow(RejectReason.VenueRejected)]
    [DataRow(RejectReason.NotConnected)]
    public void A_refused_cancel_keeps_the_order_live_and_counted_and_is_resent_only_after_the_cancel_retry_interval(RejectReason reason)
    {
        var h = new OmsHarness(new RiskLimits { PriceBandBps = 0, MaxPositionLots = 8 }, Options());
        var place = CancelledBid(h);
        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, reason)));

        var order = Order(h, place);
        Assert.AreEqual(OrderState.Open, order.State, "the venue kept it");
        Assert.AreEqual(5, order.LeavesQuantity.Lots);
        Assert.AreEqual(1, order.CancelRefusals);
        Assert.AreEqual(h.Clock.NowNanoseconds, order.CancelRefusedNanoseconds);
        Assert.AreEqual(1, h.Manager.CancelsRefused);
        Assert.AreEqual(1, h.Manager.VenueRejectionCount(reason));
        Assert.AreEqual(1, h.Manager.Tracker.OpenCount);
        h.Manager.Tracker.GetOpenLots(out var buyLots, out _);
        Assert.AreEqual(5, buyLots, "its leaves still count as exposure");
        Assert.AreEqual(5, h.Manager.Tracker.RestingTargetLotsAt(Side.Buy, new Price(10_000)), "the venue's book still shows it");

        // Risk still counts it: a new 5-lot bid would take the buy exposure to 10 > 8 and is refused; it is not matched
        // to the quote again either (it is on its way out).
        var sent = h.Commands.Sent.Count;
        h.Strategy.Script((Side.Buy, 10_000, 5));
        Assert.AreEqual(0, h.Manager.Requote(), "no cancel on the very next decision, and the new bid refused by risk");
        Assert.AreEqual(sent, h.Commands.Sent.Count);
        Assert.AreEqual(1, h.Manager.RiskRefusalCount(RiskRejectReason.Position));
        h.Strategy.Script();

        Assert.AreEqual(100, MillisecondsUntilNextCancel(h, place), "resent after the cancel retry interval, not before");
        Assert.AreEqual(OrderState.PendingCancel, h.StateOf(place));
        Assert.AreEqual(2, Order(h, place).CancelAttempts);
    }

    [TestMethod]
    public void Repeated_refusals_double_the_wait_up_to_the_cap()
    {
        var h = new OmsHarness(options: Options(retryMs: 100, backoffMs: 50, capMs: 350));
        var place = CancelledBid(h);
        var waits = new List<long>();
        for (var refusal = 1; refusal <= 6; refusal++)
        {
            h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
            Assert.AreEqual(refusal, Order(h, place).CancelRefusals);
            waits.Add(MillisecondsUntilNextCancel(h, place));
        }

        CollectionAssert.AreEqual(new long[] { 100, 200, 350, 350, 350, 350 }, waits);
        Assert.AreEqual(6, h.Manager.CancelsRefused);
        Assert.AreEqual(7, Order(h, place).CancelAttempts);
    }

    [TestMethod]
    [DataRow(0L, 40L, 40L, new long[] { 40, 40, 40 }, DisplayName = "no cancel retry interval, fixed 40 ms")]
    [DataRow(0L, 30L, 100L, new long[] { 30, 60, 100, 100 }, DisplayName = "no cancel retry interval, 30 ms doubling to 100 ms")]
    [DataRow(250L, 10L, 100L, new long[] { 250, 250 }, DisplayName = "a cap below the retry interval does not make it faster")]
    public void The_wait_comes_from_the_options_even_without_a_cancel_retry_interval(long retryMs, long backoffMs, long capMs, long[] expected)
    {
        var h = new OmsHarness(options: Options(retryMs, backoffMs, capMs));
        var place = CancelledBid(h);
        var waits = new List<long>();
        foreach (var _ in expected)
        {
            h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.VenueRejected));
            waits.Add(MillisecondsUntilNextCancel(h, place));
        }

        CollectionAssert.AreEqual(expected, waits);
    }

    [TestMethod]
    public void Acceptance_after_refusals_closes_the_order_and_nothing_more_is_sent()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(100, MillisecondsUntilNextCancel(h, place));
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(200, MillisecondsUntilNextCancel(h, place));

        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Cancelled(place, 5, 0)));
        Assert.AreEqual(OrderState.Cancelled, h.StateOf(place));
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);
        Assert.AreEqual(0, h.Strategy.Position.PositionLots);
        Assert.AreEqual(-1, MillisecondsUntilNextCancel(h, place, limitMs: 2_000), "closed: no cancel is sent again");
        Assert.AreEqual(3, Cancels(h, place));
    }

    [TestMethod]
    public void A_refusal_as_unknown_still_closes_at_once_also_after_refusals_for_another_reason()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.VenueRejected));
        Assert.AreEqual(0, h.Manager.CheckTimeouts(), "waiting for the backoff");
        Assert.AreEqual(100, MillisecondsUntilNextCancel(h, place));

        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.UnknownOrder));
        Assert.AreEqual(OrderState.Cancelled, h.StateOf(place), "the venue no longer has it");
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);
        Assert.AreEqual(1, h.Manager.CancelsRefused, "not knowing the order is not a refusal to back off from");

        // It had filled at the venue: the fill still counts.
        Assert.AreEqual(ExecutionOutcome.LateFillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 5, 0, tradeId: 3)));
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);
    }

    [TestMethod]
    public void Fills_after_a_refusal_count_and_the_last_one_ends_the_retries()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.VenueRejected));
        h.Clock.Advance(10 * Millisecond);

        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 2, 0, tradeId: 7)));
        Assert.AreEqual(2, h.Strategy.Position.PositionLots);
        var order = Order(h, place);
        Assert.AreEqual(OrderState.PartiallyFilled, order.State);
        Assert.AreEqual(3, order.LeavesQuantity.Lots);
        Assert.AreEqual(1, order.CancelRefusals, "a fill does not end the refusal");
        h.Manager.Tracker.GetOpenLots(out var buyLots, out _);
        Assert.AreEqual(3, buyLots);
        Assert.AreEqual(0, h.Manager.CheckTimeouts(), "still waiting: the fill did not bring the cancel forward");

        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 3, 2, tradeId: 8)));
        Assert.AreEqual(OrderState.Filled, h.StateOf(place));
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);
        Assert.AreEqual(-1, MillisecondsUntilNextCancel(h, place, limitMs: 1_000), "a filled order is not cancelled");
    }

    [TestMethod]
    public void A_manual_order_whose_cancel_was_refused_is_cancelled_again_on_the_timer_after_the_wait()
    {
        var h = new OmsHarness(options: Options(retryMs: 0, backoffMs: 80, capMs: 80));
        var placed = h.Manager.PlaceOrder(Side.Sell, 101m, 1m);
        Assert.IsTrue(placed.IsSent);
        var place = h.Commands.Sent[^1];
        h.Manager.OnExecutionEvent(h.Ack(place));
        Assert.IsTrue(h.Manager.CancelOrder(place.ClientOrderId));
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(OrderState.Open, h.StateOf(place));

        Assert.AreEqual(80, MillisecondsUntilNextCancel(h, place), "the refused cancel is not forgotten");
        Assert.IsTrue(Order(h, place).Manual);
    }

    [TestMethod]
    public void Cancel_all_on_every_tick_respects_the_wait_and_cancel_order_sends_at_once()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));

        // A stop calls CancelAll on every timer tick.
        var ticks = new List<long>();
        for (var ms = 0; ms <= 300; ms++)
        {
            if (h.Manager.CancelAll() > 0)
            {
                ticks.Add(ms);
            }

            h.Clock.Advance(Millisecond);
        }

        CollectionAssert.AreEqual(new long[] { 100 }, ticks, "once the wait passed, and not again while that cancel is unanswered");

        // An explicit cancel of one order is the caller's decision: it goes out even while a refused cancel waits.
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(0, h.Manager.CancelAll());
        Assert.IsTrue(h.Manager.CancelOrder(place.ClientOrderId));
        Assert.AreEqual(OrderState.PendingCancel, h.StateOf(place));
    }

    [TestMethod]
    public void Replaying_the_activities_gives_the_same_refusal_even_when_the_venue_did_not_stamp_the_event()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Clock.Advance(7 * Millisecond);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited) with { ReceivedNanoseconds = 0 });
        Assert.AreEqual(h.Clock.NowNanoseconds, Order(h, place).CancelRefusedNanoseconds, "timed on the manager's clock, not the event's stamp");

        var replica = new OrderTracker(OmsHarness.Instrument);
        foreach (var activity in h.Activity.All)
        {
            activity.ApplyTo(replica);
        }

        Assert.IsTrue(replica.TryGet(place.ClientOrderId, out var replayed));
        Assert.AreEqual(Order(h, place), replayed);
        Assert.AreEqual(1, replayed.CancelRefusals);
    }

    /// <summary>
    /// A state written by the tracker before it remembered cancel refusals (version 1, bytes 98 to 111 of an open order
    /// reserved and zero): order 1 had a cancel refused (back to partially filled, its cancel time cleared), order 2 waits
    /// for the answer to its cancel, order 3 filled (trade 41). Taken with the clock at 3,001,000 ns.
    /// </summary>
    private const string StateBeforeRefusals =
        "0100000000000000030000000000000002000000010000000200000000000000000000000000000000000000000000000000000000000000"
        + "0000000000000000000000000000000000000000000000000100000000000000102700000000000005000000000000000300000000000000"
        + "0200000000000000E80300000000000000000000000000000000000000000000000000000000000000000000000000000000000000000385"
        + "01000000000201000100000000000000000000000000000002000000000000000F2700000000000004000000000000000400000000000000"
        + "0000000000000000E80300000000000068881E00000000000000000000000000000000000000000000000000000000000000000000000386"
        + "01000000000401000100000000000000000000000000000003000000000000001A2700000000000003000000000000000300000000000000"
        + "0103000000000000290000000000000003000000000000002A000000000000000100000000000000";

    [TestMethod]
    public void Tracker_state_round_trips_the_refusals_and_the_restored_order_waits_only_for_the_rest_of_its_backoff()
    {
        var h = new OmsHarness(options: Options());
        var place = CancelledBid(h);
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(100, MillisecondsUntilNextCancel(h, place));
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        h.Clock.Advance(60 * Millisecond);

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        h.Manager.Tracker.WriteState(buffer);
        Assert.AreEqual(1, buffer.WrittenSpan[0], "still version 1");
        var restarted = new OmsHarness(options: Options());
        restarted.Clock.Advance(h.Clock.NowNanoseconds - restarted.Clock.NowNanoseconds);
        restarted.Manager.Tracker.RestoreState(buffer.WrittenSpan);

        CollectionAssert.AreEqual(h.Manager.Tracker.GetOpenOrders().ToArray(), restarted.Manager.Tracker.GetOpenOrders().ToArray());
        Assert.AreEqual(2, Order(restarted, place).CancelRefusals);
        Assert.AreEqual(140, MillisecondsUntilNextCancel(restarted, place), "the second refusal's 200 ms, 60 of which had passed");
    }

    [TestMethod]
    public void A_state_written_before_refusals_were_remembered_restores_with_none_and_the_next_refusal_backs_off()
    {
        var h = new OmsHarness(options: Options());
        h.Clock.Advance(3_000_000);
        h.Manager.Tracker.RestoreState(Convert.FromHexString(StateBeforeRefusals));

        var open = h.Manager.Tracker.GetOpenOrders();
        Assert.AreEqual(2, open.Count);
        Assert.AreEqual(3, h.Manager.Tracker.HighestClientOrderId);
        var (first, second) = (open[0], open[1]);
        Assert.AreEqual((1L, OrderState.PartiallyFilled, 3L, 2L, 0L, 1, 0, 0L), (first.ClientOrderId.Value, first.State, first.LeavesQuantity.Lots, first.FilledQuantity.Lots, first.CancelSentNanoseconds, first.CancelAttempts, first.CancelRefusals, first.CancelRefusedNanoseconds));
        Assert.AreEqual((2L, OrderState.PendingCancel, 4L, 2_001_000L, 1, 0, 0L), (second.ClientOrderId.Value, second.State, second.LeavesQuantity.Lots, second.CancelSentNanoseconds, second.CancelAttempts, second.CancelRefusals, second.CancelRefusedNanoseconds));
        Assert.IsTrue(h.Manager.Tracker.TryGet(new ClientOrderId(3), out var filled) && filled.State == OrderState.Filled);
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.Tracker.Apply(new ExecutionEvent { Kind = ExecutionEventKind.Filled, ClientOrderId = new ClientOrderId(3), Side = Side.Sell, Price = new Price(10_010), Quantity = new Quantity(3), FilledQuantity = new Quantity(3), Liquidity = Liquidity.Maker, TradeId = 41 }));

        // Order 1 restores as an ordinary open order (as the old tracker had it): not wanted, it is cancelled at once.
        h.Manager.Requote();
        Assert.AreEqual(OrderCommandKind.Cancel, h.Commands.Sent[^1].Kind);
        Assert.AreEqual(first.ClientOrderId, h.Commands.Sent[^1].ClientOrderId);

        // Order 2's cancel is refused now: it waits, and the refusal goes into the state written next.
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, second.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(0, h.Manager.CheckTimeouts());
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        h.Manager.Tracker.WriteState(buffer);
        var again = new OrderTracker(OmsHarness.Instrument);
        again.RestoreState(buffer.WrittenSpan);
        Assert.IsTrue(again.TryGet(second.ClientOrderId, out var restored));
        Assert.AreEqual((1, h.Clock.NowNanoseconds), (restored.CancelRefusals, restored.CancelRefusedNanoseconds));
    }

    [TestMethod]
    public void Bad_backoff_options_are_refused_naming_the_field()
    {
        Assert.IsFalse(new OrderManagerOptions().Validate().Any(), "the defaults are valid");
        var errors = new OrderManagerOptions { CancelRefusalBackoff = TimeSpan.Zero, MaxCancelRefusalBackoff = TimeSpan.FromHours(2) }.Validate();
        CollectionAssert.AreEqual(
            new[]
            {
                "CancelRefusalBackoff: 00:00:00 must be positive and at most 1 minute.",
                "MaxCancelRefusalBackoff: 02:00:00 must be at least CancelRefusalBackoff (00:00:00) and at most 1 hour.",
            },
            errors.ToArray());
        var below = new OrderManagerOptions { CancelRefusalBackoff = TimeSpan.FromSeconds(2), MaxCancelRefusalBackoff = TimeSpan.FromSeconds(1) }.Validate();
        CollectionAssert.AreEqual(new[] { "MaxCancelRefusalBackoff: 00:00:01 must be at least CancelRefusalBackoff (00:00:02) and at most 1 hour." }, below.ToArray());
        var strategy = new ScriptedStrategy(OmsHarness.Instrument, new Core.Time.ManualMonotonicClock());
        var e = Assert.ThrowsExactly<ArgumentException>(() => new OrderManager(OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits()), new RecordingCommands(), new OrderManagerOptions { CancelRefusalBackoff = TimeSpan.FromMinutes(2) }));
        StringAssert.Contains(e.Message, "CancelRefusalBackoff: 00:02:00 must be positive and at most 1 minute.");
    }
}
