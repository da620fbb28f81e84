using System.Net;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>
/// Coinbase order entry as an <see cref="IOrderEntryConnector"/>, for either API (<see cref="CoinbaseOrderEntryOptions.Api"/>):
/// commands go out over REST (<see cref="CoinbaseRestClient"/> for Coinbase Exchange, HMAC-signed;
/// <see cref="AdvancedTradeRestClient"/> for Advanced Trade, a fresh JWT per request; both rate limited and 429 retried),
/// acknowledgements, fills and cancels come back from the authenticated <c>user</c> channel (a
/// <see cref="CoinbaseFeedClient"/> with its own reconnects) and reach the sink as <see cref="ExecutionEvent"/>s. Our
/// <see cref="ClientOrderId"/> travels as a deterministic UUID (<c>client_oid</c> / <c>client_order_id</c>, see
/// <see cref="CoinbaseClientOids"/>). One connector for both APIs, so that validation, the live-order tables and the
/// event emission exist once; only the REST calls and the channel differ (an internal venue per API).
/// </summary>
/// <remarks>
/// <para>
/// Sources of each event, so that nothing is reported twice: <see cref="ExecutionEventKind.Accepted"/> from whichever
/// comes first of the REST answer and the channel (Exchange <c>received</c>, Advanced Trade's first order update);
/// rejections only from REST. Coinbase Exchange: fills only from <c>match</c> (with the fee rate the venue reports),
/// <see cref="ExecutionEventKind.Cancelled"/> only from <c>done</c> (reason <c>canceled</c>). Advanced Trade: a fill is
/// the increase of <c>cumulative_quantity</c> over what was already reported (so a snapshot sent again after a
/// reconnect reports nothing twice), its price from the change of <c>avg_price</c> x <c>cumulative_quantity</c> (rounded
/// to the tick when several levels traded in one update), its fee the increase of <c>total_fees</c>, its liquidity maker
/// when the order is post-only or was seen resting (<c>OPEN</c>) before, else taker (the channel has no liquidity flag);
/// <see cref="ExecutionEventKind.Cancelled"/> from the status <c>CANCELLED</c>, <c>EXPIRED</c> or <c>FAILED</c> with
/// quantity left. A bad command is answered with a rejection naming the rule, and nothing is sent.
/// </para>
/// <para>
/// <see cref="SendAsync"/> completes when the venue answered the REST request (so commands reach it in the order sent);
/// it waits for the client-side rate limit and after a 429 for the venue's <c>Retry-After</c>. New orders are refused
/// with <see cref="RejectReason.NotConnected"/> while the order channel is not subscribed: fills would go unseen.
/// After the channel reconnects, <see cref="ExecutionEventKind.ConnectionChanged"/> events tell the order manager to
/// reconcile with <see cref="GetOpenOrdersAsync"/> and <see cref="GetFillsAsync"/> (the fills missed meanwhile). Amend: Coinbase Exchange has none (rejected with
/// <see cref="RejectReason.AmendNotSupported"/>); Advanced Trade edits resting GTC limit orders (<see cref="SupportsAmend"/>).
/// </para>
/// <para>
/// The sink is called under one lock, never concurrently, from the channel's receive loop or the thread that awaited
/// <see cref="SendAsync"/>. Credentials come only from a <see cref="CredentialVault"/>; a
/// <see cref="CertificatePinValidator"/> given here validates both the REST and the WebSocket TLS connections.
/// </para>
/// </remarks>
public sealed class CoinbaseOrderEntryConnector : IOrderEntryConnector
{
    private readonly Lock _lock = new();
    private readonly CoinbaseProductBooks _products;
    private readonly InstrumentId[] _ids;
    private readonly ICoinbaseOrderVenue _venue;
    private readonly CoinbaseFeedClient _feed;
    private readonly CoinbaseClientOids _oids;
    private readonly MonotonicClock _clock;
    private readonly TimeSpan _fillHistoryLookback;
    private readonly Dictionary<long, LiveOrder> _byClientId = [];
    private readonly Dictionary<Guid, LiveOrder> _byClientOid = [];
    private readonly Dictionary<Guid, LiveOrder> _byVenueId = [];
    private readonly Dictionary<Guid, LiveOrder> _finished = [];
    private readonly Queue<Guid> _finishedOrder = new();
    private IExecutionSink? _sink;
    private CancellationTokenSource? _stop;
    private Task? _running;
    private TaskCompletionSource? _subscribed;
    private long _sequence;
    private volatile int _state;
    private bool _wasSynced;
    private volatile bool _disposed;

    /// <summary>Creates the connector; nothing connects before <see cref="ConnectAsync"/>.</summary>
    /// <param name="options">Products, credential name and connection settings; validated here.</param>
    /// <param name="instruments">The application's registry; every product must be registered.</param>
    /// <param name="vault">Holds the key named by <see cref="CoinbaseOrderEntryOptions.CredentialName"/>: an Exchange API key (HMAC secret and passphrase), or for Advanced Trade an EC P-256 or Ed25519 key.</param>
    /// <param name="pinValidator">Certificate pinning for REST and WebSocket; null for the platform's validation only.</param>
    /// <param name="clock">The monotonic clock for receive stamps and silences; <see cref="MonotonicClock.System"/> when null.</param>
    /// <param name="timeProvider">The wall clock (signatures, rate limits, waits); <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">
    /// Creates the loggers of the order channel's feed (<see cref="CoinbaseFeedClient"/>: connections, resyncs) and of the
    /// REST client (requests without an answer, HTTP 429 backoffs, refusals); no logging when null.
    /// </param>
    /// <exception cref="ArgumentException">An option is invalid, a product is not registered, or the credential does not fit the API; the message names it.</exception>
    /// <exception cref="KeyNotFoundException">The vault has no such credential.</exception>
    public CoinbaseOrderEntryConnector(CoinbaseOrderEntryOptions options, InstrumentRegistry instruments, CredentialVault vault, CertificatePinValidator? pinValidator = null, MonotonicClock? clock = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instruments);
        ArgumentNullException.ThrowIfNull(vault);
        options.Validate();
        var feed = options.Feed.Endpoint is not null ? options.Feed
            : CoinbaseMarketDataOptions.CopyWithEndpoint(options.Feed, options.Api == CoinbaseApi.Exchange ? CoinbaseMarketDataOptions.ExchangeEndpoint : CoinbaseOrderEntryOptions.AdvancedTradeUserEndpoint);
        feed.Validate();
        _ids = new InstrumentId[options.Products.Count];
        var specs = new InstrumentSpec[_ids.Length];
        for (var i = 0; i < specs.Length; i++)
        {
            if (!instruments.TryGetId(options.Products[i], out _ids[i]))
            {
                throw new ArgumentException($"Products[{i}]: '{options.Products[i]}' is not registered in the InstrumentRegistry.", nameof(options));
            }

            specs[i] = instruments.Get(_ids[i]);
        }

        _products = new CoinbaseProductBooks(specs, levelCapacity: 1);
        _oids = new CoinbaseClientOids(options.ClientOidPrefix);
        _clock = clock ?? MonotonicClock.System;
        _fillHistoryLookback = options.FillHistoryLookback;
        _venue = CreateVenue(options, vault, _products, pinValidator, timeProvider, loggerFactory);
        _venue.Subscribed += OnSubscribed;
        _feed = new CoinbaseFeedClient(_venue.Protocol, feed, new Listener(this), _clock, timeProvider, pinValidator: pinValidator, logger: loggerFactory?.CreateLogger<CoinbaseFeedClient>());
        _feed.Synchronizer.StateChanged += OnStateChanged;
        Api = options.Api;
    }

    /// <inheritdoc />
    public string Venue => "coinbase";

    /// <inheritdoc />
    public ConnectionState State => (ConnectionState)_state;

    /// <summary>How many finished orders the connector remembers (by the venue's id) so that <see cref="GetFillsAsync"/> still resolves their client order ids and sizes.</summary>
    public const int FinishedOrderMemory = 4096;

    /// <summary>
    /// True for Advanced Trade: an <see cref="OrderCommandKind.Amend"/> of a resting GTC limit order becomes an edit
    /// (<see cref="AdvancedTradeRestClient.EditOrderAsync"/>: new price and new total size = filled + the command's open
    /// size), answered with <see cref="ExecutionEventKind.Amended"/> or <see cref="ExecutionEventKind.AmendRejected"/>.
    /// False for Coinbase Exchange, which has no amend (cancel and place instead).
    /// </summary>
    public bool SupportsAmend => Api == CoinbaseApi.AdvancedTrade;

    /// <summary>True: both APIs list our past fills over REST (see <see cref="GetFillsAsync"/>).</summary>
    public bool SupportsFillHistory => true;

    /// <summary>The API this connector speaks.</summary>
    public CoinbaseApi Api { get; private init; }

    /// <summary>The Coinbase Exchange REST client; null for Advanced Trade.</summary>
    public CoinbaseRestClient? Rest => (_venue as ExchangeOrderVenue)?.Rest;

    /// <summary>The Advanced Trade REST client; null for Coinbase Exchange.</summary>
    public AdvancedTradeRestClient? AdvancedTradeRest => (_venue as AdvancedTradeOrderVenue)?.Rest;

    /// <summary>How many HTTP 429 answers the venue sent so far (each was waited out and retried).</summary>
    public long RateLimitedResponses => _venue.RateLimitedResponses;

    /// <summary>The order channel's client (<see cref="CoinbaseFeedClient.LastDisconnectReason"/> says why it last disconnected).</summary>
    public CoinbaseFeedClient Feed => _feed;

    /// <summary>The codec between our ids and <c>client_oid</c>s.</summary>
    public CoinbaseClientOids ClientOids => _oids;

    /// <summary>Connects the order channel; completes when the venue confirmed the authenticated subscription.</summary>
    /// <inheritdoc />
    public async ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        TaskCompletionSource subscribed;
        lock (_lock)
        {
            if (_sink is not null)
            {
                throw new InvalidOperationException("already connected: a connector delivers to one sink.");
            }

            _sink = sink;
            subscribed = _subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _stop = new CancellationTokenSource();
            _running = _feed.RunAsync(_stop.Token);
        }

        try
        {
            await subscribed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await StopAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sink is null)
        {
            throw new InvalidOperationException("not connected: call ConnectAsync first.");
        }

        switch (command.Kind)
        {
            case OrderCommandKind.Place:
                await PlaceAsync(command, cancellationToken).ConfigureAwait(false);
                break;
            case OrderCommandKind.Cancel:
                await CancelAsync(command, cancellationToken).ConfigureAwait(false);
                break;
            case OrderCommandKind.CancelAll:
                await CancelAllAsync(command, cancellationToken).ConfigureAwait(false);
                break;
            case OrderCommandKind.Amend:
                await AmendAsync(command, cancellationToken).ConfigureAwait(false);
                break;
            default:
                RejectCommand(ExecutionEventKind.Rejected, command, RejectReason.InvalidEnumValue);
                break;
        }
    }

    /// <summary>
    /// The venue's open orders of <paramref name="instrument"/> (or of every product), ours with their
    /// <see cref="ClientOrderId"/> (decoded from the <c>client_oid</c>), other programs' with <see cref="ClientOrderId.None"/>.
    /// Ours that this connector did not place — a previous run's, after a restart — are taken into its live tables as
    /// the venue reports them (size, filled part, time in force, post-only, and for Advanced Trade the filled value and
    /// fees that later fills are counted from), so that cancelling them works and their fills and cancels on the order
    /// channel are reported from then on.
    /// </summary>
    /// <inheritdoc />
    /// <exception cref="HttpRequestException">The venue refused or did not answer the query; the message says why.</exception>
    public async ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureConnected();
        string? productId = null;
        if (!instrument.IsNone)
        {
            var product = Array.IndexOf(_ids, instrument);
            productId = product >= 0
                ? _products.GetInstrument(product).Symbol
                : throw new ArgumentException($"instrument: {instrument} is not one of this connector's products ({string.Join(", ", _products.ProductIds)}).", nameof(instrument));
        }

        var result = await _venue.GetOpenOrdersAsync(productId, cancellationToken).ConfigureAwait(false);
        var orders = Unwrap(result);
        var open = new List<OpenOrder>(orders.Count);
        lock (_lock)
        {
            foreach (var order in orders)
            {
                var product = _products.IndexOf(order.ProductId);
                if (product < 0)
                {
                    continue; // a product this connector does not trade
                }

                // What the venue says, not what this connector believed: a reconnect's reconciliation needs the truth.
                var spec = _products.GetInstrument(product);
                _oids.TryGetClientOrderId(order.ClientOid, out var clientId);
                if (spec.TryGetPrice(order.Price, out var price, out _) && spec.TryGetQuantity(order.Size, out var size, out _) && spec.TryGetQuantity(order.FilledSize, out var filled, out _, allowZero: true))
                {
                    var createdNs = order.CreatedAt is { } created ? (created - DateTimeOffset.UnixEpoch).Ticks * 100 : 0;
                    open.Add(new OpenOrder(_ids[product], clientId, new VenueOrderId(order.Id), order.Side, price, size, new Quantity(size.Lots - filled.Lots), filled, createdNs));
                    Remember(order, open: true);
                }
            }
        }

        return open;
    }

    /// <inheritdoc />
    /// <exception cref="HttpRequestException">The venue refused or did not answer the query; the message says why.</exception>
    public async ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        EnsureConnected();
        return Unwrap(await _venue.GetBalancesAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// Our fills at or after <paramref name="sinceExchangeTimestampNanoseconds"/> (Unix nanoseconds on the venue's clock)
    /// from the REST fill history — Coinbase Exchange <c>GET /fills?product_id=</c> (pages followed with <c>CB-AFTER</c>),
    /// Advanced Trade <c>GET /api/v3/brokerage/orders/historical/fills</c> (pages followed with <c>cursor</c>) — as the fill
    /// events the <c>user</c> channel sent or would have sent, oldest first: the client order id and size resolved through
    /// the connector's tables of live and recently finished orders, the cumulative filled size counted from every fill the
    /// venue keeps of that order (a second query by order id), the venue's fee and maker/taker flag. Exchange fills carry
    /// the <c>trade_id</c> the channel's <c>match</c> carried; Advanced Trade's channel has no trade ids, so neither do its
    /// listed fills (trade id 0): a consumer recognises a fill it already has by the order's cumulative filled size, and
    /// the list starts <see cref="CoinbaseOrderEntryOptions.FillHistoryLookback"/> before the asked time, because the
    /// channel's fills carry the time of the message that reported them, a little after the trade. An order the
    /// connector does not know (placed before a restart, or finished longer ago than <see cref="FinishedOrderMemory"/>
    /// orders) is asked for once (<c>GET /orders/{id}</c>, Advanced Trade <c>GET /orders/historical/{id}</c>): ours then
    /// carry our client order id (and an open one joins the live tables), and another program's fills on the same
    /// account are left out. Only a fill whose order the venue no longer reports carries <see cref="ClientOrderId.None"/>
    /// and no open size. Every request is rate limited and waits out HTTP 429 like the commands.
    /// </summary>
    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is not one of this connector's products; the message names it.</exception>
    /// <exception cref="HttpRequestException">The venue refused or did not answer a query; the message says why.</exception>
    public async ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sinceExchangeTimestampNanoseconds);
        EnsureConnected();
        int[] products;
        if (instrument.IsNone)
        {
            products = [.. Enumerable.Range(0, _ids.Length)];
        }
        else
        {
            var product = Array.IndexOf(_ids, instrument);
            products = product >= 0
                ? [product]
                : throw new ArgumentException($"instrument: {instrument} is not one of this connector's products ({string.Join(", ", _products.ProductIds)}).", nameof(instrument));
        }

        var sinceTicks = sinceExchangeTimestampNanoseconds / 100;
        if (Api == CoinbaseApi.AdvancedTrade && sinceTicks > 0)
        {
            sinceTicks = Math.Max(0, sinceTicks - _fillHistoryLookback.Ticks);
        }

        var since = DateTimeOffset.UnixEpoch.AddTicks(sinceTicks);
        var window = new List<CoinbaseFill>();
        foreach (var product in products)
        {
            window.AddRange(Unwrap(await _venue.GetFillsAsync(_products.GetInstrument(product).Symbol, since, cancellationToken).ConfigureAwait(false)));
        }

        if (window.Count == 0)
        {
            return [];
        }

        // The cumulative filled size of each fill needs the order's fills before the window too.
        var orderIds = window.Select(f => f.OrderId).Distinct().ToArray();
        await LearnOrdersAsync(orderIds, cancellationToken).ConfigureAwait(false);
        var cumulative = new Dictionary<(Guid Order, string Trade), long>();
        var running = new Dictionary<Guid, long>();
        foreach (var fill in Unwrap(await _venue.GetOrderFillsAsync(orderIds, cancellationToken).ConfigureAwait(false)).OrderBy(f => f.Time).ThenBy(f => f.TradeId.Length).ThenBy(f => f.TradeId, StringComparer.Ordinal))
        {
            if (Lots(fill) is { } lots)
            {
                var total = running.GetValueOrDefault(fill.OrderId) + lots;
                running[fill.OrderId] = total;
                cumulative[(fill.OrderId, fill.TradeId)] = total;
            }
        }

        var events = new List<ExecutionEvent>(window.Count);
        var now = _clock.NowNanoseconds;
        var windowRunning = new Dictionary<Guid, long>();
        window.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : a.TradeId.Length != b.TradeId.Length ? a.TradeId.Length.CompareTo(b.TradeId.Length) : string.CompareOrdinal(a.TradeId, b.TradeId));
        lock (_lock)
        {
            foreach (var fill in window)
            {
                var product = _products.IndexOf(fill.ProductId);
                if (product < 0 || Lots(fill) is not { } lots || !_products.GetInstrument(product).TryGetPrice(fill.Price, out var price, out _))
                {
                    continue; // another product, or a value off the product's grid that no event can carry
                }

                var known = _byVenueId.TryGetValue(fill.OrderId, out var order) || _finished.TryGetValue(fill.OrderId, out order);
                if (known && order!.Command.ClientOrderId.IsNone)
                {
                    continue; // another program's order on the same account: not our fill
                }

                windowRunning[fill.OrderId] = windowRunning.GetValueOrDefault(fill.OrderId) + lots;
                var filled = cumulative.TryGetValue((fill.OrderId, fill.TradeId), out var counted) ? counted : windowRunning[fill.OrderId];
                var leaves = known ? Math.Max(0, order!.Command.Quantity.Lots - filled) : 0;
                events.Add(new ExecutionEvent
                {
                    Kind = known && leaves == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
                    Liquidity = fill.Liquidity ?? (known && (order!.Command.PostOnly || order.Rested) ? Liquidity.Maker : Liquidity.Taker),
                    Instrument = _ids[product],
                    ClientOrderId = known ? order!.Command.ClientOrderId : ClientOrderId.None,
                    VenueOrderId = new VenueOrderId(fill.OrderId),
                    Side = fill.Side,
                    Price = price,
                    Quantity = new Quantity(lots),
                    LeavesQuantity = new Quantity(leaves),
                    FilledQuantity = new Quantity(filled),
                    Fee = fill.Fee,
                    TradeId = Api == CoinbaseApi.Exchange && long.TryParse(fill.TradeId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var tradeId) ? tradeId : 0,
                    ExchangeTimestampNanoseconds = (fill.Time - DateTimeOffset.UnixEpoch).Ticks * 100,
                    ReceivedNanoseconds = now,
                });
            }
        }

        return events;
    }

    /// <summary>
    /// Asks the venue for each of <paramref name="orderIds"/> this connector does not know (one request each: orders a
    /// previous run placed) and remembers it (<see cref="Remember"/>), so that its fills carry our client order id, or
    /// are recognised as another program's. An order the venue no longer reports stays unknown.
    /// </summary>
    /// <exception cref="HttpRequestException">The venue refused or did not answer a query; the message says why.</exception>
    private async Task LearnOrdersAsync(Guid[] orderIds, CancellationToken cancellationToken)
    {
        List<Guid> unknown;
        lock (_lock)
        {
            unknown = [.. orderIds.Where(id => !_byVenueId.ContainsKey(id) && !_finished.ContainsKey(id))];
        }

        foreach (var id in unknown)
        {
            var result = await _venue.GetOrderAsync(id, cancellationToken).ConfigureAwait(false);
            if (!result.IsSuccess && result.Reason == RejectReason.UnknownOrder)
            {
                continue;
            }

            var order = Unwrap(result);
            lock (_lock)
            {
                Remember(order, open: IsOpen(order.Status));
            }
        }
    }

    /// <summary>
    /// Whether a venue status is a working order's: Exchange <c>open</c>, <c>pending</c>, <c>active</c>; Advanced Trade
    /// <c>OPEN</c>, <c>PENDING</c>, <c>QUEUED</c>, and <c>CANCEL_QUEUED</c> / <c>EDIT_QUEUED</c> (still working until the
    /// venue carries them out, and their end comes on the channel).
    /// </summary>
    private static bool IsOpen(string status) =>
        status.ToUpperInvariant() is "OPEN" or "PENDING" or "ACTIVE" or "QUEUED" or "CANCEL_QUEUED" or "EDIT_QUEUED";

    /// <summary>Disconnects the order channel, stops all delivery, releases HTTP connections and zeroes the key.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await StopAsync().ConfigureAwait(false);
        _venue.Dispose();
    }

    private async Task PlaceAsync(OrderCommand command, CancellationToken cancellationToken)
    {
        var product = Array.IndexOf(_ids, command.Instrument);
        var reason = State != ConnectionState.Synced ? RejectReason.NotConnected
            : product < 0 || command.Instrument.IsNone ? RejectReason.UnknownInstrument
            : !command.ClientOrderId.IsValid ? RejectReason.InvalidClientOrderId
            : !Enum.IsDefined(command.Side) || !Enum.IsDefined(command.Type) || !Enum.IsDefined(command.TimeInForce) ? RejectReason.InvalidEnumValue
            : RejectReason.None;
        if (reason != RejectReason.None)
        {
            RejectCommand(ExecutionEventKind.Rejected, command, reason);
            return;
        }

        var spec = _products.GetInstrument(product);
        var oid = _oids.ToGuid(command.ClientOrderId);
        var order = new LiveOrder(command, oid);
        lock (_lock)
        {
            if (!_byClientId.TryAdd(command.ClientOrderId.Value, order))
            {
                Emit(new ExecutionEvent { Kind = ExecutionEventKind.Rejected, RejectReason = RejectReason.DuplicateClientOrderId, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, Side = command.Side, Price = command.Price, Quantity = command.Quantity });
                return;
            }

            _byClientOid[oid] = order;
        }

        CoinbaseRestResult<CoinbaseOrder> result;
        try
        {
            result = await _venue.PlaceAsync(
                new CoinbaseOrderRequest
                {
                    Instrument = spec,
                    Side = command.Side,
                    Type = command.Type,
                    Price = command.Type == OrderType.Limit ? spec.ToDecimal(command.Price) : 0m,
                    Size = spec.ToDecimal(command.Quantity),
                    TimeInForce = command.TimeInForce,
                    PostOnly = command.PostOnly,
                    ClientOid = oid.ToString("D"),
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (!order.Accepted)
                {
                    Forget(order);
                }
            }

            throw;
        }

        lock (_lock)
        {
            if (result.IsSuccess && result.Value!.Status != "rejected")
            {
                Bind(order, result.Value.Id);
                return;
            }

            if (order.Accepted)
            {
                return; // the channel reported the order: the venue has it, whatever the REST answer said
            }

            Forget(order);
            var why = result.IsSuccess ? CoinbaseRejectReasons.Map(200, result.Value!.RejectReason) : result.Reason;
            Emit(new ExecutionEvent { Kind = ExecutionEventKind.Rejected, RejectReason = why, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, Side = command.Side, Price = command.Price, Quantity = command.Quantity });
        }
    }

    private async Task CancelAsync(OrderCommand command, CancellationToken cancellationToken)
    {
        LiveOrder? order;
        lock (_lock)
        {
            _byClientId.TryGetValue(command.ClientOrderId.Value, out order);
            if (order is not null && order.Command.Instrument == command.Instrument)
            {
                order.CancelRequested = true;
            }
        }

        if (order is null || order.Command.Instrument != command.Instrument)
        {
            RejectCommand(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownOrder);
            return;
        }

        var symbol = _products.GetInstrument(Array.IndexOf(_ids, command.Instrument)).Symbol;
        var result = await _venue.CancelAsync(order.VenueOrderId.Value, order.ClientOid, symbol, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            lock (_lock)
            {
                // The channel's done message (filled) may have closed the order meanwhile; a live order stays as it was.
                order.CancelRequested = false;
                Emit(new ExecutionEvent { Kind = ExecutionEventKind.CancelRejected, RejectReason = result.Reason, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, VenueOrderId = order.VenueOrderId, Side = order.Command.Side, Price = order.Command.Price, LeavesQuantity = order.Leaves, FilledQuantity = order.Filled });
            }
        }
    }

    /// <summary>Advanced Trade's edit of a resting GTC limit order: the new price and the new total size (filled part included).</summary>
    private async Task AmendAsync(OrderCommand command, CancellationToken cancellationToken)
    {
        if (_venue is not AdvancedTradeOrderVenue advanced)
        {
            RejectCommand(ExecutionEventKind.AmendRejected, command, RejectReason.AmendNotSupported);
            return;
        }

        LiveOrder? order;
        decimal newTotal;
        lock (_lock)
        {
            order = _byClientId.GetValueOrDefault(command.ClientOrderId.Value);
            var reason = State != ConnectionState.Synced ? RejectReason.NotConnected
                : order is null || order.Closed || order.CancelRequested || order.Command.Instrument != command.Instrument ? RejectReason.UnknownOrder
                : order.Command.Type != OrderType.Limit || order.Command.TimeInForce != TimeInForce.GoodTillCancel ? RejectReason.AmendNotSupported // Coinbase edits GTC limit orders only
                : order.VenueOrderId.IsNone ? RejectReason.UnknownOrder // not acknowledged yet: the edit needs the venue's id
                : command.Quantity.Lots <= 0 ? RejectReason.InvalidQuantity
                : RejectReason.None;
            if (reason != RejectReason.None)
            {
                Emit(new ExecutionEvent { Kind = ExecutionEventKind.AmendRejected, RejectReason = reason, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, Side = order?.Command.Side ?? command.Side, Price = command.Price, Quantity = command.Quantity });
                return;
            }

            newTotal = _products.GetInstrument(Array.IndexOf(_ids, command.Instrument)).ToDecimal(new Quantity(order!.FilledLots + command.Quantity.Lots));
        }

        var spec = _products.GetInstrument(Array.IndexOf(_ids, command.Instrument));
        var result = await advanced.Rest.EditOrderAsync(order.VenueOrderId.Value, spec, spec.ToDecimal(command.Price), newTotal, cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            if (!result.IsSuccess)
            {
                Emit(new ExecutionEvent { Kind = ExecutionEventKind.AmendRejected, RejectReason = result.Reason, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, VenueOrderId = order.VenueOrderId, Side = order.Command.Side, Price = command.Price, Quantity = command.Quantity, LeavesQuantity = order.Leaves, FilledQuantity = order.Filled });
                return;
            }

            // Fills that arrived while the edit was in flight count against the new total, as at the venue.
            order.Command = order.Command with { Price = command.Price, Quantity = spec.GetQuantity(newTotal) };
            Emit(new ExecutionEvent
            {
                Kind = ExecutionEventKind.Amended,
                Instrument = command.Instrument,
                ClientOrderId = command.ClientOrderId,
                VenueOrderId = order.VenueOrderId,
                Side = order.Command.Side,
                Price = command.Price,
                Quantity = command.Quantity,
                LeavesQuantity = order.Leaves,
                FilledQuantity = order.Filled,
            });
            if (order.Leaves.Lots <= 0)
            {
                Forget(order);
            }
        }
    }

    private async Task CancelAllAsync(OrderCommand command, CancellationToken cancellationToken)
    {
        string? symbol = null;
        if (!command.Instrument.IsNone)
        {
            var product = Array.IndexOf(_ids, command.Instrument);
            if (product < 0)
            {
                RejectCommand(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownInstrument);
                return;
            }

            symbol = _products.GetInstrument(product).Symbol;
        }

        lock (_lock)
        {
            foreach (var order in _byClientId.Values)
            {
                if (symbol is null || order.Command.Instrument == command.Instrument)
                {
                    order.CancelRequested = true;
                }
            }
        }

        var result = await _venue.CancelAllAsync(symbol, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            RejectCommand(ExecutionEventKind.CancelRejected, command, result.Reason);
        }
    }

    /// <summary>The venue has the order: remember its id and acknowledge it once. Call under the lock.</summary>
    private void Bind(LiveOrder order, Guid venueId)
    {
        if (order.Closed)
        {
            return;
        }

        if (order.VenueOrderId.IsNone && venueId != Guid.Empty)
        {
            order.VenueOrderId = new VenueOrderId(venueId);
            _byVenueId[venueId] = order;
        }

        if (!order.Accepted)
        {
            order.Accepted = true;
            Emit(new ExecutionEvent
            {
                Kind = ExecutionEventKind.Accepted,
                Instrument = order.Command.Instrument,
                ClientOrderId = order.Command.ClientOrderId,
                VenueOrderId = order.VenueOrderId,
                Side = order.Command.Side,
                Price = order.Command.Price,
                Quantity = order.Command.Quantity,
                LeavesQuantity = order.Leaves,
                FilledQuantity = order.Filled,
            });
        }
    }

    /// <summary>One order message of the channel. Runs on the receive loop.</summary>
    private void OnOrderMessage(in CoinbaseOrderMessage message)
    {
        lock (_lock)
        {
            switch (message.Type)
            {
                case CoinbaseOrderMessageType.Received when _byClientOid.TryGetValue(message.ClientOid, out var received):
                    Bind(received, message.OrderId);
                    break;
                case CoinbaseOrderMessageType.Match:
                    if (_byVenueId.TryGetValue(message.MakerOrderId, out var maker))
                    {
                        Fill(maker, message.ProductIndex, message.Price, message.Size, Liquidity.Maker, FeeOf(message, message.MakerFeeRate), message.TradeId, message.TimeUnixNanoseconds);
                    }

                    if (_byVenueId.TryGetValue(message.TakerOrderId, out var taker))
                    {
                        Fill(taker, message.ProductIndex, message.Price, message.Size, Liquidity.Taker, FeeOf(message, message.TakerFeeRate), message.TradeId, message.TimeUnixNanoseconds);
                    }

                    break;
                case CoinbaseOrderMessageType.Done when _byVenueId.TryGetValue(message.OrderId, out var done):
                    if (message.IsCanceled)
                    {
                        Cancel(done, message.TimeUnixNanoseconds);
                    }

                    Forget(done);
                    break;
            }
        }
    }

    private decimal FeeOf(in CoinbaseOrderMessage match, decimal feeRate)
    {
        var spec = _products.GetInstrument(match.ProductIndex);
        return spec.ToDecimal(match.Price) * spec.ToDecimal(match.Size) * feeRate;
    }

    /// <summary>One Advanced Trade <c>user</c> order update (a snapshot row or an update). Runs on the receive loop.</summary>
    private void OnUserOrder(in CoinbaseUserOrder update)
    {
        Guid.TryParse(System.Text.Encoding.UTF8.GetString(update.OrderId), out var venueId);
        Guid.TryParse(System.Text.Encoding.UTF8.GetString(update.ClientOrderId), out var clientOid);
        var status = update.Status;
        lock (_lock)
        {
            if (!(venueId != Guid.Empty && _byVenueId.TryGetValue(venueId, out var order)) && !_byClientOid.TryGetValue(clientOid, out order))
            {
                return; // not one of our live orders (another program's, or already finished)
            }

            if (status.SequenceEqual("FAILED"u8) && !order.Accepted)
            {
                return; // never accepted: the REST answer reports the rejection
            }

            Bind(order, venueId);
            var cumulative = update.CumulativeQuantity.Lots;
            if (cumulative > order.FilledLots)
            {
                // Only the increase over what was reported is a fill: a snapshot sent again changes nothing.
                var spec = _products.GetInstrument(update.ProductIndex);
                var size = new Quantity(cumulative - order.FilledLots);
                var notional = update.AveragePrice * spec.ToDecimal(update.CumulativeQuantity);
                var price = Price.FromTicks((long)Math.Round((notional - order.Notional) / spec.ToDecimal(size) / spec.TickSize, MidpointRounding.AwayFromZero));
                var fee = update.TotalFees - order.Fees;
                var liquidity = order.Command.PostOnly || order.Rested ? Liquidity.Maker : Liquidity.Taker;
                order.Notional = notional;
                order.Fees = update.TotalFees;
                Fill(order, update.ProductIndex, price, size, liquidity, fee, 0, update.TimeUnixNanoseconds);
            }

            if (order.Closed)
            {
                return;
            }

            if (status.SequenceEqual("OPEN"u8))
            {
                order.Rested = true;
            }
            else if (status.SequenceEqual("CANCELLED"u8) || status.SequenceEqual("EXPIRED"u8) || status.SequenceEqual("FAILED"u8))
            {
                Cancel(order, update.TimeUnixNanoseconds);
                Forget(order);
            }
        }
    }

    /// <summary>Reports one fill of <paramref name="order"/> and closes it when nothing is left. Call under the lock.</summary>
    private void Fill(LiveOrder order, int product, Price price, Quantity size, Liquidity liquidity, decimal fee, long tradeId, long timeNanoseconds)
    {
        if (order.Closed || size.Lots > order.Leaves.Lots)
        {
            return; // a repeated match, or more than is open: never report quantities that do not add up
        }

        order.FilledLots += size.Lots;
        var leaves = order.Leaves;
        Emit(new ExecutionEvent
        {
            Kind = leaves.Lots == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
            Liquidity = liquidity,
            Instrument = order.Command.Instrument,
            ClientOrderId = order.Command.ClientOrderId,
            VenueOrderId = order.VenueOrderId,
            Side = order.Command.Side,
            Price = price,
            Quantity = size,
            LeavesQuantity = leaves,
            FilledQuantity = order.Filled,
            Fee = fee,
            TradeId = tradeId,
            ExchangeTimestampNanoseconds = timeNanoseconds,
        });
        if (leaves.Lots == 0)
        {
            Forget(order);
        }
    }

    /// <summary>Reports the cancel of what is left of <paramref name="order"/>, once. Call under the lock.</summary>
    private void Cancel(LiveOrder order, long timeNanoseconds)
    {
        var cancelled = order.Leaves;
        if (order.Closed || cancelled.Lots <= 0)
        {
            return;
        }

        order.Cancelled += cancelled.Lots;
        Emit(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Cancelled,
            CancelReason = order.CancelRequested ? CancelReason.Requested
                : order.Command.TimeInForce != TimeInForce.GoodTillCancel || order.Command.Type == OrderType.Market ? CancelReason.ImmediateOrCancel
                : CancelReason.None,
            Instrument = order.Command.Instrument,
            ClientOrderId = order.Command.ClientOrderId,
            VenueOrderId = order.VenueOrderId,
            Side = order.Command.Side,
            Price = order.Command.Price,
            Quantity = cancelled,
            FilledQuantity = order.Filled,
            ExchangeTimestampNanoseconds = timeNanoseconds,
        });
    }

    /// <summary>Drops a finished order from the live tables, remembering the last <see cref="FinishedOrderMemory"/> for the fill history. Call under the lock.</summary>
    private void Forget(LiveOrder order)
    {
        order.Closed = true;
        _byClientId.Remove(order.Command.ClientOrderId.Value);
        _byClientOid.Remove(order.ClientOid);
        if (!order.VenueOrderId.IsNone)
        {
            _byVenueId.Remove(order.VenueOrderId.Value);
            RememberFinished(order);
        }
    }

    /// <summary>Remembers a finished order by the venue's id, keeping the last <see cref="FinishedOrderMemory"/>. Call under the lock.</summary>
    private void RememberFinished(LiveOrder order)
    {
        var id = order.VenueOrderId.Value;
        if (_finished.TryAdd(id, order))
        {
            _finishedOrder.Enqueue(id);
            if (_finishedOrder.Count > FinishedOrderMemory)
            {
                _finished.Remove(_finishedOrder.Dequeue());
            }
        }
    }

    /// <summary>
    /// Takes in an order as the venue reports it (<see cref="CoinbaseOrder"/>) that this connector may not have placed.
    /// Known already (live, or remembered finished): nothing changes. Else, when it is ours and <paramref name="open"/>,
    /// it joins the live tables, so its cancels, fills and end are handled as if placed here; otherwise it is remembered
    /// as finished (another program's too, with <see cref="ClientOrderId.None"/>), so that its fills are recognised
    /// without asking again. A product this connector does not trade, or values off its grid, are left out. Call under
    /// the lock.
    /// </summary>
    private void Remember(CoinbaseOrder venueOrder, bool open)
    {
        var product = _products.IndexOf(venueOrder.ProductId);
        if (product < 0 || _byVenueId.ContainsKey(venueOrder.Id) || _finished.ContainsKey(venueOrder.Id))
        {
            return;
        }

        var spec = _products.GetInstrument(product);
        var market = venueOrder.Price == 0m;
        var price = Price.Zero;
        if ((!market && !spec.TryGetPrice(venueOrder.Price, out price, out _))
            || !spec.TryGetQuantity(venueOrder.Size, out var size, out _)
            || !spec.TryGetQuantity(venueOrder.FilledSize, out var filled, out _, allowZero: true))
        {
            return;
        }

        var ours = _oids.TryGetClientOrderId(venueOrder.ClientOid, out var clientId);
        if (ours && _byClientOid.TryGetValue(venueOrder.ClientOid, out var placed))
        {
            // Placed here and not yet acknowledged: the venue's report is the acknowledgement.
            Bind(placed, venueOrder.Id);
            return;
        }

        var order = new LiveOrder(
            new OrderCommand
            {
                Kind = OrderCommandKind.Place,
                Instrument = _ids[product],
                ClientOrderId = clientId,
                Side = venueOrder.Side,
                Type = market ? OrderType.Market : OrderType.Limit,
                TimeInForce = venueOrder.TimeInForce,
                PostOnly = venueOrder.PostOnly,
                Price = price,
                Quantity = size,
            },
            venueOrder.ClientOid)
        {
            VenueOrderId = new VenueOrderId(venueOrder.Id),
            Accepted = true,
            Rested = open,
            FilledLots = filled.Lots,
            Notional = venueOrder.FilledValue,
            Fees = venueOrder.TotalFees,
        };
        if (ours && open && _byClientId.TryAdd(clientId.Value, order))
        {
            _byClientOid[order.ClientOid] = order;
            _byVenueId[venueOrder.Id] = order;
        }
        else
        {
            order.Closed = true;
            RememberFinished(order);
        }
    }

    /// <summary>A listed fill's size in lots of its product; null for another product or an off-grid size.</summary>
    private long? Lots(CoinbaseFill fill)
    {
        var product = _products.IndexOf(fill.ProductId);
        return product >= 0 && _products.GetInstrument(product).TryGetQuantity(fill.Size, out var size, out _) ? size.Lots : null;
    }

    /// <summary>The REST client and order channel of the API the options name, with the vault's key.</summary>
    private static ICoinbaseOrderVenue CreateVenue(CoinbaseOrderEntryOptions options, CredentialVault vault, CoinbaseProductBooks products, CertificatePinValidator? pinValidator, TimeProvider? timeProvider, ILoggerFactory? loggerFactory)
    {
        using var credential = vault.Get(options.CredentialName);
        if (options.Api == CoinbaseApi.Exchange)
        {
            var signer = new CoinbaseRequestSigner(credential, timeProvider);
            var protocol = new CoinbaseExchangeUserFeedProtocol(new CoinbaseExchangeOrderDecoder(products), signer, options.Channel);
            return new ExchangeOrderVenue(new CoinbaseRestClient(options.Rest, signer, pinValidator, timeProvider, loggerFactory?.CreateLogger<CoinbaseRestClient>()), signer, protocol);
        }

        var jwtSigner = CoinbaseJwtSigners.FromCredential(credential);
        var jwt = new CoinbaseJwtBuilder(credential.ApiKey, jwtSigner, timeProvider);
        var userProtocol = new AdvancedTradeUserFeedProtocol(new AdvancedTradeDecoder(products), jwt);
        return new AdvancedTradeOrderVenue(new AdvancedTradeRestClient(options.Rest, jwt, pinValidator, timeProvider, loggerFactory?.CreateLogger<AdvancedTradeRestClient>()), jwtSigner, userProtocol);
    }

    private void RejectCommand(ExecutionEventKind kind, in OrderCommand command, RejectReason reason)
    {
        lock (_lock)
        {
            Emit(new ExecutionEvent { Kind = kind, RejectReason = reason, Instrument = command.Instrument, ClientOrderId = command.ClientOrderId, Side = command.Side, Price = command.Price, Quantity = command.Quantity });
        }
    }

    /// <summary>Numbers, stamps and delivers one event. Call under the lock.</summary>
    private void Emit(ExecutionEvent executionEvent)
    {
        var numbered = executionEvent with { Sequence = ++_sequence, ReceivedNanoseconds = _clock.NowNanoseconds };
        _sink?.OnExecutionEvent(numbered);
    }

    private void OnSubscribed()
    {
        SetState(ConnectionState.Synced);
        _subscribed?.TrySetResult();
    }

    private void OnStateChanged(CoinbaseProductStateChange change)
    {
        // Every product of the one connection moves together; only the connection's coming and going matters here.
        if (change.ProductIndex == 0 && change.State is ConnectionState.Connecting or ConnectionState.Disconnected)
        {
            SetState(change.State);
        }
    }

    private void SetState(ConnectionState state)
    {
        lock (_lock)
        {
            if ((int)state == _state)
            {
                return;
            }

            _state = (int)state;
            if (state == ConnectionState.Synced)
            {
                _wasSynced = true;
            }
            else if (!_wasSynced)
            {
                // The first connection, which ConnectAsync awaits, is no loss: reporting its Connecting would make the
                // consumer reconcile again right after the start's own reconciliation.
                return;
            }

            Emit(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = state });
        }
    }

    private void EnsureConnected()
    {
        if (_sink is null)
        {
            throw new InvalidOperationException("not connected: call ConnectAsync first.");
        }
    }

    private static T Unwrap<T>(CoinbaseRestResult<T> result) =>
        result.IsSuccess
            ? result.Value!
            : throw new HttpRequestException($"coinbase: {result.Message} ({result.Reason})", null, result.StatusCode == 0 ? null : (HttpStatusCode)result.StatusCode);

    private async Task StopAsync()
    {
        Task? running;
        CancellationTokenSource? stop;
        lock (_lock)
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

        lock (_lock)
        {
            _sink = null;
        }
    }

    /// <summary>Our view of one live order; guarded by the connector's lock.</summary>
    private sealed class LiveOrder(OrderCommand command, Guid clientOid)
    {
        /// <summary>The order as placed; an amend replaces its price and size (the new total, filled part included).</summary>
        public OrderCommand Command { get; set; } = command;

        public Guid ClientOid { get; } = clientOid;

        public VenueOrderId VenueOrderId { get; set; }

        public bool Accepted { get; set; }

        public bool CancelRequested { get; set; }

        public bool Closed { get; set; }

        public long FilledLots { get; set; }

        public long Cancelled { get; set; }

        /// <summary>Advanced Trade: seen resting (<c>OPEN</c>) in an earlier update, so later fills are as maker.</summary>
        public bool Rested { get; set; }

        /// <summary>Advanced Trade: <c>avg_price</c> x <c>cumulative_quantity</c> as last reported.</summary>
        public decimal Notional { get; set; }

        /// <summary>Advanced Trade: <c>total_fees</c> as last reported.</summary>
        public decimal Fees { get; set; }

        public Quantity Filled => new(FilledLots);

        public Quantity Leaves => new(Command.Quantity.Lots - FilledLots - Cancelled);
    }

    private sealed class Listener(CoinbaseOrderEntryConnector owner) : ICoinbaseFeedListener
    {
        public void OnExchangeOrder(in CoinbaseOrderMessage message) => owner.OnOrderMessage(message);

        public void OnUserOrder(in CoinbaseUserOrder order) => owner.OnUserOrder(order);
    }
}
