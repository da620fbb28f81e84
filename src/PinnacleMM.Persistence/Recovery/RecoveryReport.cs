using System.Globalization;
using System.Text;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence.Recovery;

/// <summary>What recovery did: the snapshot it started from (and the ones it skipped, with reasons), the records it replayed, where the journal's torn tail was cut, and how long it took.</summary>
public sealed class RecoveryReport
{
    /// <summary>The snapshot the state was loaded from, or null when recovery started from an empty book.</summary>
    public SnapshotInfo? Snapshot { get; init; }

    /// <summary>Newer snapshot files that were not used, newest first, each with the reason.</summary>
    public IReadOnlyList<SnapshotFault> SnapshotFallbacks { get; init; } = [];

    /// <summary>Names of the state sections handed to their providers.</summary>
    public IReadOnlyList<string> RestoredSections { get; init; } = [];

    /// <summary>Registered providers that found no section in the snapshot (they keep their initial state).</summary>
    public IReadOnlyList<string> MissingSections { get; init; } = [];

    /// <summary>The first sequence the journal holds (0 when it has no segment).</summary>
    public long JournalFirstSequence { get; init; }

    /// <summary>The last valid sequence: the snapshot's, or the last record replayed after it.</summary>
    public long LastSequence { get; init; }

    /// <summary>Journal records applied after the snapshot (book, checkpoint, trade and application records).</summary>
    public long RecordsReplayed { get; init; }

    /// <summary>Order-book commands among them (orders, market orders, cancels, modifies).</summary>
    public long BookRecords { get; init; }

    /// <summary>Application records delivered to the handler.</summary>
    public long ApplicationRecords { get; init; }

    /// <summary>Application records skipped because no handler was given.</summary>
    public long UnhandledApplicationRecords { get; init; }

    /// <summary>Checkpoints whose recorded state hash was compared with the replayed book and matched.</summary>
    public long CheckpointsVerified { get; init; }

    /// <summary>The torn tail found at the end of the journal (its records were not replayed), or null when it ended cleanly.</summary>
    public JournalFault? TruncatedTail { get; init; }

    /// <summary>How long recovery took (monotonic clock).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>A multi-line, human-readable account, for logs.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var invariant = CultureInfo.InvariantCulture;
        text.Append(invariant, $"snapshot: {(Snapshot is null ? "none" : $"{Snapshot.Path} (sequence {Snapshot.JournalSequence}, {Snapshot.OrderCount} orders)")}").AppendLine();
        foreach (var fallback in SnapshotFallbacks)
        {
            text.Append("skipped ").Append(fallback).AppendLine();
        }

        text.Append(invariant, $"replayed {RecordsReplayed} records ({BookRecords} book, {ApplicationRecords} application, {UnhandledApplicationRecords} unhandled, {CheckpointsVerified} checkpoints verified) up to sequence {LastSequence}").AppendLine();
        text.Append(invariant, $"tail: {(TruncatedTail is null ? "clean" : TruncatedTail.ToString())}").AppendLine();
        text.Append(invariant, $"took {Duration.TotalMilliseconds:F1} ms");
        return text.ToString();
    }
}
