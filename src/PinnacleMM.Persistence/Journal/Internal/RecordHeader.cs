using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>
/// The fixed 32-byte header in front of every record's payload, little-endian, 8-byte aligned.
/// <code>
///  0        4        6        8                16               24       28       32
///  +--------+--------+--------+----------------+----------------+--------+--------+
///  | length | type   | flags  | sequence       | timestamp (ns) | crc32c | zero   |
///  | int32  | uint16 | uint16 | int64          | int64          | uint32 | uint32 |
///  +--------+--------+--------+----------------+----------------+--------+--------+
///  then `length` payload bytes, then zero padding up to a multiple of 8.
///  crc32c covers bytes [0, 24) of the header, the payload and the padding.
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct RecordHeader
{
    public const int Size = 32;

    /// <summary>Bytes of the header covered by the checksum (everything before it).</summary>
    public const int ChecksummedSize = 24;

    [FieldOffset(0)]
    public int PayloadLength;

    [FieldOffset(4)]
    public ushort Type;

    [FieldOffset(6)]
    public ushort Flags;

    [FieldOffset(8)]
    public long Sequence;

    [FieldOffset(16)]
    public long TimestampNs;

    [FieldOffset(24)]
    public uint Checksum;

    [FieldOffset(28)]
    public uint Reserved;

    /// <summary>Payload length rounded up to the 8-byte record alignment.</summary>
    public static long AlignedPayload(long payloadLength) => (payloadLength + 7) & ~7L;

    /// <summary>The bytes a record with this payload occupies in a segment.</summary>
    public static long RecordSize(long payloadLength) => Size + AlignedPayload(payloadLength);
}
