using System.Globalization;

namespace PinnacleMM.Core.Risk;

/// <summary>
/// The limits of a <see cref="KillSwitch"/>, in quote currency and percent (5 for 5 %). Each one is off when 0.
/// Settable so it binds from configuration (for instance as <c>AvellanedaStoikov:KillSwitch</c>).
/// </summary>
public sealed class KillSwitchOptions
{
    /// <summary>Halt once equity is this far below its peak (since start or the last resume), in quote currency; 0 = off.</summary>
    public decimal MaxDrawdown { get; set; }

    /// <summary>Halt once equity is this far below its level at the start of the UTC day, in quote currency; 0 = off. Lifts at the next UTC day.</summary>
    public decimal DailyLossLimit { get; set; }

    /// <summary>Reduce only while the open position's loss is at least this % of its entry value; 0 = off.</summary>
    public double StopLossPercent { get; set; }

    /// <summary>Reduce only while the open position's gain is at least this % of its entry value; 0 = off.</summary>
    public double TakeProfitPercent { get; set; }

    /// <summary>Checks every field; returns every broken rule naming the field (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxDrawdown < 0)
        {
            errors.Add($"{nameof(MaxDrawdown)}: {MaxDrawdown.ToString(CultureInfo.InvariantCulture)} must not be negative.");
        }

        if (DailyLossLimit < 0)
        {
            errors.Add($"{nameof(DailyLossLimit)}: {DailyLossLimit.ToString(CultureInfo.InvariantCulture)} must not be negative.");
        }

        if (!(StopLossPercent is >= 0 and <= 100))
        {
            errors.Add($"{nameof(StopLossPercent)}: {StopLossPercent.ToString(CultureInfo.InvariantCulture)} must be between 0 and 100.");
        }

        if (!(TakeProfitPercent is >= 0 and <= 1_000))
        {
            errors.Add($"{nameof(TakeProfitPercent)}: {TakeProfitPercent.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1000.");
        }

        return errors;
    }
}
