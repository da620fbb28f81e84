using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// Turns desired quotes into the fewest place / cancel / amend actions against the live orders, so that
/// an unchanged quote keeps its order and its queue priority.
/// </summary>
/// <remarks>
/// <para>
/// Per side: a pending cancel is resent when <see cref="QuoteReconcilerOptions.CancelRetryNanoseconds"/>
/// has passed and is otherwise ignored; a live order older than
/// <see cref="QuoteReconcilerOptions.MaxOrderAgeNanoseconds"/> is cancelled and its quote placed anew;
/// as many desired levels as possible keep a live order within the price and size tolerances (a maximum
/// matching, exact matches first, so a live set that serves the quotes is always left alone); a desired level left over takes an unmatched live order by amend (when
/// allowed) or is placed; unmatched live orders left over are cancelled. Actions come out cancels first,
/// then amends, then places, so exposure shrinks before it grows.
/// </para>
/// <para>Stateless apart from its options, allocation-free for up to 256 live orders, safe to share between threads.</para>
/// </remarks>
public sealed class QuoteReconciler
{
    private const int StackLimit = 256;
    private const byte Free = 0;
    private const byte Kept = 1;
    private const byte Amended = 2;
    private const byte Replace = 3;
    private const byte Ignored = 4;

    /// <summary>Creates a reconciler.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names it.</exception>
    public QuoteReconciler(QuoteReconcilerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var error = options.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(options));
        }

        Options = options;
    }

    /// <summary>The tolerances and ages in use.</summary>
    public QuoteReconcilerOptions Options { get; }

    /// <summary>The number of actions <see cref="Reconcile"/> may need at most: every live order cancelled and every desired level placed.</summary>
    public static int MaxActions(DesiredQuotes desired, int liveCount)
    {
        ArgumentNullException.ThrowIfNull(desired);
        return liveCount + desired.BidCount + desired.AskCount;
    }

    /// <summary>Computes the actions that make <paramref name="live"/> serve <paramref name="desired"/>.</summary>
    /// <param name="desired">The quotes wanted now.</param>
    /// <param name="live">Our live orders on this instrument, including those with a cancel pending.</param>
    /// <param name="nowNanoseconds">The current monotonic time, compared with the orders' timestamps.</param>
    /// <param name="actions">Where to write the actions; at least <see cref="MaxActions"/> long.</param>
    /// <returns>How many actions were written; 0 when the live orders already serve the desired quotes.</returns>
    /// <exception cref="ArgumentException"><paramref name="actions"/> is shorter than <see cref="MaxActions"/> (nothing is written).</exception>
    public int Reconcile(DesiredQuotes desired, ReadOnlySpan<LiveOrder> live, long nowNanoseconds, Span<QuoteAction> actions)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var needed = MaxActions(desired, live.Length);
        if (actions.Length < needed)
        {
            ThrowActionsTooShort(actions.Length, needed);
        }

        // The steady state of a quoting engine: every live order still serves one quote. Nothing to do.
        if (ServesAll(desired, live, nowNanoseconds))
        {
            return 0;
        }

        // Per live order: Free, Kept, Amended, Replace (too old: cancel) or Ignored (cancel pending). Sized to
        // the actual counts: stack space is zeroed, and zeroing 256-slot buffers cost more than the matching.
        Span<byte> state = live.Length <= StackLimit ? stackalloc byte[live.Length] : new byte[live.Length];

        // Per desired level (bids then asks): the live order kept for it, the one amended to it (encoded
        // as -2 - index), or -1 to place it.
        var bidCount = desired.BidCount;
        var levelCount = bidCount + desired.AskCount;
        Span<int> plan = levelCount <= StackLimit ? stackalloc int[levelCount] : new int[levelCount];

        var count = 0;
        for (var i = 0; i < live.Length; i++)
        {
            ref readonly var order = ref live[i];
            if (order.IsCancelPending)
            {
                state[i] = Ignored;
                if (Options.CancelRetryNanoseconds > 0 && nowNanoseconds - order.CancelSentNanoseconds >= Options.CancelRetryNanoseconds)
                {
                    actions[count++] = new QuoteAction(QuoteActionKind.Cancel, order.OrderId, order.Side, order.Price, order.Quantity);
                }
            }
            else if (Options.MaxOrderAgeNanoseconds > 0 && nowNanoseconds - order.CreatedNanoseconds >= Options.MaxOrderAgeNanoseconds)
            {
                state[i] = Replace;
            }
        }

        // Keep as many live orders as possible: a maximum matching of levels to live orders within
        // tolerance (augmenting paths), exact matches first, so that a live set that already serves the
        // quotes is always recognised as such.
        Span<int> owner = live.Length <= StackLimit ? stackalloc int[live.Length] : new int[live.Length];
        owner.Fill(-1);
        plan.Fill(-1);
        Span<bool> seen = live.Length <= StackLimit ? stackalloc bool[live.Length] : new bool[live.Length];
        var matching = new Matching(this, desired, live, state, owner, seen, plan);
        for (var stage = 0; stage < 2; stage++)
        {
            for (var d = 0; d < levelCount; d++)
            {
                if (plan[d] == -1)
                {
                    seen.Clear();
                    matching.Augment(d, exact: stage == 0);
                }
            }
        }

        for (var i = 0; i < live.Length; i++)
        {
            if (owner[i] >= 0)
            {
                state[i] = Kept;
            }
        }

        for (var d = 0; d < levelCount; d++)
        {
            if (plan[d] != -1 || !Options.AllowAmend)
            {
                continue;
            }

            var side = d < bidCount ? Side.Buy : Side.Sell;
            for (var i = 0; i < live.Length; i++)
            {
                if (state[i] == Free && live[i].Side == side)
                {
                    state[i] = Amended;
                    plan[d] = -2 - i;
                    break;
                }
            }
        }

        for (var i = 0; i < live.Length; i++)
        {
            if (state[i] is Free or Replace)
            {
                ref readonly var order = ref live[i];
                actions[count++] = new QuoteAction(QuoteActionKind.Cancel, order.OrderId, order.Side, order.Price, order.Quantity);
            }
        }

        for (var pass = 0; pass < 2; pass++)
        {
            for (var d = 0; d < levelCount; d++)
            {
                var isAmend = plan[d] <= -2;
                if ((pass == 0 && !isAmend) || (pass == 1 && plan[d] != -1))
                {
                    continue;
                }

                var side = d < bidCount ? Side.Buy : Side.Sell;
                var level = d < bidCount ? desired.Bids[d] : desired.Asks[d - bidCount];
                var orderId = isAmend ? live[-2 - plan[d]].OrderId : 0;
                actions[count++] = new QuoteAction(isAmend ? QuoteActionKind.Amend : QuoteActionKind.Place, orderId, side, level.Price, level.Quantity);
            }
        }

        return count;
    }

    // Whether a greedy pairing already gives every desired level its own live order within tolerance, using every
    // live order, none leaving or too old. Then a maximum matching is perfect too, and the full algorithm would emit
    // nothing: this is only a shortcut to the same answer.
    private bool ServesAll(DesiredQuotes desired, ReadOnlySpan<LiveOrder> live, long now)
    {
        if (live.Length != desired.BidCount + desired.AskCount || live.Length > 64)
        {
            return false;
        }

        for (var i = 0; i < live.Length; i++)
        {
            ref readonly var order = ref live[i];
            if (order.IsCancelPending || (Options.MaxOrderAgeNanoseconds > 0 && now - order.CreatedNanoseconds >= Options.MaxOrderAgeNanoseconds))
            {
                return false;
            }
        }

        var used = 0UL;
        return Pairs(desired.Bids, Side.Buy, live, ref used) && Pairs(desired.Asks, Side.Sell, live, ref used);
    }

    private bool Pairs(ReadOnlySpan<QuoteLevel> levels, Side side, ReadOnlySpan<LiveOrder> live, ref ulong used)
    {
        foreach (var level in levels)
        {
            var found = false;
            for (var i = 0; i < live.Length; i++)
            {
                var bit = 1UL << i;
                if ((used & bit) == 0 && live[i].Side == side && Fits(in live[i], level, exact: false))
                {
                    used |= bit;
                    found = true;
                    break;
                }
            }

            if (!found)
            {
                return false;
            }
        }

        return true;
    }

    private bool Fits(in LiveOrder order, QuoteLevel level, bool exact) =>
        exact
            ? order.Price == level.Price && order.Quantity == level.Quantity
            : Math.Abs(order.Price.Ticks - level.Price.Ticks) <= Options.PriceToleranceTicks
              && Math.Abs(order.Quantity.Lots - level.Quantity.Lots) <= Options.QuantityToleranceLots;

    private readonly ref struct Matching(
        QuoteReconciler reconciler,
        DesiredQuotes desired,
        ReadOnlySpan<LiveOrder> live,
        Span<byte> state,
        Span<int> owner,
        Span<bool> seen,
        Span<int> plan)
    {
        private readonly QuoteReconciler _reconciler = reconciler;
        private readonly DesiredQuotes _desired = desired;
        private readonly ReadOnlySpan<LiveOrder> _live = live;
        private readonly Span<byte> _state = state;
        private readonly Span<int> _owner = owner;
        private readonly Span<bool> _seen = seen;
        private readonly Span<int> _plan = plan;

        // Finds a live order for level d, moving other levels to other orders when that frees one (Kuhn).
        public bool Augment(int d, bool exact)
        {
            var bidCount = _desired.BidCount;
            var side = d < bidCount ? Side.Buy : Side.Sell;
            var level = d < bidCount ? _desired.Bids[d] : _desired.Asks[d - bidCount];
            for (var i = 0; i < _live.Length; i++)
            {
                if (_seen[i] || _state[i] != Free || _live[i].Side != side || !_reconciler.Fits(in _live[i], level, exact))
                {
                    continue;
                }

                _seen[i] = true;
                if (_owner[i] < 0 || Augment(_owner[i], exact))
                {
                    _owner[i] = d;
                    _plan[d] = i;
                    return true;
                }
            }

            return false;
        }
    }

    private static void ThrowActionsTooShort(int length, int needed) =>
        throw new ArgumentException($"actions has room for {length} actions; up to {needed} may be needed (see MaxActions).", "actions");
}
