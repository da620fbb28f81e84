namespace PinnacleMM.Persistence;

/// <summary>
/// A <see cref="PersistenceManager"/> could not start or open an instrument because of its environment:
/// the data directory is held by another process, or cannot be created or written. The message names
/// the path and the cause.
/// </summary>
public sealed class PersistenceException : IOException
{
    /// <summary>Creates the exception with no message.</summary>
    public PersistenceException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public PersistenceException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public PersistenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
