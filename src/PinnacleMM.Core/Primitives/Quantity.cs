using System.Diagnostics;
using System.Globalization;

namespace PinnacleMM.Core.Primitives;

/// <summary>
/// A quantity as a whole number of lots of an <see cref="InstrumentSpec"/>. Fixed point by design.
/// Convert from and to <see cref="decimal"/> or text only at the edges, through
/// <see cref="InstrumentSpec.TryGetQuantity(decimal, out Quantity, out string?, string, bool)"/> and
/// <see cref="InstrumentSpec.ToDecimal(Quantity)"/>.
/// </summary>
/// <param name="Lots">The quantity in lots.</param>
[DebuggerDisplay("{Lots} lots")]
public readonly record struct Quantity(long Lots) : IComparable<Quantity>
{
    /// <summary>No quantity.</summary>
    public static Quantity Zero => default;

    /// <summary>Creates a quantity from a number of lots.</summary>
    public static Quantity FromLots(long lots) => new(lots);

    /// <summary>Whether this quantity is zero.</summary>
    public bool IsZero => Lots == 0;

    /// <inheritdoc />
    public int CompareTo(Quantity other) => Lots.CompareTo(other.Lots);

    /// <summary>Whether <paramref name="left"/> is smaller than <paramref name="right"/>.</summary>
    public static bool operator <(Quantity left, Quantity right) => left.Lots < right.Lots;

    /// <summary>Whether <paramref name="left"/> is larger than <paramref name="right"/>.</summary>
    public static bool operator >(Quantity left, Quantity right) => left.Lots > right.Lots;

    /// <summary>Whether <paramref name="left"/> is smaller than or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(Quantity left, Quantity right) => left.Lots <= right.Lots;

    /// <summary>Whether <paramref name="left"/> is larger than or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(Quantity left, Quantity right) => left.Lots >= right.Lots;

    /// <summary>The sum of two quantities (checked: overflow throws).</summary>
    public static Quantity operator +(Quantity left, Quantity right) => new(checked(left.Lots + right.Lots));

    /// <summary>The difference of two quantities (checked: overflow throws).</summary>
    public static Quantity operator -(Quantity left, Quantity right) => new(checked(left.Lots - right.Lots));

    /// <summary>The smaller of two quantities.</summary>
    public static Quantity Min(Quantity left, Quantity right) => left.Lots <= right.Lots ? left : right;

    /// <summary>Formats the number of lots, e.g. <c>250L</c>; use <see cref="InstrumentSpec.Format(Quantity)"/> for base-currency units.</summary>
    public override string ToString() => Lots.ToString(CultureInfo.InvariantCulture) + "L";
}
