namespace PinnacleMM.Exchange.Abstractions;

/// <summary>What a <see cref="MarketEvent"/> reports.</summary>
public enum MarketEventKind : byte
{
    /// <summary>A book snapshot starts: the levels that follow replace the whole book. <see cref="MarketEvent.Sequence"/> is the snapshot's sequence number.</summary>
    SnapshotBegin = 0,

    /// <summary>One level of the snapshot being sent (side, price, total size, order count).</summary>
    SnapshotLevel = 1,

    /// <summary>The snapshot is complete; apply it. <see cref="MarketEvent.Sequence"/> repeats the snapshot's sequence number.</summary>
    SnapshotEnd = 2,

    /// <summary>One price level changed: its new absolute total size (0 removes the level) and order count.</summary>
    LevelUpdate = 3,

    /// <summary>A trade printed (anyone's): price, size, aggressor side and venue trade id.</summary>
    Trade = 4,

    /// <summary>The venue's best bid and ask.</summary>
    Ticker = 5,

    /// <summary>The connection state of the feed (or of one instrument's subscription) changed.</summary>
    Status = 6,
}
