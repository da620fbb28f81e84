namespace PinnacleMM.Exchange.Coinbase.Sync;

/// <summary>Why a product left <c>Synced</c> (or never reached it): the trouble the synchronizer detected.</summary>
public enum CoinbaseSyncTrouble : byte
{
    /// <summary>No trouble: a normal transition (connecting, subscribed, snapshot applied).</summary>
    None = 0,

    /// <summary>A sequence number was skipped: messages were lost.</summary>
    SequenceGap,

    /// <summary>No heartbeat arrived within <see cref="CoinbaseSyncOptions.HeartbeatTimeout"/>.</summary>
    HeartbeatSilence,

    /// <summary>No message at all arrived within <see cref="CoinbaseSyncOptions.MessageTimeout"/>: the connection is presumed dead.</summary>
    MessageSilence,

    /// <summary>The book's best bid reached its best ask, which a correct copy of a venue's book never does.</summary>
    CrossedBook,

    /// <summary>The venue sent an <c>error</c> message.</summary>
    VenueError,

    /// <summary>A message could not be decoded (malformed JSON, missing field, off-grid value): its changes may be missing.</summary>
    InvalidMessage,

    /// <summary>The book refused a snapshot (crossed, or a price twice on a side).</summary>
    SnapshotRejected,

    /// <summary>No snapshot arrived within <see cref="CoinbaseSyncOptions.SnapshotTimeout"/> of asking for one.</summary>
    SnapshotTimeout,

    /// <summary>The connection closed or failed.</summary>
    Disconnected,

    /// <summary>The consumer asked for a fresh snapshot (<see cref="CoinbaseBookSynchronizer.RequestResync"/>): its copy of the book is out of sync.</summary>
    Requested,
}
