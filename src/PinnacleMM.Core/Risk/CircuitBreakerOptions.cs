using System.Globalization;
using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Core.Risk;

/// <summary>
/// When a <see cref="CircuitBreaker"/> trips and what it does. Thresholds are off when 0. Settable so it binds
/// from configuration (for instance as <c>AvellanedaStoikov:CircuitBreaker</c>).
/// </summary>
public sealed class CircuitBreakerOptions
{
    /// <summary>Trip when the mid's volatility (<see cref="Strategies.VolatilityEstimator.VolatilityBps"/>) is above this, in bps per sample; 0 = off.</summary>
    public double VolatilityThresholdBps { get; set; }

    /// <summary>Trip when the market's own spread (best ask − best bid) is above this, in bps of the mid; 0 = off.</summary>
    public double SpreadThresholdBps { get; set; }

    /// <summary>Widen the spread or pause quoting while tripped. Default widen.</summary>
    public CircuitBreakerAction Action { get; set; } = CircuitBreakerAction.Widen;

    /// <summary>The spread multiplier while tripped with <see cref="CircuitBreakerAction.Widen"/>; 1 to 100. Default 2.</summary>
    public double WidenFactor { get; set; } = 2;

    /// <summary>How long the breaker stays tripped after the last reading beyond a threshold; 0 to 365 days. Default 0 (only while beyond).</summary>
    public TimeSpan Cooldown { get; set; }

    /// <summary>Checks every field; returns every broken rule naming the field (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!(VolatilityThresholdBps >= 0) || double.IsInfinity(VolatilityThresholdBps))
        {
            errors.Add($"{nameof(VolatilityThresholdBps)}: {F(VolatilityThresholdBps)} must be a finite number, not negative.");
        }

        if (!(SpreadThresholdBps >= 0) || double.IsInfinity(SpreadThresholdBps))
        {
            errors.Add($"{nameof(SpreadThresholdBps)}: {F(SpreadThresholdBps)} must be a finite number, not negative.");
        }

        if (Action is not (CircuitBreakerAction.Widen or CircuitBreakerAction.Pause))
        {
            errors.Add($"{nameof(Action)}: {(int)Action} must be Widen or Pause.");
        }

        if (!(WidenFactor is >= 1 and <= 100))
        {
            errors.Add($"{nameof(WidenFactor)}: {F(WidenFactor)} must be between 1 and 100.");
        }

        OptionRules.Interval(errors, Cooldown, nameof(Cooldown), allowZero: true);

        return errors;
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
