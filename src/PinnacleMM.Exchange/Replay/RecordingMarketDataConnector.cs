using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Replay;

/// <summary>
/// Wraps a market data connector and records everything it delivers to a journal (through a
/// <see cref="MarketDataRecorder"/>) on its way to the application's sink. Replay the directory later with a
/// <see cref="ReplayMarketDataConnector"/>.
/// </summary>
/// <example>
/// <code>
/// await using var recorded = new RecordingMarketDataConnector(coinbase, "/data/recordings/2025-06-01", registry);
/// var paper = new PaperExchange(paperOptions, recorded);   // record what the paper session saw
/// </code>
/// </example>
public sealed class RecordingMarketDataConnector : IMarketDataConnector
{
    private readonly IMarketDataConnector _inner;
    private readonly JournalWriter _journal;
    private readonly InstrumentRegistry? _instruments;
    private readonly bool _ownsJournal;
    private MarketDataRecorder? _recorder;
    private bool _disposed;

    /// <summary>Records into a journal the caller opened (and disposes).</summary>
    /// <param name="inner">The connector to record.</param>
    /// <param name="journal">The journal to append to; nothing else may write to it.</param>
    /// <param name="instruments">Names the instruments in the recording so that a replay can map them by symbol; recommended.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> or <paramref name="journal"/> is null.</exception>
    public RecordingMarketDataConnector(IMarketDataConnector inner, JournalWriter journal, InstrumentRegistry? instruments = null)
        : this(inner, journal, instruments, ownsJournal: false)
    {
    }

    /// <summary>Opens (or continues) the journal in <paramref name="directory"/> and records into it; the journal is closed on disposal.</summary>
    /// <param name="inner">The connector to record.</param>
    /// <param name="directory">The recording's journal directory; created when missing. A torn tail left by a crash is repaired.</param>
    /// <param name="instruments">Names the instruments in the recording so that a replay can map them by symbol; recommended.</param>
    /// <param name="journalOptions">Segment size and sync policy; the journal's defaults when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="JournalException">The journal cannot be opened (corrupt, locked by another writer, unwritable).</exception>
    public RecordingMarketDataConnector(IMarketDataConnector inner, string directory, InstrumentRegistry? instruments = null, JournalOptions? journalOptions = null)
        : this(inner ?? throw new ArgumentNullException(nameof(inner)), JournalWriter.Open(directory, journalOptions), instruments, ownsJournal: true)
    {
    }

    private RecordingMarketDataConnector(IMarketDataConnector inner, JournalWriter journal, InstrumentRegistry? instruments, bool ownsJournal)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(journal);
        _inner = inner;
        _journal = journal;
        _instruments = instruments;
        _ownsJournal = ownsJournal;
    }

    /// <summary>The recorded connector's venue name.</summary>
    public string Venue => _inner.Venue;

    /// <summary>The recorded connector's state.</summary>
    public ConnectionState State => _inner.State;

    /// <summary>The journal being written.</summary>
    public JournalWriter Journal => _journal;

    /// <summary>The recorder (counts and the last error); null before <see cref="ConnectAsync"/>.</summary>
    public MarketDataRecorder? Recorder => _recorder;

    /// <inheritdoc />
    public async ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_recorder is not null)
        {
            throw new InvalidOperationException("ConnectAsync: already connected.");
        }

        var recorder = new MarketDataRecorder(_journal, sink, _instruments);
        await _inner.ConnectAsync(recorder, cancellationToken).ConfigureAwait(false);
        _recorder = recorder;
    }

    /// <inheritdoc />
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _inner.SubscribeAsync(instrument, cancellationToken);

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _inner.UnsubscribeAsync(instrument, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Asks the recorded feed; the snapshot it sends is recorded like every other event, so a replay resyncs at the same point.</remarks>
    public ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _inner.ResyncAsync(instrument, cancellationToken);

    /// <summary>Disposes the recorded connector (no more events), then flushes the journal and, when this connector opened it, closes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _inner.DisposeAsync().ConfigureAwait(false);
        if (_ownsJournal)
        {
            await _journal.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _journal.Flush();
        }
    }
}
