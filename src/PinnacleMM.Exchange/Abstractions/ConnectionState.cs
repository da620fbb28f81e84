namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// Where a venue connection stands, as reported to the application. Quoting on an instrument is only
/// safe in <see cref="Synced"/>: in every other state its book may be stale or incomplete.
/// </summary>
public enum ConnectionState
{
    /// <summary>No connection, and none being made.</summary>
    Disconnected = 0,

    /// <summary>A connection is being opened (or re-opened after a failure, with backoff).</summary>
    Connecting = 1,

    /// <summary>Connected and subscribed, waiting for a snapshot to rebuild the book.</summary>
    Syncing = 2,

    /// <summary>Connected, and the book matches the venue's.</summary>
    Synced = 3,
}
