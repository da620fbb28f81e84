namespace PinnacleMM.Persistence.Recovery;

/// <summary>
/// Recovery found data that cannot be turned into a trustworthy state: the journal and the snapshots
/// do not fit together (records missing between them), a record's payload is malformed, a checkpoint's
/// state hash differs from the replayed book, or a record type is unknown. The message names the
/// sequence number and what is wrong; nothing was changed on disk.
/// </summary>
public sealed class RecoveryException : IOException
{
    /// <summary>Creates the exception with no message.</summary>
    public RecoveryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RecoveryException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public RecoveryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
