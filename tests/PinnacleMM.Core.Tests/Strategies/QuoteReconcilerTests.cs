using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Strategies;

[TestClass]
public sealed class QuoteReconcilerTests
{
    private const long Second = 1_000_000_000;

    private static DesiredQuotes Quotes(params (Side Side, long Price, long Lots)[] levels)
    {
        var q = new DesiredQuotes(8);
        foreach (var (side, price, lots) in levels)
        {
            Assert.IsTrue(q.TryAdd(side, new Price(price), new Quantity(lots)));
        }

        return q;
    }

    private static QuoteAction[] Run(QuoteReconciler r, DesiredQuotes desired, LiveOrder[] live, long now)
    {
        var actions = new QuoteAction[QuoteReconciler.MaxActions(desired, live.Length)];
        var n = r.Reconcile(desired, live, now, actions);
        return actions[..n];
    }

    [TestMethod]
    public void Orders_within_tolerance_are_left_alone_others_amended_extra_cancelled_missing_placed()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions { PriceToleranceTicks = 1, QuantityToleranceLots = 2 });
        LiveOrder[] live =
        [
            new(1, Side.Buy, new Price(100), new Quantity(10), 0),  // desired 101 x 11: within tolerance, kept
            new(2, Side.Buy, new Price(90), new Quantity(10), 0),   // desired 99 x 10: too far, amended
            new(3, Side.Sell, new Price(110), new Quantity(10), 0), // desired 110 x 20: size too far, amended
            new(4, Side.Sell, new Price(120), new Quantity(10), 0), // not desired: cancelled
        ];
        var desired = Quotes((Side.Buy, 101, 11), (Side.Buy, 99, 10), (Side.Buy, 98, 5), (Side.Sell, 110, 20));
        CollectionAssert.AreEqual(
            new[]
            {
                new QuoteAction(QuoteActionKind.Cancel, 4, Side.Sell, new Price(120), new Quantity(10)),
                new QuoteAction(QuoteActionKind.Amend, 2, Side.Buy, new Price(99), new Quantity(10)),
                new QuoteAction(QuoteActionKind.Amend, 3, Side.Sell, new Price(110), new Quantity(20)),
                new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(98), new Quantity(5)),
            },
            Run(r, desired, live, Second));
    }

    [TestMethod]
    public void Without_amend_a_changed_quote_is_cancelled_and_placed()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions { AllowAmend = false });
        LiveOrder[] live = [new(7, Side.Buy, new Price(100), new Quantity(10), 0)];
        CollectionAssert.AreEqual(
            new[]
            {
                new QuoteAction(QuoteActionKind.Cancel, 7, Side.Buy, new Price(100), new Quantity(10)),
                new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(101), new Quantity(10)),
            },
            Run(r, Quotes((Side.Buy, 101, 10)), live, Second));
    }

    [TestMethod]
    public void An_order_older_than_the_maximum_age_is_replaced_and_a_younger_one_is_kept()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions { MaxOrderAgeNanoseconds = 5 * Second });
        var desired = Quotes((Side.Buy, 100, 10));
        LiveOrder[] live = [new(1, Side.Buy, new Price(100), new Quantity(10), 10 * Second)];
        Assert.AreEqual(0, Run(r, desired, live, 15 * Second - 1).Length);
        CollectionAssert.AreEqual(
            new[]
            {
                new QuoteAction(QuoteActionKind.Cancel, 1, Side.Buy, new Price(100), new Quantity(10)),
                new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(100), new Quantity(10)),
            },
            Run(r, desired, live, 15 * Second));
    }

    [TestMethod]
    public void A_pending_cancel_is_ignored_until_the_retry_interval_then_sent_again()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions { CancelRetryNanoseconds = Second / 10 });
        var desired = Quotes((Side.Buy, 100, 10));
        LiveOrder[] live = [new(1, Side.Buy, new Price(100), new Quantity(10), 0, CancelSentNanoseconds: Second)];

        // The leaving order does not serve the quote: a new one is placed, and no second cancel yet.
        CollectionAssert.AreEqual(new[] { new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(100), new Quantity(10)) }, Run(r, desired, live, Second + (Second / 10) - 1));
        CollectionAssert.AreEqual(
            new[]
            {
                new QuoteAction(QuoteActionKind.Cancel, 1, Side.Buy, new Price(100), new Quantity(10)),
                new QuoteAction(QuoteActionKind.Place, 0, Side.Buy, new Price(100), new Quantity(10)),
            },
            Run(r, desired, live, Second + (Second / 10)));
    }

    [TestMethod]
    public void Too_short_action_buffer_and_bad_options_are_rejected_with_exact_messages()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions());
        var desired = Quotes((Side.Buy, 100, 10), (Side.Sell, 101, 10));
        var e = Assert.ThrowsExactly<ArgumentException>(() => r.Reconcile(desired, [], 0, new QuoteAction[1]));
        Assert.AreEqual("actions has room for 1 actions; up to 2 may be needed (see MaxActions). (Parameter 'actions')", e.Message);
        var o = Assert.ThrowsExactly<ArgumentException>(() => new QuoteReconciler(new QuoteReconcilerOptions { PriceToleranceTicks = -1 }));
        Assert.AreEqual("PriceToleranceTicks: -1 must not be negative. (Parameter 'options')", o.Message);
        Assert.AreEqual("QuantityToleranceLots: -2 must not be negative.", new QuoteReconcilerOptions { QuantityToleranceLots = -2 }.Validate());
        Assert.AreEqual("MaxOrderAgeNanoseconds: -3 must not be negative.", new QuoteReconcilerOptions { MaxOrderAgeNanoseconds = -3 }.Validate());
        Assert.AreEqual("CancelRetryNanoseconds: -4 must not be negative.", new QuoteReconcilerOptions { CancelRetryNanoseconds = -4 }.Validate());
    }

    [TestMethod]
    public void Reconcile_allocates_nothing()
    {
        var r = new QuoteReconciler(new QuoteReconcilerOptions { PriceToleranceTicks = 1 });
        var desired = Quotes((Side.Buy, 100, 10), (Side.Buy, 99, 10), (Side.Sell, 102, 10));
        LiveOrder[] live = [new(1, Side.Buy, new Price(100), new Quantity(10), 0), new(2, Side.Sell, new Price(105), new Quantity(10), 0)];
        var actions = new QuoteAction[16];
        var total = 0;
        void Reconciles()
        {
            total = 0;
            for (var i = 0; i < 1_000; i++)
            {
                total += r.Reconcile(desired, live, i, actions);
            }
        }

        Reconciles();
        SteadyState.AssertAllocatesNothing("1,000 reconciles", Reconciles);
        Assert.AreEqual(2_000, total);
    }

    [TestMethod]
    public void Property_after_applying_the_actions_live_equals_desired_within_tolerance_and_a_second_pass_does_nothing()
    {
        var orderGen = from side in Gen.Elements(Side.Buy, Side.Sell)
                       from price in Gen.Choose(90, 110)
                       from lots in Gen.Choose(1, 12)
                       from age in Gen.Choose(0, 10)
                       from pending in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
                       select (side, price, lots, age, pending);
        var levelGen = from price in Gen.Choose(90, 110)
                       from lots in Gen.Choose(1, 12)
                       select ((long)price, (long)lots);
        var gen = from liveCount in Gen.Choose(0, 8)
                  from live in Gen.ArrayOf(orderGen, liveCount)
                  from bids in Gen.ArrayOf(levelGen, 3)
                  from asks in Gen.ArrayOf(levelGen, 3)
                  from bidCount in Gen.Choose(0, 3)
                  from askCount in Gen.Choose(0, 3)
                  from priceTolerance in Gen.Choose(0, 3)
                  from sizeTolerance in Gen.Choose(0, 3)
                  from amend in Gen.Elements(true, false)
                  select (live, bids[..bidCount], asks[..askCount], priceTolerance, sizeTolerance, amend);
        var stats = new int[4];
        Prop.ForAll(Arb.From(gen), c =>
        {
            var options = new QuoteReconcilerOptions
            {
                PriceToleranceTicks = c.priceTolerance,
                QuantityToleranceLots = c.sizeTolerance,
                MaxOrderAgeNanoseconds = 8,
                CancelRetryNanoseconds = 5,
                AllowAmend = c.amend,
            };
            var r = new QuoteReconciler(options);
            var desired = new DesiredQuotes(3);
            foreach (var (p, l) in c.Item2.OrderByDescending(x => x.Item1).DistinctBy(x => x.Item1))
            {
                desired.TryAdd(Side.Buy, new Price(p), new Quantity(l));
            }

            foreach (var (p, l) in c.Item3.OrderBy(x => x.Item1).DistinctBy(x => x.Item1))
            {
                desired.TryAdd(Side.Sell, new Price(p), new Quantity(l));
            }

            const long now = 10;
            var live = c.live.Select((o, i) => new LiveOrder(i + 1, o.side, new Price(o.price), new Quantity(o.lots), now - o.age, o.pending ? now - o.age : 0)).ToList();
            var actions = Run(r, desired, [.. live], now);

            // Apply to a list model: a cancel removes the order (pending ones are already leaving), an amend replaces it, a place adds one.
            var model = live.Where(o => !o.IsCancelPending).ToList();
            var nextId = 100;
            var seenCancelFirst = true;
            var phase = 0;
            foreach (var a in actions)
            {
                var rank = a.Kind switch { QuoteActionKind.Cancel => 0, QuoteActionKind.Amend => 1, _ => 2 };
                seenCancelFirst &= rank >= phase;
                phase = rank;
                stats[rank]++;
                switch (a.Kind)
                {
                    case QuoteActionKind.Cancel:
                        Assert.IsTrue(live.Any(o => o.OrderId == a.OrderId));
                        model.RemoveAll(o => o.OrderId == a.OrderId);
                        break;
                    case QuoteActionKind.Amend:
                        Assert.IsTrue(options.AllowAmend);
                        var index = model.FindIndex(o => o.OrderId == a.OrderId);
                        Assert.IsTrue(index >= 0, "amend of an order that is not live");
                        Assert.AreEqual(a.Side, model[index].Side);
                        model[index] = model[index] with { Price = a.Price, Quantity = a.Quantity, CreatedNanoseconds = now };
                        break;
                    default:
                        model.Add(new LiveOrder(nextId++, a.Side, a.Price, a.Quantity, now));
                        break;
                }
            }

            Assert.IsTrue(seenCancelFirst, "cancels, then amends, then places");

            // Live now serves exactly the desired levels: one order per level, within tolerance.
            foreach (var side in new[] { Side.Buy, Side.Sell })
            {
                var orders = model.Where(o => o.Side == side).ToList();
                var levels = desired.Levels(side).ToArray();
                Assert.AreEqual(levels.Length, orders.Count);
                bool Fits(LiveOrder o, QuoteLevel l) => Math.Abs(o.Price.Ticks - l.Price.Ticks) <= c.priceTolerance && Math.Abs(o.Quantity.Lots - l.Quantity.Lots) <= c.sizeTolerance;
                Assert.AreEqual(levels.Length, MaximumMatching(levels, orders, Fits), "every desired level has its own live order within tolerance");
            }

            // Unchanged desired quotes against the new live set: nothing to do.
            Assert.AreEqual(0, Run(r, desired, [.. model], now).Length);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(1_000).WithQuietOnSuccess(true));
        Assert.IsTrue(stats[0] > 300 && stats[1] > 100 && stats[2] > 300, string.Join(",", stats));
    }

    // Kuhn's augmenting paths: the size of a maximum matching of levels to orders.
    private static int MaximumMatching(QuoteLevel[] levels, List<LiveOrder> orders, Func<LiveOrder, QuoteLevel, bool> fits)
    {
        var owner = Enumerable.Repeat(-1, orders.Count).ToArray();
        bool Augment(int level, bool[] seen)
        {
            for (var o = 0; o < orders.Count; o++)
            {
                if (!seen[o] && fits(orders[o], levels[level]))
                {
                    seen[o] = true;
                    if (owner[o] < 0 || Augment(owner[o], seen))
                    {
                        owner[o] = level;
                        return true;
                    }
                }
            }

            return false;
        }

        var matched = 0;
        for (var l = 0; l < levels.Length; l++)
        {
            matched += Augment(l, new bool[orders.Count]) ? 1 : 0;
        }

        return matched;
    }
}
