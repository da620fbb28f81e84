using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Risk;

[TestClass]
public sealed class PreTradeRiskTests
{
    private const long Mid2 = 2_000_000; // mid 1 000 000 ticks

    private static QuoteAction Place(Side side, long price, long lots) => new(QuoteActionKind.Place, 0, side, new Price(price), new Quantity(lots));

    private static readonly RiskLimits Limits = new()
    {
        MaxOrderLots = 100,
        MaxPositionLots = 500,
        MaxNotionalTickLots = 90_000_000,
        PriceBandBps = 100,
        MaxOrdersPerSecond = 3,
        MaxOpenOrders = 10,
    };

    [TestMethod]
    [DataRow(Side.Buy, 1_000_000L, 101L, 0L, 0L, 0, Mid2, RiskRejectReason.OrderSize)]
    [DataRow(Side.Buy, 1_000_000L, 100L, 350L, 51L, 0, Mid2, RiskRejectReason.Position)]
    [DataRow(Side.Buy, 1_000_000L, 100L, 350L, 50L, 0, Mid2, RiskRejectReason.Notional)]
    [DataRow(Side.Sell, 1_000_000L, 50L, -400L, 51L, 0, Mid2, RiskRejectReason.Position)]
    [DataRow(Side.Sell, 1_010_001L, 50L, 0L, 0L, 0, Mid2, RiskRejectReason.PriceBand)]
    [DataRow(Side.Buy, 989_999L, 50L, 0L, 0L, 0, Mid2, RiskRejectReason.PriceBand)]
    [DataRow(Side.Buy, 1_000_000L, 50L, 0L, 0L, 0, 0L, RiskRejectReason.PriceBand)]
    [DataRow(Side.Buy, 1_000_000L, 50L, 0L, 0L, 10, Mid2, RiskRejectReason.OpenOrders)]
    [DataRow(Side.Sell, 1_010_000L, 89L, 0L, 0L, 9, Mid2, RiskRejectReason.None)]
    public void Each_limit_refuses_with_its_reason_and_counts_it(Side side, long price, long lots, long position, long openSameSide, int openOrders, long mid2, RiskRejectReason expected)
    {
        var risk = new PreTradeRisk(Limits);
        var open = (Buy: side == Side.Buy ? openSameSide : 0, Sell: side == Side.Sell ? openSameSide : 0);
        Assert.AreEqual(expected, risk.Check(Place(side, price, lots), position, open.Buy, open.Sell, openOrders, mid2, 0));
        Assert.AreEqual(expected == RiskRejectReason.None ? 0L : 1L, risk.RejectionCount(expected));
        Assert.AreEqual(expected == RiskRejectReason.None ? 1 : 0, risk.AcceptedCount);
    }

    [TestMethod]
    public void Order_rate_is_limited_per_one_second_window()
    {
        var risk = new PreTradeRisk(Limits);
        var buy = Place(Side.Buy, 1_000_000, 1);
        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual(RiskRejectReason.None, risk.Check(buy, 0, 0, 0, 0, Mid2, 10 + i));
        }

        Assert.AreEqual(RiskRejectReason.OrderRate, risk.Check(buy, 0, 0, 0, 0, Mid2, 999_999_999));
        Assert.AreEqual(RiskRejectReason.None, risk.Check(buy, 0, 0, 0, 0, Mid2, 1_000_000_010));
        Assert.AreEqual(1L, risk.RejectionCount(RiskRejectReason.OrderRate));
        Assert.AreEqual(4L, risk.AcceptedCount);
    }

    [TestMethod]
    public void Preview_answers_as_check_would_without_counting_or_using_up_the_order_rate()
    {
        var risk = new PreTradeRisk(Limits);
        var buy = Place(Side.Buy, 1_000_000, 1);
        for (var i = 0; i < 10; i++)
        {
            Assert.AreEqual(RiskRejectReason.None, risk.Preview(buy, 0, 0, 0, 0, Mid2, 10 + i));
        }

        Assert.AreEqual(RiskRejectReason.Position, risk.Preview(Place(Side.Buy, 1_000_000, 100), 450, 0, 0, 0, Mid2, 20));
        Assert.AreEqual((0L, 0L), (risk.AcceptedCount, risk.RejectedCount), "nothing counted");
        for (var i = 0; i < 3; i++)
        {
            Assert.AreEqual(RiskRejectReason.None, risk.Check(buy, 0, 0, 0, 0, Mid2, 30 + i), "the previews used none of the 3 orders a second");
        }

        Assert.AreEqual(RiskRejectReason.OrderRate, risk.Preview(buy, 0, 0, 0, 0, Mid2, 40));
        Assert.AreEqual(RiskRejectReason.None, risk.Preview(buy, 0, 0, 0, 0, Mid2, 1_000_000_030), "a new window");
        Assert.AreEqual(RiskRejectReason.OrderRate, risk.Check(buy, 0, 0, 0, 0, Mid2, 999_999_999), "the preview did not start the new window");
        Assert.AreEqual((3L, 1L), (risk.AcceptedCount, risk.RejectedCount));
    }

    [TestMethod]
    public void Reducing_passes_only_orders_towards_flat_and_halted_only_cancels()
    {
        var risk = new PreTradeRisk(Limits);
        risk.Reduce("stop loss");
        Assert.AreEqual((TradingState.Reducing, "stop loss"), (risk.State, risk.StateReason));
        Assert.AreEqual(RiskRejectReason.None, risk.Check(Place(Side.Sell, 1_000_000, 40), 100, 0, 50, 0, Mid2, 0));
        Assert.AreEqual(RiskRejectReason.ReduceOnly, risk.Check(Place(Side.Sell, 1_000_000, 51), 100, 0, 50, 0, Mid2, 0)); // would flip short
        Assert.AreEqual(RiskRejectReason.ReduceOnly, risk.Check(Place(Side.Buy, 1_000_000, 1), 100, 0, 0, 0, Mid2, 0));
        Assert.AreEqual(RiskRejectReason.ReduceOnly, risk.Check(Place(Side.Buy, 1_000_000, 1), 0, 0, 0, 0, Mid2, 0));
        Assert.AreEqual(RiskRejectReason.None, risk.Check(Place(Side.Buy, 1_000_000, 10), -10, 0, 0, 0, Mid2, 0));

        risk.Pause("drawdown");
        Assert.AreEqual(RiskRejectReason.Halted, risk.Check(Place(Side.Buy, 1_000_000, 10), -10, 0, 0, 0, Mid2, 0));
        Assert.AreEqual(RiskRejectReason.None, risk.Check(new QuoteAction(QuoteActionKind.Cancel, 5, Side.Buy, new Price(1), new Quantity(1)), 0, 0, 0, 0, 0, 0));
        risk.Resume("operator");
        Assert.AreEqual(TradingState.Active, risk.State);
        Assert.AreEqual(RiskRejectReason.None, risk.Check(Place(Side.Buy, 1_000_000, 10), 0, 0, 0, 0, Mid2, 0));
        Assert.AreEqual(3L, risk.RejectionCount(RiskRejectReason.ReduceOnly));
        Assert.AreEqual(1L, risk.RejectionCount(RiskRejectReason.Halted));
    }

    [TestMethod]
    public void Every_change_of_the_state_in_force_is_recorded_in_order_with_its_reason_and_nothing_else()
    {
        var risk = new PreTradeRisk(Limits);
        var changes = new TradingStateChange[8];
        Assert.AreEqual(0, risk.CopyStateChanges(0, changes));

        risk.SetAutomaticState(TradingState.Active, string.Empty);             // as it was: no change
        risk.Reduce("operator: flatten");                                      // 1
        risk.SetAutomaticState(TradingState.Halted, "kill switch: drawdown");  // 2
        risk.SetAutomaticState(TradingState.Halted, "circuit breaker");        // another reason, the same state
        risk.Reduce("operator: again");                                        // under the automatic halt: still halted
        risk.SetAutomaticState(TradingState.Active, string.Empty);             // 3: the operator's reduce is in force again
        risk.Resume("operator: done");                                         // 4
        risk.Resume("operator: done twice");                                   // already active

        Assert.AreEqual(4L, risk.StateChangeCount);
        Assert.AreEqual(4, risk.CopyStateChanges(0, changes));
        CollectionAssert.AreEqual(
            new[]
            {
                new TradingStateChange(1, TradingState.Active, TradingState.Reducing, "operator: flatten"),
                new TradingStateChange(2, TradingState.Reducing, TradingState.Halted, "kill switch: drawdown"),
                new TradingStateChange(3, TradingState.Halted, TradingState.Reducing, "operator: again"),
                new TradingStateChange(4, TradingState.Reducing, TradingState.Active, string.Empty),
            },
            changes[..4]);
        Assert.AreEqual((1L, 2L, 1L, 0L), (risk.StateChangesInto(TradingState.Active), risk.StateChangesInto(TradingState.Reducing), risk.StateChangesInto(TradingState.Halted), risk.StateChangesInto((TradingState)7)));

        // After a given change, as many as fit.
        var one = new TradingStateChange[1];
        Assert.AreEqual(1, risk.CopyStateChanges(2, one));
        Assert.AreEqual(3L, one[0].Sequence);
        Assert.AreEqual(0, risk.CopyStateChanges(4, changes));
        Assert.AreEqual(0, risk.CopyStateChanges(9, changes));

        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => risk.CopyStateChanges(-1, changes));
        StringAssert.StartsWith(e.Message, "after ('-1') must be a non-negative value.", StringComparison.Ordinal);
        Assert.AreEqual(4L, risk.StateChangeCount);
    }

    [TestMethod]
    public void Only_the_newest_changes_are_kept_but_every_one_is_counted_and_recording_allocates_nothing()
    {
        var risk = new PreTradeRisk(Limits);
        void Flips()
        {
            for (var i = 0; i < 50; i++)
            {
                risk.SetAutomaticState(TradingState.Halted, "circuit breaker: market stress");
                risk.SetAutomaticState(TradingState.Halted, "circuit breaker: market stress"); // the decision's usual call: nothing changes
                risk.SetAutomaticState(TradingState.Active, string.Empty);
            }
        }

        Flips();
        Assert.AreEqual(100L, risk.StateChangeCount);
        Assert.AreEqual((50L, 50L), (risk.StateChangesInto(TradingState.Halted), risk.StateChangesInto(TradingState.Active)));
        var changes = new TradingStateChange[PreTradeRisk.StateChangeHistory + 1];
        Assert.AreEqual(PreTradeRisk.StateChangeHistory, risk.CopyStateChanges(0, changes), "the newest 64");
        Assert.AreEqual(37L, changes[0].Sequence, "changes 1 to 36 are gone");
        Assert.AreEqual(new TradingStateChange(37, TradingState.Active, TradingState.Halted, "circuit breaker: market stress"), changes[0]);
        Assert.AreEqual(new TradingStateChange(100, TradingState.Halted, TradingState.Active, string.Empty), changes[63]);
        Assert.AreEqual(10, risk.CopyStateChanges(90, changes));
        Assert.AreEqual(91L, changes[0].Sequence);

        SteadyState.AssertAllocatesNothing("100 changes of the trading state recorded", Flips);
    }

    [TestMethod]
    public void Bad_limits_are_refused_naming_the_field()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new PreTradeRisk(new RiskLimits { MaxOrderLots = 0 }));
        Assert.AreEqual("MaxOrderLots: 0 must be positive. (Parameter 'limits')", e.Message);
        Assert.AreEqual("PriceBandBps: -1 must be a finite number, not negative.", new RiskLimits { PriceBandBps = -1 }.Validate());
        Assert.AreEqual("MaxOpenOrders: -1 must not be negative.", new RiskLimits { MaxOpenOrders = -1 }.Validate());
    }

    [TestMethod]
    public void Property_once_halted_only_cancels_pass_so_reconciling_ends_with_no_open_orders()
    {
        var orderGen = from side in Gen.Elements(Side.Buy, Side.Sell)
                       from price in Gen.Choose(990_000, 1_010_000)
                       from lots in Gen.Choose(1, 50)
                       select (side, price, lots);
        Prop.ForAll(Arb.From(Gen.ArrayOf(orderGen)), orders =>
        {
            var risk = new PreTradeRisk(new RiskLimits());
            var reconciler = new QuoteReconciler(new QuoteReconcilerOptions());
            var live = orders.Select((o, i) => new LiveOrder(i + 1, o.side, new Price(o.price), new Quantity(o.lots), 0)).ToList();
            risk.Pause("kill switch");

            // A halted strategy desires nothing: the reconciler cancels everything and risk lets the cancels through.
            var desired = new DesiredQuotes(1);
            var actions = new QuoteAction[live.Count];
            var n = reconciler.Reconcile(desired, [.. live], 1, actions);
            foreach (var a in actions[..n])
            {
                Assert.AreEqual(RiskRejectReason.None, risk.Check(a, 0, 0, 0, live.Count, Mid2, 1));
                live.RemoveAll(o => o.OrderId == a.OrderId);
                Assert.AreEqual(RiskRejectReason.Halted, risk.Check(Place(a.Side, a.Price.Ticks, a.Quantity.Lots), 0, 0, 0, live.Count, Mid2, 1));
            }

            Assert.AreEqual(0, live.Count);
        }).QuickCheckThrowOnFailure();
    }
}
