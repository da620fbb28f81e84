namespace PinnacleMM.Persistence.Journal;

/// <summary>The outcome of <see cref="JournalWriter.TryAppend"/>. Anything but <see cref="Appended"/> wrote nothing.</summary>
public enum JournalAppendStatus
{
    /// <summary>The record was appended and given the next sequence number.</summary>
    Appended = 0,

    /// <summary>
    /// The record type was <see cref="JournalRecordType.None"/>, which marks unwritten space, or reserved for future
    /// library types (7 to 0x0FFF), which recovery refuses: neither can be stored.
    /// </summary>
    InvalidRecordType = 1,

    /// <summary>The payload is longer than <see cref="JournalWriter.MaxPayloadLength"/>: a record never spans segments.</summary>
    PayloadTooLarge = 2,
}
