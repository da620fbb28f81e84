using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Tests.Execution;

[TestClass]
public sealed class OrderChecksTests
{
    [TestMethod]
    public void Risk_refusal_sends_nothing_tracks_nothing_and_is_recorded_with_its_reason()
    {
        var h = new OmsHarness(new RiskLimits { MaxOrderLots = 4, PriceBandBps = 0 });
        h.Strategy.Script((Side.Buy, 10_000, 5), (Side.Sell, 10_010, 3));
        Assert.AreEqual(1, h.Manager.Requote());
        Assert.AreEqual(10_010, h.Commands.Sent.Single().Price.Ticks, "only the ask within the limit is sent");
        Assert.AreEqual(1, h.Manager.Tracker.OpenCount);
        Assert.AreEqual(1, h.Manager.RefusalCount(OrderRefusalReason.Risk));
        Assert.AreEqual(1, h.Manager.RiskRefusalCount(RiskRejectReason.OrderSize));
        var refused = h.Activity.All.Single(a => a.Kind == OrderActivityKind.CommandRefused);
        Assert.AreEqual(RiskRejectReason.OrderSize, refused.RiskReason);
        Assert.AreEqual(5, refused.Command.Quantity.Lots);
    }

    [TestMethod]
    public void Position_limit_counts_every_open_order_on_the_side_as_filled()
    {
        var h = new OmsHarness(new RiskLimits { MaxPositionLots = 8, PriceBandBps = 0 });
        h.Strategy.Script((Side.Buy, 10_000, 5), (Side.Buy, 9_999, 5));
        h.Manager.Requote();
        Assert.AreEqual(1, h.Commands.Sent.Count, "5 + 5 open buys would exceed 8 lots");
        Assert.AreEqual(1, h.Manager.RiskRefusalCount(RiskRejectReason.Position));
    }

    [TestMethod]
    public void Rate_limited_place_is_refused_and_retried_by_the_next_reconcile_once_allowed()
    {
        using var limits = new RateLimiterSet(new Dictionary<RateLimitCategory, RateLimitPolicy>
        {
            [RateLimitCategory.OrderSubmit] = new() { Limit = 1, Window = TimeSpan.FromHours(1) },
        });
        var h = new OmsHarness(rateLimits: limits);
        h.Strategy.Script((Side.Buy, 10_000, 5), (Side.Sell, 10_010, 5));
        Assert.AreEqual(1, h.Manager.Requote());
        Assert.AreEqual(1, h.Manager.RefusalCount(OrderRefusalReason.RateLimited));
        Assert.AreEqual(1, h.Manager.Tracker.OpenCount);
        Assert.AreEqual(0, h.Manager.Requote(), "still limited: nothing sent, nothing tracked");
        Assert.AreEqual(2, h.Manager.RefusalCount(OrderRefusalReason.RateLimited));
        Assert.AreEqual(1, h.Manager.Tracker.OpenCount);
    }

    [TestMethod]
    public void While_disconnected_nothing_is_sent_and_after_reconnecting_the_quotes_go_out()
    {
        var h = new OmsHarness();
        h.Manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Disconnected });
        h.Strategy.Script((Side.Buy, 10_000, 5));
        Assert.AreEqual(0, h.Manager.Requote());
        Assert.AreEqual(0, h.Commands.Sent.Count);
        Assert.AreEqual(1, h.Manager.RefusalCount(OrderRefusalReason.NotConnected));
        Assert.AreEqual(0, h.Manager.Tracker.OpenCount);

        h.Manager.OnExecutionEvent(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Synced });
        Assert.AreEqual(1, h.Manager.Requote());
    }

    [TestMethod]
    [DataRow(100.005, 1.0, OrderRefusalReason.InvalidPrice, "price must be a multiple of the tick size 0.01 (tick)")]
    [DataRow(0.0, 1.0, OrderRefusalReason.InvalidPrice, "price must be positive (positive)")]
    [DataRow(2_000_000.0, 1.0, OrderRefusalReason.InvalidPrice, "price must be at most 1000000.00 (max)")]
    [DataRow(100.0, 0.0005, OrderRefusalReason.InvalidQuantity, "quantity must be at least 0.001 (min)")]
    [DataRow(100.0, 1.0005, OrderRefusalReason.InvalidQuantity, "quantity must be a multiple of the lot size 0.001 (lot)")]
    public void Manual_order_with_bad_input_is_refused_naming_the_field_and_rule_and_changes_nothing(double price, double quantity, OrderRefusalReason reason, string message)
    {
        var h = new OmsHarness();
        var first = h.Manager.PlaceOrder(Side.Buy, 99.5m, 1m);
        Assert.IsTrue(first.IsSent);
        var before = h.Manager.Tracker.GetOpenOrders().ToArray();

        var placement = h.Manager.PlaceOrder(Side.Buy, (decimal)price, (decimal)quantity);
        Assert.IsFalse(placement.IsSent);
        Assert.AreEqual(reason, placement.Refusal);
        Assert.AreEqual(message, placement.Message);
        Assert.AreEqual(ClientOrderId.None, placement.ClientOrderId);
        CollectionAssert.AreEqual(before, h.Manager.Tracker.GetOpenOrders().ToArray());
        Assert.AreEqual(1, h.Commands.Sent.Count);
    }

    [TestMethod]
    public void Manual_order_passes_risk_is_left_alone_by_reconciliation_and_cancelled_by_cancel_all()
    {
        var h = new OmsHarness(new RiskLimits { MaxOrderLots = 2_000, PriceBandBps = 0 });
        var refused = h.Manager.PlaceOrder(Side.Sell, 101m, 3m);
        Assert.IsFalse(refused.IsSent);
        Assert.AreEqual(OrderRefusalReason.Risk, refused.Refusal);
        Assert.AreEqual(RiskRejectReason.OrderSize, refused.RiskReason);
        StringAssert.Contains(refused.Message, "OrderSize");

        var placed = h.Manager.PlaceOrder(Side.Sell, 101m, 1.5m, TimeInForce.GoodTillCancel, postOnly: true);
        Assert.IsTrue(placed.IsSent);
        var command = h.Commands.Sent.Single();
        Assert.AreEqual(10_100, command.Price.Ticks);
        Assert.AreEqual(1_500, command.Quantity.Lots);
        Assert.IsTrue(command.PostOnly);

        h.Strategy.Script();
        Assert.AreEqual(0, h.Manager.Requote(), "no quotes wanted, but the manual order is not the reconciler's to cancel");
        Assert.AreEqual(1, h.Manager.CancelAll());
        Assert.AreEqual(OrderCommandKind.Cancel, h.Commands.Sent[^1].Kind);
        Assert.AreEqual(placed.ClientOrderId, h.Commands.Sent[^1].ClientOrderId);
    }

    [TestMethod]
    public void Bad_options_are_refused_naming_the_field()
    {
        var strategy = new ScriptedStrategy(OmsHarness.Instrument, new Core.Time.ManualMonotonicClock());
        var e = Assert.ThrowsExactly<ArgumentException>(() => new OrderManager(
            OmsHarness.Id, strategy, new PreTradeRisk(new RiskLimits()), new RecordingCommands(),
            new OrderManagerOptions { AcknowledgementTimeout = TimeSpan.Zero, Reconciler = new() { PriceToleranceTicks = -1 } }));
        StringAssert.Contains(e.Message, "AcknowledgementTimeout: 00:00:00 must be positive and at most 1 hour.");
        StringAssert.Contains(e.Message, "Reconciler.PriceToleranceTicks: -1 must not be negative.");
    }
}
