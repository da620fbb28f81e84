namespace PinnacleMM.Persistence.Journal;

/// <summary>Why reading a journal stopped before its end (see <see cref="JournalFault"/>). Values are stable.</summary>
public enum JournalFaultReason
{
    /// <summary>No fault.</summary>
    None = 0,

    /// <summary>The segment file is shorter than its 64-byte header.</summary>
    SegmentTooShort = 1,

    /// <summary>The segment header is all zero bytes (a zero-filled file).</summary>
    SegmentHeaderZeroed = 2,

    /// <summary>The file does not start with the journal magic: it is not a journal segment.</summary>
    NotAJournalSegment = 3,

    /// <summary>The segment was written in a format version this library does not read.</summary>
    UnsupportedVersion = 4,

    /// <summary>The segment header's CRC-32C does not match its content.</summary>
    SegmentHeaderChecksumMismatch = 5,

    /// <summary>The segment header's sizes are not the ones of this format, or the file is longer than the segment size it declares.</summary>
    InvalidSegmentHeader = 6,

    /// <summary>The first sequence in the segment header differs from the one in the file name.</summary>
    SegmentNameMismatch = 7,

    /// <summary>The segment does not start where the previous one ended: records are missing.</summary>
    SequenceGap = 8,

    /// <summary>A record header has type None with other fields set, or non-zero reserved bits.</summary>
    InvalidRecordHeader = 9,

    /// <summary>A record's length is negative or runs past the end of its segment.</summary>
    InvalidRecordLength = 10,

    /// <summary>The file ends inside a record (it was truncated).</summary>
    TruncatedRecord = 11,

    /// <summary>A record's CRC-32C does not match its header and payload.</summary>
    RecordChecksumMismatch = 12,

    /// <summary>A well-formed record carries a sequence number other than the next one.</summary>
    SequenceBreak = 13,

    /// <summary>A zeroed record header is followed by valid records: records in between are missing.</summary>
    ZeroedRecordHeader = 14,

    /// <summary>Non-zero bytes follow the last valid record (an append that never completed); only reported when a writer clears them.</summary>
    TrailingData = 15,
}
