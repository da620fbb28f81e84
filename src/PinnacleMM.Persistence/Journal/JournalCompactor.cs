using PinnacleMM.Persistence.Internal;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Removes journal segments whose records a snapshot already includes. Only whole segments go, oldest
/// first, and never the last one (the writer's), so the journal stays a contiguous run of records that
/// starts at or before the record right after the snapshot: a crash between two deletions leaves a
/// journal that still recovers to the same state.
/// </summary>
public static class JournalCompactor
{
    /// <summary>The total size in bytes of the segment files in <paramref name="journalDirectory"/> (0 when it does not exist).</summary>
    /// <param name="journalDirectory">The journal directory.</param>
    public static long SizeOf(string journalDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(journalDirectory);
        if (!Directory.Exists(journalDirectory))
        {
            return 0;
        }

        return SegmentNames.List(Path.GetFullPath(journalDirectory)).Paths.Sum(p => new FileInfo(p).Length);
    }

    /// <summary>
    /// Deletes, oldest first, every segment all of whose records have sequence numbers ≤
    /// <paramref name="coveredSequence"/> (known from the next segment's first sequence), except the last
    /// segment, then fsyncs the directory. Safe while a writer appends to the journal.
    /// </summary>
    /// <param name="journalDirectory">The journal directory.</param>
    /// <param name="coveredSequence">The sequence a durable snapshot includes: zero or positive.</param>
    /// <returns>What was removed and where the journal starts now.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="coveredSequence"/> is negative.</exception>
    /// <exception cref="JournalException">When a file cannot be deleted or the directory cannot be synced; what was deleted before stays deleted, which is safe.</exception>
    public static CompactionResult Compact(string journalDirectory, long coveredSequence) => Compact(journalDirectory, coveredSequence, hook: null);

    internal static CompactionResult Compact(string journalDirectory, long coveredSequence, StepHook? hook)
    {
        ArgumentException.ThrowIfNullOrEmpty(journalDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(coveredSequence);
        var full = Path.GetFullPath(journalDirectory);
        if (!Directory.Exists(full))
        {
            return new CompactionResult(0, 0, 0);
        }

        var (paths, firsts) = SegmentNames.List(full);
        var removed = 0;
        long bytes = 0;
        try
        {
            // Segment i holds [firsts[i], firsts[i + 1] - 1]; the last segment is never removed.
            for (var i = 0; i + 1 < paths.Length && firsts[i + 1] - 1 <= coveredSequence; i++)
            {
                var length = new FileInfo(paths[i]).Length;
                File.Delete(paths[i]);
                removed++;
                bytes += length;
                hook?.Invoke(PersistenceStep.SegmentDeleted);
            }

            if (removed > 0)
            {
                DirectorySync.Flush(full);
                hook?.Invoke(PersistenceStep.CompactionDirectorySynced);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not JournalException)
        {
            throw new JournalException($"Compacting journal '{full}' failed after removing {removed} segments: {e.Message}", e);
        }

        return new CompactionResult(removed, bytes, paths.Length == 0 ? 0 : firsts[removed]);
    }
}
