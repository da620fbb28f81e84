using System.Runtime.CompilerServices;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Core.Risk;

/// <summary>
/// Checks every action before it leaves the process: the trading state (halted: only cancels; reducing:
/// only orders that bring the position towards flat), maximum order size, maximum position counting
/// every open order on the side as filled, maximum notional, a price band around the mid (fat finger),
/// an order rate per one-second window and a maximum number of open orders. Every rejection returns a
/// reason code and is counted. Cancels always pass.
/// </summary>
/// <remarks>
/// <para>Allocation-free; not thread-safe (the strategy thread owns it).</para>
/// <para>
/// Every change of <see cref="State"/> is recorded when it happens (<see cref="StateChangeCount"/>,
/// <see cref="StateChangesInto"/>, <see cref="CopyStateChanges"/>), so that a reader who looks only now and then (a status
/// published every 100 ms) still sees a halt and a resume between two looks, in order. Recording costs nothing while the
/// state stays as it is: <see cref="SetAutomaticState"/>, called at every decision, records only after its existing
/// test found that its inputs changed.
/// </para>
/// <para>
/// The order-rate window is hand-written on purpose, an exception to using System.Threading.RateLimiting: measured
/// (benchmarks/results/strategies.md), <c>FixedWindowRateLimiter.AttemptAcquire</c> allocates a 40-byte lease on every
/// rejection and costs about 11× this whole check, and its windows follow real time, while this check runs on the caller's
/// monotonic time so that simulation and replay with a manual clock are deterministic.
/// </para>
/// </remarks>
public sealed class PreTradeRisk
{
    private const long Second = 1_000_000_000;

    /// <summary>How many changes of <see cref="State"/> are kept for <see cref="CopyStateChanges"/>: the newest 64.</summary>
    public const int StateChangeHistory = 64;

    private readonly long[] _rejections = new long[9];
    private readonly TradingStateChange[] _stateHistory = new TradingStateChange[StateChangeHistory];
    private readonly long[] _stateChangesInto = new long[3];
    private long _stateChanges;
    private long _windowStart;
    private int _windowCount;
    private TradingState _manual;
    private TradingState _automatic;
    private string _manualReason = string.Empty;
    private string _automaticReason = string.Empty;

    /// <summary>Creates a checker with <paramref name="limits"/>, in state <see cref="TradingState.Active"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="limits"/> is null.</exception>
    /// <exception cref="ArgumentException">A limit breaks its rule; the message names it.</exception>
    public PreTradeRisk(RiskLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var error = limits.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(limits));
        }

        Limits = limits;
    }

    /// <summary>The limits enforced.</summary>
    public RiskLimits Limits { get; }

    /// <summary>
    /// The trading state in force: the more restrictive of the manual state (<see cref="Pause"/>, <see cref="Reduce"/>,
    /// <see cref="Resume"/>) and the automatic one (<see cref="SetAutomaticState"/>: kill switch, circuit breaker).
    /// </summary>
    public TradingState State => _manual >= _automatic ? _manual : _automatic;

    /// <summary>Why <see cref="State"/> is what it is (the reason given with the state in force); empty while active.</summary>
    public string StateReason => State == TradingState.Active ? string.Empty : _manual >= _automatic ? _manualReason : _automaticReason;

    /// <summary>The state set by an operator.</summary>
    public TradingState ManualState => _manual;

    /// <summary>The reason given with <see cref="ManualState"/>.</summary>
    public string ManualReason => _manualReason;

    /// <summary>The state set by automatic conditions (kill switch, circuit breaker).</summary>
    public TradingState AutomaticState => _automatic;

    /// <summary>
    /// How many times <see cref="State"/> has changed since this checker was created: by the operator (<see cref="Pause"/>,
    /// <see cref="Reduce"/>, <see cref="Resume"/>) or automatically (<see cref="SetAutomaticState"/>). A call that leaves
    /// <see cref="State"/> as it was (the same state, or one less restrictive than the other state in force) is no change.
    /// </summary>
    public long StateChangeCount => Volatile.Read(ref _stateChanges);

    /// <summary>How many of the <see cref="StateChangeCount"/> changes were into <paramref name="state"/>; 0 for an undefined state.</summary>
    public long StateChangesInto(TradingState state) => (uint)state < (uint)_stateChangesInto.Length ? Volatile.Read(ref _stateChangesInto[(int)state]) : 0;

    /// <summary>
    /// Copies the changes of <see cref="State"/> after the one numbered <paramref name="after"/> (0: from the first), oldest
    /// first, as many as <paramref name="destination"/> holds. Only the newest <see cref="StateChangeHistory"/> are kept: when
    /// more happened since <paramref name="after"/>, the first one copied has a <see cref="TradingStateChange.Sequence"/> above
    /// <paramref name="after"/> + 1 (<see cref="StateChangesInto"/> still counts the ones gone). Allocation-free.
    /// </summary>
    /// <returns>How many changes were copied; 0 when none happened after <paramref name="after"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="after"/> is negative.</exception>
    public int CopyStateChanges(long after, Span<TradingStateChange> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(after);
        var total = Volatile.Read(ref _stateChanges);
        var first = Math.Max(after, total - StateChangeHistory) + 1;
        var count = (int)Math.Min(Math.Max(0, total - first + 1), destination.Length);
        for (var i = 0; i < count; i++)
        {
            destination[i] = _stateHistory[(int)((first + i - 1) & (StateChangeHistory - 1))];
        }

        return count;
    }

    /// <summary>How many actions passed.</summary>
    public long AcceptedCount { get; private set; }

    /// <summary>How many actions were refused, for every reason.</summary>
    public long RejectedCount { get; private set; }

    /// <summary>How many actions were refused for <paramref name="reason"/>.</summary>
    public long RejectionCount(RiskRejectReason reason) => (uint)reason < (uint)_rejections.Length ? _rejections[(int)reason] : 0;

    /// <summary>Operator: stop all new orders (only cancels pass; the strategy quotes nothing, so everything is cancelled) until <see cref="Resume"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Pause(string reason) => SetManual(TradingState.Halted, reason);

    /// <summary>Operator: allow only orders that bring the position towards flat until <see cref="Resume"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Reduce(string reason) => SetManual(TradingState.Reducing, reason);

    /// <summary>
    /// Operator: back to normal trading. Clears the manual state and the automatic one; an automatic condition that
    /// still holds sets its state again at its next check.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Resume(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var before = State;
        _manual = TradingState.Active;
        _manualReason = reason;
        _automatic = TradingState.Active;
        _automaticReason = string.Empty;
        NoteStateChange(before);
    }

    /// <summary>
    /// Sets the automatic state: what the kill switch and circuit breaker require now (the strategy calls this at every
    /// decision). Allocation-free: pass a constant reason.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined state.</exception>
    public void SetAutomaticState(TradingState state, string reason)
    {
        if (state > TradingState.Halted)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, $"state {(int)state} is not Active, Reducing or Halted.");
        }

        // Called at every decision with mostly the same values: skip the stores (and the write barrier) then, and the
        // recording of a change with them.
        if (_automatic != state || !ReferenceEquals(_automaticReason, reason))
        {
            var before = State;
            _automatic = state;
            _automaticReason = reason ?? string.Empty;
            NoteStateChange(before);
        }
    }

    /// <summary>Checks one action.</summary>
    /// <param name="action">The action; cancels always pass.</param>
    /// <param name="positionLots">The current signed position.</param>
    /// <param name="openBuyLots">Remaining lots of our open buy orders (for an amend, without the amended order).</param>
    /// <param name="openSellLots">Remaining lots of our open sell orders (for an amend, without the amended order).</param>
    /// <param name="openOrders">How many orders are open now (for an amend, without the amended order).</param>
    /// <param name="midHalfTicks">The mid in half-ticks (best bid + best ask); 0 when unknown, which fails the price band.</param>
    /// <param name="nowNanoseconds">The monotonic time, for the order rate.</param>
    /// <returns><see cref="RiskRejectReason.None"/> when the action may be sent; otherwise why not (and it is counted).</returns>
    public RiskRejectReason Check(in QuoteAction action, long positionLots, long openBuyLots, long openSellLots, int openOrders, long midHalfTicks, long nowNanoseconds)
    {
        var reason = Evaluate(in action, positionLots, openBuyLots, openSellLots, openOrders, midHalfTicks, nowNanoseconds, commit: true);
        if (reason == RiskRejectReason.None)
        {
            AcceptedCount++;
        }
        else
        {
            _rejections[(int)reason]++;
            RejectedCount++;
        }

        return reason;
    }

    /// <summary>
    /// What <see cref="Check"/> would answer for this action now, without any effect: nothing is counted, and the
    /// action does not use up the order rate. For dry runs and what-if questions.
    /// </summary>
    /// <param name="action">The action; cancels always pass.</param>
    /// <param name="positionLots">The current signed position.</param>
    /// <param name="openBuyLots">Remaining lots of our open buy orders (for an amend, without the amended order).</param>
    /// <param name="openSellLots">Remaining lots of our open sell orders (for an amend, without the amended order).</param>
    /// <param name="openOrders">How many orders are open now (for an amend, without the amended order).</param>
    /// <param name="midHalfTicks">The mid in half-ticks (best bid + best ask); 0 when unknown, which fails the price band.</param>
    /// <param name="nowNanoseconds">The monotonic time, for the order rate.</param>
    /// <returns><see cref="RiskRejectReason.None"/> when the action could be sent; otherwise why not.</returns>
    public RiskRejectReason Preview(in QuoteAction action, long positionLots, long openBuyLots, long openSellLots, int openOrders, long midHalfTicks, long nowNanoseconds) =>
        Evaluate(in action, positionLots, openBuyLots, openSellLots, openOrders, midHalfTicks, nowNanoseconds, commit: false);

    private RiskRejectReason Evaluate(in QuoteAction action, long position, long openBuy, long openSell, int openOrders, long midHalfTicks, long now, bool commit)
    {
        if (action.Kind == QuoteActionKind.Cancel)
        {
            return RiskRejectReason.None;
        }

        if (State == TradingState.Halted)
        {
            return RiskRejectReason.Halted;
        }

        var lots = action.Quantity.Lots;
        var buy = action.Side == Side.Buy;

        // Worst case: every open order on this side fills, then this one.
        var worst = buy ? (Int128)position + openBuy + lots : (Int128)position - openSell - lots;
        if (State == TradingState.Reducing && (buy ? position >= 0 || worst > 0 : position <= 0 || worst < 0))
        {
            return RiskRejectReason.ReduceOnly;
        }

        if (lots > Limits.MaxOrderLots)
        {
            return RiskRejectReason.OrderSize;
        }

        if (Int128.Abs(worst) > Limits.MaxPositionLots)
        {
            return RiskRejectReason.Position;
        }

        if ((Int128)action.Price.Ticks * lots > Limits.MaxNotionalTickLots)
        {
            return RiskRejectReason.Notional;
        }

        if (Limits.PriceBandBps > 0)
        {
            if (midHalfTicks <= 0)
            {
                return RiskRejectReason.PriceBand;
            }

            // |2p - (bid + ask)| / (bid + ask) in bps, without a floating-point price.
            var distance = Math.Abs((2 * (double)action.Price.Ticks) - midHalfTicks) / midHalfTicks * 10_000.0;
            if (distance > Limits.PriceBandBps)
            {
                return RiskRejectReason.PriceBand;
            }
        }

        if (Limits.MaxOpenOrders > 0 && action.Kind == QuoteActionKind.Place && openOrders + 1 > Limits.MaxOpenOrders)
        {
            return RiskRejectReason.OpenOrders;
        }

        if (Limits.MaxOrdersPerSecond > 0)
        {
            // A window that has run out (or never started) starts again with this action.
            var fresh = _windowCount == 0 || now - _windowStart >= Second;
            var inWindow = fresh ? 0 : _windowCount;
            if (inWindow >= Limits.MaxOrdersPerSecond)
            {
                return RiskRejectReason.OrderRate;
            }

            if (commit)
            {
                if (fresh)
                {
                    _windowStart = now;
                }

                _windowCount = inWindow + 1;
            }
        }

        return RiskRejectReason.None;
    }

    private void SetManual(TradingState state, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var before = State;
        _manual = state;
        _manualReason = reason;
        NoteStateChange(before);
    }

    private void NoteStateChange(TradingState before)
    {
        var after = State;
        if (after != before)
        {
            RecordStateChange(before, after);
        }
    }

    // Rare (a change of the state in force): kept out of the callers so that they stay small.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RecordStateChange(TradingState before, TradingState after)
    {
        var sequence = _stateChanges + 1;
        _stateHistory[(int)((sequence - 1) & (StateChangeHistory - 1))] = new TradingStateChange(sequence, before, after, StateReason);
        Volatile.Write(ref _stateChangesInto[(int)after], _stateChangesInto[(int)after] + 1);

        // Published last: a reader that sees the count sees the change recorded with it.
        Volatile.Write(ref _stateChanges, sequence);
    }
}
