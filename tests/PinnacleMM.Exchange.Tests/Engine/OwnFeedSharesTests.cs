using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// <see cref="OwnFeedShares"/> against a model venue: one price level, other participants adding and removing, our
/// places, cancels and maker fills, a feed and an answer channel that each deliver in order but independently of each
/// other. Whatever the interleaving, once everything is delivered our part of the level is exactly our resting size,
/// or an expectation is still open and the grace period settles it: the estimate is never silently wrong.
/// </summary>
[TestClass]
public sealed class OwnFeedSharesTests
{
    private const long Price = 10_000;
    private static readonly InstrumentId Instrument = new(1);

    [TestMethod]
    public void The_feed_before_the_acknowledgement_and_after_it_give_the_same_share()
    {
        // Feed first: the level shows our 5 lots before the answer.
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 5), default, 1);
        Assert.AreEqual(5, shares.OnFeedChange(Side.Buy, Price, 10, 15, 2));
        shares.OnAnswer(Answer(ExecutionEventKind.Accepted, 1, 0), Order(1, 5, OrderState.PendingNew), 3);
        Assert.AreEqual(5, shares.ShownAt(Side.Buy, Price));

        // Answer first, then the feed.
        var other = new OwnFeedShares();
        other.OnSent(Place(1, 5), default, 1);
        other.OnAnswer(Answer(ExecutionEventKind.Accepted, 1, 0), Order(1, 5, OrderState.PendingNew), 2);
        Assert.AreEqual(0, other.ShownAt(Side.Buy, Price), "not shown yet: the level is all somebody else's");
        Assert.AreEqual(5, other.OnFeedChange(Side.Buy, Price, 10, 15, 3));
    }

    [TestMethod]
    public void A_cancel_and_a_new_order_at_the_same_price_are_followed_one_change_at_a_time()
    {
        // The case that made "move toward the target" wrong: 49 lots leave and 74 arrive at one level.
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 49), default, 1);
        Assert.AreEqual(49, shares.OnFeedChange(Side.Buy, Price, 21, 70, 2));
        shares.OnSent(OrderCommand.Cancel(Instrument, new ClientOrderId(1)), Order(1, 49, OrderState.PendingCancel, cancelAttempts: 1), 3);
        shares.OnSent(Place(2, 74), default, 3);
        Assert.AreEqual(0, shares.OnFeedChange(Side.Buy, Price, 70, 21, 4), "the 21 lots left are somebody else's");
        Assert.AreEqual(74, shares.OnFeedChange(Side.Buy, Price, 21, 95, 5));
    }

    [TestMethod]
    public void Someone_elses_increase_taken_for_ours_is_made_good_by_ours()
    {
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 5), default, 1);
        Assert.AreEqual(3, shares.OnFeedChange(Side.Buy, Price, 10, 13, 2), "3 lots of somebody else's, taken for ours");
        Assert.AreEqual(5, shares.OnFeedChange(Side.Buy, Price, 13, 18, 3), "ours arrive: 5 of the 18 are ours");
    }

    [TestMethod]
    public void Rejections_close_what_was_expected()
    {
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 5), default, 1);
        shares.OnAnswer(Answer(ExecutionEventKind.Rejected, 1, 0), Order(1, 5, OrderState.PendingNew), 2);
        Assert.AreEqual(0, shares.OnFeedChange(Side.Buy, Price, 10, 15, 3), "a rejected place never shows: the increase is somebody else's");
        Assert.AreEqual(0, shares.Count);

        shares.OnSent(Place(2, 5), default, 4);
        Assert.AreEqual(5, shares.OnFeedChange(Side.Buy, Price, 15, 20, 5));
        shares.OnSent(OrderCommand.Amend(Instrument, new ClientOrderId(2), new Price(Price + 1), new Quantity(5)), Order(2, 5, OrderState.Open), 6);
        shares.OnAnswer(Answer(ExecutionEventKind.AmendRejected, 2, 0), Order(2, 5, OrderState.Open), 7);
        Assert.AreEqual(5, shares.OnFeedChange(Side.Buy, Price, 20, 17, 8), "the amend was refused: our 5 lots are still there");
        Assert.AreEqual(0, shares.OnFeedChange(Side.Buy, Price + 1, 0, 4, 8));
    }

    [TestMethod]
    public void A_change_the_feed_never_shows_on_its_own_is_settled_after_the_grace_period()
    {
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 5), default, 1_000);

        // Netted: somebody else's 5 lots left in the same batched update that added ours.
        Assert.AreEqual(0, shares.OnFeedChange(Side.Buy, Price, 10, 10, 2_000));
        Assert.IsFalse(shares.Check(Side.Buy, Price, 10, 5, 1_999, graceNanoseconds: 1_000), "still within the grace period");
        Assert.AreEqual(0, shares.ShownAt(Side.Buy, Price));
        Assert.IsTrue(shares.Check(Side.Buy, Price, 10, 5, 2_000, graceNanoseconds: 1_000));
        Assert.AreEqual(5, shares.ShownAt(Side.Buy, Price));
        Assert.IsFalse(shares.Check(Side.Buy, Price, 10, 5, long.MaxValue, graceNanoseconds: 1_000), "settled: nothing expected any more");
    }

    [TestMethod]
    public void Our_share_never_exceeds_the_level()
    {
        var shares = new OwnFeedShares();
        shares.OnSent(Place(1, 5), default, 1);
        Assert.AreEqual(5, shares.OnFeedChange(Side.Buy, Price, 0, 5, 2));
        Assert.AreEqual(2, shares.OnFeedChange(Side.Buy, Price, 5, 2, 3), "a level of 2 holds at most 2 of ours");
        Assert.AreEqual(0, shares.OnFeedChange(Side.Buy, Price, 2, 0, 4));
    }

    [TestMethod]
    public void Any_interleaving_of_feed_answers_and_other_participants_ends_with_our_exact_share()
    {
        var steps = Gen.Choose(0, 7).ArrayOf().Select(a => a.Take(60).ToArray());
        var exactRuns = 0;
        var runs = 0;
        Prop.ForAll(Arb.From(steps), Gen.Choose(1, 1_000_000).ToArbitrary(), (kinds, seed) =>
        {
            var model = new ModelVenue(new Random(seed));
            foreach (var kind in kinds)
            {
                model.Step(kind);
            }

            model.DrainAll();

            // Every update and answer delivered: the share is exact, or the engine's periodic checks, given what our
            // own order tracking says rests there (never the venue's truth), settle it within two grace periods.
            var exactAtOnce = model.Shares.ShownAt(Side.Buy, Price) == model.OurVenueLots;
            model.SettleAsTheEngineDoes();
            var exactAfterGrace = model.Shares.ShownAt(Side.Buy, Price) == model.OurVenueLots;
            exactRuns += exactAtOnce ? 1 : 0;
            runs++;
            Assert.IsTrue(model.ShareAlwaysWithinLevel, "a feed update left our share outside 0..level");
            Assert.AreEqual(model.OurVenueLots, model.OurTrackedLots, "our tracking agrees with the venue once every answer is in");
            return exactAfterGrace;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(500));

        // The feed's own updates, attributed through the expectations, are enough in most runs (about 88 %): the
        // grace period is a backstop for the changes a same-sized change of others hid, not the mechanism.
        Console.WriteLine($"exact without the grace period in {exactRuns} of {runs} runs");
        Assert.IsTrue(exactRuns >= runs * 3 / 4, $"exact without the grace period in only {exactRuns} of {runs} runs");
    }

    private static OrderCommand Place(long id, long lots) =>
        OrderCommand.Place(Instrument, new ClientOrderId(id), Side.Buy, new Price(Price), new Quantity(lots));

    private static ExecutionEvent Answer(ExecutionEventKind kind, long id, long lots, Liquidity liquidity = Liquidity.Maker) => new()
    {
        Kind = kind,
        Instrument = Instrument,
        ClientOrderId = new ClientOrderId(id),
        Side = Side.Buy,
        Price = new Price(Price),
        Quantity = new Quantity(lots),
        Liquidity = liquidity,
    };

    private static TrackedOrder Order(long id, long leaves, OrderState state, int cancelAttempts = 0) =>
        new(new ClientOrderId(id), default, Side.Buy, new Price(Price), new Quantity(leaves), new Quantity(leaves), default, state, 0, 0, cancelAttempts, false, false);

    /// <summary>
    /// One level at a venue: commands reach it in order, each venue change is a feed update of its own (delivered in
    /// order), each answer to us is delivered in order; the two channels are independent.
    /// </summary>
    private sealed class ModelVenue(Random random)
    {
        private readonly Queue<OrderCommand> _inbox = new();
        private readonly Queue<long> _feed = new();
        private readonly Queue<(ExecutionEvent Event, long Lots)> _answers = new();
        private readonly Dictionary<long, long> _venueOrders = [];
        private readonly Dictionary<long, (long Leaves, OrderState State, int CancelAttempts)> _tracked = [];
        private long _others = 20;
        private long _shownLevel = 20;
        private long _nextId;
        private long _now;

        public OwnFeedShares Shares { get; } = new();

        public long OurVenueLots => _venueOrders.Values.Sum();

        /// <summary>Our lots resting at the level as our order tracking knows them (the engine's RestingTargetLotsAt: not cancelling).</summary>
        public long OurTrackedLots => _tracked.Values.Where(t => t.State is OrderState.PendingNew or OrderState.Open).Sum(t => t.Leaves);

        /// <summary>Whether every feed update left our believed share between 0 and the level shown.</summary>
        public bool ShareAlwaysWithinLevel { get; private set; } = true;

        private long Level => _others + OurVenueLots;

        public void Step(int kind)
        {
            _now++;
            switch (kind)
            {
                case 0:
                    _others += random.Next(1, 6);
                    _feed.Enqueue(Level);
                    break;
                case 1 when _others > 0:
                    _others -= random.Next(1, (int)Math.Min(5, _others) + 1);
                    _feed.Enqueue(Level);
                    break;
                case 2:
                    var id = ++_nextId;
                    var lots = random.Next(1, 8);
                    var place = OrderCommand.Place(Instrument, new ClientOrderId(id), Side.Buy, new Price(Price), new Quantity(lots));
                    _tracked[id] = (lots, OrderState.PendingNew, 0);
                    Shares.OnSent(place, default, _now);
                    _inbox.Enqueue(place);
                    break;
                case 3:
                    var open = _tracked.Where(t => t.Value.State is OrderState.PendingNew or OrderState.Open).Select(t => t.Key).ToList();
                    if (open.Count > 0)
                    {
                        var cancelId = open[random.Next(open.Count)];
                        var t = _tracked[cancelId];
                        _tracked[cancelId] = (t.Leaves, OrderState.PendingCancel, t.CancelAttempts + 1);
                        Shares.OnSent(OrderCommand.Cancel(Instrument, new ClientOrderId(cancelId)), Tracked(cancelId), _now);
                        _inbox.Enqueue(OrderCommand.Cancel(Instrument, new ClientOrderId(cancelId)));
                    }

                    break;
                case 4:
                    VenueProcessesOne();
                    break;
                case 5 when _feed.Count > 0:
                    DeliverFeed();
                    break;
                case 6 when _answers.Count > 0:
                    DeliverAnswer();
                    break;
                case 7 when _venueOrders.Count > 0:
                    // A maker fill decided by the venue.
                    var (fillId, resting) = _venueOrders.ElementAt(random.Next(_venueOrders.Count));
                    var fill = random.Next(1, (int)resting + 1);
                    if (fill == resting)
                    {
                        _venueOrders.Remove(fillId);
                    }
                    else
                    {
                        _venueOrders[fillId] = resting - fill;
                    }

                    _feed.Enqueue(Level);
                    _answers.Enqueue((Answer(fill == resting ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled, fillId, fill), fill));
                    break;
            }
        }

        public void SettleAsTheEngineDoes()
        {
            const long Grace = 1_000;
            for (var round = 0; round < 3; round++)
            {
                _now += Grace;
                Shares.Check(Side.Buy, Price, _shownLevel, OurTrackedLots, _now, Grace);
            }
        }

        public void DrainAll()
        {
            while (_inbox.Count > 0 || _feed.Count > 0 || _answers.Count > 0)
            {
                Step(random.Next(4, 7));
            }
        }

        private void VenueProcessesOne()
        {
            if (!_inbox.TryDequeue(out var command))
            {
                return;
            }

            var id = command.ClientOrderId.Value;
            if (command.Kind == OrderCommandKind.Place)
            {
                if (random.Next(8) == 0)
                {
                    _answers.Enqueue((Answer(ExecutionEventKind.Rejected, id, 0), 0));
                    return;
                }

                _venueOrders[id] = command.Quantity.Lots;
                _feed.Enqueue(Level);
                _answers.Enqueue((Answer(ExecutionEventKind.Accepted, id, 0), 0));
            }
            else if (_venueOrders.Remove(id))
            {
                _feed.Enqueue(Level);
                _answers.Enqueue((Answer(ExecutionEventKind.Cancelled, id, 0), 0));
            }
            else
            {
                _answers.Enqueue((Answer(ExecutionEventKind.CancelRejected, id, 0), 0));
            }
        }

        private void DeliverFeed()
        {
            var level = _feed.Dequeue();
            var shown = Shares.OnFeedChange(Side.Buy, Price, _shownLevel, level, _now);
            ShareAlwaysWithinLevel &= shown >= 0 && shown <= level && shown == Shares.ShownAt(Side.Buy, Price);
            _shownLevel = level;
        }

        private void DeliverAnswer()
        {
            var (e, lots) = _answers.Dequeue();
            var id = e.ClientOrderId.Value;
            var before = Tracked(id);
            Shares.OnAnswer(e, before, _now);
            var t = _tracked[id];
            _tracked[id] = e.Kind switch
            {
                ExecutionEventKind.Accepted => (t.Leaves, t.State == OrderState.PendingNew ? OrderState.Open : t.State, t.CancelAttempts),
                ExecutionEventKind.Rejected or ExecutionEventKind.Cancelled => (0, OrderState.Cancelled, t.CancelAttempts),
                ExecutionEventKind.Filled => (0, OrderState.Filled, t.CancelAttempts),
                ExecutionEventKind.PartiallyFilled => (t.Leaves - lots, t.State, t.CancelAttempts),
                _ => t,
            };
        }

        private TrackedOrder Tracked(long id)
        {
            var t = _tracked[id];
            return new(new ClientOrderId(id), default, Side.Buy, new Price(Price), new Quantity(t.Leaves), new Quantity(t.Leaves), default, t.State, 0, 0, t.CancelAttempts, false, false);
        }
    }
}
