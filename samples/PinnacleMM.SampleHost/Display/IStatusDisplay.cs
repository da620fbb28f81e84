using PinnacleMM.SampleHost.Session;

namespace PinnacleMM.SampleHost.Display;

/// <summary>Shows the running session until it ends.</summary>
internal interface IStatusDisplay
{
    /// <summary>Shows the session's status, refreshed, until <paramref name="running"/> completes; then shows it once more.</summary>
    Task ShowAsync(SessionContext session, Task running);
}
