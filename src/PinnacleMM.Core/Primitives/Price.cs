using System.Diagnostics;
using System.Globalization;

namespace PinnacleMM.Core.Primitives;

/// <summary>
/// A price as a whole number of ticks of an <see cref="InstrumentSpec"/>. Fixed point by design: no
/// floating point is ever involved, so equal prices compare equal and arithmetic is exact.
/// Convert from and to <see cref="decimal"/> or text only at the edges, through
/// <see cref="InstrumentSpec.TryGetPrice(decimal, out Price, out string?, string)"/> and
/// <see cref="InstrumentSpec.ToDecimal(Price)"/>.
/// </summary>
/// <param name="Ticks">The price in ticks.</param>
[DebuggerDisplay("{Ticks} ticks")]
public readonly record struct Price(long Ticks) : IComparable<Price>
{
    /// <summary>The zero price (0 ticks); also the price of a market order, which has none.</summary>
    public static Price Zero => default;

    /// <summary>Creates a price from a number of ticks.</summary>
    public static Price FromTicks(long ticks) => new(ticks);

    /// <inheritdoc />
    public int CompareTo(Price other) => Ticks.CompareTo(other.Ticks);

    /// <summary>Whether <paramref name="left"/> is lower than <paramref name="right"/>.</summary>
    public static bool operator <(Price left, Price right) => left.Ticks < right.Ticks;

    /// <summary>Whether <paramref name="left"/> is higher than <paramref name="right"/>.</summary>
    public static bool operator >(Price left, Price right) => left.Ticks > right.Ticks;

    /// <summary>Whether <paramref name="left"/> is lower than or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(Price left, Price right) => left.Ticks <= right.Ticks;

    /// <summary>Whether <paramref name="left"/> is higher than or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(Price left, Price right) => left.Ticks >= right.Ticks;

    /// <summary>Adds a number of ticks (checked: overflow throws).</summary>
    public static Price operator +(Price price, long ticks) => new(checked(price.Ticks + ticks));

    /// <summary>Subtracts a number of ticks (checked: overflow throws).</summary>
    public static Price operator -(Price price, long ticks) => new(checked(price.Ticks - ticks));

    /// <summary>The distance between two prices in ticks.</summary>
    public static long operator -(Price left, Price right) => checked(left.Ticks - right.Ticks);

    /// <summary>Formats the number of ticks, e.g. <c>12345t</c>; use <see cref="InstrumentSpec.Format(Price)"/> for a price in quote currency.</summary>
    public override string ToString() => Ticks.ToString(CultureInfo.InvariantCulture) + "t";
}
