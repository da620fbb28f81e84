using System.Buffers.Binary;
using System.Text;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Replay;

/// <summary>
/// A market data sink that appends every event to a journal as a <see cref="ReplayRecordTypes.MarketEvent"/> record
/// (64 bytes, written in place into the mapped segment, timestamped with its <see cref="MarketEvent.ReceivedNanoseconds"/>)
/// and then passes it on to the next sink, so that the session can be replayed later with a
/// <see cref="ReplayMarketDataConnector"/>. Allocates nothing per event.
/// </summary>
/// <remarks>
/// Called by one connector's delivery thread (never concurrently), and the only writer of its journal. With an
/// <see cref="InstrumentRegistry"/> it writes a <see cref="ReplayRecordTypes.Instrument"/> record naming each
/// instrument before its first event. Recording never stops the feed: when the journal fails (disk full), the event
/// is still passed on and <see cref="FailedAppends"/> and <see cref="LastError"/> say so.
/// </remarks>
public sealed class MarketDataRecorder : IMarketDataSink
{
    private const int MaxSymbolBytes = 255;

    private readonly JournalWriter _journal;
    private readonly IMarketDataSink? _next;
    private readonly InstrumentRegistry? _instruments;
    private bool[] _named = new bool[16];
    private long _recorded;
    private long _failed;

    /// <summary>Creates a recorder appending to <paramref name="journal"/>.</summary>
    /// <param name="journal">The journal to append to; the recorder must be its only writer. Not disposed by the recorder.</param>
    /// <param name="next">Receives every event after it was recorded; none when null.</param>
    /// <param name="instruments">Names the instruments in the recording (recommended); when null, ids are recorded without names.</param>
    /// <exception cref="ArgumentNullException"><paramref name="journal"/> is null.</exception>
    public MarketDataRecorder(JournalWriter journal, IMarketDataSink? next = null, InstrumentRegistry? instruments = null)
    {
        ArgumentNullException.ThrowIfNull(journal);
        _journal = journal;
        _next = next;
        _instruments = instruments;
    }

    /// <summary>The number of events recorded.</summary>
    public long RecordedEvents => Volatile.Read(ref _recorded);

    /// <summary>The number of events that could not be recorded (they were still passed on).</summary>
    public long FailedAppends => Volatile.Read(ref _failed);

    /// <summary>Why the last append failed, or null.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Records <paramref name="marketEvent"/>, then passes it on.</summary>
    public void OnMarketEvent(in MarketEvent marketEvent)
    {
        try
        {
            if (_instruments is not null && !marketEvent.Instrument.IsNone)
            {
                NameInstrument(marketEvent.Instrument);
            }

            var payload = _journal.BeginAppend(ReplayRecordTypes.MarketEvent, marketEvent.ReceivedNanoseconds, EngineRecordCodec.MarketEventSize);
            var length = EngineRecordCodec.EncodeMarketEvent(marketEvent, payload);
            _journal.CommitAppend(length);
            Volatile.Write(ref _recorded, _recorded + 1);
        }
        catch (Exception e) when (e is JournalException or IOException or ObjectDisposedException)
        {
            LastError = e;
            Volatile.Write(ref _failed, _failed + 1);
        }

        _next?.OnMarketEvent(marketEvent);
    }

    private void NameInstrument(InstrumentId id)
    {
        var index = id.Value;
        if ((uint)index < (uint)_named.Length && _named[index])
        {
            return;
        }

        if (!_instruments!.TryGet(id, out var spec))
        {
            return;
        }

        if (index >= _named.Length)
        {
            Array.Resize(ref _named, Math.Max(index + 1, _named.Length * 2));
        }

        var payload = _journal.BeginAppend(ReplayRecordTypes.Instrument, 0, 5 + MaxSymbolBytes);
        BinaryPrimitives.WriteInt32LittleEndian(payload, index);
        var length = Encoding.UTF8.GetBytes(spec.Symbol, payload[5..]);
        payload[4] = (byte)length;
        _journal.CommitAppend(5 + length);
        _named[index] = true;
    }
}
