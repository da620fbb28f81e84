using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The journal record types the trading engine writes (application records, from
/// <see cref="JournalRecordType.ApplicationBase"/> + 0x10). Values are part of the on-disk format; the payloads
/// are described on <see cref="EngineRecordCodec"/>.
/// </summary>
public static class EngineRecordTypes
{
    /// <summary>A market event as received (64 bytes).</summary>
    public const JournalRecordType MarketEvent = JournalRecordType.ApplicationBase + 0x10;

    /// <summary>A command sent to the venue.</summary>
    public const JournalRecordType CommandSent = JournalRecordType.ApplicationBase + 0x11;

    /// <summary>A command refused locally (not sent).</summary>
    public const JournalRecordType CommandRefused = JournalRecordType.ApplicationBase + 0x12;

    /// <summary>An execution event received, with what the order tracker did with it.</summary>
    public const JournalRecordType ExecutionReceived = JournalRecordType.ApplicationBase + 0x13;

    /// <summary>An order closed locally (gone at the venue).</summary>
    public const JournalRecordType ClosedLocally = JournalRecordType.ApplicationBase + 0x14;

    /// <summary>A reconciliation with the venue (at start or after a reconnect), summed up; changes no state.</summary>
    public const JournalRecordType VenueReconciled = JournalRecordType.ApplicationBase + 0x15;
}
