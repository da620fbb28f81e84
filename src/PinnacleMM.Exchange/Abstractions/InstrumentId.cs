using System.Globalization;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// A small handle for an instrument, carried in every normalized event instead of its symbol so that
/// events stay fixed-size structs without references. Ids are handed out by an
/// <see cref="InstrumentRegistry"/> from 1 upwards; the default value <see cref="None"/> (0) means "no
/// instrument" or, where a command says so, "all instruments".
/// </summary>
/// <param name="Value">The id: positive for a registered instrument, 0 for none.</param>
public readonly record struct InstrumentId(int Value)
{
    /// <summary>No instrument (0); for <see cref="OrderCommandKind.CancelAll"/>, every instrument.</summary>
    public static InstrumentId None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => Value == 0;

    /// <summary>Formats the id, e.g. <c>#3</c>.</summary>
    public override string ToString() => "#" + Value.ToString(CultureInfo.InvariantCulture);
}
