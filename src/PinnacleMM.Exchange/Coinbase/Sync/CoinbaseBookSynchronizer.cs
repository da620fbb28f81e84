using PinnacleMM.Core.Books;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.Sync;

/// <summary>
/// Keeps each product's book honest: a state machine per product (<see cref="ConnectionState.Disconnected"/>,
/// <see cref="ConnectionState.Connecting"/>, <see cref="ConnectionState.Syncing"/>, <see cref="ConnectionState.Synced"/>)
/// fed with every decode result and with the time. It detects sequence gaps, heartbeat silence, connection
/// silence, a crossed book, undecodable messages and venue errors; on trouble it marks the book out of sync
/// (so nobody quotes on it), moves the product to <see cref="ConnectionState.Syncing"/> and asks for a resync
/// (a fresh snapshot), or for a reconnect when the whole connection is in doubt.
/// </summary>
/// <remarks>
/// <para>
/// Requests are flags, one per product plus one for the connection, taken by the connection owner with
/// <see cref="TakeResyncRequests"/> and <see cref="TakeReconnectRequest"/>: however slow the owner, nothing
/// queues up. Nor are updates buffered while a product waits for its snapshot: Coinbase sends the snapshot in
/// the stream before the updates that follow it, so updates that arrive before it are dropped by the book.
/// </para>
/// <para>
/// Times are monotonic nanoseconds (e.g. <see cref="Core.Time.MonotonicClock.NowNanoseconds"/>), passed in so
/// that tests control them. Not thread-safe: call it from the decoding thread.
/// </para>
/// </remarks>
public sealed class CoinbaseBookSynchronizer
{
    private const long NoTimeout = long.MaxValue;

    private readonly CoinbaseProductBooks _books;
    private readonly ConnectionState[] _states;
    private readonly bool[] _resyncRequested;
    private readonly long[] _lastHeartbeat;
    private readonly long[] _syncingSince;
    private readonly long _messageTimeout;
    private readonly long _heartbeatTimeout;
    private readonly long _snapshotTimeout;
    private readonly bool _perProductHeartbeats;
    private bool _connected;
    private bool _reconnectRequested;
    private long _lastMessage;
    private long _lastConnectionHeartbeat;

    /// <summary>Creates a synchronizer for the products of <paramref name="books"/>, all <see cref="ConnectionState.Disconnected"/>.</summary>
    /// <param name="books">The products and their books.</param>
    /// <param name="options">The timeouts; validated here.</param>
    /// <param name="perProductHeartbeats">True for Coinbase Exchange (a heartbeat per product), false for Advanced Trade (per connection).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range; the message names it.</exception>
    public CoinbaseBookSynchronizer(CoinbaseProductBooks books, CoinbaseSyncOptions options, bool perProductHeartbeats)
    {
        ArgumentNullException.ThrowIfNull(books);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _books = books;
        _perProductHeartbeats = perProductHeartbeats;
        _messageTimeout = ToNanoseconds(options.MessageTimeout);
        _heartbeatTimeout = ToNanoseconds(options.HeartbeatTimeout);
        _snapshotTimeout = ToNanoseconds(options.SnapshotTimeout);
        _states = new ConnectionState[books.Count];
        _resyncRequested = new bool[books.Count];
        _lastHeartbeat = new long[books.Count];
        _syncingSince = new long[books.Count];
    }

    /// <summary>Raised on the calling thread whenever a product's state changes.</summary>
    public event Action<CoinbaseProductStateChange>? StateChanged;

    /// <summary>The books this synchronizer watches.</summary>
    public CoinbaseProductBooks Books => _books;

    /// <summary>How many times a product was sent back to resync because of trouble.</summary>
    public long ResyncCount { get; private set; }

    /// <summary>How many of <see cref="ResyncCount"/> were asked for by a consumer through <see cref="RequestResync"/>.</summary>
    public long RequestedResyncCount { get; private set; }

    /// <summary>How many reconnects were requested because of trouble.</summary>
    public long ReconnectCount { get; private set; }

    /// <summary>The state of product <paramref name="index"/>.</summary>
    public ConnectionState GetState(int index) => _states[index];

    /// <summary>Whether product <paramref name="index"/> may be quoted: its book is synced and trusted.</summary>
    public bool IsQuotable(int index) => _states[index] == ConnectionState.Synced && _books.GetBook(index).IsSynced;

    /// <summary>A connection attempt starts: every product is <see cref="ConnectionState.Connecting"/>.</summary>
    public void OnConnecting()
    {
        _connected = false;
        for (var i = 0; i < _states.Length; i++)
        {
            _books.GetBook(i).MarkOutOfSync();
            SetState(i, ConnectionState.Connecting, CoinbaseSyncTrouble.None, null);
        }
    }

    /// <summary>
    /// The connection is open and every product subscribed: each waits for its snapshot
    /// (<see cref="ConnectionState.Syncing"/>). Clears every pending request, since the subscription brings fresh snapshots.
    /// </summary>
    /// <param name="now">The monotonic time in nanoseconds.</param>
    public void OnSubscribed(long now)
    {
        _connected = true;
        _reconnectRequested = false;
        _lastMessage = now;
        _lastConnectionHeartbeat = now;
        for (var i = 0; i < _states.Length; i++)
        {
            _resyncRequested[i] = false;
            _lastHeartbeat[i] = now;
            _syncingSince[i] = now;
            _books.GetBook(i).MarkOutOfSync();
            SetState(i, ConnectionState.Syncing, CoinbaseSyncTrouble.None, null);
        }
    }

    /// <summary>The connection closed or failed: every book is out of sync and every product <see cref="ConnectionState.Disconnected"/>.</summary>
    /// <param name="detail">Why, for the state change; may be null.</param>
    public void OnDisconnected(string? detail)
    {
        _connected = false;
        for (var i = 0; i < _states.Length; i++)
        {
            _resyncRequested[i] = false;
            _books.GetBook(i).MarkOutOfSync();
            SetState(i, ConnectionState.Disconnected, CoinbaseSyncTrouble.Disconnected, detail);
        }
    }

    /// <summary>Takes one decoded message into account.</summary>
    /// <param name="result">What the decoder did with the message.</param>
    /// <param name="now">The monotonic time the message arrived, in nanoseconds.</param>
    public void OnMessage(in CoinbaseDecodeResult result, long now)
    {
        _lastMessage = now;
        var product = result.ProductIndex;
        switch (result.Status)
        {
            case CoinbaseDecodeStatus.Applied:
                OnApplied(result, now);
                break;
            case CoinbaseDecodeStatus.SequenceGap when result.BookResult == DepthBookResultCode.Gap && product >= 0:
                // Per-product numbering: only this product's book saw the gap.
                Resync(product, CoinbaseSyncTrouble.SequenceGap, result.Message, now);
                break;
            case CoinbaseDecodeStatus.SequenceGap:
                // Per-connection numbering: the decoder marked every book, then applied the message itself (a snapshot
                // in it counts). Every product without a synced book asks again, since the lost message may have
                // been the snapshot it was waiting for.
                OnApplied(result, now);
                for (var i = 0; i < _states.Length; i++)
                {
                    if (!_books.GetBook(i).IsSynced)
                    {
                        Resync(i, CoinbaseSyncTrouble.SequenceGap, result.Message, now);
                    }
                }

                break;
            case CoinbaseDecodeStatus.BookRejected when result.BookResult is DepthBookResultCode.CrossedSnapshot or DepthBookResultCode.DuplicateSnapshotLevel:
                Resync(product, CoinbaseSyncTrouble.SnapshotRejected, result.Message, now);
                break;
            case CoinbaseDecodeStatus.InvalidMessage:
            case CoinbaseDecodeStatus.MalformedJson:
                // A message we could not read may have held changes for any product it might concern.
                if (product >= 0)
                {
                    Resync(product, CoinbaseSyncTrouble.InvalidMessage, result.Message, now);
                }
                else
                {
                    ResyncAll(CoinbaseSyncTrouble.InvalidMessage, result.Message, now);
                }

                break;
            case CoinbaseDecodeStatus.VenueError:
                RequestReconnect(CoinbaseSyncTrouble.VenueError, result.Message, now);
                break;
        }

        // Whatever the message: a product that claims Synced with a book that is not goes back to Syncing.
        for (var i = 0; i < _states.Length; i++)
        {
            if (_states[i] == ConnectionState.Synced && !_books.GetBook(i).IsSynced)
            {
                Resync(i, CoinbaseSyncTrouble.SequenceGap, result.Message, now);
            }
        }
    }

    /// <summary>Checks the silences and the snapshot waits; call it regularly (e.g. every second) and after each message.</summary>
    /// <param name="now">The monotonic time in nanoseconds.</param>
    public void CheckTimeouts(long now)
    {
        if (!_connected)
        {
            return;
        }

        if (Elapsed(_lastMessage, now, _messageTimeout))
        {
            RequestReconnect(CoinbaseSyncTrouble.MessageSilence, null, now);
            return;
        }

        if (!_perProductHeartbeats && Elapsed(_lastConnectionHeartbeat, now, _heartbeatTimeout))
        {
            RequestReconnect(CoinbaseSyncTrouble.HeartbeatSilence, null, now);
            return;
        }

        for (var i = 0; i < _states.Length; i++)
        {
            if (_perProductHeartbeats && Elapsed(_lastHeartbeat[i], now, _heartbeatTimeout))
            {
                _lastHeartbeat[i] = now; // one resync per silent period, not one per check
                Resync(i, CoinbaseSyncTrouble.HeartbeatSilence, null, now);
            }
            else if (_states[i] == ConnectionState.Syncing && Elapsed(_syncingSince[i], now, _snapshotTimeout))
            {
                Resync(i, CoinbaseSyncTrouble.SnapshotTimeout, null, now);
            }
        }
    }

    /// <summary>
    /// Asks for a fresh snapshot of product <paramref name="index"/> on the open connection, because a consumer's copy
    /// of its book is out of sync: marks the book out of sync, moves the product to <see cref="ConnectionState.Syncing"/>
    /// (<see cref="CoinbaseSyncTrouble.Requested"/>) and raises its resync flag. Declined while a fresh snapshot is
    /// already coming (the product is <see cref="ConnectionState.Syncing"/>: a resync of our own or a subscription is
    /// under way, and <see cref="CoinbaseSyncOptions.SnapshotTimeout"/> asks again if it never comes) or while there is no
    /// connection (the next one subscribes every product afresh): a second request would only subscribe twice.
    /// </summary>
    /// <param name="index">The product.</param>
    /// <param name="now">The monotonic time in nanoseconds.</param>
    /// <returns>True when a resync was requested; false when declined because one is already under way.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a product of the books.</exception>
    public bool RequestResync(int index, long now)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _states.Length);
        if (!_connected || _states[index] != ConnectionState.Synced)
        {
            return false;
        }

        Resync(index, CoinbaseSyncTrouble.Requested, "a fresh snapshot was requested by the consumer", now);
        RequestedResyncCount++;
        return true;
    }

    /// <summary>
    /// Copies the products waiting for a resync into <paramref name="destination"/> and clears their requests;
    /// the caller resubscribes them (which makes the venue send fresh snapshots).
    /// </summary>
    /// <returns>How many were written; products that did not fit stay requested for the next call.</returns>
    public int TakeResyncRequests(Span<int> destination)
    {
        var n = 0;
        for (var i = 0; i < _resyncRequested.Length && n < destination.Length; i++)
        {
            if (_resyncRequested[i])
            {
                _resyncRequested[i] = false;
                destination[n++] = i;
            }
        }

        return n;
    }

    /// <summary>Whether a reconnect was requested since the last call; clears the request.</summary>
    public bool TakeReconnectRequest()
    {
        var requested = _reconnectRequested;
        _reconnectRequested = false;
        return requested;
    }

    private void OnApplied(in CoinbaseDecodeResult result, long now)
    {
        var product = result.ProductIndex;
        switch (result.Kind)
        {
            case CoinbaseMessageKind.BookSnapshot when product >= 0:
                _resyncRequested[product] = false;
                if (_books.GetBook(product).IsSynced)
                {
                    SetState(product, ConnectionState.Synced, CoinbaseSyncTrouble.None, null);
                }

                break;
            case CoinbaseMessageKind.BookUpdate when product >= 0:
                var book = _books.GetBook(product);
                if (book.IsCrossed)
                {
                    Resync(product, CoinbaseSyncTrouble.CrossedBook, result.Message, now);
                }

                break;
            case CoinbaseMessageKind.Heartbeat:
                if (product >= 0)
                {
                    _lastHeartbeat[product] = now;
                }
                else
                {
                    _lastConnectionHeartbeat = now;
                }

                break;
        }
    }

    private void ResyncAll(CoinbaseSyncTrouble trouble, string? detail, long now)
    {
        for (var i = 0; i < _states.Length; i++)
        {
            Resync(i, trouble, detail, now);
        }
    }

    private void Resync(int product, CoinbaseSyncTrouble trouble, string? detail, long now)
    {
        _books.GetBook(product).MarkOutOfSync();
        if (!_connected)
        {
            return; // the next connection resubscribes everything anyway
        }

        _resyncRequested[product] = true;
        _syncingSince[product] = now;
        ResyncCount++;
        SetState(product, ConnectionState.Syncing, trouble, detail, force: true);
    }

    private void RequestReconnect(CoinbaseSyncTrouble trouble, string? detail, long now)
    {
        _reconnectRequested = true;
        ReconnectCount++;
        for (var i = 0; i < _states.Length; i++)
        {
            _books.GetBook(i).MarkOutOfSync();
            _syncingSince[i] = now;
            SetState(i, ConnectionState.Connecting, trouble, detail);
        }

        _connected = false;
    }

    private void SetState(int product, ConnectionState state, CoinbaseSyncTrouble trouble, string? detail, bool force = false)
    {
        if (_states[product] == state && !force)
        {
            return;
        }

        _states[product] = state;
        StateChanged?.Invoke(new CoinbaseProductStateChange(product, state, trouble, detail));
    }

    private static bool Elapsed(long since, long now, long timeout) => timeout != NoTimeout && now - since > timeout;

    private static long ToNanoseconds(TimeSpan value) => value == Timeout.InfiniteTimeSpan ? NoTimeout : value.Ticks * 100;
}
