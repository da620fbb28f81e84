using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Risk;

/// <summary>
/// Stops or restricts trading on losses: a halt (no quotes, cancel everything) on drawdown from the equity
/// peak or on the daily loss limit, and reduce-only while the open position's loss reaches the stop loss or
/// its gain the take profit. <see cref="Strategies.MarketMakerStrategy"/> drives it; every trip is counted by reason.
/// </summary>
/// <remarks>
/// <para>
/// Equity is realized + unrealized − fees from <see cref="PositionTracker.Equity(PinnacleMM.Core.Primitives.Price)"/>, marked to the mid. The
/// drawdown halt is latched: it holds until <see cref="Rebase"/> (an operator's resume), which also restarts the
/// peak from the equity then, so the same loss does not trip it again at once. The daily-loss halt lifts by
/// itself when the UTC day (from <see cref="TimeProvider"/>) changes; the day's reference equity is the last
/// equity checked before the change (0, a new position's equity, on the first day). Stop loss and take profit compare the mid with the average entry price
/// and are not latched: they hold while the condition does, and end when the position is flat.
/// </para>
/// <para>Allocation-free; not thread-safe (the strategy thread owns it).</para>
/// </remarks>
public sealed class KillSwitch
{
    private readonly long[] _trips = new long[5];
    private bool _hasEquity;
    private decimal _peak;
    private decimal _lastEquity;
    private decimal _dayStartEquity;
    private long _day = long.MinValue;
    private KillSwitchReason _latched;

    /// <summary>Creates a kill switch with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names every broken field.</exception>
    public KillSwitch(KillSwitchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        Options = options;
    }

    /// <summary>The limits in use.</summary>
    public KillSwitchOptions Options { get; }

    /// <summary>The latched halt in force (<see cref="KillSwitchReason.MaxDrawdown"/> or <see cref="KillSwitchReason.DailyLoss"/>), or <see cref="KillSwitchReason.None"/>.</summary>
    public KillSwitchReason Halt => _latched;

    /// <summary>The highest equity since start or the last <see cref="Rebase"/>.</summary>
    public decimal EquityPeak => _peak;

    /// <summary>The reference equity of the current UTC day.</summary>
    public decimal DayStartEquity => _dayStartEquity;

    /// <summary>How many times the kill switch tripped for <paramref name="reason"/> (a halt latching, or reduce-only starting).</summary>
    public long TripCount(KillSwitchReason reason) => (uint)reason < (uint)_trips.Length ? _trips[(int)reason] : 0;

    /// <summary>
    /// Checks drawdown and daily loss with the position marked to <paramref name="mark"/> at wall time <paramref name="utcNow"/>,
    /// latching a halt when a limit is reached.
    /// </summary>
    /// <returns>The latched halt in force, or <see cref="KillSwitchReason.None"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="position"/> is null.</exception>
    public KillSwitchReason CheckEquity(PositionTracker position, Price mark, DateTimeOffset utcNow)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (mark.Ticks <= 0)
        {
            return _latched;
        }

        var equity = position.Equity(mark);
        var day = utcNow.UtcTicks / TimeSpan.TicksPerDay;
        if (!_hasEquity)
        {
            _hasEquity = true;
            // A new position starts at equity 0: that is the first peak and the first day's reference.
            _peak = Math.Max(0, equity);
            _dayStartEquity = 0;
            _day = day;
        }
        else if (day != _day)
        {
            _day = day;
            _dayStartEquity = _lastEquity;
            if (_latched == KillSwitchReason.DailyLoss)
            {
                _latched = KillSwitchReason.None;
            }
        }

        _lastEquity = equity;
        _peak = Math.Max(_peak, equity);
        if (_latched != KillSwitchReason.None)
        {
            return _latched;
        }

        if (Options.MaxDrawdown > 0 && _peak - equity >= Options.MaxDrawdown)
        {
            Trip(KillSwitchReason.MaxDrawdown);
        }
        else if (Options.DailyLossLimit > 0 && _dayStartEquity - equity >= Options.DailyLossLimit)
        {
            Trip(KillSwitchReason.DailyLoss);
        }

        return _latched;
    }

    /// <summary>
    /// Checks stop loss and take profit: the return of the open position at the mid, in % of its entry value
    /// (long or short). Not latched. A trip is counted when the condition starts.
    /// </summary>
    /// <param name="positionLots">The signed position.</param>
    /// <param name="entryTicks">The average entry price in ticks; a flat position or no entry never trips.</param>
    /// <param name="midHalfTicks">The mid in half-ticks (best bid + best ask); 0 when unknown.</param>
    /// <param name="previous">The reason returned last time, so that only a new trip is counted.</param>
    /// <returns><see cref="KillSwitchReason.StopLoss"/>, <see cref="KillSwitchReason.TakeProfit"/> or <see cref="KillSwitchReason.None"/>.</returns>
    public KillSwitchReason CheckPosition(long positionLots, double entryTicks, long midHalfTicks, KillSwitchReason previous)
    {
        if (positionLots == 0 || entryTicks <= 0 || midHalfTicks <= 0)
        {
            return KillSwitchReason.None;
        }

        var change = ((midHalfTicks * 0.5) - entryTicks) / entryTicks * 100.0 * Math.Sign(positionLots);
        var reason = Options.StopLossPercent > 0 && change <= -Options.StopLossPercent ? KillSwitchReason.StopLoss
            : Options.TakeProfitPercent > 0 && change >= Options.TakeProfitPercent ? KillSwitchReason.TakeProfit
            : KillSwitchReason.None;
        if (reason != KillSwitchReason.None && reason != previous)
        {
            _trips[(int)reason]++;
        }

        return reason;
    }

    /// <summary>Captures what this kill switch remembers, as plain data for a snapshot.</summary>
    public KillSwitchState CaptureState() => new()
    {
        HasEquity = _hasEquity,
        EquityPeak = _peak,
        LastEquity = _lastEquity,
        DayStartEquity = _dayStartEquity,
        UtcDay = _hasEquity ? DateOnly.FromDayNumber((int)_day) : default,
        Halt = _latched,
    };

    /// <summary>Puts back what <see cref="CaptureState"/> captured. Trip counts are not part of it (they count this process's trips).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> is null.</exception>
    /// <exception cref="ArgumentException"><see cref="KillSwitchState.Halt"/> is not None, MaxDrawdown or DailyLoss (nothing is changed).</exception>
    public void RestoreState(KillSwitchState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Halt is not (KillSwitchReason.None or KillSwitchReason.MaxDrawdown or KillSwitchReason.DailyLoss))
        {
            throw new ArgumentException($"Halt {state.Halt} must be None, MaxDrawdown or DailyLoss: only those latch.", nameof(state));
        }

        _hasEquity = state.HasEquity;
        _peak = state.EquityPeak;
        _lastEquity = state.LastEquity;
        _dayStartEquity = state.DayStartEquity;
        _day = state.HasEquity ? state.UtcDay.DayNumber : long.MinValue;
        _latched = state.Halt;
    }

    /// <summary>
    /// Clears a latched halt and restarts the peak and the day's reference from the last equity checked: what an
    /// operator's resume does, so that an old loss does not halt again at once.
    /// </summary>
    public void Rebase()
    {
        _latched = KillSwitchReason.None;
        _peak = _lastEquity;
        _dayStartEquity = _lastEquity;
    }

    private void Trip(KillSwitchReason reason)
    {
        _latched = reason;
        _trips[(int)reason]++;
    }
}
