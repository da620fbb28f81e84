using System.Globalization;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>The rule checks shared by the strategies' options, so every config words its errors the same way.</summary>
internal static class OptionRules
{
    public static void Positive(List<string> errors, double value, string name)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            errors.Add($"{name}: {F(value)} must be a positive number.");
        }
    }

    public static void Positive(List<string> errors, decimal value, string name)
    {
        if (value <= 0)
        {
            errors.Add($"{name}: {F(value)} must be positive.");
        }
    }

    /// <summary>
    /// The longest time span option: its nanoseconds (a long, up to about 292 years) then fit with room to spare for adding it to
    /// any monotonic timestamp, and a year is far beyond any sensible interval, timeout or cooldown.
    /// </summary>
    public static readonly TimeSpan MaxInterval = TimeSpan.FromDays(365);

    /// <summary>The rule of every time span option that is used in nanoseconds: not negative (or positive), at most <see cref="MaxInterval"/>.</summary>
    public static void Interval(List<string> errors, TimeSpan value, string name, bool allowZero)
    {
        if (IntervalError(value, name, allowZero) is { } error)
        {
            errors.Add(error);
        }
    }

    /// <summary>A time span option in nanoseconds; one that breaks <see cref="Interval"/> is refused with the same message, naming the option.</summary>
    public static long ToNanoseconds(TimeSpan value, string name, bool allowZero) =>
        IntervalError(value, name, allowZero) is { } error ? throw new ArgumentException(error, name) : value.Ticks * TimeSpan.NanosecondsPerTick;

    private static string? IntervalError(TimeSpan value, string name, bool allowZero) =>
        value < TimeSpan.Zero || (value == TimeSpan.Zero && !allowZero) || value > MaxInterval
            ? $"{name}: {value} must be {(allowZero ? "between 0 and" : "positive and at most")} {MaxInterval.TotalDays.ToString(CultureInfo.InvariantCulture)} days."
            : null;

    // min == double.Epsilon means "above 0".
    public static void Range(List<string> errors, double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add(min == double.Epsilon
                ? $"{name}: {F(value)} must be above 0 and at most {F(max)}."
                : $"{name}: {F(value)} must be between {F(min)} and {F(max)}.");
        }
    }

    public static void Range(List<string> errors, long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name}: {value} must be between {min} and {max}.");
        }
    }

    // A configured quantity in whole lots of the instrument; off the grid (or zero when not allowed) is refused naming the field.
    public static long Lots(InstrumentSpec instrument, decimal value, string field, bool allowZero) =>
        instrument.TryGetQuantity(value, out var quantity, out var error, field, allowZero: true) && (allowZero || quantity.Lots > 0)
            ? quantity.Lots
            : throw new ArgumentException(error ?? $"{field} must be positive.", field);

    public static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

    public static string F(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
