using System.Buffers.Binary;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Replay;

/// <summary>
/// A market data connector that plays a recorded session back from a journal directory (written by a
/// <see cref="RecordingMarketDataConnector"/>, or an engine's journal): the same <see cref="MarketEvent"/>s, in the
/// same order, with the same fields, so that a recorded session can drive the paper exchange, the simulator's
/// consumers or the trading engine again.
/// </summary>
/// <remarks>
/// <para>
/// Only events of subscribed instruments are delivered (and feed-wide status events). With
/// <see cref="ReplayPacing.Manual"/> the caller delivers them on its own thread with <see cref="ReplayNext"/> or
/// <see cref="ReplayAll"/>; otherwise a background thread, started by the first <see cref="SubscribeAsync"/>, delivers
/// them as fast as possible or paced by their recorded <see cref="MarketEvent.ReceivedNanoseconds"/> ÷
/// <see cref="ReplayOptions.Speed"/>. Subscribe every instrument before the first event you want.
/// </para>
/// <para>
/// The journal reader checks every record (length, CRC-32C, sequence). Where it stops early — a torn tail left by a
/// crash while recording, or corruption — the replay ends after the last intact record and
/// <see cref="ReplayReport.Fault"/> says where and why; it never delivers a record that failed a check. At the end
/// (unless <see cref="ReplayOptions.EndWithDisconnect"/> is false) a feed-wide disconnected status follows, and
/// <see cref="Completion"/> completes with the <see cref="ReplayReport"/>.
/// </para>
/// </remarks>
public sealed class ReplayMarketDataConnector : IMarketDataConnector
{
    private readonly string _directory;
    private readonly ReplayPacing _pacing;
    private readonly double _speed;
    private readonly long _fromSequence;
    private readonly InstrumentRegistry? _instruments;
    private readonly TimeProvider _timeProvider;
    private readonly MonotonicClock? _receiveClock;
    private readonly bool _endWithDisconnect;
    private readonly Lock _gate = new();
    private readonly HashSet<int> _subscribed = [];
    private readonly TaskCompletionSource<ReplayReport> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Recorded instrument id → this application's id: 0 = not named in the recording (kept), -1 = symbol not registered.
    private int[] _map = [];
    private JournalReader? _reader;
    private IMarketDataSink? _sink;
    private volatile ConnectionState _state;
    private CancellationTokenSource? _stop;
    private Task? _loop;
    private int _driving;
    private bool _finished;
    private bool _disposed;
    private long _delivered;
    private long _read;
    private long _skipped;
    private long _lastExchange;
    private long _lastReceived;
    private long _firstReceived = -1;
    private long _startTimestamp;
    private long _resyncRequests;

    /// <summary>Creates a replay; nothing is read until <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">What to replay and how; validated and read once here.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options break a rule; the message lists every broken rule, each naming its field.</exception>
    public ReplayMarketDataConnector(ReplayOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid replay options: " + string.Join(" ", errors), nameof(options));
        }

        _directory = options.Directory!;
        _pacing = options.Pacing;
        _speed = options.Speed;
        _fromSequence = options.FromSequence;
        _instruments = options.Instruments;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _receiveClock = options.ReceiveClock;
        _endWithDisconnect = options.EndWithDisconnect;
        Venue = options.Venue;
    }

    /// <summary>As configured by <see cref="ReplayOptions.Venue"/>.</summary>
    public string Venue { get; }

    /// <summary>Synced from connect until the recording ends, then disconnected.</summary>
    public ConnectionState State => _state;

    /// <summary>Completes with the report when the recording has been replayed to its end (or to a fault in it); faults when a sink threw on the background thread; cancelled when disposed before the end.</summary>
    public Task<ReplayReport> Completion => _completion.Task;

    /// <summary>The report once the replay has ended, otherwise null.</summary>
    public ReplayReport? Report { get; private set; }

    /// <inheritdoc />
    /// <exception cref="DirectoryNotFoundException">The recording's directory does not exist.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="ReplayOptions.FromSequence"/> is below the journal's first stored record.</exception>
    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_sink is not null)
            {
                throw new InvalidOperationException("ConnectAsync: already connected.");
            }

            _reader = JournalReader.Open(_directory, _fromSequence);
            _sink = sink;
            _state = ConnectionState.Synced;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>The first subscription starts the background delivery (unless <see cref="ReplayPacing.Manual"/>).</remarks>
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is <see cref="InstrumentId.None"/>.</exception>
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (instrument.Value <= 0)
        {
            throw new ArgumentException($"instrument: {instrument} is not an instrument; subscribe a registered (positive) id.", nameof(instrument));
        }

        lock (_gate)
        {
            if (_sink is null)
            {
                throw new InvalidOperationException("SubscribeAsync: not connected; call ConnectAsync first.");
            }

            _subscribed.Add(instrument.Value);
            if (_pacing != ReplayPacing.Manual && _loop is null)
            {
                _stop = new CancellationTokenSource();
                var token = _stop.Token;
                _loop = Task.Factory.StartNew(() => RunAsync(token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _subscribed.Remove(instrument.Value);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>How many times a consumer asked for a fresh snapshot (<see cref="ResyncAsync"/>).</summary>
    public long ResyncRequests => Interlocked.Read(ref _resyncRequests);

    /// <inheritdoc />
    /// <remarks>
    /// A recording cannot produce a snapshot on demand, and replaying must not change what is delivered: the request
    /// is counted (<see cref="ResyncRequests"/>) and the book resyncs at the recording's next snapshot (a recorded
    /// session contains one after every resubscription and every resync of the recorded feed).
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is <see cref="InstrumentId.None"/>.</exception>
    /// <exception cref="InvalidOperationException">Not connected, or <paramref name="instrument"/> is not subscribed.</exception>
    public ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (instrument.Value <= 0)
        {
            throw new ArgumentException($"instrument: {instrument} is not an instrument; resync a subscribed (positive) id.", nameof(instrument));
        }

        lock (_gate)
        {
            if (_sink is null)
            {
                throw new InvalidOperationException("ResyncAsync: not connected; call ConnectAsync first.");
            }

            if (!_subscribed.Contains(instrument.Value))
            {
                throw new InvalidOperationException($"ResyncAsync: {instrument} is not subscribed.");
            }
        }

        Interlocked.Increment(ref _resyncRequests);
        return ValueTask.CompletedTask;
    }

    /// <summary>Delivers up to <paramref name="maxEvents"/> more events on the calling thread (<see cref="ReplayPacing.Manual"/> only).</summary>
    /// <returns>How many were delivered; 0 once the replay has ended.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEvents"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">Not manual, not connected, or called concurrently.</exception>
    /// <exception cref="InvalidDataException">A market event record in the journal is not a valid event (the message names its sequence number).</exception>
    public int ReplayNext(int maxEvents)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEvents);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_pacing != ReplayPacing.Manual)
        {
            throw new InvalidOperationException($"ReplayNext: the replay is {_pacing}; only a Manual replay is driven by the caller.");
        }

        if (_sink is null)
        {
            throw new InvalidOperationException("ReplayNext: not connected; call ConnectAsync first.");
        }

        if (Interlocked.Exchange(ref _driving, 1) != 0)
        {
            throw new InvalidOperationException("ReplayNext: another thread is driving the replay; one driver at a time.");
        }

        try
        {
            var before = _delivered;
            while (_delivered - before < maxEvents && !_finished)
            {
                if (TryReadNext(out var marketEvent))
                {
                    Deliver(marketEvent);
                }
                else
                {
                    Finish();
                }
            }

            return (int)(_delivered - before);
        }
        finally
        {
            Volatile.Write(ref _driving, 0);
        }
    }

    /// <summary>Delivers every remaining event on the calling thread (<see cref="ReplayPacing.Manual"/> only) and returns the report.</summary>
    /// <exception cref="InvalidOperationException">Not manual, not connected, or called concurrently.</exception>
    /// <exception cref="InvalidDataException">A market event record in the journal is not a valid event.</exception>
    public ReplayReport ReplayAll()
    {
        while (!_finished)
        {
            ReplayNext(int.MaxValue);
        }

        return Report!;
    }

    /// <summary>Stops the background delivery (waiting for it), closes the journal and reports disconnected. Idempotent.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
            _stop?.Cancel();
        }

        if (loop is not null)
        {
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopped as asked.
            }
            catch (Exception)
            {
                // Already reported through Completion.
            }
        }

        _stop?.Dispose();
        _reader?.Dispose();
        _state = ConnectionState.Disconnected;
        _completion.TrySetCanceled();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!_finished && !cancellationToken.IsCancellationRequested)
            {
                if (!TryReadNext(out var marketEvent))
                {
                    Finish();
                    break;
                }

                if (_pacing == ReplayPacing.Paced)
                {
                    var delay = DelayUntil(marketEvent.ReceivedNanoseconds);
                    if (delay > TimeSpan.Zero)
                    {
                        await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                    }
                }

                Deliver(marketEvent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _completion.TrySetCanceled(cancellationToken);
        }
        catch (Exception e)
        {
            _state = ConnectionState.Disconnected;
            _completion.TrySetException(e);
        }
    }

    /// <summary>Reads records until the next event to deliver.</summary>
    /// <returns><see langword="false"/> at the end of the journal (or at a fault in it).</returns>
    private bool TryReadNext(out MarketEvent marketEvent)
    {
        var reader = _reader!;
        while (reader.TryRead(out var record))
        {
            _read++;
            if (record.Type == ReplayRecordTypes.Instrument)
            {
                MapInstrument(record.Sequence, record.Payload);
                _skipped++;
                continue;
            }

            if (record.Type != ReplayRecordTypes.MarketEvent)
            {
                _skipped++;
                continue;
            }

            if (!EngineRecordCodec.TryDecodeMarketEvent(record.Payload, out marketEvent))
            {
                throw new InvalidDataException(
                    $"journal record {record.Sequence} in '{reader.Directory}': a market event record must be {EngineRecordCodec.MarketEventSize} bytes with a defined kind " +
                    $"(it is {record.Payload.Length} bytes{(record.Payload.IsEmpty ? "" : $", kind {record.Payload[0]}")}).");
            }

            if (!marketEvent.Instrument.IsNone)
            {
                var instrument = MapId(marketEvent.Instrument);
                bool subscribed;
                lock (_gate)
                {
                    subscribed = instrument.Value > 0 && _subscribed.Contains(instrument.Value);
                }

                if (!subscribed)
                {
                    _skipped++;
                    continue;
                }

                if (instrument != marketEvent.Instrument)
                {
                    marketEvent = MarketEventCopy.WithInstrument(marketEvent, instrument);
                }
            }

            return true;
        }

        marketEvent = default;
        return false;
    }

    private void Deliver(MarketEvent marketEvent)
    {
        _lastExchange = Math.Max(_lastExchange, marketEvent.ExchangeTimestampNanoseconds);
        _lastReceived = Math.Max(_lastReceived, marketEvent.ReceivedNanoseconds);
        if (_receiveClock is not null)
        {
            marketEvent = marketEvent.WithReceived(_receiveClock.NowNanoseconds);
        }

        _sink!.OnMarketEvent(marketEvent);
        _delivered++;
    }

    /// <summary>Ends the replay: the final status (when configured), the report, disconnected.</summary>
    private void Finish()
    {
        var reader = _reader!;
        if (_endWithDisconnect)
        {
            Deliver(MarketEvent.Status(InstrumentId.None, ConnectionState.Disconnected, 0, _lastExchange, _lastReceived));
        }

        _finished = true;
        Report = new ReplayReport
        {
            EventsDelivered = _delivered,
            RecordsRead = _read,
            RecordsSkipped = _skipped,
            LastSequence = reader.LastSequenceRead,
            Fault = reader.Fault,
        };
        _state = ConnectionState.Disconnected;
        _completion.TrySetResult(Report);
    }

    private TimeSpan DelayUntil(long receivedNanoseconds)
    {
        if (_firstReceived < 0)
        {
            _firstReceived = receivedNanoseconds;
            _startTimestamp = _timeProvider.GetTimestamp();
            return TimeSpan.Zero;
        }

        var target = TimeSpan.FromTicks((long)((receivedNanoseconds - _firstReceived) / _speed / TimeSpan.NanosecondsPerTick));
        return target - _timeProvider.GetElapsedTime(_startTimestamp);
    }

    private void MapInstrument(long sequence, ReadOnlySpan<byte> payload)
    {
        if (payload.Length < 5 || payload.Length != 5 + payload[4])
        {
            throw new InvalidDataException($"journal record {sequence}: an instrument record must be an id (4 bytes), a length byte and that many bytes of symbol (it is {payload.Length} bytes).");
        }

        var recorded = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (_instruments is null || recorded <= 0)
        {
            return;
        }

        if (recorded >= _map.Length)
        {
            Array.Resize(ref _map, Math.Max(recorded + 1, _map.Length * 2));
        }

        _map[recorded] = _instruments.TryGetId(payload[5..], out var id) ? id.Value : -1;
    }

    private InstrumentId MapId(InstrumentId recorded)
    {
        var index = recorded.Value;
        if ((uint)index >= (uint)_map.Length || _map[index] == 0)
        {
            return recorded;
        }

        return _map[index] < 0 ? InstrumentId.None : new InstrumentId(_map[index]);
    }
}
