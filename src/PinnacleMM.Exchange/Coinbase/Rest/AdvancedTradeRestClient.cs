using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// The Coinbase Advanced Trade REST API for order entry (<c>/api/v3/brokerage</c>): place (limit GTC with optional
/// post-only as <c>limit_limit_gtc</c>, limit IOC as <c>sor_limit_ioc</c>, limit FOK as <c>limit_limit_fok</c>, market as
/// <c>market_market_ioc</c>; <c>client_order_id</c> required), cancel by order id (<c>batch_cancel</c>, per-order results),
/// by client order id and all of a product (listing the open orders, then <c>batch_cancel</c>), edit, list open orders
/// across cursor pages, balances (accounts). Every request carries a fresh ES256 or EdDSA JWT whose <c>uri</c> claim is
/// <c>"METHOD host/path"</c>, shares the transport of <see cref="CoinbaseRestClient"/> (the same client-side token
/// bucket design, 429 backoff and certificate pinning) and maps refusals by Coinbase's documented error codes
/// (<see cref="AdvancedTradeRejectReasons"/>).
/// </summary>
/// <remarks>
/// Inputs are checked before anything is sent with the same rules as <see cref="CoinbaseRestClient"/>; a refused input
/// and a venue refusal are results whose message names the field and the rule or quotes the venue's codes. Thread-safe.
/// </remarks>
public sealed class AdvancedTradeRestClient : IDisposable
{
    /// <summary>The most order ids one <c>batch_cancel</c> takes.</summary>
    public const int MaxCancelBatch = 100;

    private const string Base = "/api/v3/brokerage";

    private readonly CoinbaseRestOptions _options;
    private readonly CoinbaseJwtBuilder _jwt;
    private readonly CoinbaseHttpTransport _transport;
    private readonly string _authority;

    /// <summary>Creates a client; nothing is sent before the first call.</summary>
    /// <param name="options">Endpoint (default <see cref="CoinbaseRestOptions.AdvancedTradeEndpoint"/>) and limits (default <see cref="CoinbaseRestOptions.AdvancedTradePrivateEndpointLimit"/>); validated here.</param>
    /// <param name="jwt">Builds the JWT of each request; owned by the caller.</param>
    /// <param name="pinValidator">Enforces certificate pins on every TLS connection; null for the platform's validation only.</param>
    /// <param name="timeProvider">The clock for rate limits and retry waits; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Logs requests that got no answer, HTTP 429 backoffs (Warning) and refusals (Debug): event ids 1101-1104; no logging when null.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public AdvancedTradeRestClient(CoinbaseRestOptions options, CoinbaseJwtBuilder jwt, CertificatePinValidator? pinValidator = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(jwt);
        options.Validate();
        _options = options;
        _jwt = jwt;
        var endpoint = options.Endpoint ?? CoinbaseRestOptions.AdvancedTradeEndpoint;
        _authority = endpoint.Authority;
        _transport = new CoinbaseHttpTransport(options, endpoint, options.RateLimit ?? CoinbaseRestOptions.AdvancedTradePrivateEndpointLimit, pinValidator, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>How many HTTP 429 answers the venue sent so far.</summary>
    public long RateLimitedResponses => _transport.RateLimitedResponses;

    /// <summary>How many requests waited for the client-side rate limit.</summary>
    public long ThrottledRequests => _transport.ThrottledRequests;

    /// <summary>Places an order (<c>POST /api/v3/brokerage/orders</c>).</summary>
    /// <param name="request">The order; checked completely before anything is sent. <see cref="CoinbaseOrderRequest.ClientOid"/> is required.</param>
    /// <param name="cancellationToken">Abandons waiting for a rate limit or a retry, or the request.</param>
    /// <returns>
    /// The order as placed (status <c>PENDING</c>: fills and the final status come from the <c>user</c> channel), or a
    /// failure: a refused input (status 0) or the venue's <c>success:false</c> with its codes mapped by
    /// <see cref="AdvancedTradeRejectReasons.MapOrder"/>.
    /// </returns>
    public async Task<CoinbaseRestResult<CoinbaseOrder>> PlaceOrderAsync(CoinbaseOrderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CoinbaseOrderChecks.Check(request, CoinbaseOrderChecks.AdvancedTradeFields) is { } refused)
        {
            return refused;
        }

        var path = Base + "/orders";
        var response = await SendAsync(HttpMethod.Post, path, OrderBody(request), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<CoinbaseOrder>();
        }

        var dto = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtCreateOrderDto);
        if (dto is null || !dto.Success)
        {
            return Refused<CoinbaseOrder>("POST " + path, dto, response.Status);
        }

        if (!Guid.TryParse(dto.SuccessResponse?.OrderId ?? dto.OrderId, out var id))
        {
            return CoinbaseRestResult<CoinbaseOrder>.Failure(RejectReason.VenueRejected, response.Status, $"POST {path}: the venue's success_response lacks a UUID order_id.");
        }

        var order = new CoinbaseOrder(id, Guid.Parse(request.ClientOid!), request.Instrument.Symbol, request.Side, request.Type == OrderType.Limit ? request.Price : 0m, request.Size, 0m, "PENDING", null, null);
        return CoinbaseRestResult<CoinbaseOrder>.Success(order, response.Status);
    }

    /// <summary>
    /// Changes a resting GTC limit order's price and total size (<c>POST /api/v3/brokerage/orders/edit</c>). Coinbase
    /// documents edits for GTC limit orders only; the size is the order's new total (filled part included).
    /// </summary>
    /// <param name="orderId">The venue's order id.</param>
    /// <param name="instrument">The order's product, whose grid checks <paramref name="price"/> and <paramref name="size"/>.</param>
    /// <param name="price">The new limit price.</param>
    /// <param name="size">The new total size.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <returns>Success, or why not (the first <c>edit_failure_reason</c>/<c>preview_failure_reason</c>, mapped).</returns>
    public async Task<CoinbaseRestResult<Guid>> EditOrderAsync(Guid orderId, InstrumentSpec instrument, decimal price, decimal size, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (orderId == Guid.Empty)
        {
            return CoinbaseRestResult<Guid>.Failure(RejectReason.UnknownOrder, 0, "order_id must not be empty.");
        }

        var check = CoinbaseOrderChecks.Check(new CoinbaseOrderRequest { Instrument = instrument, Side = Side.Buy, Price = price, Size = size }, CoinbaseOrderChecks.AdvancedTradeEditFields);
        if (check is { } refused)
        {
            return refused.As<Guid>();
        }

        var body = new StringBuilder("{\"order_id\":\"").Append(orderId.ToString("D"))
            .Append("\",\"price\":\"").Append(price.ToString(CultureInfo.InvariantCulture))
            .Append("\",\"size\":\"").Append(size.ToString(CultureInfo.InvariantCulture)).Append("\"}").ToString();
        var path = Base + "/orders/edit";
        var response = await SendAsync(HttpMethod.Post, path, body, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<Guid>();
        }

        var dto = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtCreateOrderDto);
        if (dto is { Success: true })
        {
            return CoinbaseRestResult<Guid>.Success(orderId, response.Status);
        }

        var first = dto?.Errors?.FirstOrDefault();
        var reason = first?.EditFailureReason is "ORDER_NOT_FOUND" or "ONLY_OPEN_ORDERS_CAN_BE_EDITED" ? RejectReason.UnknownOrder
            : AdvancedTradeRejectReasons.MapOrder(null, first?.PreviewFailureReason, dto?.ErrorResponse?.Error);
        return CoinbaseRestResult<Guid>.Failure(reason, response.Status, $"POST {path}: refused: edit_failure_reason {first?.EditFailureReason ?? "-"}, preview_failure_reason {first?.PreviewFailureReason ?? "-"}.");
    }

    /// <summary>Cancels orders by the venue's ids (<c>POST /api/v3/brokerage/orders/batch_cancel</c>, in batches of <see cref="MaxCancelBatch"/>).</summary>
    /// <param name="orderIds">The orders; at least one, none empty.</param>
    /// <param name="cancellationToken">Abandons the requests.</param>
    /// <returns>One result per order (a refused one carries its <c>failure_reason</c>), or the failure of a whole request.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<AdvancedTradeCancelResult>>> CancelOrdersAsync(IReadOnlyList<Guid> orderIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(orderIds);
        if (orderIds.Count == 0 || orderIds.Contains(Guid.Empty))
        {
            return CoinbaseRestResult<IReadOnlyList<AdvancedTradeCancelResult>>.Failure(RejectReason.UnknownOrder, 0, "order_ids must hold at least one order id, none empty.");
        }

        var results = new List<AdvancedTradeCancelResult>(orderIds.Count);
        var status = 200;
        for (var start = 0; start < orderIds.Count; start += MaxCancelBatch)
        {
            var batch = orderIds.Skip(start).Take(MaxCancelBatch).ToArray();
            var body = "{\"order_ids\":[" + string.Join(",", batch.Select(id => "\"" + id.ToString("D") + "\"")) + "]}";
            var response = await SendAsync(HttpMethod.Post, Base + "/orders/batch_cancel", body, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<AdvancedTradeCancelResult>>();
            }

            status = response.Status;
            var dto = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtCancelResponseDto);
            foreach (var id in batch)
            {
                // Answers are per order id; an order the venue did not mention is reported as refused, not assumed cancelled.
                var answer = dto?.Results?.FirstOrDefault(r => Guid.TryParse(r.OrderId, out var g) && g == id);
                results.Add(answer is { Success: true }
                    ? new AdvancedTradeCancelResult(id, true, null, RejectReason.None)
                    : new AdvancedTradeCancelResult(id, false, answer?.FailureReason ?? "MISSING_FROM_RESPONSE", AdvancedTradeRejectReasons.MapCancel(answer?.FailureReason)));
            }
        }

        return CoinbaseRestResult<IReadOnlyList<AdvancedTradeCancelResult>>.Success(results, status);
    }

    /// <summary>Cancels our order with <paramref name="clientOrderId"/>: finds it among <paramref name="productId"/>'s open orders, then cancels it by id.</summary>
    /// <returns>The venue's answer for that order; <see cref="RejectReason.UnknownOrder"/> when no open order has that client id.</returns>
    public async Task<CoinbaseRestResult<AdvancedTradeCancelResult>> CancelOrderByClientOrderIdAsync(string clientOrderId, string productId, CancellationToken cancellationToken = default)
    {
        if (!Guid.TryParseExact(clientOrderId, "D", out var oid))
        {
            return CoinbaseRestResult<AdvancedTradeCancelResult>.Failure(RejectReason.InvalidClientOrderId, 0, $"client_order_id '{clientOrderId}' must be a UUID (8-4-4-4-12 hex digits), as our client order ids are.");
        }

        var open = await GetOpenOrdersAsync(productId, cancellationToken).ConfigureAwait(false);
        if (!open.IsSuccess)
        {
            return open.As<AdvancedTradeCancelResult>();
        }

        var order = open.Value!.FirstOrDefault(o => o.ClientOid == oid);
        if (order is null)
        {
            return CoinbaseRestResult<AdvancedTradeCancelResult>.Failure(RejectReason.UnknownOrder, open.StatusCode, $"client_order_id {clientOrderId}: no open order of {productId} has it.");
        }

        var cancelled = await CancelOrdersAsync([order.Id], cancellationToken).ConfigureAwait(false);
        if (!cancelled.IsSuccess)
        {
            return cancelled.As<AdvancedTradeCancelResult>();
        }

        var result = cancelled.Value![0];
        return result.Success
            ? CoinbaseRestResult<AdvancedTradeCancelResult>.Success(result, cancelled.StatusCode)
            : new CoinbaseRestResult<AdvancedTradeCancelResult>(result, result.Reason, cancelled.StatusCode, $"client_order_id {clientOrderId}: cancel refused: {result.FailureReason}.");
    }

    /// <summary>Cancels every open order of <paramref name="productId"/>, or of every product when null: lists them, then <c>batch_cancel</c>.</summary>
    /// <returns>One result per open order found (none when nothing was open), or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<AdvancedTradeCancelResult>>> CancelAllAsync(string? productId, CancellationToken cancellationToken = default)
    {
        var open = await GetOpenOrdersAsync(productId, cancellationToken).ConfigureAwait(false);
        if (!open.IsSuccess)
        {
            return open.As<IReadOnlyList<AdvancedTradeCancelResult>>();
        }

        return open.Value!.Count == 0
            ? CoinbaseRestResult<IReadOnlyList<AdvancedTradeCancelResult>>.Success([], open.StatusCode)
            : await CancelOrdersAsync([.. open.Value!.Select(o => o.Id)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One order by the venue's id, whatever its status (<c>GET /api/v3/brokerage/orders/historical/{order_id}</c>): its
    /// <c>client_order_id</c>, size and what filled, for a fill whose order this process never saw (placed before a restart).
    /// </summary>
    /// <returns>The order, or a failure (the venue's error, mapped like the other requests').</returns>
    public async Task<CoinbaseRestResult<CoinbaseOrder>> GetOrderAsync(Guid orderId, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, Base + "/orders/historical/" + orderId.ToString("D"), null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<CoinbaseOrder>();
        }

        return JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtOrderAnswerDto)?.Order is { } dto && ToOrder(dto) is { } order
            ? CoinbaseRestResult<CoinbaseOrder>.Success(order, response.Status)
            : CoinbaseRestResult<CoinbaseOrder>.Failure(RejectReason.VenueRejected, response.Status, "the venue's order response lacks order_id, product_id or side.");
    }

    /// <summary>
    /// Our open orders of <paramref name="productId"/>, or of every product when null
    /// (<c>GET /api/v3/brokerage/orders/historical/batch?order_status=OPEN</c>, following <c>cursor</c> while <c>has_next</c>).
    /// </summary>
    /// <returns>The orders, or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>> GetOpenOrdersAsync(string? productId, CancellationToken cancellationToken = default)
    {
        if (productId is not null && CoinbaseOrderChecks.CheckProduct(productId) is { } refused)
        {
            return refused.As<IReadOnlyList<CoinbaseOrder>>();
        }

        var orders = new List<CoinbaseOrder>();
        string? cursor = null;
        while (true)
        {
            var path = new StringBuilder(Base).Append("/orders/historical/batch?order_status=OPEN&limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (productId is not null)
            {
                path.Append("&product_ids=").Append(productId);
            }

            if (cursor is not null)
            {
                path.Append("&cursor=").Append(Uri.EscapeDataString(cursor));
            }

            var response = await SendAsync(HttpMethod.Get, path.ToString(), null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<CoinbaseOrder>>();
            }

            var page = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtOrderPageDto);
            foreach (var dto in page?.Orders ?? [])
            {
                if (ToOrder(dto) is { } order)
                {
                    orders.Add(order);
                }
            }

            // has_next with a new cursor says there is another page; a repeated or empty cursor ends the walk.
            if (page is not { HasNext: true } || string.IsNullOrEmpty(page.Cursor) || page.Cursor == cursor)
            {
                return CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>.Success(orders, response.Status);
            }

            cursor = page.Cursor;
        }
    }

    /// <summary>
    /// Our fills, oldest first (<c>GET /api/v3/brokerage/orders/historical/fills</c>, following <c>cursor</c> until it
    /// comes back empty): of <paramref name="productId"/> (<c>product_ids</c>) and/or of the orders
    /// <paramref name="orderIds"/> (<c>order_ids</c>, repeated), at or after <paramref name="since"/>
    /// (<c>start_sequence_timestamp</c>, and each fill's <c>trade_time</c> checked again here).
    /// </summary>
    /// <param name="productId">The product, or null for every product.</param>
    /// <param name="orderIds">Only these orders' fills; null or empty for every order.</param>
    /// <param name="since">The earliest fill time to list (inclusive); null for all the venue keeps.</param>
    /// <param name="cancellationToken">Abandons waiting or the requests.</param>
    /// <returns>The fills, or a failure: an invalid product (refused before sending) or the venue's error.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetFillsAsync(string? productId, IReadOnlyCollection<Guid>? orderIds, DateTimeOffset? since, CancellationToken cancellationToken = default)
    {
        if (productId is not null && CoinbaseOrderChecks.CheckProduct(productId) is { } refused)
        {
            return refused.As<IReadOnlyList<CoinbaseFill>>();
        }

        var query = new StringBuilder(Base).Append("/orders/historical/fills?limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
        if (productId is not null)
        {
            query.Append("&product_ids=").Append(productId);
        }

        foreach (var id in orderIds ?? [])
        {
            query.Append("&order_ids=").Append(id.ToString("D"));
        }

        if (since is { } start)
        {
            query.Append("&start_sequence_timestamp=").Append(Uri.EscapeDataString(start.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)));
        }

        var fills = new List<CoinbaseFill>();
        string? cursor = null;
        while (true)
        {
            var path = cursor is null ? query.ToString() : query + "&cursor=" + Uri.EscapeDataString(cursor);
            var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<CoinbaseFill>>();
            }

            var page = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtFillPageDto);
            foreach (var dto in page?.Fills ?? [])
            {
                if (dto.TradeId is { Length: > 0 } && Guid.TryParse(dto.OrderId, out var order) && dto.ProductId is not null && dto.Side is "BUY" or "SELL"
                    && dto.TradeTime is { } time && (since is null || time >= since))
                {
                    var liquidity = dto.LiquidityIndicator switch { "MAKER" => Liquidity.Maker, "TAKER" => Liquidity.Taker, _ => (Liquidity?)null };
                    fills.Add(new CoinbaseFill(dto.TradeId, order, dto.ProductId, dto.Side == "BUY" ? Side.Buy : Side.Sell, Number(dto.Price), Number(dto.Size), Number(dto.Commission), liquidity, time));
                }
            }

            if (string.IsNullOrEmpty(page?.Cursor) || page.Cursor == cursor)
            {
                fills.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : string.CompareOrdinal(a.TradeId, b.TradeId));
                return CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>.Success(fills, response.Status);
            }

            cursor = page.Cursor;
        }
    }

    /// <summary>The balances, one per currency (<c>GET /api/v3/brokerage/accounts</c>, following <c>cursor</c>): total = available + hold.</summary>
    /// <returns>The balances, or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<Balance>>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        var balances = new List<Balance>();
        string? cursor = null;
        while (true)
        {
            var path = Base + "/accounts?limit=250" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<Balance>>();
            }

            var page = JsonSerializer.Deserialize(response.Body, AdvancedTradeRestJsonContext.Default.AtAccountPageDto);
            foreach (var account in page?.Accounts ?? [])
            {
                if (account.Currency is not null)
                {
                    var available = Number(account.AvailableBalance?.Value);
                    balances.Add(new Balance(account.Currency, available + Number(account.Hold?.Value), available));
                }
            }

            if (page is not { HasNext: true } || string.IsNullOrEmpty(page.Cursor) || page.Cursor == cursor)
            {
                return CoinbaseRestResult<IReadOnlyList<Balance>>.Success(balances, response.Status);
            }

            cursor = page.Cursor;
        }
    }

    /// <summary>Releases the HTTP connections and the rate limiter (not the JWT builder).</summary>
    public void Dispose() => _transport.Dispose();

    /// <summary>Sends through the shared transport with a fresh JWT per attempt: <c>uri</c> = method, host and path (no query).</summary>
    private Task<CoinbaseHttpResponse> SendAsync(HttpMethod method, string pathAndQuery, string? body, CancellationToken cancellationToken) =>
        _transport.SendAsync(method, pathAndQuery, body, Authenticate, MapError, cancellationToken);

    private Task Authenticate(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = _jwt.CreateRestToken(request.Method.Method.ToUpperInvariant(), _authority, request.RequestUri!.AbsolutePath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Task.CompletedTask;
    }

    private static (RejectReason, string) MapError(int status, string body)
    {
        AtHttpErrorDto? error = null;
        try
        {
            error = JsonSerializer.Deserialize(body, AdvancedTradeRestJsonContext.Default.AtHttpErrorDto);
        }
        catch (JsonException)
        {
            // Not the documented JSON error (e.g. a plain "Unauthorized"): quote the text.
        }

        var text = error?.Error is null ? CoinbaseHttpTransport.Shorten(body) : $"{error.Error}: {error.Message}";
        return (AdvancedTradeRejectReasons.MapHttp(status, error?.Error), text);
    }

    private static CoinbaseRestResult<T> Refused<T>(string what, AtCreateOrderDto? dto, int status)
    {
        var e = dto?.ErrorResponse;
        var reason = AdvancedTradeRejectReasons.MapOrder(e?.Error, e?.PreviewFailureReason, e?.NewOrderFailureReason ?? dto?.FailureReason);
        return CoinbaseRestResult<T>.Failure(reason, status, $"{what}: refused: error {e?.Error ?? "-"}, preview_failure_reason {e?.PreviewFailureReason ?? "-"}, new_order_failure_reason {e?.NewOrderFailureReason ?? dto?.FailureReason ?? "-"}: {e?.Message}");
    }

    private static string OrderBody(CoinbaseOrderRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("client_order_id", request.ClientOid);
            writer.WriteString("product_id", request.Instrument.Symbol);
            writer.WriteString("side", request.Side == Side.Buy ? "BUY" : "SELL");
            writer.WriteStartObject("order_configuration");
            writer.WriteStartObject(request.Type == OrderType.Market ? "market_market_ioc"
                : request.TimeInForce switch
                {
                    TimeInForce.ImmediateOrCancel => "sor_limit_ioc",
                    TimeInForce.FillOrKill => "limit_limit_fok",
                    _ => "limit_limit_gtc",
                });
            writer.WriteString("base_size", request.Size.ToString(CultureInfo.InvariantCulture));
            if (request.Type == OrderType.Limit)
            {
                writer.WriteString("limit_price", request.Price.ToString(CultureInfo.InvariantCulture));
                if (request.TimeInForce == TimeInForce.GoodTillCancel)
                {
                    writer.WriteBoolean("post_only", request.PostOnly);
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static CoinbaseOrder? ToOrder(AtOrderDto dto)
    {
        if (!Guid.TryParse(dto.OrderId, out var id) || dto.ProductId is null || dto.Side is not ("BUY" or "SELL"))
        {
            return null;
        }

        var (variant, configuration) = dto.OrderConfiguration?.FirstOrDefault() is { Key: not null } only ? (only.Key, only.Value) : ("", null);
        return new CoinbaseOrder(
            id,
            Guid.TryParse(dto.ClientOrderId, out var oid) ? oid : Guid.Empty,
            dto.ProductId,
            dto.Side == "BUY" ? Side.Buy : Side.Sell,
            Number(configuration?.LimitPrice),
            Number(configuration?.BaseSize),
            Number(dto.FilledSize),
            dto.Status ?? "",
            string.IsNullOrEmpty(dto.RejectReason) ? null : dto.RejectReason,
            dto.CreatedTime,
            variant.EndsWith("_ioc", StringComparison.Ordinal) ? TimeInForce.ImmediateOrCancel : variant.EndsWith("_fok", StringComparison.Ordinal) ? TimeInForce.FillOrKill : TimeInForce.GoodTillCancel,
            configuration?.PostOnly ?? false,
            Number(dto.FilledValue),
            Number(dto.TotalFees));
    }

    /// <summary>A quoted number; empty or absent is 0 (the API writes "" for numbers that do not apply).</summary>
    private static decimal Number(string? text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ? value : 0m;
}
