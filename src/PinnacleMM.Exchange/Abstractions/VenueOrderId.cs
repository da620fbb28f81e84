using System.Buffers.Binary;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// The id a venue gives an order, held in 16 bytes so that both numeric ids (the simulator's order book
/// ids, most exchanges) and UUIDs (Coinbase) fit in a fixed-size event without allocation.
/// </summary>
/// <param name="Value">The id as a <see cref="Guid"/>; numeric ids are stored by <see cref="FromInt64"/>.</param>
public readonly record struct VenueOrderId(Guid Value)
{
    /// <summary>No venue order id: the venue has not assigned one (e.g. a rejected order).</summary>
    public static VenueOrderId None => default;

    /// <summary>Whether this is <see cref="None"/>.</summary>
    public bool IsNone => Value == Guid.Empty;

    /// <summary>Stores a numeric venue id (big-endian in the last 8 bytes, the first 8 zero) so that <see cref="TryGetInt64"/> gets it back.</summary>
    public static VenueOrderId FromInt64(long id)
    {
        Span<byte> bytes = stackalloc byte[16];
        bytes[..8].Clear();
        BinaryPrimitives.WriteInt64BigEndian(bytes[8..], id);
        return new VenueOrderId(new Guid(bytes, bigEndian: true));
    }

    /// <summary>Gets a numeric id stored with <see cref="FromInt64"/>.</summary>
    /// <returns><see langword="false"/> when the id is not numeric (its first 8 bytes are not zero).</returns>
    public bool TryGetInt64(out long id)
    {
        Span<byte> bytes = stackalloc byte[16];
        Value.TryWriteBytes(bytes, bigEndian: true, out _);
        if (BinaryPrimitives.ReadInt64BigEndian(bytes) != 0)
        {
            id = 0;
            return false;
        }

        id = BinaryPrimitives.ReadInt64BigEndian(bytes[8..]);
        return true;
    }

    /// <summary>The numeric id in invariant culture when it is one, otherwise the UUID in <c>D</c> format.</summary>
    public override string ToString() => TryGetInt64(out var id) ? id.ToString(System.Globalization.CultureInfo.InvariantCulture) : Value.ToString("D");
}
