using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence;

/// <summary>
/// Settings of a <see cref="PersistenceManager"/>, with the original design's parameters. Validated when
/// the manager starts; every rule broken is reported with the setting's name.
/// </summary>
public sealed class PersistenceOptions
{
    /// <summary>The configuration section the <c>IConfiguration</c> overload of <c>AddPinnacleMMPersistence</c> binds by default.</summary>
    public const string SectionName = "PinnacleMM:Persistence";

    /// <summary>The base directory: one folder per instrument (journal and snapshots) and the lock file. Required.</summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>Group-commit period of the journal in milliseconds (fsync in the background); 0 makes every append durable before it returns. 0 to 3,600,000; default 10.</summary>
    public int JournalSyncIntervalMs { get; set; } = 10;

    /// <summary>Minutes between periodic snapshots of every open instrument; 0 turns them off (snapshots only on request). 0 to 10,080 (a week); default 15.</summary>
    public int SnapshotIntervalMin { get; set; } = 15;

    /// <summary>How many snapshots to keep per instrument: 1 to 1,000; default 3. Compaction keeps the journal from the oldest kept snapshot on, so any of them can be fallen back to.</summary>
    public int KeepSnapshots { get; set; } = 3;

    /// <summary>Journal size in bytes above which a snapshot is followed by compaction (removal of segments the snapshots include). 0 compacts after every snapshot; default 1 GiB.</summary>
    public long CompactionThreshold { get; set; } = 1L << 30;

    /// <summary>Size of each journal segment file in bytes: a multiple of 4096 from 4 KiB to 1 GiB; default 64 MiB.</summary>
    public long JournalSegmentSize { get; set; } = JournalOptions.DefaultSegmentSize;

    /// <summary>Every rule this instance breaks, as "Name: rule (was value)" messages; empty when valid.</summary>
    public IReadOnlyList<string> GetErrors()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            errors.Add("DataDirectory: is required (the base directory for journals and snapshots)");
        }
        else if (DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"DataDirectory: contains characters that are not allowed in a path (was '{DataDirectory}')");
        }

        if (JournalSyncIntervalMs is < 0 or > 3_600_000)
        {
            errors.Add($"JournalSyncIntervalMs: must be 0 (sync every append) to 3600000 ms (was {JournalSyncIntervalMs})");
        }

        if (SnapshotIntervalMin is < 0 or > 10_080)
        {
            errors.Add($"SnapshotIntervalMin: must be 0 (no periodic snapshots) to 10080 minutes (was {SnapshotIntervalMin})");
        }

        if (KeepSnapshots is < 1 or > 1000)
        {
            errors.Add($"KeepSnapshots: must be 1 to 1000 (was {KeepSnapshots})");
        }

        if (CompactionThreshold < 0)
        {
            errors.Add($"CompactionThreshold: must be 0 or more bytes (was {CompactionThreshold})");
        }

        if (JournalSegmentSize < JournalOptions.MinSegmentSize || JournalSegmentSize > JournalOptions.MaxSegmentSize || JournalSegmentSize % 4096 != 0)
        {
            errors.Add($"JournalSegmentSize: must be a multiple of 4096 from {JournalOptions.MinSegmentSize} to {JournalOptions.MaxSegmentSize} bytes (was {JournalSegmentSize})");
        }

        return errors;
    }

    /// <summary>Throws when a rule is broken; the message lists every broken rule with the setting's name.</summary>
    /// <exception cref="ArgumentException">When <see cref="GetErrors"/> is not empty.</exception>
    public void Validate()
    {
        var errors = GetErrors();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid PersistenceOptions: " + string.Join("; ", errors));
        }
    }

    internal PersistenceOptions Clone() => (PersistenceOptions)MemberwiseClone();
}
