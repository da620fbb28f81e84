using System.Globalization;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// The session log's size bound (section <c>PinnacleMM:SessionLog</c>): when <c>session.log</c> would grow past
/// <see cref="MaxFileBytes"/> it is renamed <c>session.1.log</c> (the older ones shift up) and a new one begins;
/// <see cref="RetainedFiles"/> old files are kept, the oldest beyond them deleted. A session that reconnects for weeks
/// keeps at most <c>(RetainedFiles + 1) × MaxFileBytes</c> of log.
/// </summary>
internal sealed class SessionLogOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "PinnacleMM:SessionLog";

    private const long MinFileBytes = 1024;
    private const long MaxMaxFileBytes = 1L << 30;
    private const int MaxRetainedFiles = 100;

    /// <summary>The largest a log file grows before the next one begins (a single longer line gets a file of its own); 1 KiB to 1 GiB, 16 MiB by default.</summary>
    public long MaxFileBytes { get; set; } = 16L << 20;

    /// <summary>How many older files (<c>session.1.log</c> newest) are kept; 0 to 100, 4 by default.</summary>
    public int RetainedFiles { get; set; } = 4;

    /// <summary>Every broken rule, as "Field: message".</summary>
    public IEnumerable<string> Validate()
    {
        var invariant = CultureInfo.InvariantCulture;
        if (MaxFileBytes is < MinFileBytes or > MaxMaxFileBytes)
        {
            yield return string.Create(invariant, $"{nameof(MaxFileBytes)}: {MaxFileBytes} must be from {MinFileBytes} to {MaxMaxFileBytes} bytes.");
        }

        if (RetainedFiles is < 0 or > MaxRetainedFiles)
        {
            yield return string.Create(invariant, $"{nameof(RetainedFiles)}: {RetainedFiles} must be from 0 to {MaxRetainedFiles}.");
        }
    }
}
