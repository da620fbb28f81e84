using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Internal;

namespace PinnacleMM.Persistence;

/// <summary>
/// Persistence for many instruments under one data directory: a folder per instrument with its journal
/// and snapshots, recovery when an instrument is opened, periodic snapshots on a <see cref="TimeProvider"/>
/// timer, compaction, and a lock file so that only one process uses the directory.
/// </summary>
/// <example>
/// <code>
/// await using var manager = new PersistenceManager(new PersistenceOptions { DataDirectory = "data" });
/// var btc = manager.Open(instrument);            // recovers the book and state, then journals
/// Console.WriteLine(btc.Recovery);               // snapshot used, records replayed, torn tail, time
/// btc.Submit(OrderRequest.Limit(1, 7, Side.Buy, new Price(100), new Quantity(2)));
/// </code>
/// </example>
public sealed class PersistenceManager : IAsyncDisposable, IDisposable
{
    /// <summary>The name of the lock file in the data directory.</summary>
    public const string LockFileName = "pinnaclemm.lock";

    private readonly object _gate = new();
    private readonly PersistenceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly FileStream _lock;
    private readonly Dictionary<string, InstrumentPersistence> _instruments = new(StringComparer.Ordinal);
    private readonly ITimer? _timer;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Validates the options, creates the data directory and takes its lock.</summary>
    /// <param name="options">The settings (copied).</param>
    /// <param name="timeProvider">Wall clock and timers (periodic snapshots, snapshot timestamps); null for <see cref="TimeProvider.System"/>.</param>
    /// <param name="loggerFactory">
    /// Logs what each <see cref="Open"/> recovered (a cut torn tail and skipped snapshots as warnings) and failed periodic
    /// snapshots (event ids 3001-3004, see the package README); no logging when null.
    /// </param>
    /// <exception cref="ArgumentException">When an option breaks its rule; the message names every one.</exception>
    /// <exception cref="PersistenceException">When the directory cannot be created, or another process holds it.</exception>
    public PersistenceManager(PersistenceOptions options, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        _logger = loggerFactory?.CreateLogger<PersistenceManager>() ?? NullLogger<PersistenceManager>.Instance;
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
        _timeProvider = timeProvider ?? TimeProvider.System;
        DataDirectory = Path.GetFullPath(_options.DataDirectory);
        _lock = AcquireLock(DataDirectory);
        if (_options.SnapshotIntervalMin > 0)
        {
            var period = TimeSpan.FromMinutes(_options.SnapshotIntervalMin);
            _timer = _timeProvider.CreateTimer(_ => SnapshotAll(), null, period, period);
        }
    }

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The settings in force.</summary>
    public PersistenceOptions Options => _options.Clone();

    /// <summary>The instruments open now.</summary>
    public IReadOnlyList<InstrumentPersistence> Instruments
    {
        get
        {
            lock (_gate)
            {
                return [.. _instruments.Values];
            }
        }
    }

    /// <summary>
    /// Opens an instrument: recovers its book and application state from its folder (newest valid
    /// snapshot + journal replay; see <see cref="InstrumentPersistence.Recovery"/>) and opens its journal.
    /// </summary>
    /// <param name="instrument">The instrument; its folder is named after the symbol (characters other than A–Z, a–z, 0–9, '-', '_' are hex-escaped as '~XX').</param>
    /// <param name="options">State providers and application record handler; null for none.</param>
    /// <exception cref="InvalidOperationException">When the instrument is already open.</exception>
    /// <exception cref="Journal.JournalCorruptedException">When its journal is corrupted other than at its tail.</exception>
    /// <exception cref="Recovery.RecoveryException">When its snapshots and journal do not fit together.</exception>
    /// <exception cref="IOException">When its files cannot be read or written.</exception>
    public InstrumentPersistence Open(InstrumentSpec instrument, InstrumentPersistenceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        lock (_gate)
        {
            if (_instruments.ContainsKey(instrument.Symbol))
            {
                throw new InvalidOperationException($"instrument: '{instrument.Symbol}' is already open in this manager");
            }

            var directory = Path.Combine(DataDirectory, InstrumentFolder.NameOf(instrument.Symbol));
            var opened = InstrumentPersistence.Open(directory, instrument, _options, options ?? new InstrumentPersistenceOptions(), _timeProvider, Closed);
            _instruments.Add(instrument.Symbol, opened);
            LogRecovery(opened);
            return opened;
        }
    }

    /// <summary>Looks up an open instrument by symbol.</summary>
    public bool TryGet(string symbol, out InstrumentPersistence? instrument)
    {
        lock (_gate)
        {
            return _instruments.TryGetValue(symbol, out instrument);
        }
    }

    /// <summary>Takes a snapshot of every open instrument now (what the periodic timer does); failures are kept in <see cref="InstrumentPersistence.LastSnapshotError"/>.</summary>
    public void SnapshotAll()
    {
        foreach (var instrument in Instruments)
        {
            instrument.TakePeriodicSnapshot();
            if (instrument.LastSnapshotError is { } error)
            {
                PersistenceLog.PeriodicSnapshotFailed(_logger, instrument.Instrument.Symbol, error);
            }
        }
    }

    private void LogRecovery(InstrumentPersistence opened)
    {
        var symbol = opened.Instrument.Symbol;
        var report = opened.Recovery;
        foreach (var fallback in report.SnapshotFallbacks)
        {
            PersistenceLog.SnapshotSkipped(_logger, symbol, fallback.ToString());
        }

        if (report.TruncatedTail is { } tail)
        {
            PersistenceLog.TornTailCut(_logger, symbol, tail.ToString());
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            PersistenceLog.InstrumentRecovered(_logger, symbol, opened.Directory, report.ToString().ReplaceLineEndings("; "));
        }
    }

    /// <summary>Stops the snapshot timer, flushes and closes every instrument's journal, and releases the directory lock.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        List<Exception>? errors = null;
        foreach (var instrument in Instruments)
        {
            try
            {
                instrument.Dispose();
            }
            catch (IOException e)
            {
                (errors ??= []).Add(e);
            }
        }

        _lock.Dispose();
        if (errors is not null)
        {
            throw new AggregateException("Closing some instruments failed; their last records may not be durable", errors);
        }
    }

    /// <summary>Same as <see cref="Dispose"/>, with the final flushes on the thread pool.</summary>
    public ValueTask DisposeAsync() => new(Task.Run(Dispose));

    private static FileStream AcquireLock(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceException($"Cannot create the data directory '{directory}': {e.Message}", e);
        }

        var path = Path.Combine(directory, LockFileName);
        try
        {
            // FileShare.None is an exclusive lock on the file (flock on Unix), released when the process dies.
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new PersistenceException($"Cannot open the lock file '{path}': the data directory is not writable ({e.Message})", e);
        }
        catch (IOException e)
        {
            throw new PersistenceException(
                $"The data directory '{directory}' is in use by another process (its lock file '{path}' is held): only one process may use a data directory at a time",
                e);
        }
    }

    private void Closed(InstrumentPersistence instrument)
    {
        lock (_gate)
        {
            _instruments.Remove(instrument.Instrument.Symbol);
        }
    }
}
