namespace PinnacleMM.Persistence.Journal;

/// <summary>What <see cref="JournalCompactor.Compact(string, long)"/> removed.</summary>
/// <param name="SegmentsRemoved">How many segment files were deleted.</param>
/// <param name="BytesRemoved">Their total size in bytes.</param>
/// <param name="FirstSequence">The journal's first sequence afterwards (0 when it has no segment).</param>
public sealed record CompactionResult(int SegmentsRemoved, long BytesRemoved, long FirstSequence);
