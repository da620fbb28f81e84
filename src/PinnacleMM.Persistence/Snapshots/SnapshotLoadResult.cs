namespace PinnacleMM.Persistence.Snapshots;

/// <summary>
/// The outcome of <see cref="SnapshotStore.LoadNewestValid(long)"/>: the newest snapshot that passed every
/// check (or null when none did or none exists) and, newest first, every newer file that was skipped
/// and why.
/// </summary>
public sealed class SnapshotLoadResult
{
    internal SnapshotLoadResult(LoadedSnapshot? snapshot, IReadOnlyList<SnapshotFault> fallbacks)
    {
        Snapshot = snapshot;
        Fallbacks = fallbacks;
    }

    /// <summary>The snapshot to start from, or null: start from an empty book and the whole journal.</summary>
    public LoadedSnapshot? Snapshot { get; }

    /// <summary>Snapshot files that were newer but invalid, newest first, each with its reason.</summary>
    public IReadOnlyList<SnapshotFault> Fallbacks { get; }
}
