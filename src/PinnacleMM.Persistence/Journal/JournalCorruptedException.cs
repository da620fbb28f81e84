namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// A journal holds corruption that is not a torn tail (a bad record followed by valid ones, a bad
/// segment header, a gap between segments), so a writer refuses to open it rather than skip or
/// overwrite data. <see cref="Fault"/> names the file, offset, sequence and reason.
/// </summary>
public sealed class JournalCorruptedException : JournalException
{
    /// <summary>Creates the exception for <paramref name="fault"/>.</summary>
    /// <exception cref="ArgumentNullException">When <paramref name="fault"/> is null.</exception>
    public JournalCorruptedException(JournalFault fault)
        : base("Journal is corrupted: " + (fault ?? throw new ArgumentNullException(nameof(fault))))
    {
        Fault = fault;
    }

    /// <summary>Where and why the journal is corrupted.</summary>
    public JournalFault Fault { get; }
}
