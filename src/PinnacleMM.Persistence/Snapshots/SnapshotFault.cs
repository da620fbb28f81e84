using System.Globalization;

namespace PinnacleMM.Persistence.Snapshots;

/// <summary>Why one snapshot file could not be used: the file, the reason and a sentence with the details.</summary>
public sealed class SnapshotFault
{
    /// <summary>Creates a fault report.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="reason">The reason; not <see cref="SnapshotFaultReason.None"/>.</param>
    /// <param name="detail">What exactly was wrong (e.g. the expected and found values).</param>
    /// <exception cref="ArgumentException">When the path or detail is empty or the reason is None.</exception>
    public SnapshotFault(string path, SnapshotFaultReason reason, string detail)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(detail);
        if (reason == SnapshotFaultReason.None)
        {
            throw new ArgumentException("reason: a fault needs a reason other than None", nameof(reason));
        }

        Path = path;
        Reason = reason;
        Detail = detail;
    }

    /// <summary>The full path of the snapshot file.</summary>
    public string Path { get; }

    /// <summary>Why the file was not used.</summary>
    public SnapshotFaultReason Reason { get; }

    /// <summary>The details, e.g. <c>"CRC-32C is 0x1234ABCD, the trailer says 0x00000000"</c>.</summary>
    public string Detail { get; }

    /// <summary>E.g. <c>snapshot /data/BTC-USD/snapshots/00000000000000000042.snapshot: ChecksumMismatch (CRC-32C is ...)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"snapshot {Path}: {Reason} ({Detail})");
}
