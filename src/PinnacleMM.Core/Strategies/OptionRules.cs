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
            errors.Add($"{name} {F(value)} must be a positive number.");
        }
    }

    public static void Positive(List<string> errors, decimal value, string name)
    {
        if (value <= 0)
        {
            errors.Add($"{name} {F(value)} must be positive.");
        }
    }

    public static void Positive(List<string> errors, TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{name} {value} must be positive.");
        }
    }

    // min == double.Epsilon means "above 0".
    public static void Range(List<string> errors, double value, double min, double max, string name)
    {
        if (!(value >= min && value <= max))
        {
            errors.Add(min == double.Epsilon
                ? $"{name} {F(value)} must be above 0 and at most {F(max)}."
                : $"{name} {F(value)} must be between {F(min)} and {F(max)}.");
        }
    }

    public static void Range(List<string> errors, long value, long min, long max, string name)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name} {value} must be between {min} and {max}.");
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
