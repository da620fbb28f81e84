using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence.Recovery;

/// <summary>What <see cref="OrderBookRecovery.Recover"/> restores besides the order book.</summary>
public sealed class RecoveryOptions
{
    /// <summary>The instrument of the book. Required.</summary>
    public required InstrumentSpec Instrument { get; init; }

    /// <summary>Application state restored from the snapshot's sections of the same names. Default none.</summary>
    public IReadOnlyList<ISnapshotStateProvider> StateProviders { get; init; } = [];

    /// <summary>Receives every application record (type ≥ <c>ApplicationBase</c>) after the snapshot; null to skip them (they are counted as unhandled).</summary>
    public IApplicationRecordHandler? ApplicationRecords { get; init; }

    /// <summary>Capacity hints for the book when no snapshot is used; null for the defaults.</summary>
    public OrderBookOptions? BookOptions { get; init; }
}
