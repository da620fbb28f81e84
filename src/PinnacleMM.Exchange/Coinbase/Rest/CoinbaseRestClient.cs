using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Tls;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// The Coinbase Exchange REST API for order entry: place (limit, post-only, IOC, FOK, market, with
/// <c>client_oid</c>), cancel by id or client id, cancel all, list open orders, balances. Every request is signed
/// with <see cref="CoinbaseRequestSigner"/> (the <c>CB-ACCESS-*</c> headers), kept within the documented limit by a
/// Security <see cref="PolicyRateLimiter"/> (a request waits for its permit), and retried after HTTP 429 once the
/// <c>Retry-After</c> the venue sent has passed (exponential backoff when it sent none).
/// </summary>
/// <remarks>
/// Inputs are checked with the Security <see cref="InputValidator"/> before anything is sent: a refused input and
/// a venue error are results (<see cref="CoinbaseRestResult{T}"/>) whose message names the field and the rule or
/// quotes the venue. When a <see cref="CertificatePinValidator"/> is given, it validates every TLS connection.
/// Waits use the <see cref="TimeProvider"/>. Thread-safe.
/// </remarks>
public sealed class CoinbaseRestClient : IDisposable
{
    private readonly CoinbaseRestOptions _options;
    private readonly CoinbaseRequestSigner _signer;
    private readonly CoinbaseHttpTransport _transport;

    /// <summary>Creates a client; nothing is sent before the first call.</summary>
    /// <param name="options">Endpoint and limits; validated here.</param>
    /// <param name="signer">Signs each request; owned by the caller.</param>
    /// <param name="pinValidator">Enforces certificate pins on every TLS connection; null for the platform's validation only.</param>
    /// <param name="timeProvider">The clock for rate limits and retry waits; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Logs requests that got no answer, HTTP 429 backoffs (Warning) and refusals (Debug): event ids 1101-1104; no logging when null.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public CoinbaseRestClient(CoinbaseRestOptions options, CoinbaseRequestSigner signer, CertificatePinValidator? pinValidator = null, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(signer);
        options.Validate();
        _options = options;
        _signer = signer;
        _transport = new CoinbaseHttpTransport(options, options.Endpoint ?? CoinbaseRestOptions.ProductionEndpoint, options.RateLimit ?? CoinbaseRestOptions.PrivateEndpointLimit, pinValidator, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>How many HTTP 429 answers the venue sent so far.</summary>
    public long RateLimitedResponses => _transport.RateLimitedResponses;

    /// <summary>How many requests waited for the client-side rate limit.</summary>
    public long ThrottledRequests => _transport.ThrottledRequests;

    /// <summary>Places an order (<c>POST /orders</c>).</summary>
    /// <param name="request">The order; checked completely before anything is sent.</param>
    /// <param name="cancellationToken">Abandons waiting for a rate limit or a retry, or the request.</param>
    /// <returns>
    /// The venue's order (its <see cref="CoinbaseOrder.Status"/> may be <c>rejected</c>, e.g. for a post-only order that
    /// would take: see <see cref="CoinbaseOrder.RejectReason"/>), or a failure: a refused input (status 0; the message
    /// names the field and the rule) or the venue's error mapped by <see cref="CoinbaseRejectReasons"/>.
    /// </returns>
    public async Task<CoinbaseRestResult<CoinbaseOrder>> PlaceOrderAsync(CoinbaseOrderRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (Check(request) is { } refused)
        {
            return refused;
        }

        var response = await SendAsync(HttpMethod.Post, "/orders", OrderBody(request), cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<CoinbaseOrder>();
        }

        var dto = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.OrderDto);
        return ToOrder(dto) is { } order
            ? CoinbaseRestResult<CoinbaseOrder>.Success(order, response.Status)
            : CoinbaseRestResult<CoinbaseOrder>.Failure(RejectReason.VenueRejected, response.Status, "the venue's order response lacks id, product_id or side.");
    }

    /// <summary>Cancels an order by the venue's id (<c>DELETE /orders/{id}?product_id=</c>).</summary>
    /// <returns>The cancelled order's id, or a failure (<see cref="RejectReason.UnknownOrder"/> for 404).</returns>
    public Task<CoinbaseRestResult<Guid>> CancelOrderAsync(Guid orderId, string productId, CancellationToken cancellationToken = default) =>
        CancelAsync(orderId.ToString("D"), productId, cancellationToken);

    /// <summary>Cancels an order by our <c>client_oid</c> (<c>DELETE /orders/client:{client_oid}?product_id=</c>).</summary>
    /// <returns>The cancelled order's id, or a failure (an invalid <paramref name="clientOid"/> is refused before sending).</returns>
    public Task<CoinbaseRestResult<Guid>> CancelOrderByClientOidAsync(string clientOid, string productId, CancellationToken cancellationToken = default)
    {
        var check = InputValidator.ClientOrderId(clientOid, "client_oid");
        if (!check.IsValid)
        {
            return Task.FromResult(CoinbaseRestResult<Guid>.Failure(RejectReason.InvalidClientOrderId, 0, check.Message!));
        }

        return CancelAsync("client:" + clientOid, productId, cancellationToken);
    }

    /// <summary>Cancels every open order of <paramref name="productId"/>, or of every product when null (<c>DELETE /orders</c>).</summary>
    /// <returns>The ids of the cancelled orders, or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<Guid>>> CancelAllAsync(string? productId, CancellationToken cancellationToken = default)
    {
        if (productId is not null && CheckProduct(productId) is { } refused)
        {
            return refused.As<IReadOnlyList<Guid>>();
        }

        var response = await SendAsync(HttpMethod.Delete, productId is null ? "/orders" : "/orders?product_id=" + productId, null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<IReadOnlyList<Guid>>();
        }

        var ids = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.ListString) ?? [];
        return CoinbaseRestResult<IReadOnlyList<Guid>>.Success([.. ids.Select(id => Guid.TryParse(id, out var g) ? g : Guid.Empty)], response.Status);
    }

    /// <summary>
    /// One order by the venue's id, whatever its status (<c>GET /orders/{id}</c>): its <c>client_oid</c>, size and what
    /// filled, for a fill whose order this process never saw (placed before a restart).
    /// </summary>
    /// <returns>The order, or a failure (<see cref="RejectReason.UnknownOrder"/> for 404: the venue no longer lists it).</returns>
    public async Task<CoinbaseRestResult<CoinbaseOrder>> GetOrderAsync(Guid orderId, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, "/orders/" + orderId.ToString("D"), null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<CoinbaseOrder>();
        }

        return ToOrder(JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.OrderDto)) is { } order
            ? CoinbaseRestResult<CoinbaseOrder>.Success(order, response.Status)
            : CoinbaseRestResult<CoinbaseOrder>.Failure(RejectReason.VenueRejected, response.Status, "the venue's order response lacks id, product_id or side.");
    }

    /// <summary>Lists our open orders of <paramref name="productId"/>, or of every product when null (<c>GET /orders?status=open</c>, following <c>CB-AFTER</c> pages).</summary>
    /// <returns>The orders, or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>> GetOpenOrdersAsync(string? productId, CancellationToken cancellationToken = default)
    {
        if (productId is not null && CheckProduct(productId) is { } refused)
        {
            return refused.As<IReadOnlyList<CoinbaseOrder>>();
        }

        var orders = new List<CoinbaseOrder>();
        string? after = null;
        while (true)
        {
            var path = new StringBuilder("/orders?status=open&limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (productId is not null)
            {
                path.Append("&product_id=").Append(productId);
            }

            if (after is not null)
            {
                path.Append("&after=").Append(Uri.EscapeDataString(after));
            }

            var response = await SendAsync(HttpMethod.Get, path.ToString(), null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<CoinbaseOrder>>();
            }

            var page = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.ListOrderDto) ?? [];
            foreach (var dto in page)
            {
                if (ToOrder(dto) is { } order)
                {
                    orders.Add(order);
                }
            }

            // The cursor header says where the next page starts; a short or empty page is the last.
            if (page.Count < _options.PageSize || response.After is null || response.After == after)
            {
                return CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>.Success(orders, response.Status);
            }

            after = response.After;
        }
    }

    /// <summary>
    /// Our fills of <paramref name="productId"/> or of order <paramref name="orderId"/> (the venue wants exactly one of
    /// them) at or after <paramref name="since"/>, oldest first (<c>GET /fills</c>). The venue lists newest first by
    /// <c>trade_id</c>; pages are followed with the <c>CB-AFTER</c> cursor until a page reaches back before
    /// <paramref name="since"/> or is the last.
    /// </summary>
    /// <param name="productId">The product, or null when <paramref name="orderId"/> is given.</param>
    /// <param name="orderId">The venue's order id, or null when <paramref name="productId"/> is given.</param>
    /// <param name="since">The earliest fill time to list (inclusive); <see cref="DateTimeOffset.MinValue"/> for all the venue keeps.</param>
    /// <param name="cancellationToken">Abandons waiting or the requests.</param>
    /// <returns>The fills, or a failure: both or neither filter given, an invalid product (refused before sending), or the venue's error.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetFillsAsync(string? productId, Guid? orderId, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        if ((productId is null) == (orderId is null))
        {
            return CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>.Failure(RejectReason.VenueRejected, 0, "GET /fills: exactly one of product_id and order_id must be given.");
        }

        if (productId is not null && CheckProduct(productId) is { } refused)
        {
            return refused.As<IReadOnlyList<CoinbaseFill>>();
        }

        var fills = new List<CoinbaseFill>();
        string? after = null;
        while (true)
        {
            var path = new StringBuilder("/fills?").Append(productId is not null ? "product_id=" + productId : "order_id=" + orderId!.Value.ToString("D"))
                .Append("&limit=").Append(_options.PageSize.ToString(CultureInfo.InvariantCulture));
            if (after is not null)
            {
                path.Append("&after=").Append(Uri.EscapeDataString(after));
            }

            var response = await SendAsync(HttpMethod.Get, path.ToString(), null, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccess)
            {
                return response.Failure<IReadOnlyList<CoinbaseFill>>();
            }

            var page = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.ListFillDto) ?? [];
            var reachedSince = false;
            foreach (var dto in page)
            {
                if (dto.CreatedAt < since)
                {
                    reachedSince = true;
                    continue;
                }

                if (Guid.TryParse(dto.OrderId, out var order) && dto.ProductId is not null && dto.Side is "buy" or "sell")
                {
                    var liquidity = dto.Liquidity switch { "M" => Liquidity.Maker, "T" => Liquidity.Taker, _ => (Liquidity?)null };
                    fills.Add(new CoinbaseFill(dto.TradeId.ToString(CultureInfo.InvariantCulture), order, dto.ProductId, dto.Side == "buy" ? Side.Buy : Side.Sell, dto.Price, dto.Size, dto.Fee, liquidity, dto.CreatedAt));
                }
            }

            if (reachedSince || page.Count < _options.PageSize || response.After is null || response.After == after)
            {
                // Newest first from the venue; the caller wants them in the order they happened.
                fills.Sort((a, b) => a.Time != b.Time ? a.Time.CompareTo(b.Time) : long.Parse(a.TradeId, CultureInfo.InvariantCulture).CompareTo(long.Parse(b.TradeId, CultureInfo.InvariantCulture)));
                return CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>.Success(fills, response.Status);
            }

            after = response.After;
        }
    }

    /// <summary>The account's balances, one per currency (<c>GET /accounts</c>).</summary>
    /// <returns>The balances, or a failure.</returns>
    public async Task<CoinbaseRestResult<IReadOnlyList<Balance>>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, "/accounts", null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<IReadOnlyList<Balance>>();
        }

        var accounts = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.ListAccountDto) ?? [];
        return CoinbaseRestResult<IReadOnlyList<Balance>>.Success([.. accounts.Where(a => a.Currency is not null).Select(a => new Balance(a.Currency!, a.Balance, a.Available))], response.Status);
    }

    /// <summary>Releases the HTTP connections and the rate limiter (not the signer).</summary>
    public void Dispose()
    {
        _transport.Dispose();
    }

    private async Task<CoinbaseRestResult<Guid>> CancelAsync(string id, string productId, CancellationToken cancellationToken)
    {
        if (CheckProduct(productId) is { } refused)
        {
            return refused.As<Guid>();
        }

        var response = await SendAsync(HttpMethod.Delete, $"/orders/{id}?product_id={productId}", null, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Failure<Guid>();
        }

        var text = JsonSerializer.Deserialize(response.Body, CoinbaseRestJsonContext.Default.String);
        return CoinbaseRestResult<Guid>.Success(Guid.TryParse(text, out var cancelled) ? cancelled : Guid.Empty, response.Status);
    }

    private static CoinbaseRestResult<CoinbaseOrder>? Check(CoinbaseOrderRequest request) => CoinbaseOrderChecks.Check(request, CoinbaseOrderChecks.ExchangeFields);

    private static CoinbaseRestResult<CoinbaseOrder>? CheckProduct(string productId) => CoinbaseOrderChecks.CheckProduct(productId);

    private static string OrderBody(CoinbaseOrderRequest request)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", request.Type == OrderType.Market ? "market" : "limit");
            writer.WriteString("side", request.Side == Side.Buy ? "buy" : "sell");
            writer.WriteString("product_id", request.Instrument.Symbol);
            if (request.Type == OrderType.Limit)
            {
                writer.WriteString("price", request.Price.ToString(CultureInfo.InvariantCulture));
            }

            writer.WriteString("size", request.Size.ToString(CultureInfo.InvariantCulture));
            if (request.ClientOid is not null)
            {
                writer.WriteString("client_oid", request.ClientOid);
            }

            if (request.Type == OrderType.Limit)
            {
                writer.WriteString("time_in_force", request.TimeInForce switch
                {
                    TimeInForce.ImmediateOrCancel => "IOC",
                    TimeInForce.FillOrKill => "FOK",
                    _ => "GTC",
                });
                if (request.PostOnly)
                {
                    writer.WriteBoolean("post_only", true);
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static CoinbaseOrder? ToOrder(OrderDto? dto)
    {
        if (dto is null || !Guid.TryParse(dto.Id, out var id) || dto.ProductId is null || dto.Side is not ("buy" or "sell"))
        {
            return null;
        }

        return new CoinbaseOrder(
            id,
            Guid.TryParse(dto.ClientOid, out var oid) ? oid : Guid.Empty,
            dto.ProductId,
            dto.Side == "buy" ? Side.Buy : Side.Sell,
            dto.Price,
            dto.Size,
            dto.FilledSize,
            dto.Status ?? "",
            dto.RejectReason,
            dto.CreatedAt,
            dto.TimeInForce switch { "IOC" => TimeInForce.ImmediateOrCancel, "FOK" => TimeInForce.FillOrKill, _ => TimeInForce.GoodTillCancel },
            dto.PostOnly,
            dto.ExecutedValue,
            dto.FillFees);
    }

    /// <summary>Sends one request through the shared transport, signed afresh with the <c>CB-ACCESS-*</c> headers on every attempt.</summary>
    private Task<CoinbaseHttpResponse> SendAsync(HttpMethod method, string pathAndQuery, string? body, CancellationToken cancellationToken) =>
        _transport.SendAsync(method, pathAndQuery, body, (request, ct) => _signer.SignAsync(request, ct), MapError, cancellationToken);

    private static (RejectReason, string) MapError(int status, string body)
    {
        var message = ErrorMessage(body);
        return (CoinbaseRejectReasons.Map(status, message), message);
    }

    private static string ErrorMessage(string body)
    {
        try
        {
            return JsonSerializer.Deserialize(body, CoinbaseRestJsonContext.Default.ErrorDto)?.Message ?? body;
        }
        catch (JsonException)
        {
            return CoinbaseHttpTransport.Shorten(body);
        }
    }
}
