using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// How much of each venue book level, as the market data feed shows it, is our own orders: the strategy sees each
/// level without that part, so that it never quotes against itself.
/// </summary>
/// <remarks>
/// <para>
/// A level-aggregated feed does not say whose orders a level holds, and it runs independently of the order-entry
/// answers: the level update that shows our new order can come before or after its acknowledgement, and the update
/// that takes it away before or after the cancel's. Subtracting what the order tracker knows (acknowledged orders,
/// or every live order) is therefore wrong in one of the two orders, and a strategy that sees its own quote as
/// somebody else's liquidity (or a hole where its quote still shows) moves its quote, which the feed shows next,
/// which moves the quote again: a storm of amends in a market where nothing else happens.
/// </para>
/// <para>
/// This estimate moves only with the feed. Per level it keeps the own lots believed shown, the own lots still to
/// appear (arriving: places and amends sent, which the venue will add) and the own lots still to disappear (leaving:
/// cancels and amends sent, maker fills). A level increase is taken as ours up to the arriving lots, a decrease up to
/// the leaving lots; the shown lots never exceed the level. Answers correct the expectations: a rejected place or
/// amend will not show, a rejected cancel will not disappear, a taker fill of a new order never rested. When the feed
/// shows each of our changes as an update of its own, the shown lots equal ours whatever the order of the feed, the
/// answers and other participants' changes; someone else's change taken for ours meanwhile is made good by our own
/// change when it arrives. A change the feed never shows separately (netted with others in one batched update) leaves
/// an expectation open: after a grace period (<see cref="TradingEngineOptions.OwnOrderFeedGrace"/>) the level is
/// settled at what our orders there are.
/// </para>
/// <para>Single-threaded (the strategy stage); no allocation after the first few levels.</para>
/// </remarks>
internal sealed class OwnFeedShares
{
    private readonly Dictionary<long, PendingAmend> _amends = new(16);
    private Entry[] _entries = new Entry[16];
    private int _count;

    /// <summary>Levels with an own share or an expectation open.</summary>
    public int Count => _count;

    /// <summary>The own lots believed shown at the level.</summary>
    public long ShownAt(Side side, long priceTicks)
    {
        var i = Find(side, priceTicks);
        return i < 0 ? 0 : _entries[i].ShownLots;
    }

    /// <summary>The feed changed the level from <paramref name="oldLots"/> to <paramref name="newLots"/>.</summary>
    /// <returns>The own lots now believed shown at the level (at most <paramref name="newLots"/>).</returns>
    public long OnFeedChange(Side side, long priceTicks, long oldLots, long newLots, long nowNanoseconds)
    {
        var i = Find(side, priceTicks);
        if (i < 0)
        {
            // No own order there and none expected: the common case of a busy feed.
            return 0;
        }

        ref var entry = ref _entries[i];
        var delta = newLots - oldLots;
        if (delta > 0)
        {
            var ours = Math.Min(delta, entry.ArrivingLots);
            entry.ShownLots += ours;
            entry.ArrivingLots -= ours;
        }
        else if (delta < 0)
        {
            var ours = Math.Min(Math.Min(-delta, entry.LeavingLots), entry.ShownLots);
            entry.ShownLots -= ours;
            entry.LeavingLots -= ours;

            // A decrease nobody announced may be a fill of ours whose answer is still on its way.
            entry.UnexplainedDropLots += -delta - ours;
        }

        entry.ShownLots = Math.Clamp(entry.ShownLots, 0, Math.Max(0, newLots));
        entry.UnexplainedDropLots = Math.Min(entry.UnexplainedDropLots, entry.ShownLots);
        var shown = entry.ShownLots;
        Tidy(i, nowNanoseconds);
        return shown;
    }

    /// <summary>A command is being sent: what it will add to and take from the venue's levels.</summary>
    /// <param name="command">The command.</param>
    /// <param name="order">The order as tracked (cancels and amends: its confirmed price and open size); unused for a place.</param>
    /// <param name="nowNanoseconds">Now (starts the grace period).</param>
    public void OnSent(in OrderCommand command, in TrackedOrder order, long nowNanoseconds)
    {
        switch (command.Kind)
        {
            case OrderCommandKind.Place when command.TimeInForce == TimeInForce.GoodTillCancel:
                Expect(command.Side, command.Price.Ticks, command.Quantity.Lots, 0, nowNanoseconds);
                break;
            case OrderCommandKind.Cancel when order.CancelAttempts <= 1:
                // A retried cancel takes nothing more away.
                Expect(order.Side, order.Price.Ticks, 0, order.LeavesQuantity.Lots, nowNanoseconds);
                break;
            case OrderCommandKind.Amend:
                var amend = new PendingAmend(order.Side, order.Price.Ticks, order.LeavesQuantity.Lots, command.Price.Ticks, command.Quantity.Lots);
                _amends[command.ClientOrderId.Value] = amend;
                Apply(amend, 1, nowNanoseconds);
                break;
        }
    }

    /// <summary>An answer from the venue about an order (<paramref name="before"/>: the order as tracked before it).</summary>
    /// <returns>Whether the own lots shown at the order's level changed (the feed had already shown the change).</returns>
    public bool OnAnswer(in ExecutionEvent e, in TrackedOrder before, long nowNanoseconds)
    {
        switch (e.Kind)
        {
            case ExecutionEventKind.Rejected:
                // The place will never show, and a cancel sent for it meanwhile has nothing to take away.
                Expect(before.Side, before.Price.Ticks, -before.LeavesQuantity.Lots, before.State == OrderState.PendingCancel ? -before.LeavesQuantity.Lots : 0, nowNanoseconds);
                break;
            case ExecutionEventKind.CancelRejected:
                Expect(before.Side, before.Price.Ticks, 0, -before.LeavesQuantity.Lots, nowNanoseconds);
                break;
            case ExecutionEventKind.AmendRejected:
                if (_amends.Remove(e.ClientOrderId.Value, out var rejected))
                {
                    Apply(rejected, -1, nowNanoseconds);
                }

                break;
            case ExecutionEventKind.Amended:
                _amends.Remove(e.ClientOrderId.Value);
                break;
            case ExecutionEventKind.PartiallyFilled or ExecutionEventKind.Filled:
                if (e.Liquidity == Liquidity.Taker)
                {
                    // Filled on arrival: that part never rested.
                    Expect(before.Side, before.Price.Ticks, -e.Quantity.Lots, 0, nowNanoseconds);
                }
                else if (before.State != OrderState.PendingCancel)
                {
                    // (A cancel in flight already takes the whole open size away.)
                    return VenueRemoved(before.Side, before.Price.Ticks, e.Quantity.Lots, nowNanoseconds);
                }

                break;
            case ExecutionEventKind.Cancelled when before.State != OrderState.PendingCancel:
                // Cancelled by the venue, not by us: its open size goes.
                return VenueRemoved(before.Side, before.Price.Ticks, before.LeavesQuantity.Lots, nowNanoseconds);
        }

        return false;
    }

    /// <summary>
    /// The venue took <paramref name="lots"/> of ours away by itself (a fill, its own cancel): a decrease the feed
    /// already showed unexplained was that; the rest is still to come.
    /// </summary>
    private bool VenueRemoved(Side side, long priceTicks, long lots, long now)
    {
        var i = Find(side, priceTicks);
        if (i < 0)
        {
            return false;
        }

        ref var entry = ref _entries[i];
        var seen = Math.Min(lots, entry.UnexplainedDropLots);
        entry.ShownLots -= seen;
        entry.UnexplainedDropLots -= seen;
        Expect(side, priceTicks, 0, lots - seen, now);
        return seen > 0;
    }

    /// <summary>A snapshot of the level: as much of what our orders there are as the level holds is taken as shown.</summary>
    /// <returns>The own lots believed shown.</returns>
    public long OnSnapshotLevel(Side side, long priceTicks, long levelLots, long ownLots, long nowNanoseconds)
    {
        var shown = Math.Clamp(ownLots, 0, Math.Max(0, levelLots));
        if (shown == 0)
        {
            return 0;
        }

        var i = Add(side, priceTicks);
        _entries[i].ShownLots = shown;
        Tidy(i, nowNanoseconds);
        return shown;
    }

    /// <summary>Forgets every level and expectation (a new snapshot is coming).</summary>
    public void Clear()
    {
        _count = 0;
        _amends.Clear();
    }

    /// <summary>The level at <paramref name="index"/> (0 to <see cref="Count"/> - 1), for a periodic check.</summary>
    public (Side Side, long PriceTicks) LevelAt(int index) => (_entries[index].Side, _entries[index].PriceTicks);

    /// <summary>
    /// The periodic check of a level against what our orders there are (<paramref name="ownLots"/>). The level is
    /// settled at them (at most the level: shown, nothing expected any more) when, for a whole grace period,
    /// <list type="bullet">
    /// <item>an expectation has stayed open: the feed never showed that change of ours on its own (netted with others
    /// in one batched update); or</item>
    /// <item>nothing was expected, yet the shown lots differed from our orders there: an error no update explained.</item>
    /// </list>
    /// This bounds any error of the estimate, whatever its cause.
    /// </summary>
    /// <returns>Whether the level was settled.</returns>
    public bool Check(Side side, long priceTicks, long levelLots, long ownLots, long nowNanoseconds, long graceNanoseconds)
    {
        var expected = Math.Clamp(ownLots, 0, Math.Max(0, levelLots));
        var i = Find(side, priceTicks);
        if (i < 0)
        {
            if (expected == 0)
            {
                return false;
            }

            // Our orders rest there, yet nothing of ours is believed shown.
            i = Add(side, priceTicks);
        }

        ref var entry = ref _entries[i];
        if (entry.ArrivingLots != 0 || entry.LeavingLots != 0)
        {
            entry.DivergedSince = 0;
            if (entry.OpenSince == 0 || nowNanoseconds - entry.OpenSince < graceNanoseconds)
            {
                return false;
            }
        }
        else if (entry.ShownLots == expected)
        {
            entry.DivergedSince = 0;
            return false;
        }
        else if (entry.DivergedSince == 0)
        {
            entry.DivergedSince = Math.Max(1, nowNanoseconds);
            return false;
        }
        else if (nowNanoseconds - entry.DivergedSince < graceNanoseconds)
        {
            return false;
        }

        entry.ShownLots = expected;
        entry.ArrivingLots = 0;
        entry.LeavingLots = 0;
        entry.UnexplainedDropLots = 0;
        entry.DivergedSince = 0;
        Tidy(i, nowNanoseconds);
        return true;
    }

    private void Apply(in PendingAmend amend, int sign, long now)
    {
        if (amend.OldPriceTicks == amend.NewPriceTicks)
        {
            var change = amend.NewLots - amend.OldLots;
            Expect(amend.Side, amend.OldPriceTicks, sign * Math.Max(0, change), sign * Math.Max(0, -change), now);
        }
        else
        {
            Expect(amend.Side, amend.OldPriceTicks, 0, sign * amend.OldLots, now);
            Expect(amend.Side, amend.NewPriceTicks, sign * amend.NewLots, 0, now);
        }
    }

    private void Expect(Side side, long priceTicks, long arriving, long leaving, long now)
    {
        var i = Find(side, priceTicks);
        if (i < 0)
        {
            if (arriving <= 0 && leaving <= 0)
            {
                return;
            }

            i = Add(side, priceTicks);
        }

        ref var entry = ref _entries[i];
        entry.ArrivingLots = Math.Max(0, entry.ArrivingLots + arriving);
        entry.LeavingLots = Math.Max(0, entry.LeavingLots + leaving);
        Tidy(i, now);
    }

    private int Add(Side side, long priceTicks)
    {
        var i = Find(side, priceTicks);
        if (i >= 0)
        {
            return i;
        }

        if (_count == _entries.Length)
        {
            Array.Resize(ref _entries, _count * 2);
        }

        _entries[_count] = new Entry { Side = side, PriceTicks = priceTicks };
        return _count++;
    }

    private void Tidy(int i, long now)
    {
        ref var entry = ref _entries[i];
        if (entry.ArrivingLots == 0 && entry.LeavingLots == 0)
        {
            entry.OpenSince = 0;
            if (entry.ShownLots == 0)
            {
                _entries[i] = _entries[--_count];
            }
        }
        else if (entry.OpenSince == 0)
        {
            // 0 means "nothing expected": an expectation opened at time 0 is recorded at 1.
            entry.OpenSince = Math.Max(1, now);
        }
    }

    private int Find(Side side, long priceTicks)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].PriceTicks == priceTicks && _entries[i].Side == side)
            {
                return i;
            }
        }

        return -1;
    }

    private struct Entry
    {
        public Side Side;
        public long PriceTicks;
        public long ShownLots;
        public long ArrivingLots;
        public long LeavingLots;
        public long UnexplainedDropLots;
        public long OpenSince;
        public long DivergedSince;
    }

    private readonly record struct PendingAmend(Side Side, long OldPriceTicks, long OldLots, long NewPriceTicks, long NewLots);
}
