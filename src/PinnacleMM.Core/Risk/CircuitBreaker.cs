using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Core.Risk;

/// <summary>
/// Trips on market stress — the mid's volatility or the market's spread beyond a threshold — and then widens
/// the quoted spread or pauses quoting, until the stress has been gone for the cooldown.
/// </summary>
/// <remarks>Time is the monotonic clock's, in nanoseconds. Allocation-free; not thread-safe (the strategy thread owns it).</remarks>
public sealed class CircuitBreaker
{
    private readonly long _cooldownNanoseconds;
    private long _trippedUntil;
    private bool _tripped;

    /// <summary>Creates a breaker with <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option breaks its rule; the message names every broken field.</exception>
    public CircuitBreaker(CircuitBreakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        Options = options;
        _cooldownNanoseconds = OptionRules.ToNanoseconds(options.Cooldown, nameof(options.Cooldown), allowZero: true);
    }

    /// <summary>The thresholds and action in use.</summary>
    public CircuitBreakerOptions Options { get; }

    /// <summary>Whether the breaker was tripped at the last <see cref="Evaluate"/>.</summary>
    public bool IsTripped => _tripped;

    /// <summary>Whether quoting is paused: tripped with <see cref="CircuitBreakerAction.Pause"/>.</summary>
    public bool IsPaused => _tripped && Options.Action == CircuitBreakerAction.Pause;

    /// <summary>The spread multiplier now: <see cref="CircuitBreakerOptions.WidenFactor"/> while tripped with <see cref="CircuitBreakerAction.Widen"/>, else 1.</summary>
    public double SpreadMultiplier => _tripped && Options.Action == CircuitBreakerAction.Widen ? Options.WidenFactor : 1;

    /// <summary>How many times the breaker went from normal to tripped.</summary>
    public long TripCount { get; private set; }

    /// <summary>Reads the market and updates <see cref="IsTripped"/>.</summary>
    /// <param name="nowNanoseconds">Monotonic time.</param>
    /// <param name="volatilityBps">The mid's volatility in bps per sample.</param>
    /// <param name="marketSpreadBps">The market's spread in bps of the mid; ignored when not positive (no two-sided book).</param>
    /// <returns>Whether the breaker is tripped now.</returns>
    public bool Evaluate(long nowNanoseconds, double volatilityBps, double marketSpreadBps)
    {
        var stressed = (Options.VolatilityThresholdBps > 0 && volatilityBps > Options.VolatilityThresholdBps)
            || (Options.SpreadThresholdBps > 0 && marketSpreadBps > Options.SpreadThresholdBps);
        if (stressed)
        {
            _trippedUntil = nowNanoseconds + _cooldownNanoseconds;
        }

        var tripped = stressed || nowNanoseconds < _trippedUntil;
        if (tripped && !_tripped)
        {
            TripCount++;
        }

        _tripped = tripped;
        return tripped;
    }
}
