using Microsoft.Extensions.Logging;

namespace PinnacleMM.Testing;

/// <summary>A logger (and factory) that keeps every record it is given, at every level, for tests to read.</summary>
internal sealed class RecordingLogger : ILogger, ILoggerFactory
{
    private readonly List<LogRecord> _records = [];

    /// <summary>One record: its level, event id, category and formatted message.</summary>
    public sealed record LogRecord(LogLevel Level, EventId EventId, string Category, string Message, Exception? Exception);

    public string Category { get; init; } = "test";

    public IReadOnlyList<LogRecord> Records
    {
        get
        {
            lock (_records)
            {
                return [.. _records];
            }
        }
    }

    public IReadOnlyList<LogRecord> WithId(int eventId) => [.. Records.Where(r => r.EventId.Id == eventId)];

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Add(new LogRecord(logLevel, eventId, Category, formatter(state, exception), exception));

    private void Add(LogRecord record)
    {
        lock (_records)
        {
            _records.Add(record);
        }
    }

    // As a factory, every category writes into this one list, so a test sees the order across components.
    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }

    private sealed class CategoryLogger(RecordingLogger inner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            inner.Add(new LogRecord(logLevel, eventId, category, formatter(state, exception), exception));
    }
}
