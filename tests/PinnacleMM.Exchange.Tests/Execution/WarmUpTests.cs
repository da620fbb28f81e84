using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Tests.Execution;

/// <summary><see cref="OrderManager.WarmUp"/>: the requote path run dry, with no effect on anything that follows.</summary>
[TestClass]
public sealed class WarmUpTests
{
    /// <summary>
    /// Two order managers get the same decisions, acknowledgements and fills; one of them also runs the dry requote
    /// path any number of times between them. Both send the same commands, record the same activities, refuse the same
    /// actions for the same reasons (the risk's order rate and the rate limiter included, both tight) and end with the
    /// same orders.
    /// </summary>
    [TestMethod]
    public void Dry_runs_between_decisions_change_nothing_that_follows()
    {
        var level = from up in Gen.Choose(-4, 4) from lots in Gen.Choose(1, 6) select (up, lots);
        var step =
            from bids in Gen.Choose(0, 3)
            from asks in Gen.Choose(0, 3)
            from levels in Gen.ArrayOf(level, bids + asks)
            from fill in Gen.Elements(false, false, true)
            from warmUps in Gen.Choose(0, 3)
            select (bids, levels, fill, warmUps);

        long checkedActions = 0, orderRateRefusals = 0, rateLimited = 0;
        Prop.ForAll(Gen.ArrayOf(step, 12).ToArbitrary(), steps =>
        {
            var dry = new Twin();
            var plain = new Twin();
            foreach (var (bids, levels, fill, warmUps) in steps)
            {
                var script = levels.Select((l, i) => i < bids ? (Side.Buy, 10_000L - 10 + l.up, (long)l.lots) : (Side.Sell, 10_010L + 10 + l.up, (long)l.lots)).ToArray();
                for (var i = 0; i < warmUps; i++)
                {
                    checkedActions += dry.H.Manager.WarmUp();
                }

                dry.Step(script, fill);
                plain.Step(script, fill);
            }

            Assert.AreEqual(plain.Describe(), dry.Describe());
            orderRateRefusals += dry.H.Manager.RiskRefusalCount(RiskRejectReason.OrderRate);
            rateLimited += dry.H.Manager.RefusalCount(OrderRefusalReason.RateLimited);
            dry.Dispose();
            plain.Dispose();
        }).QuickCheckThrowOnFailure();

        // The runs did what the comparison is about: dry runs checked actions, and both tight limits refused some.
        Assert.IsTrue(checkedActions > 100, $"{checkedActions} actions checked by dry runs");
        Assert.IsTrue(orderRateRefusals > 0, $"{orderRateRefusals} refusals by the risk's order rate");
        Assert.IsTrue(rateLimited > 0, $"{rateLimited} refusals by the rate limiter");
    }

    [TestMethod]
    public void A_dry_run_checks_the_actions_a_requote_would_take()
    {
        var h = new OmsHarness();
        Assert.AreEqual(0, h.Manager.WarmUp(), "no quotes yet: nothing to check");
        h.Strategy.Script((Side.Buy, 10_000, 5), (Side.Sell, 10_010, 5));
        Assert.AreEqual(2, h.Manager.WarmUp(), "the two places, each a tick away");
        Assert.AreEqual(0, h.Commands.Sent.Count);
        Assert.AreEqual(2, h.Manager.Requote());
        foreach (var place in h.Commands.Sent.ToArray())
        {
            h.Manager.OnExecutionEvent(h.Ack(place, 900 + place.ClientOrderId.Value));
        }

        var activities = h.Activity.All.Count;
        Assert.AreEqual(2, h.Manager.WarmUp(), "both orders amended a tick away");
        Assert.AreEqual(2, h.Manager.WarmUp(), "and the other way");
        Assert.AreEqual(2, h.Commands.Sent.Count, "nothing sent");
        Assert.AreEqual(activities, h.Activity.All.Count, "nothing recorded");
        Assert.AreEqual(0, h.Manager.AmendsSent);
        Assert.IsFalse(h.Manager.Tracker.GetOpenOrders().Any(o => o.AmendPending), "nothing tracked as pending");
    }

    /// <summary>An order manager with tight limits, stepped through scripted decisions with acks and fills.</summary>
    private sealed class Twin : IDisposable
    {
        private readonly RateLimiterSet _limits = new(new Dictionary<RateLimitCategory, RateLimitPolicy>
        {
            [RateLimitCategory.OrderSubmit] = new() { Limit = 9, Window = TimeSpan.FromHours(1) },
            [RateLimitCategory.OrderModify] = new() { Limit = 7, Window = TimeSpan.FromHours(1) },
        });

        private long _venueId = 900;
        private long _tradeId;

        public Twin()
        {
            H = new OmsHarness(new RiskLimits { PriceBandBps = 0, MaxOrdersPerSecond = 5, MaxPositionLots = 12 }, rateLimits: _limits);
        }

        public OmsHarness H { get; }

        public void Step((Side Side, long Price, long Lots)[] script, bool fill)
        {
            H.Clock.Advance(300_000_000);
            var sent = H.Commands.Sent.Count;
            H.Strategy.Script(script);
            H.Manager.Requote();
            foreach (var command in H.Commands.Sent.Skip(sent).ToArray())
            {
                if (command.Kind == OrderCommandKind.Place)
                {
                    H.Manager.OnExecutionEvent(H.Ack(command, ++_venueId));
                }
            }

            var open = H.Manager.Tracker.GetOpenOrders().FirstOrDefault(o => o.State is OrderState.Open or OrderState.PartiallyFilled && !o.AmendPending && o.LeavesQuantity.Lots > 0);
            if (fill && open.ClientOrderId.Value != 0)
            {
                H.Manager.OnExecutionEvent(H.Fill(OrderCommand.Place(OmsHarness.Id, open.ClientOrderId, open.Side, open.Price, open.Quantity), 1, open.FilledQuantity.Lots, ++_tradeId));
            }
        }

        public string Describe() =>
            string.Join(" ", H.Commands.Sent.Select(c => $"{c.Kind}:{c.ClientOrderId.Value}:{c.Side}:{c.Price.Ticks}:{c.Quantity.Lots}")) + " | " +
            string.Join(" ", H.Activity.All.Select(a => $"{a.Kind}:{a.OrderId.Value}:{a.Refusal}:{a.RiskReason}")) + " | " +
            $"risk {H.Risk.AcceptedCount}/{H.Risk.RejectedCount} " +
            $"order rate {H.Manager.RiskRefusalCount(RiskRejectReason.OrderRate)} limited {H.Manager.RefusalCount(OrderRefusalReason.RateLimited)} " +
            $"position {H.Strategy.Position.PositionLots} | " +
            string.Join(" ", H.Manager.Tracker.GetOpenOrders().Select(o => $"{o.ClientOrderId.Value}:{o.State}:{o.Price.Ticks}:{o.LeavesQuantity.Lots}"));

        public void Dispose() => _limits.Dispose();
    }
}
