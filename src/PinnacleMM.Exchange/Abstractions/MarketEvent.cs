using System.Runtime.InteropServices;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// One normalized market data event, the same for every connector: a fixed 64-byte struct without
/// references, so that it travels through a <c>SpscRing&lt;MarketEvent&gt;</c> and into the journal
/// without allocation. Build one with the factory of its <see cref="Kind"/>; each property says for
/// which kinds it is meaningful (it reads 0 for the others).
/// </summary>
/// <remarks>
/// <para>
/// <b>Sequences.</b> The level updates of one instrument carry consecutive sequence numbers (s, s+1, …)
/// when the venue has them, so that a <c>DepthBook</c> can detect a gap; a snapshot carries the
/// sequence number of the last update it includes, and the next update carries that number + 1. Trades,
/// tickers and status events carry the current book sequence without consuming a number. A venue without
/// sequence numbers sends 0 everywhere.
/// </para>
/// <para>
/// <b>Timestamps.</b> <see cref="ExchangeTimestampNanoseconds"/> is the venue's time of the event (Unix
/// epoch nanoseconds for a real venue, virtual nanoseconds for the simulator; 0 when unknown);
/// <see cref="ReceivedNanoseconds"/> is when the connector received it, on the application's monotonic
/// clock: the start of tick-to-quote latency.
/// </para>
/// <code>
///  0      1      2      3      4             8              16              24                32                40         48                 56              64
///  +------+------+------+------+-------------+--------------+---------------+-----------------+-----------------+----------+------------------+---------------+
///  | kind | side | state| rsvd | instrument  | price        | quantity      | aux1: count /   | aux2: ask qty   | sequence | exchange time ns | received ns   |
///  |      |      |      |      | (int)       | (ticks/bid)  | (lots/bid qty)| trade id / ask  | (ticker)        |          |                  | (monotonic)   |
///  +------+------+------+------+-------------+--------------+---------------+-----------------+-----------------+----------+------------------+---------------+
/// </code>
/// </remarks>
[StructLayout(LayoutKind.Explicit, Size = SizeInBytes)]
public readonly record struct MarketEvent
{
    /// <summary>The size of the struct in bytes: one cache line.</summary>
    public const int SizeInBytes = 64;

    /// <summary>
    /// The offset of the layout's reserved byte, which carries no data and takes no part in equality: an
    /// <c>SpscRing&lt;MarketEvent&gt;</c> built with it as its slot tag publishes each event in the event's own slot, so
    /// that the consuming core takes one cache line per event from the producing core instead of two.
    /// </summary>
    public const int RingTagOffset = 3;

    [FieldOffset(0)] private readonly MarketEventKind _kind;
    [FieldOffset(1)] private readonly Side _side;
    [FieldOffset(2)] private readonly byte _state;
    [FieldOffset(4)] private readonly int _instrument;
    [FieldOffset(8)] private readonly long _price;
    [FieldOffset(16)] private readonly long _quantity;
    [FieldOffset(24)] private readonly long _aux1;
    [FieldOffset(32)] private readonly long _aux2;
    [FieldOffset(40)] private readonly long _sequence;
    [FieldOffset(48)] private readonly long _exchangeTimestamp;
    [FieldOffset(56)] private readonly long _received;

    private MarketEvent(
        MarketEventKind kind,
        InstrumentId instrument,
        Side side,
        long price,
        long quantity,
        long aux1,
        long aux2,
        long sequence,
        long exchangeTimestamp,
        long received,
        ConnectionState state = ConnectionState.Disconnected)
    {
        _kind = kind;
        _side = side;
        _state = (byte)state;
        _instrument = instrument.Value;
        _price = price;
        _quantity = quantity;
        _aux1 = aux1;
        _aux2 = aux2;
        _sequence = sequence;
        _exchangeTimestamp = exchangeTimestamp;
        _received = received;
    }

    /// <summary>What the event reports.</summary>
    public MarketEventKind Kind => _kind;

    /// <summary>The instrument; <see cref="InstrumentId.None"/> for a <see cref="MarketEventKind.Status"/> about the whole feed.</summary>
    public InstrumentId Instrument => new(_instrument);

    /// <summary>Levels: the book side. Trades: the aggressor (taker) side, <see cref="Side.Buy"/> when an ask was lifted.</summary>
    public Side Side => _side;

    /// <summary>Levels and trades: the price in ticks.</summary>
    public Price Price => _kind is MarketEventKind.Ticker ? default : new Price(_price);

    /// <summary>Levels: the level's new total size (0 removes it). Trades: the traded size.</summary>
    public Quantity Quantity => _kind is MarketEventKind.Ticker ? default : new Quantity(_quantity);

    /// <summary>Levels: the number of orders at the price; 0 when the venue does not say.</summary>
    public int OrderCount => _kind is MarketEventKind.SnapshotLevel or MarketEventKind.LevelUpdate ? (int)_aux1 : 0;

    /// <summary>Trades: the venue's trade id; 0 when the venue has none.</summary>
    public long TradeId => _kind == MarketEventKind.Trade ? _aux1 : 0;

    /// <summary>Ticker: the best bid price; 0 when there is no bid.</summary>
    public Price BestBidPrice => _kind == MarketEventKind.Ticker ? new Price(_price) : default;

    /// <summary>Ticker: the size at the best bid.</summary>
    public Quantity BestBidQuantity => _kind == MarketEventKind.Ticker ? new Quantity(_quantity) : default;

    /// <summary>Ticker: the best ask price; 0 when there is no ask.</summary>
    public Price BestAskPrice => _kind == MarketEventKind.Ticker ? new Price(_aux1) : default;

    /// <summary>Ticker: the size at the best ask.</summary>
    public Quantity BestAskQuantity => _kind == MarketEventKind.Ticker ? new Quantity(_aux2) : default;

    /// <summary>Status: the new connection state.</summary>
    public ConnectionState ConnectionState => (ConnectionState)_state;

    /// <summary>The feed's sequence number (see the remarks); 0 when the venue has none.</summary>
    public long Sequence => _sequence;

    /// <summary>The venue's time of the event in nanoseconds; 0 when unknown.</summary>
    public long ExchangeTimestampNanoseconds => _exchangeTimestamp;

    /// <summary>When the connector received the event, on the application's monotonic clock (nanoseconds).</summary>
    public long ReceivedNanoseconds => _received;

    /// <summary>A snapshot of <paramref name="instrument"/> begins; its levels follow, then <see cref="SnapshotEnd"/>.</summary>
    public static MarketEvent SnapshotBegin(InstrumentId instrument, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.SnapshotBegin, instrument, default, 0, 0, 0, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>One level of the snapshot being sent.</summary>
    public static MarketEvent SnapshotLevel(InstrumentId instrument, Side side, Price price, Quantity quantity, int orderCount, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.SnapshotLevel, instrument, side, price.Ticks, quantity.Lots, orderCount, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>The snapshot of <paramref name="instrument"/> is complete.</summary>
    public static MarketEvent SnapshotEnd(InstrumentId instrument, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.SnapshotEnd, instrument, default, 0, 0, 0, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>A level's new absolute size (0 removes it) and order count.</summary>
    public static MarketEvent LevelUpdate(InstrumentId instrument, Side side, Price price, Quantity quantity, int orderCount, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.LevelUpdate, instrument, side, price.Ticks, quantity.Lots, orderCount, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>A trade print; <paramref name="aggressor"/> is the taker's side.</summary>
    public static MarketEvent Trade(InstrumentId instrument, Side aggressor, Price price, Quantity quantity, long tradeId, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.Trade, instrument, aggressor, price.Ticks, quantity.Lots, tradeId, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>The best bid and ask (prices 0 for an empty side).</summary>
    public static MarketEvent Ticker(InstrumentId instrument, Price bestBid, Quantity bestBidQuantity, Price bestAsk, Quantity bestAskQuantity, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.Ticker, instrument, default, bestBid.Ticks, bestBidQuantity.Lots, bestAsk.Ticks, bestAskQuantity.Lots, sequence, exchangeTimestampNanoseconds, receivedNanoseconds);

    /// <summary>The connection state changed, for <paramref name="instrument"/> or (<see cref="InstrumentId.None"/>) the whole feed.</summary>
    public static MarketEvent Status(InstrumentId instrument, ConnectionState state, long sequence, long exchangeTimestampNanoseconds, long receivedNanoseconds) =>
        new(MarketEventKind.Status, instrument, default, 0, 0, 0, 0, sequence, exchangeTimestampNanoseconds, receivedNanoseconds, state);

    /// <summary>A copy with <see cref="ReceivedNanoseconds"/> replaced: a connector stamps events when it hands them over.</summary>
    public MarketEvent WithReceived(long receivedNanoseconds) =>
        new(_kind, Instrument, _side, _price, _quantity, _aux1, _aux2, _sequence, _exchangeTimestamp, receivedNanoseconds, ConnectionState);

    /// <summary>The kind and the fields meaningful for it.</summary>
    public override string ToString() => _kind switch
    {
        MarketEventKind.SnapshotLevel or MarketEventKind.LevelUpdate => $"{_kind} {Instrument} {Side} {Price} {Quantity} ({OrderCount} orders) seq {_sequence}",
        MarketEventKind.Trade => $"Trade {Instrument} {Side} {Quantity} @ {Price} id {TradeId} seq {_sequence}",
        MarketEventKind.Ticker => $"Ticker {Instrument} {BestBidQuantity} @ {BestBidPrice} / {BestAskQuantity} @ {BestAskPrice} seq {_sequence}",
        MarketEventKind.Status => $"Status {Instrument} {ConnectionState}",
        _ => $"{_kind} {Instrument} seq {_sequence}",
    };
}
