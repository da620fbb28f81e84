using PinnacleMM.Core.Time;

namespace PinnacleMM.Persistence.Journal;

/// <summary>Settings of a <see cref="JournalWriter"/>. Validated when the writer opens.</summary>
public sealed class JournalOptions
{
    /// <summary>The default segment size: 64 MiB.</summary>
    public const long DefaultSegmentSize = 64L * 1024 * 1024;

    /// <summary>The default <see cref="PrefaultBytes"/>: 8 MiB.</summary>
    public const long DefaultPrefaultBytes = 8L * 1024 * 1024;

    /// <summary>The smallest segment size accepted: 4 KiB.</summary>
    public const long MinSegmentSize = 4096;

    /// <summary>The largest segment size accepted: 1 GiB.</summary>
    public const long MaxSegmentSize = 1L << 30;

    /// <summary>
    /// The size of each preallocated segment file in bytes: a multiple of 4096 between
    /// <see cref="MinSegmentSize"/> and <see cref="MaxSegmentSize"/>. Only used for new segments:
    /// existing ones keep the size written in their header.
    /// </summary>
    public long SegmentSize { get; set; } = DefaultSegmentSize;

    /// <summary>
    /// The sequence number of the first record of a journal that has no segment yet: 1 (the default)
    /// for a new journal; after a snapshot at sequence S whose journal was removed or compacted away,
    /// S + 1, so that numbering continues after the snapshot. Ignored when the journal has segments
    /// (it then continues after its last record). At least 1.
    /// </summary>
    public long FirstSequence { get; set; } = 1;

    /// <summary>When appended records are made durable without an explicit flush. Default <see cref="JournalSyncPolicy.Interval"/>.</summary>
    public JournalSyncPolicy SyncPolicy { get; set; } = JournalSyncPolicy.Interval;

    /// <summary>The group-commit period of <see cref="JournalSyncPolicy.Interval"/> (the original <c>journalSyncIntervalMs</c>): positive, at most one hour. Default 10 ms.</summary>
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// How far ahead of the write position a background thread keeps segment pages mapped writable
    /// (Linux <c>madvise(MADV_POPULATE_WRITE)</c>), so that appends do not take the first-write page
    /// faults themselves: 0 turns it off; otherwise a multiple of 4096, at most 256 MiB. Default 8 MiB.
    /// Pages populated ahead are written to disk as zeros by the next flush.
    /// </summary>
    public long PrefaultBytes { get; set; } = DefaultPrefaultBytes;

    /// <summary>The clock for appends that do not pass a timestamp. Default <see cref="MonotonicClock.System"/>.</summary>
    public MonotonicClock Clock { get; set; } = MonotonicClock.System;

    /// <summary>Wall-clock time, only written into segment headers as their creation time. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that breaks its rule.</summary>
    /// <exception cref="ArgumentException">When a setting is out of range or missing.</exception>
    public void Validate()
    {
        if (SegmentSize < MinSegmentSize || SegmentSize > MaxSegmentSize || SegmentSize % 4096 != 0)
        {
            throw new ArgumentException(
                $"SegmentSize: must be a multiple of 4096 between {MinSegmentSize} and {MaxSegmentSize} bytes (was {SegmentSize})",
                nameof(SegmentSize));
        }

        if (FirstSequence < 1)
        {
            throw new ArgumentException($"FirstSequence: must be at least 1 (was {FirstSequence})", nameof(FirstSequence));
        }

        if (!Enum.IsDefined(SyncPolicy))
        {
            throw new ArgumentException($"SyncPolicy: {(int)SyncPolicy} is not a defined value", nameof(SyncPolicy));
        }

        if (SyncInterval <= TimeSpan.Zero || SyncInterval > TimeSpan.FromHours(1))
        {
            throw new ArgumentException($"SyncInterval: must be positive and at most one hour (was {SyncInterval})", nameof(SyncInterval));
        }

        if (PrefaultBytes < 0 || PrefaultBytes > 256L * 1024 * 1024 || PrefaultBytes % 4096 != 0)
        {
            throw new ArgumentException(
                $"PrefaultBytes: must be 0 or a multiple of 4096 up to {256L * 1024 * 1024} bytes (was {PrefaultBytes})",
                nameof(PrefaultBytes));
        }

        if (Clock is null)
        {
            throw new ArgumentException("Clock: must not be null", nameof(Clock));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentException("TimeProvider: must not be null", nameof(TimeProvider));
        }
    }
}
