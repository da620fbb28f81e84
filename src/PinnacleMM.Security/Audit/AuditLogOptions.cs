namespace PinnacleMM.Security.Audit;

/// <summary>Where an <see cref="AuditLog"/> writes and how it rotates.</summary>
public sealed class AuditLogOptions
{
    /// <summary>Smallest accepted <see cref="MaxFileBytes"/>.</summary>
    public const long MinFileBytes = 4096;

    /// <summary>The directory of the log files (created when missing). Required.</summary>
    public string Directory { get; set; } = string.Empty;

    /// <summary>File names are <c>{FilePrefix}-{index:D8}.jsonl</c>; 1 to 64 of <c>A-Z a-z 0-9 _ -</c>. Default <c>audit</c>.</summary>
    public string FilePrefix { get; set; } = "audit";

    /// <summary>A file is closed and the next one started before it would grow past this; at least <see cref="MinFileBytes"/>. Default 16 MiB.</summary>
    public long MaxFileBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How many files are kept; older ones are deleted on rotation (after a record saying so). 1 to 100,000; default 20.</summary>
    public int RetainedFiles { get; set; } = 20;

    /// <summary>Events that can wait for the background writer; beyond this they are counted as dropped. 16 to 1,048,576; default 8192.</summary>
    public int QueueCapacity { get; set; } = 8192;

    /// <summary>Whether every written batch is flushed to disk (fsync). Default true.</summary>
    public bool FlushToDisk { get; set; } = true;

    /// <summary>Throws when an option is out of range, naming it and the rule.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("audit Directory is required", nameof(Directory));
        }

        if (string.IsNullOrEmpty(FilePrefix) || FilePrefix.Length > 64 || !FilePrefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
        {
            throw new ArgumentException("audit FilePrefix must be 1 to 64 of A-Z a-z 0-9 _ -", nameof(FilePrefix));
        }

        if (MaxFileBytes < MinFileBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxFileBytes), MaxFileBytes, $"audit MaxFileBytes must be at least {MinFileBytes}");
        }

        if (RetainedFiles is < 1 or > 100_000)
        {
            throw new ArgumentOutOfRangeException(nameof(RetainedFiles), RetainedFiles, "audit RetainedFiles must be 1 to 100000");
        }

        if (QueueCapacity is < 16 or > 1_048_576)
        {
            throw new ArgumentOutOfRangeException(nameof(QueueCapacity), QueueCapacity, "audit QueueCapacity must be 16 to 1048576");
        }
    }
}
