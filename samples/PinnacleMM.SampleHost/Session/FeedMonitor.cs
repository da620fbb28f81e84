using System.Collections.Concurrent;
using System.Globalization;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Sync;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// What a live Coinbase feed is doing, in words: every product state change (connecting, syncing, synced,
/// disconnected) with the trouble that caused it becomes a <c>feed:</c> line for the displays, and the connection and
/// resync counts go into the summary. A user watching an unattended session sees each drop, reconnect and resync.
/// </summary>
/// <remarks>
/// The synchronizer raises its state changes on the feed's receive loop under the feed's lock: the handler only
/// formats a line and queues it (state changes are rare: a few per connection), and the displays print the queue on
/// their own thread, so that console output never runs under the feed's lock nor over the live dashboard. The queue
/// keeps at most <see cref="MaxPending"/> lines: a display that is not drained (none is, briefly, while the engine
/// starts) loses the oldest, counted, rather than growing without bound over weeks.
/// </remarks>
internal sealed class FeedMonitor
{
    public const int MaxPending = 64;

    private readonly ConcurrentQueue<string> _pending = new();
    private readonly CoinbaseMarketDataConnector _connector;
    private readonly TimeProvider _time;
    private readonly string[] _products;
    private int _dropped;
    private volatile string _lastLine = "not connected yet";

    /// <summary>Watches <paramref name="connector"/>; call before it connects, so that no change is missed.</summary>
    public FeedMonitor(CoinbaseMarketDataConnector connector, Uri endpoint, TimeProvider time)
    {
        _connector = connector;
        _time = time;
        Endpoint = endpoint;
        _products = [.. connector.Feed.Synchronizer.Books.ProductIds];
        connector.Feed.Synchronizer.StateChanged += OnStateChanged;
    }

    /// <summary>The feed's address.</summary>
    public Uri Endpoint { get; }

    /// <summary>The latest line, for the dashboard.</summary>
    public string LastLine => _lastLine;

    /// <summary>Why the last connection ended or the last attempt failed, or null before any did.</summary>
    public string? LastDisconnectReason => _connector.Feed.LastDisconnectReason;

    /// <summary>The connection counts for the summary: connections opened, resyncs and reconnects the feed asked for.</summary>
    public string Counts => string.Create(CultureInfo.InvariantCulture,
        $"{_connector.Feed.ConnectionCount} connections to {Endpoint}, {_connector.Feed.Synchronizer.ResyncCount} resyncs, {_connector.Feed.Synchronizer.ReconnectCount} reconnects for silence or errors")
        + (LastDisconnectReason is { } reason ? $"; last disconnect: {reason}" : string.Empty);

    /// <summary>Hands every queued line to <paramref name="write"/>, oldest first, with a note when some were dropped.</summary>
    public void Drain(Action<string> write)
    {
        var dropped = Interlocked.Exchange(ref _dropped, 0);
        if (dropped > 0)
        {
            write(string.Create(CultureInfo.InvariantCulture, $"feed: {dropped} older state changes not shown"));
        }

        while (_pending.TryDequeue(out var line))
        {
            write(line);
        }
    }

    private void OnStateChanged(CoinbaseProductStateChange change)
    {
        var state = change.State switch
        {
            ConnectionState.Connecting => "connecting",
            ConnectionState.Syncing => "syncing (waiting for a snapshot)",
            ConnectionState.Synced => "synced",
            _ => "disconnected",
        };
        var why = change.Trouble == CoinbaseSyncTrouble.None ? string.Empty : $" after {change.Trouble}";
        var detail = change.Detail is { Length: > 0 } d ? $": {d}" : string.Empty;
        var line = $"feed: {_time.GetUtcNow():HH:mm:ss.fff} {_products[change.ProductIndex]} {state}{why}{detail}";
        _lastLine = line;
        _pending.Enqueue(line);
        while (_pending.Count > MaxPending && _pending.TryDequeue(out _))
        {
            Interlocked.Increment(ref _dropped);
        }
    }
}
