namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// The kind of a journal record. Values are part of the on-disk format: never renumber them. Values
/// from <see cref="ApplicationBase"/> up are free for application records (market data, fills,
/// strategy decisions). Values 7 to 0x0FFF are reserved for future library record types: the writer
/// refuses them, since recovery cannot apply a record of a type it does not know.
/// </summary>
public enum JournalRecordType : ushort
{
    /// <summary>Not a record: a zeroed (never written) header reads as this, and ends a scan.</summary>
    None = 0,

    /// <summary>An order was submitted to the book.</summary>
    OrderAdded = 1,

    /// <summary>An order was cancelled.</summary>
    OrderCancelled = 2,

    /// <summary>An order's price or quantity was changed.</summary>
    OrderModified = 3,

    /// <summary>A trade happened.</summary>
    Trade = 4,

    /// <summary>A market order was submitted.</summary>
    MarketOrder = 5,

    /// <summary>A snapshot includes every record up to this record's sequence number.</summary>
    Checkpoint = 6,

    /// <summary>The first value available to application-defined records.</summary>
    ApplicationBase = 0x1000,
}
