namespace PinnacleMM.Exchange.Coinbase.Sync;

/// <summary>How quickly a <see cref="CoinbaseBookSynchronizer"/> gives up on silence. <see cref="Timeout.InfiniteTimeSpan"/> disables a check.</summary>
public sealed class CoinbaseSyncOptions
{
    /// <summary>No message of any kind for this long means the connection is dead: reconnect. Default 10 s.</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// No heartbeat for this long: on Coinbase Exchange (a heartbeat per product per second) the product is
    /// resynchronized; on Advanced Trade (heartbeats per connection) the connection is reopened. Default 5 s.
    /// Subscribe to the heartbeat channel, or disable this check.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A product waiting this long for its snapshot asks again. Default 10 s.</summary>
    public TimeSpan SnapshotTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks every timeout is positive and at most an hour, or infinite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout is zero, negative or over an hour (and not infinite); the message names it.</exception>
    public void Validate()
    {
        Check(MessageTimeout, nameof(MessageTimeout));
        Check(HeartbeatTimeout, nameof(HeartbeatTimeout));
        Check(SnapshotTimeout, nameof(SnapshotTimeout));
    }

    private static void Check(TimeSpan value, string name)
    {
        if ((value <= TimeSpan.Zero || value > TimeSpan.FromHours(1)) && value != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be positive and at most 1 hour, or Timeout.InfiniteTimeSpan to disable the check.");
        }
    }
}
