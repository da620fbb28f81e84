using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Execution;

[TestClass]
public sealed class OrderLifecycleTests
{
    [TestMethod]
    public void Place_ack_partial_fill_fill_walks_every_state_and_moves_the_position_once_per_fill()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        Assert.AreEqual(OrderState.PendingNew, h.StateOf(place));
        Assert.IsTrue(place.PostOnly);
        Assert.AreEqual(TimeInForce.GoodTillCancel, place.TimeInForce);

        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Ack(place)));
        Assert.AreEqual(OrderState.Open, h.StateOf(place));

        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 2, 0, tradeId: 1)));
        Assert.AreEqual(OrderState.PartiallyFilled, h.StateOf(place));
        Assert.AreEqual(2, h.Strategy.Position.PositionLots);

        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 3, 2, tradeId: 2)));
        Assert.AreEqual(OrderState.Filled, h.StateOf(place));
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);
        Assert.AreEqual(0.02m, h.Strategy.Position.Fees);
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);
        CollectionAssert.AreEqual(
            new[] { OrderEventKind.Acknowledged, OrderEventKind.PartiallyFilled, OrderEventKind.Filled },
            h.Strategy.Events.Select(e => e.Kind).ToArray());
    }

    [TestMethod]
    public void Fill_before_ack_opens_the_order_and_the_late_ack_only_records_the_venue_id()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 2, 0, tradeId: 7)));
        Assert.AreEqual(OrderState.PartiallyFilled, h.StateOf(place));

        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Ack(place, venueId: 900)));
        h.Manager.Tracker.TryGet(place.ClientOrderId, out var order);
        Assert.AreEqual(OrderState.PartiallyFilled, order.State, "the ack must not move the order back to Open");
        Assert.AreEqual(VenueOrderId.FromInt64(900), order.VenueOrderId);
        Assert.AreEqual(2, order.FilledQuantity.Lots);
        Assert.AreEqual(3, order.LeavesQuantity.Lots);
        Assert.AreEqual(2, h.Strategy.Position.PositionLots);

        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(h.Ack(place)), "a second ack is a duplicate");
    }

    [TestMethod]
    public void Cancel_after_the_last_fill_is_late_and_changes_nothing()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Manager.OnExecutionEvent(h.Fill(place, 5, 0, tradeId: 3));
        var events = h.Strategy.Events.Count;

        Assert.AreEqual(ExecutionOutcome.Late, h.Manager.OnExecutionEvent(h.Cancelled(place, leaves: 0, filled: 5)));
        Assert.AreEqual(OrderState.Filled, h.StateOf(place));
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);
        Assert.AreEqual(events, h.Strategy.Events.Count, "a late event is not passed to the strategy");
        Assert.AreEqual(1, h.Manager.Tracker.LateCount);
    }

    [TestMethod]
    public void Duplicate_fill_by_trade_id_or_cumulative_size_is_applied_once()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        var fill = h.Fill(place, 2, 0, tradeId: 11);
        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(fill));
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(fill));
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(fill with { Sequence = 99 }), "a resend with a new sequence is still the same trade");

        var noTradeId = h.Fill(place, 1, 2, tradeId: 0);
        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(noTradeId));
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(noTradeId), "without a trade id the cumulative size 3 was already reached");
        Assert.AreEqual(3, h.Strategy.Position.PositionLots);
        Assert.AreEqual(2, h.Manager.FillsApplied);
        Assert.AreEqual(3, h.Manager.Tracker.DuplicateCount);
    }

    [TestMethod]
    public void A_fill_seen_with_its_order_and_again_without_one_is_applied_once_either_way_round()
    {
        // A venue's fill history after a restart may not know the order of a fill the stream already reported
        // (Coinbase Exchange lists fills by venue order id only): its trade id still recognises it.
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        var fill = h.Fill(place, 5, 0, tradeId: 21);
        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(fill));
        var fromHistory = fill with { ClientOrderId = ClientOrderId.None, LeavesQuantity = default };
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(fromHistory), "the same trade, without its order");
        var result = h.Manager.ReconcileWithVenue([], [fromHistory]);
        Assert.AreEqual(0, result.FillsRecovered, result.ToString());
        Assert.AreEqual(1, result.FillsAlreadyKnown);
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);

        // The other way round: first without its order (applied to the position), then from the stream with it.
        var other = h.PlaceBid(10_000, 4);
        h.Manager.OnExecutionEvent(h.Ack(other));
        var otherFill = h.Fill(other, 4, 0, tradeId: 22);
        Assert.AreEqual(ExecutionOutcome.UnknownFillApplied, h.Manager.OnExecutionEvent(otherFill with { ClientOrderId = ClientOrderId.None }));
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(otherFill));
        Assert.AreEqual(9, h.Strategy.Position.PositionLots);

        // A new trade without its order still moves the position.
        Assert.AreEqual(ExecutionOutcome.UnknownFillApplied, h.Manager.OnExecutionEvent(otherFill with { ClientOrderId = ClientOrderId.None, TradeId = 23 }));
        Assert.AreEqual(13, h.Strategy.Position.PositionLots);
    }

    [TestMethod]
    public void Events_for_unknown_orders_are_ignored_but_an_unknown_fill_moves_the_position()
    {
        var h = new OmsHarness();
        var stranger = OrderCommand.Place(OmsHarness.Id, new ClientOrderId(4242), Side.Sell, new Price(10_100), new Quantity(4));
        Assert.AreEqual(ExecutionOutcome.Unknown, h.Manager.OnExecutionEvent(h.Ack(stranger)));
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);
        Assert.AreEqual(0, h.Strategy.Events.Count);

        // The venue traded our account: the position must follow even if the order was never tracked.
        var fill = h.Fill(stranger, 4, 0, tradeId: 5);
        Assert.AreEqual(ExecutionOutcome.UnknownFillApplied, h.Manager.OnExecutionEvent(fill));
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(fill));
        Assert.AreEqual(-4, h.Strategy.Position.PositionLots);
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount, "an unknown order is not invented");
    }

    [TestMethod]
    public void Cancel_requested_by_reconcile_goes_pending_cancel_and_closes_on_the_cancel_ack()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script();
        Assert.AreEqual(1, h.Manager.Requote());
        var cancel = h.Commands.Sent[^1];
        Assert.AreEqual(OrderCommandKind.Cancel, cancel.Kind);
        Assert.AreEqual(place.ClientOrderId, cancel.ClientOrderId);
        Assert.AreEqual(OrderState.PendingCancel, h.StateOf(place));
        Assert.AreEqual(0, h.Manager.Requote(), "a pending cancel is not sent again before the retry interval");

        // A fill racing the cancel still counts, and the order stays pending cancel.
        Assert.AreEqual(ExecutionOutcome.FillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 1, 0, tradeId: 8)));
        Assert.AreEqual(OrderState.PendingCancel, h.StateOf(place));
        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Cancelled(place, leaves: 4, filled: 1)));
        Assert.AreEqual(OrderState.Cancelled, h.StateOf(place));
        Assert.AreEqual(1, h.Strategy.Position.PositionLots);
    }

    [TestMethod]
    public void Venue_reject_closes_the_order_as_rejected_and_is_counted_by_reason()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.Rejected, place.ClientOrderId, RejectReason.PostOnlyWouldCross)));
        Assert.AreEqual(OrderState.Rejected, h.StateOf(place));
        Assert.AreEqual(1, h.Manager.VenueRejectionCount(RejectReason.PostOnlyWouldCross));
        Assert.AreEqual(OrderEventKind.Rejected, h.Strategy.Events.Single().Kind);
        Assert.AreEqual(0, h.Strategy.Position.PositionLots);

        // The strategy still wants the quote: the next reconcile places it again under a new id.
        h.Manager.Requote();
        var again = h.Commands.Sent[^1];
        Assert.AreEqual(OrderCommandKind.Place, again.Kind);
        Assert.AreNotEqual(place.ClientOrderId, again.ClientOrderId);
    }

    [TestMethod]
    public void Cancel_rejected_as_unknown_closes_the_order_and_a_later_fill_is_still_applied()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script();
        h.Manager.Requote();
        Assert.AreEqual(ExecutionOutcome.Applied, h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.UnknownOrder)));
        Assert.AreEqual(OrderState.Cancelled, h.StateOf(place));
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);

        // The venue had filled it and the fill was still on its way.
        Assert.AreEqual(ExecutionOutcome.LateFillApplied, h.Manager.OnExecutionEvent(h.Fill(place, 5, 0, tradeId: 9)));
        Assert.AreEqual(5, h.Strategy.Position.PositionLots);
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Manager.OnExecutionEvent(h.Fill(place, 5, 0, tradeId: 9)));
    }

    [TestMethod]
    public void Cancel_rejected_for_another_reason_reopens_the_order_and_cancels_it_again_after_the_backoff()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script();
        h.Manager.Requote();
        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.RateLimited));
        Assert.AreEqual(OrderState.Open, h.StateOf(place));
        Assert.AreEqual(0, h.Manager.Requote(), "not on the very next decision");
        h.Clock.Advance(new OrderManagerOptions().CancelRefusalBackoff.Ticks * TimeSpan.NanosecondsPerTick);
        Assert.AreEqual(1, h.Manager.CheckTimeouts(), "the unwanted order is cancelled again on the timer once the backoff passed");
        Assert.AreEqual(OrderCommandKind.Cancel, h.Commands.Sent[^1].Kind);
    }

    [TestMethod]
    public void Amend_is_pending_until_the_venue_answers_and_a_rejected_amend_keeps_the_old_price()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script((Side.Buy, 10_001, 5));
        Assert.AreEqual(1, h.Manager.Requote());
        var amend = h.Commands.Sent[^1];
        Assert.AreEqual(OrderCommandKind.Amend, amend.Kind);
        Assert.AreEqual(10_001, amend.Price.Ticks);
        Assert.IsTrue(h.Manager.Tracker.TryGet(place.ClientOrderId, out var pending) && pending.AmendPending);
        Assert.AreEqual(0, h.Manager.Requote(), "the pending amend already serves the quote");

        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.AmendRejected, place.ClientOrderId, RejectReason.PostOnlyWouldCross));
        h.Manager.Tracker.TryGet(place.ClientOrderId, out var order);
        Assert.IsFalse(order.AmendPending);
        Assert.AreEqual(10_000, order.Price.Ticks);
        Assert.AreEqual(OrderState.Open, order.State);
    }

    [TestMethod]
    public void Unacknowledged_order_is_cancelled_after_the_timeout_and_closed_as_rejected_when_the_venue_never_had_it()
    {
        var h = new OmsHarness(options: new OrderManagerOptions { AcknowledgementTimeout = TimeSpan.FromMilliseconds(50) });
        var place = h.PlaceBid(10_000, 5);
        h.Clock.Advance(49_000_000);
        Assert.AreEqual(0, h.Manager.CheckTimeouts());
        h.Clock.Advance(1_000_000);
        Assert.AreEqual(2, h.Manager.CheckTimeouts(), "a cancel for the silent order, and the still wanted quote placed anew");
        var last = h.Commands.Sent.TakeLast(2).ToArray();
        Assert.AreEqual(OrderCommandKind.Cancel, last[0].Kind);
        Assert.AreEqual(place.ClientOrderId, last[0].ClientOrderId);
        Assert.AreEqual(OrderCommandKind.Place, last[1].Kind);
        Assert.AreEqual(OrderState.PendingCancel, h.StateOf(place));

        h.Manager.OnExecutionEvent(h.Rejection(ExecutionEventKind.CancelRejected, place.ClientOrderId, RejectReason.UnknownOrder));
        Assert.AreEqual(OrderState.Rejected, h.StateOf(place));
        Assert.AreEqual(1, h.Manager.Tracker.OpenCount, "only the replacement is left");
        Assert.AreEqual(last[1].ClientOrderId, h.Manager.Tracker.GetOpenOrders().Single().ClientOrderId);
    }

    [TestMethod]
    public void Unanswered_cancel_is_resent_after_the_strategy_cancel_retry_interval()
    {
        var h = new OmsHarness(options: new OrderManagerOptions { Reconciler = new BasicMarketMakerOptions { CancelRetryInterval = TimeSpan.FromMilliseconds(100) }.ToReconcilerOptions() });
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Strategy.Script();
        h.Manager.Requote();
        var cancels = h.Commands.Sent.Count(c => c.Kind == OrderCommandKind.Cancel);
        h.Clock.Advance(99_000_000);
        h.Manager.CheckTimeouts();
        Assert.AreEqual(cancels, h.Commands.Sent.Count(c => c.Kind == OrderCommandKind.Cancel));
        h.Clock.Advance(1_000_000);
        h.Manager.CheckTimeouts();
        Assert.AreEqual(cancels + 1, h.Commands.Sent.Count(c => c.Kind == OrderCommandKind.Cancel));
        h.Manager.Tracker.TryGet(place.ClientOrderId, out var order);
        Assert.AreEqual(2, order.CancelAttempts);
    }

    [TestMethod]
    public void Order_older_than_the_strategy_order_timeout_is_replaced()
    {
        var h = new OmsHarness(options: new OrderManagerOptions { Reconciler = new BasicMarketMakerOptions { OrderTimeout = TimeSpan.FromSeconds(1) }.ToReconcilerOptions() });
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Clock.Advance(1_000_000_000);
        h.Manager.CheckTimeouts();
        var last = h.Commands.Sent.TakeLast(2).ToArray();
        Assert.AreEqual(OrderCommandKind.Cancel, last[0].Kind);
        Assert.AreEqual(place.ClientOrderId, last[0].ClientOrderId);
        Assert.AreEqual(OrderCommandKind.Place, last[1].Kind);
        Assert.AreEqual(10_000, last[1].Price.Ticks);
    }

    [TestMethod]
    public void Every_action_and_event_is_recorded_in_order_and_replays_into_an_equal_tracker()
    {
        var h = new OmsHarness();
        var place = h.PlaceBid(10_000, 5);
        h.Manager.OnExecutionEvent(h.Fill(place, 2, 0, tradeId: 1));
        h.Manager.OnExecutionEvent(h.Ack(place));
        h.Manager.OnExecutionEvent(h.Fill(place, 2, 0, tradeId: 1));
        h.Strategy.Script((Side.Sell, 10_050, 3));
        h.Manager.Requote();

        var replica = new OrderTracker(OmsHarness.Instrument, new Core.Portfolio.PositionTracker(OmsHarness.Instrument));
        foreach (var activity in h.Activity.All)
        {
            activity.ApplyTo(replica);
        }

        CollectionAssert.AreEqual(h.Manager.Tracker.GetOpenOrders().ToArray(), replica.GetOpenOrders().ToArray());
        Assert.AreEqual(h.Strategy.Position.PositionLots, replica.Position!.PositionLots);
        Assert.AreEqual(h.Strategy.Position.Fees, replica.Position.Fees);
        CollectionAssert.AreEqual(
            new[] { OrderActivityKind.CommandSent, OrderActivityKind.ExecutionReceived, OrderActivityKind.ExecutionReceived, OrderActivityKind.ExecutionReceived, OrderActivityKind.CommandSent, OrderActivityKind.CommandSent },
            h.Activity.All.Select(a => a.Kind).ToArray());
        Assert.AreEqual(ExecutionOutcome.Duplicate, h.Activity.All[3].Outcome);
    }
}
