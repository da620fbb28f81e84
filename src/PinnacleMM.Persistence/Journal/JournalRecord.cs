namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// One record read back from a journal. <see cref="Payload"/> points into the mapped segment file: it
/// is valid until the next <see cref="JournalReader.TryRead"/> or until the reader is disposed; copy
/// it to keep it.
/// </summary>
public readonly ref struct JournalRecord
{
    /// <summary>Creates a record view.</summary>
    public JournalRecord(JournalRecordType type, long sequence, long timestampNs, ReadOnlySpan<byte> payload)
    {
        Type = type;
        Sequence = sequence;
        TimestampNs = timestampNs;
        Payload = payload;
    }

    /// <summary>The record type.</summary>
    public JournalRecordType Type { get; }

    /// <summary>The record's sequence number (1, 2, 3… without gaps).</summary>
    public long Sequence { get; }

    /// <summary>The timestamp given when the record was appended, in nanoseconds.</summary>
    public long TimestampNs { get; }

    /// <summary>The payload bytes (possibly empty).</summary>
    public ReadOnlySpan<byte> Payload { get; }
}
