using System.Globalization;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Where and why reading a journal stopped early: the segment file, the byte offset in it, the sequence
/// number that was expected there and the reason. A torn tail (an append cut short at the very end of
/// the journal) is repaired by <see cref="JournalWriter.Open"/>; anything else is corruption, which the
/// writer refuses to open.
/// </summary>
public sealed class JournalFault
{
    /// <summary>Creates a fault report.</summary>
    /// <param name="reason">Why reading stopped; must not be <see cref="JournalFaultReason.None"/>.</param>
    /// <param name="segmentPath">The segment file.</param>
    /// <param name="offset">The byte offset in the file of the bad header or record.</param>
    /// <param name="sequence">The sequence number expected at that offset.</param>
    /// <param name="isTornTail">Whether only the end of the journal is affected (nothing valid follows).</param>
    /// <exception cref="ArgumentException">When <paramref name="reason"/> is None or the path is empty.</exception>
    public JournalFault(JournalFaultReason reason, string segmentPath, long offset, long sequence, bool isTornTail)
    {
        ArgumentException.ThrowIfNullOrEmpty(segmentPath);
        if (reason == JournalFaultReason.None)
        {
            throw new ArgumentException("reason: a fault needs a reason other than None", nameof(reason));
        }

        Reason = reason;
        SegmentPath = segmentPath;
        Offset = offset;
        Sequence = sequence;
        IsTornTail = isTornTail;
    }

    /// <summary>Why reading stopped.</summary>
    public JournalFaultReason Reason { get; }

    /// <summary>The full path of the segment file where reading stopped.</summary>
    public string SegmentPath { get; }

    /// <summary>The byte offset in <see cref="SegmentPath"/> of the bad segment header (0) or record.</summary>
    public long Offset { get; }

    /// <summary>The sequence number that was expected at <see cref="Offset"/>; every record before it is intact.</summary>
    public long Sequence { get; }

    /// <summary>
    /// True when the fault is an interrupted append at the end of the journal: it is in the last
    /// segment and no valid record follows it. Opening a writer cuts it off (zeroes it) and reports it.
    /// False means corruption in the middle: a writer refuses to open.
    /// </summary>
    public bool IsTornTail { get; }

    /// <summary>A one-line explanation of <paramref name="reason"/>.</summary>
    public static string Describe(JournalFaultReason reason) => reason switch
    {
        JournalFaultReason.None => "no fault",
        JournalFaultReason.SegmentTooShort => "segment file is shorter than its 64-byte header",
        JournalFaultReason.SegmentHeaderZeroed => "segment header is all zeros (zero-filled file)",
        JournalFaultReason.NotAJournalSegment => "file does not start with the journal magic 'PMMJRNL': not a journal segment",
        JournalFaultReason.UnsupportedVersion => "segment format version is not supported by this library",
        JournalFaultReason.SegmentHeaderChecksumMismatch => "segment header CRC-32C mismatch",
        JournalFaultReason.InvalidSegmentHeader => "segment header sizes are invalid, or the file is longer than its declared segment size",
        JournalFaultReason.SegmentNameMismatch => "first sequence in the segment header differs from the file name",
        JournalFaultReason.SequenceGap => "segment does not start at the sequence after the previous segment's last record",
        JournalFaultReason.InvalidRecordHeader => "record header has type None or non-zero reserved fields",
        JournalFaultReason.InvalidRecordLength => "record length is negative or runs past the end of the segment",
        JournalFaultReason.TruncatedRecord => "file ends inside a record (truncated)",
        JournalFaultReason.RecordChecksumMismatch => "record CRC-32C mismatch",
        JournalFaultReason.SequenceBreak => "record sequence number is not the next one",
        JournalFaultReason.ZeroedRecordHeader => "zeroed record header followed by valid records",
        JournalFaultReason.TrailingData => "non-zero bytes after the last valid record (an interrupted append)",
        _ => "unknown reason",
    };

    /// <summary>E.g. <c>record CRC-32C mismatch at /data/j/00000000000000000001.journal offset 4160 (sequence 42, torn tail)</c>.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Describe(Reason)} ({Reason}) at {SegmentPath} offset {Offset} (sequence {Sequence}, {(IsTornTail ? "torn tail" : "corruption")})");
}
