using System.Runtime.CompilerServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>Checks of segment headers and records, shared by the reader and the writer.</summary>
internal static unsafe class SegmentFormat
{
    /// <summary>What <see cref="CheckRecord"/> found at an offset.</summary>
    public enum RecordStatus
    {
        Valid,
        End,
        Fault,
    }

    public static JournalFaultReason CheckSegmentHeader(byte* segment, long fileLength, long nameSequence, out long firstSequence, out long declaredSize)
    {
        firstSequence = 0;
        declaredSize = 0;
        if (fileLength < SegmentHeader.Size)
        {
            return JournalFaultReason.SegmentTooShort;
        }

        if (IsZero(segment, SegmentHeader.Size))
        {
            return JournalFaultReason.SegmentHeaderZeroed;
        }

        ref var header = ref Unsafe.AsRef<SegmentHeader>(segment);
        if (header.Magic != SegmentHeader.MagicValue)
        {
            return JournalFaultReason.NotAJournalSegment;
        }

        // Version before checksum: a later format may lay out (and checksum) the rest differently.
        if (header.Version != SegmentHeader.CurrentVersion)
        {
            return JournalFaultReason.UnsupportedVersion;
        }

        if (header.Checksum != Crc32C.Compute(new ReadOnlySpan<byte>(segment, SegmentHeader.ChecksummedSize)))
        {
            return JournalFaultReason.SegmentHeaderChecksumMismatch;
        }

        if (header.SegmentHeaderSize != SegmentHeader.Size
            || header.RecordHeaderSize != RecordHeader.Size
            || header.Reserved0 != 0 || header.Reserved1 != 0 || header.Reserved2 != 0 || header.Reserved3 != 0
            || header.SegmentSize < JournalOptions.MinSegmentSize || header.SegmentSize > JournalOptions.MaxSegmentSize
            || header.SegmentSize % 8 != 0
            || header.FirstSequence < 1
            || fileLength > header.SegmentSize)
        {
            return JournalFaultReason.InvalidSegmentHeader;
        }

        if (header.FirstSequence != nameSequence)
        {
            return JournalFaultReason.SegmentNameMismatch;
        }

        firstSequence = header.FirstSequence;
        declaredSize = header.SegmentSize;
        return JournalFaultReason.None;
    }

    /// <summary>
    /// Checks the record at <paramref name="offset"/>. <paramref name="available"/> is the file length
    /// (at most <paramref name="declaredSize"/>; less when the file was truncated).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static RecordStatus CheckRecord(
        byte* segment, long offset, long available, long declaredSize, long expectedSequence, out long recordSize, out JournalFaultReason reason)
    {
        recordSize = 0;
        reason = JournalFaultReason.None;
        if (offset + RecordHeader.Size > declaredSize)
        {
            // No room for a record: the normal end of a full segment.
            return RecordStatus.End;
        }

        if (offset + RecordHeader.Size > available)
        {
            // The file was truncated: only zeros may be left before its end, anything else is a cut record.
            if (offset >= available || IsZero(segment + offset, available - offset))
            {
                return RecordStatus.End;
            }

            reason = JournalFaultReason.TruncatedRecord;
            return RecordStatus.Fault;
        }

        ref var header = ref Unsafe.AsRef<RecordHeader>(segment + offset);
        if (header.Type == 0)
        {
            if (IsZero(segment + offset, RecordHeader.Size))
            {
                return RecordStatus.End;
            }

            reason = JournalFaultReason.InvalidRecordHeader;
            return RecordStatus.Fault;
        }

        if (header.Flags != 0 || header.Reserved != 0)
        {
            reason = JournalFaultReason.InvalidRecordHeader;
            return RecordStatus.Fault;
        }

        var size = RecordHeader.RecordSize(header.PayloadLength);
        if (header.PayloadLength < 0 || offset + size > declaredSize)
        {
            reason = JournalFaultReason.InvalidRecordLength;
            return RecordStatus.Fault;
        }

        if (offset + size > available)
        {
            reason = JournalFaultReason.TruncatedRecord;
            return RecordStatus.Fault;
        }

        if (header.Checksum != RecordChecksum(segment + offset, header.PayloadLength))
        {
            reason = JournalFaultReason.RecordChecksumMismatch;
            return RecordStatus.Fault;
        }

        if (header.Sequence != expectedSequence)
        {
            reason = JournalFaultReason.SequenceBreak;
            return RecordStatus.Fault;
        }

        recordSize = size;
        return RecordStatus.Valid;
    }

    /// <summary>CRC-32C of header bytes [0, 24), the payload and its zero padding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint RecordChecksum(byte* record, int payloadLength)
    {
        var crc = Crc32C.Update(Crc32C.Seed, new ReadOnlySpan<byte>(record, RecordHeader.ChecksummedSize));
        crc = Crc32C.Update(crc, new ReadOnlySpan<byte>(record + RecordHeader.Size, (int)RecordHeader.AlignedPayload(payloadLength)));
        return Crc32C.Finish(crc);
    }

    /// <summary>
    /// Whether a record with a valid checksum starts at any 8-byte aligned offset in [<paramref name="from"/>,
    /// <paramref name="available"/>): valid data after a bad spot means corruption, not a torn tail.
    /// </summary>
    public static bool HasValidRecordAfter(byte* segment, long from, long available, long declaredSize)
    {
        from = (from + 7) & ~7L;
        for (var offset = from; offset + RecordHeader.Size <= available; offset += 8)
        {
            ref var header = ref Unsafe.AsRef<RecordHeader>(segment + offset);
            if (header.Type == 0 || header.Flags != 0 || header.Reserved != 0 || header.PayloadLength < 0)
            {
                continue;
            }

            var size = RecordHeader.RecordSize(header.PayloadLength);
            if (offset + size > available || offset + size > declaredSize)
            {
                continue;
            }

            if (header.Checksum == RecordChecksum(segment + offset, header.PayloadLength))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsZero(byte* data, long length) =>
        length <= int.MaxValue
            ? !new ReadOnlySpan<byte>(data, (int)length).ContainsAnyExcept((byte)0)
            : IsZero(data, int.MaxValue) && IsZero(data + int.MaxValue, length - int.MaxValue);
}
