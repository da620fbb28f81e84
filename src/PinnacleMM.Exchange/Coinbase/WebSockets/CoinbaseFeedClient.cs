using System.Net.WebSockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Coinbase.MarketData;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// Runs one Coinbase WebSocket connection for as long as asked: connects, subscribes every channel of every
/// product, decodes each message into the books, resubscribes products whose books the
/// <see cref="CoinbaseBookSynchronizer"/> distrusts, and on a dead or failed connection reconnects with
/// exponential backoff and jitter and subscribes everything again.
/// </summary>
/// <remarks>
/// <para>
/// Nothing grows without bound: one receive buffer capped at <see cref="CoinbaseFeedClientOptions.MaxMessageBytes"/>,
/// no queue of messages (each is decoded as it arrives, and a slow listener slows the socket, which the venue
/// answers by disconnecting — followed here by a reconnect and fresh snapshots), and resync requests are flags.
/// </para>
/// <para>
/// Decoding, the listener calls and <see cref="CoinbaseBookSynchronizer.StateChanged"/> run on the receive loop
/// (and the timeout checks on a timer) under one lock; read the books from a listener call or through
/// <see cref="Read{T}"/>, which takes the same lock.
/// </para>
/// </remarks>
public sealed class CoinbaseFeedClient
{
    private readonly ICoinbaseFeedProtocol _protocol;
    private readonly CoinbaseFeedClientOptions _options;
    private readonly ICoinbaseFeedListener? _listener;
    private readonly MonotonicClock _clock;
    private readonly TimeProvider _time;
    private readonly ReconnectBackoff _backoff;
    private readonly CertificatePinValidator? _pins;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly int[] _resyncs;
    private byte[] _buffer = new byte[64 * 1024];
    private ClientWebSocket? _open;
    private long _connections;

    /// <summary>Creates a client; nothing connects before <see cref="RunAsync"/>.</summary>
    /// <param name="protocol">The protocol (and through it the decoder and books).</param>
    /// <param name="options">Where and how to connect; validated here.</param>
    /// <param name="listener">Receives tickers, trades, heartbeats and user orders; may be null.</param>
    /// <param name="clock">The monotonic clock for silences; <see cref="MonotonicClock.System"/> when null.</param>
    /// <param name="timeProvider">Runs the backoff delays and the check timer; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="random">The backoff jitter; <see cref="Random.Shared"/> when null.</param>
    /// <param name="pinValidator">Validates the server certificate of every <c>wss</c> connection (chain, host name and pins); null for the platform's validation only.</param>
    /// <param name="logger">
    /// Logs each connection and why it ended (with the reconnect delay), and each product's book becoming quotable or
    /// distrusted (event ids 1001-1006, see the package README); nothing per message. No logging when null.
    /// </param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public CoinbaseFeedClient(ICoinbaseFeedProtocol protocol, CoinbaseFeedClientOptions options, ICoinbaseFeedListener? listener = null, MonotonicClock? clock = null, TimeProvider? timeProvider = null, Random? random = null, CertificatePinValidator? pinValidator = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _protocol = protocol;
        _options = options;
        _listener = listener;
        _clock = clock ?? MonotonicClock.System;
        _time = timeProvider ?? TimeProvider.System;
        _backoff = new ReconnectBackoff(options.InitialBackoff, options.MaxBackoff, random);
        _pins = pinValidator;
        _resyncs = new int[protocol.Books.Count];
        Synchronizer = new CoinbaseBookSynchronizer(protocol.Books, options.Sync, protocol.PerProductHeartbeats);
        _logger = logger ?? NullLogger.Instance;
        Synchronizer.StateChanged += LogStateChange;
    }

    /// <summary>The per-product states; subscribe to its <see cref="CoinbaseBookSynchronizer.StateChanged"/> before <see cref="RunAsync"/>.</summary>
    public CoinbaseBookSynchronizer Synchronizer { get; }

    /// <summary>Why the last connection ended or failed (e.g. a refused certificate); null before the first.</summary>
    public string? LastDisconnectReason { get; private set; }

    /// <summary>How many connections have been opened.</summary>
    public long ConnectionCount => Interlocked.Read(ref _connections);

    /// <summary>Runs <paramref name="reader"/> on the books while no message is being applied.</summary>
    public T Read<T>(Func<CoinbaseProductBooks, CoinbaseBookSynchronizer, T> reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        lock (_gate)
        {
            return reader(_protocol.Books, Synchronizer);
        }
    }

    /// <summary>Connects, and reconnects after every failure, until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <returns>A task that completes (without throwing) once cancelled and disconnected.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            lock (_gate)
            {
                Synchronizer.OnConnecting();
            }

            var connectedAt = -1L;
            string reason;
            try
            {
                using var socket = new ClientWebSocket();
                _pins?.Configure(socket.Options);
                using (var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    connect.CancelAfter(_options.ConnectTimeout);
                    await socket.ConnectAsync(_options.Endpoint!, connect.Token).ConfigureAwait(false);
                }

                ExchangeLog.FeedConnected(_logger, _options.Endpoint!, Interlocked.Increment(ref _connections));
                lock (_gate)
                {
                    _protocol.OnNewConnection();
                }

                foreach (var message in _protocol.CreateSubscribeMessages())
                {
                    await SendAsync(socket, message, cancellationToken).ConfigureAwait(false);
                }

                connectedAt = _clock.NowNanoseconds;
                lock (_gate)
                {
                    Synchronizer.OnSubscribed(connectedAt);
                    _open = socket;
                }

                using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var watchdog = WatchAsync(socket, connection.Token);
                try
                {
                    reason = await ReceiveAsync(socket, connection.Token).ConfigureAwait(false);
                }
                finally
                {
                    await connection.CancelAsync().ConfigureAwait(false);
                    await watchdog.ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or HttpRequestException)
            {
                // The inner exceptions say why (e.g. the pin validator's refusal inside a failed TLS handshake).
                reason = ex.Message;
                for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
                {
                    reason += " -> " + inner.Message;
                }
            }

            LastDisconnectReason = reason;

            lock (_gate)
            {
                _open = null;
                Synchronizer.OnDisconnected(reason);
            }

            if (connectedAt >= 0 && _clock.NowNanoseconds - connectedAt >= _options.StablePeriod.Ticks * 100)
            {
                _backoff.Reset();
            }

            var delay = _backoff.NextDelay();
            if (!cancellationToken.IsCancellationRequested)
            {
                ExchangeLog.FeedDisconnected(_logger, _options.Endpoint!, reason, delay);
            }

            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        lock (_gate)
        {
            _open = null;
            Synchronizer.OnDisconnected("stopped");
        }

        ExchangeLog.FeedStopped(_logger, _options.Endpoint!);
    }

    // Quotable again (Information), distrusted for a reason (Warning); the steps in between only at Debug, since a
    // reconnect moves every product through them, and a lost connection is logged once for all of them.
    private void LogStateChange(CoinbaseProductStateChange change)
    {
        var product = Synchronizer.Books.GetInstrument(change.ProductIndex).Symbol;
        if (change.Trouble is not (CoinbaseSyncTrouble.None or CoinbaseSyncTrouble.Disconnected))
        {
            ExchangeLog.ProductTrouble(_logger, product, change.State, change.Trouble, change.Detail ?? "no detail");
        }
        else if (change.State == Abstractions.ConnectionState.Synced)
        {
            ExchangeLog.ProductSynced(_logger, product);
        }
        else
        {
            ExchangeLog.ProductState(_logger, product, change.State);
        }
    }

    /// <summary>
    /// Asks the venue for a fresh snapshot of product <paramref name="index"/> on the open connection (the protocol's
    /// resubscribe of that product's book channel), through <see cref="CoinbaseBookSynchronizer.RequestResync"/>: the
    /// product goes to <see cref="Abstractions.ConnectionState.Syncing"/> at once and back to synced with the snapshot.
    /// Declined (nothing sent) while the product is already waiting for a snapshot or the connection is down, since
    /// that snapshot is coming anyway.
    /// </summary>
    /// <param name="index">The product.</param>
    /// <param name="cancellationToken">Abandons the send.</param>
    /// <returns>True when the request was made; false when declined.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not a product of the books.</exception>
    public async ValueTask<bool> RequestResyncAsync(int index, CancellationToken cancellationToken = default)
    {
        ClientWebSocket? socket;
        int[]? resyncs;
        lock (_gate)
        {
            if (!Synchronizer.RequestResync(index, _clock.NowNanoseconds))
            {
                return false;
            }

            socket = _open;
            resyncs = TakeResyncs();
        }

        if (socket is not null && resyncs is not null)
        {
            try
            {
                await ResubscribeAsync(socket, resyncs, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
            {
                // The connection is ending under us: the next one subscribes every product, which brings the snapshot.
            }
        }

        return true;
    }

    /// <summary>Receives and applies messages until the connection ends or a reconnect is wanted; returns why.</summary>
    private async Task<string> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        while (true)
        {
            var count = 0;
            ValueWebSocketReceiveResult received;
            do
            {
                if (count == _buffer.Length)
                {
                    if (_buffer.Length >= _options.MaxMessageBytes)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.MessageTooBig, "message too big", cancellationToken).ConfigureAwait(false);
                        return $"a message exceeded MaxMessageBytes ({_options.MaxMessageBytes})";
                    }

                    Array.Resize(ref _buffer, (int)Math.Min(_options.MaxMessageBytes, _buffer.Length * 2L));
                }

                received = await socket.ReceiveAsync(_buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return $"closed by the server ({socket.CloseStatus}: {socket.CloseStatusDescription})";
                }

                count += received.Count;
            }
            while (!received.EndOfMessage);

            if (received.MessageType != WebSocketMessageType.Text)
            {
                continue;
            }

            bool reconnect;
            int[]? resyncs;
            lock (_gate)
            {
                var result = _protocol.Decode(_buffer.AsSpan(0, count), _listener);
                Synchronizer.OnMessage(result, _clock.NowNanoseconds);
                reconnect = Synchronizer.TakeReconnectRequest();
                resyncs = TakeResyncs();
            }

            if (reconnect)
            {
                return "reconnect requested";
            }

            if (resyncs is not null)
            {
                await ResubscribeAsync(socket, resyncs, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Checks the silences on a timer; aborts the socket when a reconnect is wanted, so the receive loop ends.</summary>
    private async Task WatchAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                bool reconnect;
                int[]? resyncs;
                lock (_gate)
                {
                    Synchronizer.CheckTimeouts(_clock.NowNanoseconds);
                    reconnect = Synchronizer.TakeReconnectRequest();
                    resyncs = TakeResyncs();
                }

                if (reconnect)
                {
                    socket.Abort();
                    return;
                }

                if (resyncs is not null)
                {
                    await ResubscribeAsync(socket, resyncs, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or WebSocketException or ObjectDisposedException)
        {
            // The connection is ending; the receive loop reports why.
        }
    }

    /// <summary>Takes the products to resubscribe (call under the lock); null when there are none, so the common case allocates nothing.</summary>
    private int[]? TakeResyncs()
    {
        var count = Synchronizer.TakeResyncRequests(_resyncs);
        return count == 0 ? null : _resyncs[..count];
    }

    private async Task ResubscribeAsync(ClientWebSocket socket, int[] products, CancellationToken cancellationToken)
    {
        foreach (var message in _protocol.CreateResubscribeMessages(products))
        {
            await SendAsync(socket, message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SendAsync(ClientWebSocket socket, byte[] message, CancellationToken cancellationToken)
    {
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
