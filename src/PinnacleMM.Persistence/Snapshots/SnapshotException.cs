namespace PinnacleMM.Persistence.Snapshots;

/// <summary>
/// A snapshot could not be written (unwritable directory, full disk, failed fsync) or a snapshot file
/// is invalid (<see cref="Fault"/> says which file and why). Writing failures leave the previous
/// snapshots untouched.
/// </summary>
public sealed class SnapshotException : IOException
{
    /// <summary>Creates the exception with no message.</summary>
    public SnapshotException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SnapshotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public SnapshotException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception for an invalid snapshot file.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="fault"/> is null.</exception>
    public SnapshotException(SnapshotFault fault)
        : base("Invalid snapshot: " + (fault ?? throw new ArgumentNullException(nameof(fault))))
    {
        Fault = fault;
    }

    /// <summary>The invalid file and why, or null for a writing failure.</summary>
    public SnapshotFault? Fault { get; }
}
