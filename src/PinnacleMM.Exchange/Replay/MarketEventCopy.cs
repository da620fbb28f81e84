using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Replay;

/// <summary>Copies of a <see cref="MarketEvent"/> with some fields replaced, rebuilt through the factory of its kind (the struct is read-only).</summary>
internal static class MarketEventCopy
{
    /// <summary>The event for another instrument id (a replay mapping recorded ids to this application's).</summary>
    public static MarketEvent WithInstrument(in MarketEvent e, InstrumentId instrument) =>
        With(e, instrument, e.Sequence, e.Quantity.Lots, e.OrderCount);

    /// <summary>The event with another sequence number and, for levels, another size and order count.</summary>
    public static MarketEvent With(in MarketEvent e, InstrumentId instrument, long sequence, long lots, int orderCount) => e.Kind switch
    {
        MarketEventKind.SnapshotBegin => MarketEvent.SnapshotBegin(instrument, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        MarketEventKind.SnapshotLevel => MarketEvent.SnapshotLevel(instrument, e.Side, e.Price, new Quantity(lots), orderCount, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        MarketEventKind.SnapshotEnd => MarketEvent.SnapshotEnd(instrument, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        MarketEventKind.LevelUpdate => MarketEvent.LevelUpdate(instrument, e.Side, e.Price, new Quantity(lots), orderCount, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        MarketEventKind.Trade => MarketEvent.Trade(instrument, e.Side, e.Price, e.Quantity, e.TradeId, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        MarketEventKind.Ticker => MarketEvent.Ticker(instrument, e.BestBidPrice, e.BestBidQuantity, e.BestAskPrice, e.BestAskQuantity, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
        _ => MarketEvent.Status(instrument, e.ConnectionState, sequence, e.ExchangeTimestampNanoseconds, e.ReceivedNanoseconds),
    };
}
