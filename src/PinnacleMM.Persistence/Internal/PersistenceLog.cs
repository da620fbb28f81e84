using Microsoft.Extensions.Logging;

namespace PinnacleMM.Persistence.Internal;

/// <summary>
/// Every log message of the Persistence package, source-generated (<c>[LoggerMessage]</c>), with stable event ids
/// (3001-3004, listed in the package README). Only opening an instrument and the periodic snapshots log; appends never do.
/// </summary>
internal static partial class PersistenceLog
{
    [LoggerMessage(EventId = 3001, EventName = "InstrumentRecovered", Level = LogLevel.Information,
        Message = "{Symbol} recovered from {Directory}: {Report}")]
    public static partial void InstrumentRecovered(ILogger logger, string symbol, string directory, string report);

    [LoggerMessage(EventId = 3002, EventName = "TornTailCut", Level = LogLevel.Warning,
        Message = "{Symbol}: the journal ended in a record that was never completely written (a crash mid-append); it was cut off: {Fault}")]
    public static partial void TornTailCut(ILogger logger, string symbol, string fault);

    [LoggerMessage(EventId = 3003, EventName = "SnapshotSkipped", Level = LogLevel.Warning,
        Message = "{Symbol}: a snapshot could not be used and an older one (or the journal alone) was: {Fault}")]
    public static partial void SnapshotSkipped(ILogger logger, string symbol, string fault);

    [LoggerMessage(EventId = 3004, EventName = "PeriodicSnapshotFailed", Level = LogLevel.Error,
        Message = "{Symbol}: the periodic snapshot failed; the next period tries again")]
    public static partial void PeriodicSnapshotFailed(ILogger logger, string symbol, Exception error);
}
