using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Recovery;

/// <summary>
/// Applies the application's own journal records (types from <see cref="JournalRecordType.ApplicationBase"/>
/// up: fills, market data, strategy decisions) to the application's state. Recovery calls it for every
/// such record after the snapshot, in sequence order; <c>InstrumentPersistence.AppendApplication</c>
/// calls the same handler right after journaling a record, so live and recovered state come from the
/// same code.
/// </summary>
public interface IApplicationRecordHandler
{
    /// <summary>Applies one record. The payload is only valid during the call: copy what you keep.</summary>
    /// <param name="record">The record (type, sequence, timestamp, payload).</param>
    void Apply(in JournalRecord record);
}
