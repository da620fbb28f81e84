namespace PinnacleMM.Persistence.Journal;

/// <summary>When a <see cref="JournalWriter"/> makes appended records durable on its own.</summary>
public enum JournalSyncPolicy
{
    /// <summary>Never on its own: records become durable on <see cref="JournalWriter.Flush"/>, a segment roll or dispose.</summary>
    None = 0,

    /// <summary>
    /// Group commit: a background thread flushes every <see cref="JournalOptions.SyncInterval"/> when
    /// something was appended since the last flush. Appends never wait for the disk.
    /// </summary>
    Interval = 1,

    /// <summary>Every append returns only once its record is durable (msync and fsync per record: slow, safest).</summary>
    EveryAppend = 2,
}
