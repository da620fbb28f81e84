using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The Advanced Trade REST API of the test server (<c>/api/v3/brokerage</c>): create order (<c>order_configuration</c>
/// limit_limit_gtc / sor_limit_ioc / limit_limit_fok / market_market_ioc), batch_cancel, edit, list orders (OPEN, paged by
/// cursor), accounts (paged). Every request must carry <c>Authorization: Bearer</c> with a JWT that verifies with the
/// configured key, has iss cdp, sub = kid, is within nbf..exp, and whose <c>uri</c> claim is exactly this request's
/// method, host and path; anything else is answered 401. Refusals use the documented <c>success:false</c> +
/// <c>error_response</c> codes. Order updates go to the Advanced Trade <c>user</c> channel with cumulative state.
/// </summary>
internal sealed partial class CoinbaseTestServer
{
    private const string AdvancedBase = "/api/v3/brokerage";

    /// <summary>Orders per page of the order list at most, whatever the client asks.</summary>
    public int AdvancedMaxPageSize { get; set; } = 1000;

    /// <summary>Accounts per page of the account list.</summary>
    public int AccountsPageSize { get; set; } = 2;

    /// <summary>The uri claims of the JWTs accepted on REST, in order.</summary>
    public List<string> AcceptedRestJwtUris { get; } = [];

    /// <summary>Every order-list page served: the raw query string.</summary>
    public List<string> OrderListQueries { get; } = [];

    private void MapAdvancedRest(WebApplication app)
    {
        app.MapPost(AdvancedBase + "/orders", (RequestDelegate)(context => AdvancedAsync(context, AdvancedPlaceAsync)));
        app.MapPost(AdvancedBase + "/orders/batch_cancel", (RequestDelegate)(context => AdvancedAsync(context, AdvancedCancelAsync)));
        app.MapPost(AdvancedBase + "/orders/edit", (RequestDelegate)(context => AdvancedAsync(context, AdvancedEditAsync)));
        app.MapGet(AdvancedBase + "/orders/historical/batch", (RequestDelegate)(context => AdvancedAsync(context, AdvancedListAsync)));
        app.MapGet(AdvancedBase + "/accounts", (RequestDelegate)(context => AdvancedAsync(context, AdvancedAccountsAsync)));
        app.MapGet(AdvancedBase + "/orders/historical/fills", (RequestDelegate)(context => AdvancedAsync(context, AdvancedFillsAsync)));
        app.MapGet(AdvancedBase + "/orders/historical/{order_id}", (RequestDelegate)(context => AdvancedAsync(context, AdvancedGetOrderAsync)));
    }

    /// <summary>Rate limit, verify the JWT, then run <paramref name="handler"/> under the order lock; records the request.</summary>
    private async Task AdvancedAsync(HttpContext context, Func<HttpContext, JsonElement, Task<(int Status, string Body)>> handler)
    {
        var arrived = Stopwatch.GetTimestamp();
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        var body = await new StreamReader(context.Request.Body, Encoding.UTF8).ReadToEndAsync();
        int status;
        string answer;
        await _orderGate.WaitAsync();
        try
        {
            if (RateLimitNext > 0)
            {
                RateLimitNext--;
                if (RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                }

                (status, answer) = (429, """{"error":"RESOURCE_EXHAUSTED","message":"Too many requests"}""");
            }
            else if (VerifyRestJwt(context) is { } error)
            {
                RestAuthenticationFailures++;
                (status, answer) = (401, $$"""{"error":"UNAUTHENTICATED","message":"{{error}}"}""");
            }
            else
            {
                using var doc = JsonDocument.Parse(body.Length == 0 ? "{}" : body);
                (status, answer) = await handler(context, doc.RootElement);
            }

            lock (RestRequests)
            {
                RestRequests.Add((context.Request.Method, target, arrived, status));
            }
        }
        finally
        {
            _orderGate.Release();
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer);
    }

    /// <summary>Null when the bearer JWT is valid for exactly this request, else why not.</summary>
    private string? VerifyRestJwt(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            return "missing bearer token";
        }

        var token = header["Bearer ".Length..];
        if (VerifyJwt(token) is { } error)
        {
            return error;
        }

        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        var uri = claims.RootElement.TryGetProperty("uri", out var u) ? u.GetString() : null;
        var expected = $"{context.Request.Method} {context.Request.Host.Value}{context.Request.Path.Value}";
        if (uri != expected)
        {
            return $"uri claim '{uri}' is not '{expected}'";
        }

        AcceptedRestJwtUris.Add(uri);
        return null;
    }

    private async Task<(int, string)> AdvancedPlaceAsync(HttpContext context, JsonElement root)
    {
        string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        var product = Text(root, "product_id") ?? "";
        var clientOid = Text(root, "client_order_id") ?? "";
        var sideText = Text(root, "side");
        var configuration = root.GetProperty("order_configuration").EnumerateObject().Single();
        var variant = configuration.Name;
        var c = configuration.Value;
        var market = variant == "market_market_ioc";
        if (!Truth.ContainsKey(product))
        {
            return (200, AdvancedRefusal("INVALID_PRODUCT_ID", "PREVIEW_INVALID_PRODUCT_ID", "product not found"));
        }

        if (sideText is not ("BUY" or "SELL") || variant is not ("limit_limit_gtc" or "sor_limit_ioc" or "limit_limit_fok" or "market_market_ioc"))
        {
            return (200, AdvancedRefusal("UNSUPPORTED_ORDER_CONFIGURATION", "PREVIEW_INVALID_ORDER_CONFIG", "unsupported order configuration"));
        }

        var side = sideText == "BUY" ? Side.Buy : Side.Sell;
        var size = decimal.Parse(Text(c, "base_size")!, CultureInfo.InvariantCulture);
        var price = market ? (side == Side.Buy ? decimal.MaxValue / 2 : 0m) : decimal.Parse(Text(c, "limit_price")!, CultureInfo.InvariantCulture);
        var postOnly = c.TryGetProperty("post_only", out var po) && po.GetBoolean();
        var tif = variant switch { "limit_limit_gtc" => "GTC", "limit_limit_fok" => "FOK", _ => "IOC" };
        if (!market && price % TickSize != 0)
        {
            return (200, AdvancedRefusal("INVALID_PRICE_PRECISION", "PREVIEW_INVALID_PRICE_PRECISION", "price is too accurate"));
        }

        if (size < MinSize)
        {
            return (200, AdvancedRefusal("UNKNOWN_FAILURE_REASON", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL", "base size is too small"));
        }

        var (baseCurrency, quoteCurrency) = (product.Split('-')[0], product.Split('-')[1]);
        var available = side == Side.Buy ? Available(quoteCurrency) : Available(baseCurrency);
        if ((side == Side.Buy && !market && price * size * (1 + TakerFeeRate) > available) || (side == Side.Sell && size > available))
        {
            return (200, AdvancedRefusal("INSUFFICIENT_FUND", "PREVIEW_INSUFFICIENT_FUND", "Insufficient balance in source account"));
        }

        var book = Truth[product];
        var opposite = (side == Side.Buy ? book.Asks : book.Bids)
            .Where(l => side == Side.Buy ? l.Key <= price : l.Key >= price)
            .OrderBy(l => side == Side.Buy ? l.Key : -l.Key)
            .ToList();
        if (postOnly && opposite.Count > 0)
        {
            return (200, AdvancedRefusal("INVALID_LIMIT_PRICE_POST_ONLY", "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY", "post-only order would cross"));
        }

        var id = Guid.NewGuid();
        var order = new TestOrder { Id = id, ClientOid = clientOid, Product = product, Side = side, Price = market ? 0m : price, Size = size, TimeInForce = tif, PostOnly = postOnly, Created = DateTimeOffset.UtcNow };
        if (tif == "FOK" && opposite.Sum(l => l.Value) < size)
        {
            // Advanced Trade accepts the order and the venue cancels it unfilled.
            Orders.Add(order);
            order.Open = false;
            await DoneAsync(order, "canceled");
        }
        else
        {
            await AcceptAsync(order, opposite, market);
        }

        return (200, $$$"""{"success":true,"success_response":{"order_id":"{{{id}}}","product_id":"{{{product}}}","side":"{{{sideText}}}","client_order_id":"{{{clientOid}}}"},"order_configuration":{"{{{variant}}}":{{{c.GetRawText()}}}}}""");
    }

    private async Task<(int, string)> AdvancedCancelAsync(HttpContext context, JsonElement root)
    {
        var results = new List<string>();
        foreach (var idElement in root.GetProperty("order_ids").EnumerateArray())
        {
            var id = idElement.GetString()!;
            var order = Orders.FirstOrDefault(o => o.Id.ToString() == id);
            string? failure = order is null ? "UNKNOWN_CANCEL_ORDER" : order.Open ? null : order.Remaining == 0 ? "ORDER_IS_FULLY_FILLED" : "UNKNOWN_CANCEL_ORDER";
            if (failure is null)
            {
                order!.Open = false;
                await DoneAsync(order, "canceled");
            }

            results.Add($$"""{"success":{{(failure is null ? "true" : "false")}},"failure_reason":"{{failure ?? "UNKNOWN_CANCEL_FAILURE_REASON"}}","order_id":"{{id}}"}""");
        }

        return (200, "{\"results\":[" + string.Join(",", results) + "]}");
    }

    private async Task<(int, string)> AdvancedEditAsync(HttpContext context, JsonElement root)
    {
        var id = root.GetProperty("order_id").GetString();
        var price = decimal.Parse(root.GetProperty("price").GetString()!, CultureInfo.InvariantCulture);
        var size = decimal.Parse(root.GetProperty("size").GetString()!, CultureInfo.InvariantCulture);
        var order = Orders.FirstOrDefault(o => o.Id.ToString() == id);
        string? failure = order is null ? "ORDER_NOT_FOUND"
            : !order.Open ? "ONLY_OPEN_ORDERS_CAN_BE_EDITED"
            : order.TimeInForce != "GTC" ? "ONLY_LIMIT_ORDER_EDITS_SUPPORTED"
            : size <= order.Filled ? "CANNOT_EDIT_TO_BELOW_FILLED_SIZE"
            : null;
        if (failure is not null)
        {
            return (200, $$"""{"success":false,"errors":[{"edit_failure_reason":"{{failure}}","preview_failure_reason":"UNKNOWN_PREVIEW_FAILURE_REASON"}]}""");
        }

        (order!.Price, order.Size) = (price, size);
        await AdvancedUserUpdateAsync(order, "OPEN");
        return (200, """{"success":true,"errors":[]}""");
    }

    private Task<(int, string)> AdvancedListAsync(HttpContext context, JsonElement root)
    {
        var query = context.Request.Query;
        OrderListQueries.Add(context.Request.QueryString.Value ?? "");
        if (query["order_status"].ToString() != "OPEN")
        {
            return Task.FromResult((400, """{"error":"INVALID_ARGUMENT","message":"this test server lists OPEN orders only"}"""));
        }

        var products = query["product_ids"].Select(p => p!).ToHashSet();
        var limit = Math.Min(AdvancedMaxPageSize, int.Parse(query["limit"].ToString() is { Length: > 0 } l ? l : "100", CultureInfo.InvariantCulture));
        var cursor = query["cursor"].ToString() is { Length: > 0 } a ? int.Parse(a, CultureInfo.InvariantCulture) : int.MaxValue;

        // Newest first; the cursor is the position in Orders of the last order sent.
        var matching = Enumerable.Range(0, Orders.Count).Reverse()
            .Where(i => Orders[i].Open && (products.Count == 0 || products.Contains(Orders[i].Product)) && i < cursor)
            .ToList();
        var page = matching.Take(limit).ToList();
        var hasNext = matching.Count > page.Count;
        var items = page.Select(i => AdvancedOrderJson(Orders[i]));
        var next = hasNext ? page[^1].ToString(CultureInfo.InvariantCulture) : "";
        return Task.FromResult((200, $$"""{"orders":[{{string.Join(",", items)}}],"sequence":"0","has_next":{{(hasNext ? "true" : "false")}},"cursor":"{{next}}"}"""));
    }

    /// <summary>Get one order by id, any status: <c>{"order":{...}}</c>; 404 NOT_FOUND for an unknown id.</summary>
    private Task<(int, string)> AdvancedGetOrderAsync(HttpContext context, JsonElement root)
    {
        var id = context.Request.RouteValues["order_id"]?.ToString();
        var o = Orders.FirstOrDefault(o => o.Id.ToString() == id);
        if (o is null)
        {
            return Task.FromResult((404, """{"error":"NOT_FOUND","message":"order not found"}"""));
        }

        OrderLookups.Add(o.Id);
        return Task.FromResult((200, $$"""{"order":{{AdvancedOrderJson(o)}}}"""));
    }

    /// <summary>An order as the list and get endpoints write it (status OPEN while open, else its last one).</summary>
    private static string AdvancedOrderJson(TestOrder o) =>
        $$$"""{"order_id":"{{{o.Id}}}","product_id":"{{{o.Product}}}","user_id":"u","order_configuration":{"{{{Variant(o)}}}":{"base_size":"{{{D(o.Size)}}}","limit_price":"{{{D(o.Price)}}}"{{{(o.TimeInForce == "GTC" ? $",\"post_only\":{(o.PostOnly ? "true" : "false")}" : "")}}}}},"side":"{{{(o.Side == Side.Buy ? "BUY" : "SELL")}}}","client_order_id":"{{{o.ClientOid}}}","status":"{{{(o.Open ? "OPEN" : o.Status)}}}","time_in_force":"GOOD_UNTIL_CANCELLED","created_time":"{{{o.Created.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}}}","completion_percentage":"0","filled_size":"{{{D(o.Filled)}}}","average_filled_price":"{{{D(o.Filled == 0 ? 0 : o.Notional / o.Filled)}}}","fee":"","number_of_fills":"0","filled_value":"{{{D(o.Notional)}}}","pending_cancel":false,"size_in_quote":false,"total_fees":"{{{D(o.Fees)}}}","order_type":"LIMIT","reject_reason":"","settled":false,"product_type":"SPOT"}""";

    /// <summary>List fills: product_ids, order_ids (repeated), start_sequence_timestamp, limit; newest first; the cursor is an offset, empty on the last page.</summary>
    private Task<(int, string)> AdvancedFillsAsync(HttpContext context, JsonElement root)
    {
        var query = context.Request.Query;
        var products = query["product_ids"].Select(p => p!).ToHashSet();
        var orders = query["order_ids"].Select(p => p!).ToHashSet();
        DateTimeOffset? start = query["start_sequence_timestamp"].ToString() is { Length: > 0 } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : null;
        var limit = Math.Min(FillsPageSize, int.Parse(query["limit"].ToString() is { Length: > 0 } l ? l : "100", CultureInfo.InvariantCulture));
        var offset = query["cursor"].ToString() is { Length: > 0 } c ? int.Parse(c, CultureInfo.InvariantCulture) : 0;
        var matching = Fills.Where(f => (products.Count == 0 || products.Contains(f.Product)) && (orders.Count == 0 || orders.Contains(f.OrderId.ToString())) && (start is null || f.Time >= start))
            .OrderByDescending(f => f.TradeId).ToList();
        var page = matching.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : "";
        var items = page.Select(f => $$"""{"entry_id":"e{{f.TradeId}}","trade_id":"{{f.AdvancedTradeId}}","order_id":"{{f.OrderId}}","trade_time":"{{f.Stamp}}","trade_type":"FILL","price":"{{D(f.Price)}}","size":"{{D(f.Size)}}","commission":"{{D(f.Fee)}}","product_id":"{{f.Product}}","sequence_timestamp":"{{f.Stamp}}","liquidity_indicator":"{{(f.Maker ? "MAKER" : "TAKER")}}","size_in_quote":false,"user_id":"u","side":"{{(f.Side == Side.Buy ? "BUY" : "SELL")}}","retail_portfolio_id":""}""");
        return Task.FromResult((200, $$"""{"fills":[{{string.Join(",", items)}}],"cursor":"{{next}}"}"""));
    }

    private Task<(int, string)> AdvancedAccountsAsync(HttpContext context, JsonElement root)
    {
        var start = context.Request.Query["cursor"].ToString() is { Length: > 0 } a ? int.Parse(a, CultureInfo.InvariantCulture) : 0;
        var all = Balances.Keys.Order(StringComparer.Ordinal).ToList();
        var page = all.Skip(start).Take(AccountsPageSize).ToList();
        var hasNext = start + page.Count < all.Count;
        var items = page.Select(currency => $$$"""{"uuid":"{{{Guid.NewGuid()}}}","name":"{{{currency}}} Wallet","currency":"{{{currency}}}","available_balance":{"value":"{{{D(Available(currency))}}}","currency":"{{{currency}}}"},"default":true,"active":true,"type":"ACCOUNT_TYPE_CRYPTO","ready":true,"hold":{"value":"{{{D(Balances[currency] - Available(currency))}}}","currency":"{{{currency}}}"}}""");
        return Task.FromResult((200, $$"""{"accounts":[{{string.Join(",", items)}}],"has_next":{{(hasNext ? "true" : "false")}},"cursor":"{{(hasNext ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : "")}}","size":{{page.Count}}}"""));
    }

    /// <summary>Sends the Advanced Trade user channel's update of <paramref name="order"/> with its cumulative state and <paramref name="status"/>.</summary>
    private async Task AdvancedUserUpdateAsync(TestOrder order, string status)
    {
        order.Status = status;
        if (UserChannelMuted)
        {
            return;
        }

        Connection[] targets;
        lock (_connections)
        {
            targets = [.. _connections.Where(c => c.UserProducts.Contains(order.Product))];
        }

        foreach (var c in targets)
        {
            await c.SendAsync(UserMessage("update", [order]));
        }
    }

    /// <summary>The user channel's first message on a subscribe: a snapshot of the open orders of <paramref name="products"/>.</summary>
    private async Task SendUserSnapshotAsync(Connection c, string[] products)
    {
        await _orderGate.WaitAsync();
        try
        {
            await c.SendAsync(UserMessage("snapshot", [.. Orders.Where(o => o.Open && products.Contains(o.Product))]));
        }
        finally
        {
            _orderGate.Release();
        }
    }

    /// <summary>Tells the user channel on the next snapshot (as a reconnect does) the same state again; used to prove nothing is counted twice.</summary>
    public async Task ResendUserSnapshotAsync()
    {
        Connection[] targets;
        lock (_connections)
        {
            targets = [.. _connections.Where(c => c.UserProducts.Count > 0)];
        }

        foreach (var c in targets)
        {
            await SendUserSnapshotAsync(c, [.. c.UserProducts]);
        }
    }

    private static string UserMessage(string type, IEnumerable<TestOrder> orders)
    {
        var items = orders.Select(o =>
            $$"""{"order_id":"{{o.Id}}","client_order_id":"{{o.ClientOid}}","cumulative_quantity":"{{D(o.Filled)}}","leaves_quantity":"{{D(o.Open ? o.Remaining : 0m)}}","avg_price":"{{D(o.Filled == 0 ? 0m : o.Notional / o.Filled)}}","total_fees":"{{D(o.Fees)}}","status":"{{o.Status}}","product_id":"{{o.Product}}","creation_time":"{{o.Created.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)}}","order_side":"{{(o.Side == Side.Buy ? "BUY" : "SELL")}}","order_type":"Limit","cancel_reason":"","reject_Reason":"","number_of_fills":"0","limit_price":"{{D(o.Price)}}","time_in_force":"{{o.TimeInForce}}","post_only":{{(o.PostOnly ? "true" : "false")}}}""");
        return $$"""{"channel":"user","client_id":"","timestamp":"{{Now}}","sequence_num":{SEQ},"events":[{"type":"{{type}}","orders":[{{string.Join(",", items)}}]}]}""";
    }

    private static string AdvancedRefusal(string error, string preview, string message) =>
        $$$"""{"success":false,"failure_reason":"UNKNOWN_FAILURE_REASON","order_id":"","error_response":{"error":"{{{error}}}","message":"{{{message}}}","error_details":"{{{message}}}","preview_failure_reason":"{{{preview}}}","new_order_failure_reason":"{{{error}}}"}}""";

    private static string Variant(TestOrder o) => o.TimeInForce switch { "GTC" => "limit_limit_gtc", "FOK" => "limit_limit_fok", _ => "sor_limit_ioc" };
}
