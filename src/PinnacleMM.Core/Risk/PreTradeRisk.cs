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
/// <remarks>Allocation-free; not thread-safe (the strategy thread owns it).</remarks>
public sealed class PreTradeRisk
{
    private const long Second = 1_000_000_000;
    private readonly long[] _rejections = new long[9];
    private long _windowStart;
    private int _windowCount;

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

    /// <summary>The current trading state.</summary>
    public TradingState State { get; private set; }

    /// <summary>Why the state last changed (for logs and operators); empty at start.</summary>
    public string StateReason { get; private set; } = string.Empty;

    /// <summary>How many actions passed.</summary>
    public long AcceptedCount { get; private set; }

    /// <summary>How many actions were refused for <paramref name="reason"/>.</summary>
    public long RejectionCount(RiskRejectReason reason) => (uint)reason < (uint)_rejections.Length ? _rejections[(int)reason] : 0;

    /// <summary>Allows only orders that reduce the position.</summary>
    public void Reduce(string reason) => SetState(TradingState.Reducing, reason);

    /// <summary>Stops all new orders; only cancels pass (the engine then cancels everything).</summary>
    public void Halt(string reason) => SetState(TradingState.Halted, reason);

    /// <summary>Returns to normal trading.</summary>
    public void Resume(string reason) => SetState(TradingState.Active, reason);

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
        var reason = Evaluate(in action, positionLots, openBuyLots, openSellLots, openOrders, midHalfTicks, nowNanoseconds);
        if (reason == RiskRejectReason.None)
        {
            AcceptedCount++;
        }
        else
        {
            _rejections[(int)reason]++;
        }

        return reason;
    }

    private RiskRejectReason Evaluate(in QuoteAction action, long position, long openBuy, long openSell, int openOrders, long midHalfTicks, long now)
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
            if (_windowCount == 0 || now - _windowStart >= Second)
            {
                _windowStart = now;
                _windowCount = 0;
            }

            if (_windowCount >= Limits.MaxOrdersPerSecond)
            {
                return RiskRejectReason.OrderRate;
            }

            _windowCount++;
        }

        return RiskRejectReason.None;
    }

    private void SetState(TradingState state, string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        State = state;
        StateReason = reason;
    }
}
