using System.Globalization;
using Microsoft.Extensions.Logging;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// The session's log: the SDK's messages (connections, resyncs, the engine's start, stop and faults) appended as one
/// line each to <c>&lt;data&gt;/logs/session.log</c>, so that they never write over the dashboard. The file is opened
/// at the first message, so a run refused for its configuration writes nothing.
/// </summary>
internal sealed class SessionLogFile(string dataDirectory, TimeProvider time) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private StreamWriter? _writer;

    /// <summary>The log file's path.</summary>
    public string Path { get; } = System.IO.Path.Combine(dataDirectory, "logs", "session.log");

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
        lock (_gate)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void Write(LogLevel level, EventId eventId, string category, string message, Exception? exception)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {Level(level)} {category}[{eventId.Id}] {message}");
        lock (_gate)
        {
            if (_writer is null)
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                _writer = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
            }

            _writer.WriteLine(line);
            if (exception is not null)
            {
                _writer.WriteLine(exception.ToString());
            }
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };

    private sealed class Logger(SessionLogFile file, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                file.Write(logLevel, eventId, category, formatter(state, exception), exception);
            }
        }
    }
}
