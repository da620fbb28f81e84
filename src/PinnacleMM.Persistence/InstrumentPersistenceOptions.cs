using PinnacleMM.Core.Books;
using PinnacleMM.Core.Time;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence;

/// <summary>What the application plugs into one instrument's persistence.</summary>
public sealed class InstrumentPersistenceOptions
{
    /// <summary>Application state written into every snapshot and restored by recovery (names unique). Default none.</summary>
    public IReadOnlyList<ISnapshotStateProvider> StateProviders { get; init; } = [];

    /// <summary>Applies application records, both right after <see cref="InstrumentPersistence.AppendApplication"/> journals them and during recovery. Null: application records are only journaled.</summary>
    public IApplicationRecordHandler? ApplicationRecords { get; init; }

    /// <summary>Capacity hints for a book that starts empty; null for the defaults.</summary>
    public OrderBookOptions? BookOptions { get; init; }

    /// <summary>The clock for the timestamps of checkpoint records. Default <see cref="MonotonicClock.System"/>.</summary>
    public MonotonicClock Clock { get; init; } = MonotonicClock.System;
}
