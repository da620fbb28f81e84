using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>
/// Coinbase market data (Exchange or Advanced Trade) as an <see cref="IMarketDataConnector"/>: a
/// <see cref="CoinbaseFeedClient"/> keeps a book per product (reconnect with backoff, resync on gaps, silence, crossed
/// books and bad messages), and every subscribed instrument's snapshot, level changes, trades and tickers reach the
/// sink as <see cref="MarketEvent"/>s, with a <see cref="MarketEventKind.Status"/> event whenever its sync state
/// changes: quote an instrument only after its <see cref="ConnectionState.Synced"/> status, and stop at any other.
/// </summary>
/// <remarks>
/// <para>
/// The feed subscribes every configured product when it connects (one subscribe, as Coinbase recommends);
/// <see cref="SubscribeAsync"/> starts delivery of one instrument (with a snapshot of its current book when it is
/// synced), <see cref="UnsubscribeAsync"/> stops it. A <see cref="MarketEventKind.Status"/> for
/// <see cref="InstrumentId.None"/> reports the whole feed's state (the least advanced product's).
/// </para>
/// <para>
/// The sink is called on the feed's receive loop (or the subscribing thread) under the feed's lock: never
/// concurrently, in feed order, allocating nothing per event. Venue sequence numbers are not carried (Exchange level2
/// has none; Advanced Trade numbers the connection, not the product): events carry sequence 0, and gaps are handled
/// here by resyncing. Credentials come only from a <see cref="CredentialVault"/>; when a
/// <see cref="CertificatePinValidator"/> is given it validates every TLS connection.
/// </para>
/// </remarks>
public sealed class CoinbaseMarketDataConnector : IMarketDataConnector
{
    private readonly CoinbaseProductBooks _books;
    private readonly CoinbaseFeedClient _client;
    private readonly InstrumentId[] _ids;
    private readonly bool[] _subscribed;
    private readonly ConnectionState[] _states;
    private readonly MonotonicClock _clock;
    private readonly bool _makerSideTrades;
    private readonly IDisposable? _credentialSigner;
    private readonly Listener _listener;
    private DepthLevel[] _depth;
    private IMarketDataSink? _sink;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private TaskCompletionSource? _connected;
    private volatile int _state;
    private volatile bool _disposed;

    /// <summary>Creates the connector; nothing connects before <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Products, API and connection settings; validated here.</param>
    /// <param name="instruments">The application's registry; every product must be registered (its spec gives the grid).</param>
    /// <param name="vault">Where <see cref="CoinbaseMarketDataOptions.CredentialName"/> is read; may be null when no credential is named.</param>
    /// <param name="pinValidator">Certificate pinning for the feed's TLS connections; null for the platform's validation only.</param>
    /// <param name="clock">The monotonic clock for receive stamps and silences; <see cref="MonotonicClock.System"/> when null.</param>
    /// <param name="timeProvider">The wall clock (JWT times, backoff waits); <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Creates the feed's logger (<see cref="CoinbaseFeedClient"/>: connections, resyncs); no logging when null.</param>
    /// <exception cref="ArgumentException">An option is invalid, a product is not registered, or the credential does not fit the API; the message names it.</exception>
    /// <exception cref="InvalidOperationException">A credential is named but no vault is given.</exception>
    public CoinbaseMarketDataConnector(CoinbaseMarketDataOptions options, InstrumentRegistry instruments, CredentialVault? vault = null, CertificatePinValidator? pinValidator = null, MonotonicClock? clock = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instruments);
        options.Validate();
        var feed = options.ResolveFeed();
        _ids = new InstrumentId[options.Products.Count];
        var specs = new InstrumentSpec[options.Products.Count];
        for (var i = 0; i < specs.Length; i++)
        {
            if (!instruments.TryGetId(options.Products[i], out _ids[i]))
            {
                throw new ArgumentException($"Products[{i}]: '{options.Products[i]}' is not registered in the InstrumentRegistry.", nameof(options));
            }

            specs[i] = instruments.Get(_ids[i]);
        }

        _books = new CoinbaseProductBooks(specs, options.LevelCapacity);
        _subscribed = new bool[specs.Length];
        _states = new ConnectionState[specs.Length];
        _depth = new DepthLevel[options.LevelCapacity];
        _clock = clock ?? MonotonicClock.System;
        _listener = new Listener(this);

        // Exchange reports the maker's side of a match; Advanced Trade's market_trades side is taken as the taker's.
        _makerSideTrades = options.Api == CoinbaseApi.Exchange;
        ICoinbaseFeedProtocol protocol;
        if (options.Api == CoinbaseApi.Exchange)
        {
            CoinbaseRequestSigner? signer = null;
            if (options.CredentialName is not null)
            {
                using var credential = Credential(vault, options.CredentialName);
                signer = new CoinbaseRequestSigner(credential, timeProvider);
                _credentialSigner = signer;
            }

            protocol = new CoinbaseExchangeFeedProtocol(new CoinbaseExchangeDecoder(_books), signer, options.BookChannel);
        }
        else
        {
            CoinbaseJwtBuilder? jwt = null;
            if (options.CredentialName is not null)
            {
                using var credential = Credential(vault, options.CredentialName);
                var signer = CoinbaseJwtSigners.FromCredential(credential);
                _credentialSigner = signer;
                jwt = new CoinbaseJwtBuilder(credential.ApiKey, signer, timeProvider);
            }

            protocol = new AdvancedTradeFeedProtocol(new AdvancedTradeDecoder(_books), jwt);
        }

        _client = new CoinbaseFeedClient(protocol, feed, _listener, _clock, timeProvider, pinValidator: pinValidator, logger: loggerFactory?.CreateLogger<CoinbaseFeedClient>());
        _client.Synchronizer.StateChanged += OnStateChanged;
    }

    /// <inheritdoc />
    public string Venue => "coinbase";

    /// <inheritdoc />
    public ConnectionState State => (ConnectionState)_state;

    /// <summary>The feed client (its synchronizer counts resyncs and reconnects; <see cref="CoinbaseFeedClient.LastDisconnectReason"/> says why the last connection ended).</summary>
    public CoinbaseFeedClient Feed => _client;

    /// <inheritdoc />
    public async ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TaskCompletionSource connected;
        lock (_books)
        {
            if (_sink is not null)
            {
                throw new InvalidOperationException("already connected: a connector delivers to one sink.");
            }

            _sink = sink;
            connected = _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _stop = new CancellationTokenSource();
            _running = _client.RunAsync(_stop.Token);
        }

        try
        {
            await connected.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var product = ProductOf(instrument);
        if (_sink is null)
        {
            throw new InvalidOperationException("not connected: call ConnectAsync first.");
        }

        _client.Read((books, sync) =>
        {
            if (_subscribed[product])
            {
                return 0;
            }

            _subscribed[product] = true;
            var now = _clock.NowNanoseconds;
            Deliver(MarketEvent.Status(instrument, ConnectionState.Syncing, 0, 0, now));
            if (sync.IsQuotable(product))
            {
                // The book is already synced: hand over a snapshot of it; changes follow from the feed.
                var book = books.GetBook(product);
                Deliver(MarketEvent.SnapshotBegin(instrument, 0, 0, now));
                SendDepth(instrument, book, Side.Buy, now);
                SendDepth(instrument, book, Side.Sell, now);
                Deliver(MarketEvent.SnapshotEnd(instrument, 0, 0, now));
                Deliver(MarketEvent.Status(instrument, ConnectionState.Synced, 0, 0, now));
            }

            return 0;
        });
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var product = ProductOf(instrument);
        _client.Read((_, _) =>
        {
            if (_subscribed[product])
            {
                _subscribed[product] = false;
                Deliver(MarketEvent.Status(instrument, ConnectionState.Disconnected, 0, 0, _clock.NowNanoseconds));
            }

            return 0;
        });
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Asks for a fresh snapshot of <paramref name="instrument"/>'s book on the open connection: the feed resubscribes
    /// that product's book channel (Exchange <c>level2</c>/<c>level2_batch</c>/<c>level2_50</c> and Advanced Trade
    /// <c>level2</c> both answer a subscribe with a snapshot), the way the connector resyncs by itself after a gap.
    /// The sink gets a <see cref="ConnectionState.Syncing"/> status at once, then the snapshot and a
    /// <see cref="ConnectionState.Synced"/> status. While the instrument is already <see cref="ConnectionState.Syncing"/>
    /// or <see cref="ConnectionState.Connecting"/> (a resync or reconnect of the connector's own is bringing a snapshot)
    /// nothing is sent, so requests never pile up on the socket.
    /// </summary>
    /// <param name="instrument">A subscribed instrument.</param>
    /// <param name="cancellationToken">Abandons the send.</param>
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is not one of this connector's products; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Not connected, or <paramref name="instrument"/> is not subscribed.</exception>
    /// <exception cref="ObjectDisposedException">The connector was disposed.</exception>
    public async ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var product = ProductOf(instrument);
        if (_sink is null)
        {
            throw new InvalidOperationException("not connected: call ConnectAsync first.");
        }

        if (!_client.Read((_, _) => _subscribed[product]))
        {
            throw new InvalidOperationException($"instrument: {instrument} ({_books.GetInstrument(product).Symbol}) is not subscribed: call SubscribeAsync before ResyncAsync.");
        }

        await _client.RequestResyncAsync(product, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Disconnects, stops all delivery and zeroes the credential.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync().ConfigureAwait(false);
        _credentialSigner?.Dispose();
    }

    private async Task StopAsync()
    {
        Task? running;
        CancellationTokenSource? stop;
        lock (_books)
        {
            (running, stop) = (_running, _stop);
            (_running, _stop) = (null, null);
        }

        if (stop is not null)
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await running!.ConfigureAwait(false);
            stop.Dispose();
        }

        _client.Read((_, _) =>
        {
            _sink = null;
            return 0;
        });
    }

    private static ExchangeCredential Credential(CredentialVault? vault, string name) =>
        (vault ?? throw new InvalidOperationException($"CredentialName '{name}' is set but no CredentialVault was given: credentials come only from the vault.")).Get(name);

    private int ProductOf(InstrumentId instrument)
    {
        var product = Array.IndexOf(_ids, instrument);
        return product >= 0
            ? product
            : throw new ArgumentException($"instrument: {instrument} is not one of this connector's products ({string.Join(", ", _books.ProductIds)}).", nameof(instrument));
    }

    /// <summary>Runs under the feed's lock (the synchronizer raises it from there).</summary>
    private void OnStateChanged(CoinbaseProductStateChange change)
    {
        var now = _clock.NowNanoseconds;
        _states[change.ProductIndex] = change.State;
        if (_subscribed[change.ProductIndex])
        {
            Deliver(MarketEvent.Status(_ids[change.ProductIndex], change.State, 0, 0, now));
        }

        var least = ConnectionState.Synced;
        foreach (var state in _states)
        {
            least = state < least ? state : least;
        }

        if ((int)least != _state)
        {
            _state = (int)least;
            Deliver(MarketEvent.Status(InstrumentId.None, least, 0, 0, now));
        }

        if (change.State >= ConnectionState.Syncing)
        {
            _connected?.TrySetResult();
        }
    }

    private void SendDepth(InstrumentId instrument, DepthBook book, Side side, long now)
    {
        var count = side == Side.Buy ? book.BidLevelCount : book.AskLevelCount;
        if (_depth.Length < count)
        {
            _depth = new DepthLevel[count];
        }

        var n = book.GetDepth(side, _depth);
        for (var i = 0; i < n; i++)
        {
            Deliver(MarketEvent.SnapshotLevel(instrument, side, _depth[i].Price, _depth[i].Quantity, _depth[i].OrderCount, 0, 0, now));
        }
    }

    private void Deliver(in MarketEvent marketEvent) => _sink?.OnMarketEvent(marketEvent);

    /// <summary>Turns the decoder's callbacks into market events for the subscribed products.</summary>
    private sealed class Listener(CoinbaseMarketDataConnector owner) : ICoinbaseFeedListener
    {
        public void OnBookChanged(int productIndex, bool isSnapshot, ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
        {
            if (!owner._subscribed[productIndex])
            {
                return;
            }

            var id = owner._ids[productIndex];
            var now = owner._clock.NowNanoseconds;
            if (isSnapshot)
            {
                owner.Deliver(MarketEvent.SnapshotBegin(id, 0, 0, now));
            }

            foreach (var level in bids)
            {
                owner.Deliver(isSnapshot
                    ? MarketEvent.SnapshotLevel(id, Side.Buy, level.Price, level.Quantity, level.OrderCount, 0, 0, now)
                    : MarketEvent.LevelUpdate(id, Side.Buy, level.Price, level.Quantity, level.OrderCount, 0, 0, now));
            }

            foreach (var level in asks)
            {
                owner.Deliver(isSnapshot
                    ? MarketEvent.SnapshotLevel(id, Side.Sell, level.Price, level.Quantity, level.OrderCount, 0, 0, now)
                    : MarketEvent.LevelUpdate(id, Side.Sell, level.Price, level.Quantity, level.OrderCount, 0, 0, now));
            }

            if (isSnapshot)
            {
                owner.Deliver(MarketEvent.SnapshotEnd(id, 0, 0, now));
            }
        }

        public void OnTicker(in CoinbaseTicker ticker)
        {
            if (owner._subscribed[ticker.ProductIndex])
            {
                owner.Deliver(MarketEvent.Ticker(owner._ids[ticker.ProductIndex], ticker.BestBid, ticker.BestBidSize, ticker.BestAsk, ticker.BestAskSize, 0, 0, owner._clock.NowNanoseconds));
            }
        }

        public void OnTrade(in CoinbaseTrade trade)
        {
            // History sent on subscribing is not a new trade.
            if (trade.IsSnapshot || !owner._subscribed[trade.ProductIndex])
            {
                return;
            }

            var aggressor = owner._makerSideTrades ? (trade.Side == Side.Buy ? Side.Sell : Side.Buy) : trade.Side;
            owner.Deliver(MarketEvent.Trade(owner._ids[trade.ProductIndex], aggressor, trade.Price, trade.Size, trade.TradeId, 0, 0, owner._clock.NowNanoseconds));
        }
    }
}
