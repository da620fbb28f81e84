namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// A journal could not be opened, written or flushed because of its environment (unwritable
/// directory, full disk, failed fsync, another writer holding it). The message names the path and
/// the cause; <see cref="Exception.InnerException"/> holds the operating system's error.
/// </summary>
public class JournalException : IOException
{
    /// <summary>Creates the exception with no message.</summary>
    public JournalException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JournalException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying error.</summary>
    public JournalException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
