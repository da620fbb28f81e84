namespace PinnacleMM.Persistence.Internal;

/// <summary>
/// The durable steps of taking a snapshot and compacting, in order. Tests hook them
/// (<see cref="StepHook"/>) to simulate a crash right after any step and prove that the directory
/// still recovers to the same state.
/// </summary>
internal enum PersistenceStep
{
    SnapshotTempWritten,
    SnapshotTempSynced,
    SnapshotRenamed,
    SnapshotDirectorySynced,
    SnapshotPruned,
    CheckpointAppended,
    SegmentDeleted,
    CompactionDirectorySynced,
}

/// <summary>Called after each <see cref="PersistenceStep"/>; a test throws from it to stop right there, as a crash would.</summary>
internal delegate void StepHook(PersistenceStep step);
