using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>
/// The 64-byte header at offset 0 of every segment file, little-endian. Records start at offset 64.
/// <code>
///  0                8        10       12       14       16               24               32
///  +----------------+--------+--------+--------+--------+----------------+----------------+
///  | magic          | version| seg hdr| rec hdr| zero   | first sequence | segment size   |
///  | "PMMJRNL\0"    | uint16 | uint16 | uint16 | uint16 | int64          | int64          |
///  +----------------+--------+--------+--------+--------+----------------+----------------+
///  32               40                                56       60       64
///  +----------------+---------------------------------+--------+--------+
///  | created (unix  | zero (16 bytes)                 | crc32c | zero   |
///  | ns), int64     |                                 | [0,56) | uint32 |
///  +----------------+---------------------------------+--------+--------+
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = Size)]
internal struct SegmentHeader
{
    public const int Size = 64;
    public const ushort CurrentVersion = 1;
    public const int ChecksummedSize = 56;

    /// <summary>"PMMJRNL\0" read as a little-endian 64-bit integer.</summary>
    public const ulong MagicValue = 0x004C4E524A4D4D50;

    [FieldOffset(0)]
    public ulong Magic;

    [FieldOffset(8)]
    public ushort Version;

    [FieldOffset(10)]
    public ushort SegmentHeaderSize;

    [FieldOffset(12)]
    public ushort RecordHeaderSize;

    [FieldOffset(14)]
    public ushort Reserved0;

    [FieldOffset(16)]
    public long FirstSequence;

    [FieldOffset(24)]
    public long SegmentSize;

    [FieldOffset(32)]
    public long CreatedUnixNs;

    [FieldOffset(40)]
    public long Reserved1;

    [FieldOffset(48)]
    public long Reserved2;

    [FieldOffset(56)]
    public uint Checksum;

    [FieldOffset(60)]
    public uint Reserved3;

    /// <summary>Fills <paramref name="destination"/> (64 bytes) with a complete, checksummed header.</summary>
    public static void Write(Span<byte> destination, long firstSequence, long segmentSize, long createdUnixNs)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(destination, MagicValue);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[8..], CurrentVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[10..], Size);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[12..], RecordHeader.Size);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], firstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], segmentSize);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], createdUnixNs);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[56..], Crc32C.Compute(destination[..ChecksummedSize]));
    }
}
