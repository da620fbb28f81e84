namespace PinnacleMM.SampleHost.Session;

/// <summary>The session's result, read by the program after the host stopped.</summary>
internal sealed class SessionOutcome
{
    /// <summary>0 after a clean run; 1 when the session failed.</summary>
    public int ExitCode { get; set; }
}
