using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// The session's log: the SDK's messages (connections, resyncs, the engine's start, stop and faults) appended as one
/// line each to <c>&lt;data&gt;/logs/session.log</c>, so that they never write over the dashboard. The file is opened
/// at the first message, so a run refused for its configuration writes nothing. It is bounded by
/// <see cref="SessionLogOptions"/>: a message that would take it past the size begins a new one, the older ones
/// shifting to <c>session.1.log</c>, <c>session.2.log</c>, ... and the oldest beyond the retained count deleted.
/// </summary>
internal sealed class SessionLogFile(string dataDirectory, TimeProvider time, IOptions<SessionLogOptions> options) : ILoggerProvider
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

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

    /// <summary>The path of an older file: <c>session.1.log</c> is the newest of them.</summary>
    public string OlderPath(int generation) => System.IO.Path.Combine(dataDirectory, "logs", string.Create(CultureInfo.InvariantCulture, $"session.{generation}.log"));

    private void Write(LogLevel level, EventId eventId, string category, string message, Exception? exception)
    {
        var record = string.Create(CultureInfo.InvariantCulture, $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {Level(level)} {category}[{eventId.Id}] {message}{Environment.NewLine}");
        if (exception is not null)
        {
            record += exception + Environment.NewLine;
        }

        var bytes = Utf8.GetByteCount(record);
        lock (_gate)
        {
            try
            {
                var bound = options.Value;
                if (_writer is null)
                {
                    Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                    _writer = Open();
                }

                // A record that does not fit begins the next file, unless the file is empty (a longer record gets one of its own).
                if (_writer.BaseStream.Length > 0 && _writer.BaseStream.Length + bytes > bound.MaxFileBytes)
                {
                    _writer.Dispose();
                    _writer = null;
                    Rotate(bound.RetainedFiles);
                    _writer = Open();
                }

                _writer.Write(record);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A log that cannot be written (disk full, the file taken away) must not fail the engine that logs:
                // the record is lost, and the next one tries the file again.
                _writer?.Dispose();
                _writer = null;
            }
        }
    }

    private StreamWriter Open() => new(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read), Utf8) { AutoFlush = true };

    /// <summary>session.log becomes session.1.log, session.1.log session.2.log, ...; the one past <paramref name="retained"/> is deleted.</summary>
    private void Rotate(int retained)
    {
        if (retained == 0)
        {
            File.Delete(Path);
            return;
        }

        File.Delete(OlderPath(retained));
        for (var generation = retained - 1; generation >= 1; generation--)
        {
            if (File.Exists(OlderPath(generation)))
            {
                File.Move(OlderPath(generation), OlderPath(generation + 1));
            }
        }

        File.Move(Path, OlderPath(1));
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
