using PinnacleMM.Exchange.Engine;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Replay;

/// <summary>
/// The journal record types of a market data recording. Values are part of the on-disk format. A market event is
/// the same record the trading engine journals (<see cref="EngineRecordTypes.MarketEvent"/>, 64 bytes, the
/// <see cref="Abstractions.MarketEvent"/> layout, little-endian), so an engine's journal can be replayed too.
/// </summary>
public static class ReplayRecordTypes
{
    /// <summary>A market event as received: the 64-byte <see cref="Abstractions.MarketEvent"/> layout (<see cref="EngineRecordCodec.EncodeMarketEvent"/>).</summary>
    public const JournalRecordType MarketEvent = EngineRecordTypes.MarketEvent;

    /// <summary>
    /// Names the instrument behind an id, written before the first event of that instrument so that a replay in
    /// another process can map it by symbol: <c>instrument id i32 | symbol length u8 | symbol UTF-8</c>.
    /// </summary>
    public const JournalRecordType Instrument = JournalRecordType.ApplicationBase + 0x20;
}
