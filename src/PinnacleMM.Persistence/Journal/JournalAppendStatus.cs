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

    /// <summary>
    /// The record type is one of the library's order-book types (1 to <see cref="JournalRecordType.Checkpoint"/>) and the
    /// payload is not the fixed size <see cref="OrderBookRecordCodec"/> writes for it (48 bytes for an order, 16 for a
    /// cancellation, 32 for a modification, 72 for a trade, 16 for a checkpoint). Recovery reads only that size, so such
    /// a record would make the journal impossible to recover. A payload of the application's own goes in an application
    /// type (<see cref="JournalRecordType.ApplicationBase"/> and above).
    /// </summary>
    InvalidPayloadLength = 3,
}
