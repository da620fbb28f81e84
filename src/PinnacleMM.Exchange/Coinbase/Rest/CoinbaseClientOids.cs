using System.Buffers.Binary;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// Turns our 64-bit <see cref="ClientOrderId"/> into the UUID Coinbase wants as <c>client_oid</c> and back,
/// deterministically, so no table is needed across restarts. The UUID (RFC 9562 version 8, custom) carries a 48-bit
/// application prefix, so that orders placed by other programs on the same account are recognised as not ours:
/// <code>
///  bytes 0-5: prefix | byte 6: 0x80 (version 8) | byte 7: id bits 63-56 | byte 8: 0x80 (variant) | bytes 9-15: id bits 55-0
/// </code>
/// </summary>
public sealed class CoinbaseClientOids
{
    /// <summary>The largest prefix: 48 bits.</summary>
    public const long MaxPrefix = (1L << 48) - 1;

    /// <summary>Creates a codec.</summary>
    /// <param name="prefix">This application's tag, 0 to <see cref="MaxPrefix"/>; the same on every run of the same application.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="prefix"/> is out of range.</exception>
    public CoinbaseClientOids(long prefix)
    {
        if (prefix is < 0 or > MaxPrefix)
        {
            throw new ArgumentOutOfRangeException(nameof(prefix), prefix, $"prefix must be from 0 to {MaxPrefix} (48 bits).");
        }

        Prefix = prefix;
    }

    /// <summary>This application's tag.</summary>
    public long Prefix { get; }

    /// <summary>The <c>client_oid</c> of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is not positive.</exception>
    public Guid ToGuid(ClientOrderId id)
    {
        if (!id.IsValid)
        {
            throw new ArgumentOutOfRangeException(nameof(id), id.Value, "clientOrderId must be positive.");
        }

        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, (ulong)Prefix << 16);
        var value = (ulong)id.Value;
        bytes[6] = 0x80;
        bytes[7] = (byte)(value >> 56);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], value & 0x00FF_FFFF_FFFF_FFFFUL);
        bytes[8] = 0x80;
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Our id encoded in <paramref name="clientOid"/>.</summary>
    /// <returns><see langword="false"/> (and <see cref="ClientOrderId.None"/>) when the UUID was not made by a codec with this prefix.</returns>
    public bool TryGetClientOrderId(Guid clientOid, out ClientOrderId id)
    {
        Span<byte> bytes = stackalloc byte[16];
        clientOid.TryWriteBytes(bytes, bigEndian: true, out _);
        var prefix = (long)(BinaryPrimitives.ReadUInt64BigEndian(bytes) >> 16);
        if (prefix != Prefix || bytes[6] != 0x80 || bytes[8] != 0x80)
        {
            id = ClientOrderId.None;
            return false;
        }

        var value = ((ulong)bytes[7] << 56) | (BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]) & 0x00FF_FFFF_FFFF_FFFFUL);
        id = new ClientOrderId((long)value);
        return id.IsValid;
    }
}
