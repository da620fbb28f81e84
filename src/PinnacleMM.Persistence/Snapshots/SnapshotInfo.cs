namespace PinnacleMM.Persistence.Snapshots;

/// <summary>What a snapshot file holds, as written or loaded.</summary>
/// <param name="Path">The full path of the file.</param>
/// <param name="JournalSequence">The last journal sequence number the snapshot includes (0: none).</param>
/// <param name="CreatedUnixNanoseconds">When it was taken (wall clock from the store's <see cref="TimeProvider"/>), Unix nanoseconds.</param>
/// <param name="FileLength">The file's length in bytes.</param>
/// <param name="OrderCount">The number of resting orders in the book.</param>
/// <param name="StateHash">The book's <see cref="Core.Books.OrderBook.ComputeStateHash"/> at the snapshot.</param>
public sealed record SnapshotInfo(string Path, long JournalSequence, long CreatedUnixNanoseconds, long FileLength, long OrderCount, long StateHash)
{
    /// <summary>When it was taken, as a <see cref="DateTimeOffset"/>.</summary>
    public DateTimeOffset CreatedAt => DateTimeOffset.UnixEpoch.AddTicks(CreatedUnixNanoseconds / 100);
}
