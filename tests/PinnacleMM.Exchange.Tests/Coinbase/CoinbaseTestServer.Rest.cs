using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The Coinbase Exchange REST API of the test server: POST /orders, DELETE /orders/{id|client:oid}, DELETE /orders,
/// GET /orders (open, paged with CB-AFTER), GET /accounts. Every request's CB-ACCESS-* headers are verified (wrong ones
/// get the documented 401 bodies). Orders match against the true market book (other participants' levels, which
/// shrink as we take them) and rest as ours; <see cref="TradeAgainstAsync"/> sends an outside taker into our resting
/// orders. Order messages go to connections subscribed to the <c>user</c> channel: received, match, open, done.
/// </summary>
internal sealed partial class CoinbaseTestServer
{
    private const decimal TickSize = 0.01m;
    private const decimal MinSize = 0.0001m;

    private readonly SemaphoreSlim _orderGate = new(1, 1);
    private long _orderSequence;
    private long _tradeId;

    /// <summary>Every fill of our orders, oldest first (both APIs list them from here).</summary>
    public List<TestFill> Fills { get; } = [];

    /// <summary>Lose every order message (as while the client is disconnected): fills still happen and are listed by the fill history.</summary>
    public bool UserChannelMuted { get; set; }

    /// <summary>Fills per page of the fill lists at most, whatever the client asks.</summary>
    public int FillsPageSize { get; set; } = 1000;

    /// <summary>One fill of our order; <see cref="Time"/> is what the channel and the fill list both report.</summary>
    public sealed record TestFill(long TradeId, Guid OrderId, string Product, Side Side, decimal Price, decimal Size, decimal Fee, bool Maker, DateTimeOffset Time)
    {
        /// <summary>Advanced Trade's string trade id.</summary>
        public string AdvancedTradeId => $"{TradeId:D6}-at";

        public string Stamp => Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>Every order the REST API accepted, in arrival order.</summary>
    public List<TestOrder> Orders { get; } = [];

    /// <summary>Balances by currency (total; holds come from open orders).</summary>
    public Dictionary<string, decimal> Balances { get; } = new() { ["USD"] = 1_000_000m, ["BTC"] = 100m, ["ETH"] = 1_000m };

    public decimal MakerFeeRate { get; set; } = 0.004m;

    public decimal TakerFeeRate { get; set; } = 0.006m;

    /// <summary>Answer the next this many REST requests with 429.</summary>
    public int RateLimitNext { get; set; }

    /// <summary>The Retry-After of those 429s, in seconds; null sends none.</summary>
    public int? RetryAfterSeconds { get; set; } = 1;

    /// <summary>Orders per page at most, whatever the client asks.</summary>
    public int MaxPageSize { get; set; } = 1000;

    /// <summary>Every REST request: method, raw target, arrival (Stopwatch timestamp), status answered.</summary>
    public List<(string Method, string Target, long Arrived, int Status)> RestRequests { get; } = [];

    public int RestAuthenticationFailures { get; private set; }

    /// <summary>Every order the single-order endpoint (either API) answered, in order.</summary>
    public List<Guid> OrderLookups { get; } = [];

    public sealed class TestOrder
    {
        public required Guid Id { get; init; }

        public required string ClientOid { get; init; }

        public required string Product { get; init; }

        public required Side Side { get; init; }

        public required decimal Price { get; set; }

        public required decimal Size { get; set; }

        public required string TimeInForce { get; init; }

        public required bool PostOnly { get; init; }

        public required DateTimeOffset Created { get; init; }

        public decimal Filled { get; set; }

        /// <summary>Sum of price x size of the fills (Advanced Trade's avg_price is this over <see cref="Filled"/>).</summary>
        public decimal Notional { get; set; }

        /// <summary>Fees charged so far (Advanced Trade's total_fees).</summary>
        public decimal Fees { get; set; }

        /// <summary>Advanced Trade status: PENDING, OPEN, FILLED, CANCELLED.</summary>
        public string Status { get; set; } = "PENDING";

        public bool Open { get; set; } = true;

        public decimal Remaining => Size - Filled;
    }

    /// <summary>An outside taker trades up to <paramref name="size"/> against our resting <paramref name="side"/> orders of <paramref name="product"/> (best price, then oldest).</summary>
    public async Task TradeAgainstAsync(string product, Side side, decimal size)
    {
        await _orderGate.WaitAsync();
        try
        {
            var resting = Orders.Where(o => o.Open && o.Product == product && o.Side == side)
                .OrderBy(o => side == Side.Buy ? -o.Price : o.Price).ThenBy(o => o.Created).ToList();
            foreach (var order in resting)
            {
                if (size <= 0)
                {
                    break;
                }

                var fill = Math.Min(size, order.Remaining);
                size -= fill;
                await FillAsync(order, fill, order.Price, maker: true, Guid.NewGuid());
                if (order.Remaining == 0)
                {
                    order.Open = false;
                    await DoneAsync(order, "filled");
                }
            }
        }
        finally
        {
            _orderGate.Release();
        }
    }

    private void MapRest(WebApplication app)
    {
        app.MapPost("/orders", (RequestDelegate)(context => RestAsync(context, PlaceAsync)));
        app.MapDelete("/orders/{id}", (RequestDelegate)(context => RestAsync(context, CancelAsync)));
        app.MapDelete("/orders", (RequestDelegate)(context => RestAsync(context, CancelAllAsync)));
        app.MapGet("/orders", (RequestDelegate)(context => RestAsync(context, ListAsync)));
        app.MapGet("/orders/{id}", (RequestDelegate)(context => RestAsync(context, GetOrderAsync)));
        app.MapGet("/accounts", (RequestDelegate)(context => RestAsync(context, AccountsAsync)));
        app.MapGet("/fills", (RequestDelegate)(context => RestAsync(context, FillsAsync)));
    }

    /// <summary>Rate limit, authenticate, then run <paramref name="handler"/> under the order lock; records the request.</summary>
    private async Task RestAsync(HttpContext context, Func<HttpContext, string, Task<(int Status, string Body)>> handler)
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

                (status, answer) = (429, """{"message":"Rate limit exceeded"}""");
            }
            else if (AuthenticateRest(context, target, body) is { } error)
            {
                RestAuthenticationFailures++;
                (status, answer) = (401, Message(error));
            }
            else
            {
                (status, answer) = await handler(context, body);
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

    private static string? AuthenticateRest(HttpContext context, string target, string body)
    {
        var headers = context.Request.Headers;
        var key = headers["CB-ACCESS-KEY"].ToString();
        var signature = headers["CB-ACCESS-SIGN"].ToString();
        var timestamp = headers["CB-ACCESS-TIMESTAMP"].ToString();
        var passphrase = headers["CB-ACCESS-PASSPHRASE"].ToString();
        if (key != CoinbaseAuthenticationTests.ApiKey)
        {
            return "Invalid API Key";
        }

        if (passphrase != CoinbaseAuthenticationTests.Passphrase)
        {
            return "Invalid Passphrase";
        }

        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 30)
        {
            return "request timestamp expired";
        }

        using var hmac = new HMACSHA256(CoinbaseAuthenticationTests.SecretKey);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + context.Request.Method + target + body)));
        return signature == expected ? null : "invalid signature";
    }

    private async Task<(int, string)> PlaceAsync(HttpContext context, string body)
    {
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) ? value.GetString() : null;
        var product = Text("product_id") ?? "";
        if (!Truth.ContainsKey(product))
        {
            return (400, Message("Product not found"));
        }

        var side = Text("side") == "buy" ? Side.Buy : Side.Sell;
        var market = Text("type") == "market";
        var price = market ? (side == Side.Buy ? decimal.MaxValue / 2 : 0m) : decimal.Parse(Text("price")!, CultureInfo.InvariantCulture);
        var size = decimal.Parse(Text("size")!, CultureInfo.InvariantCulture);
        var tif = market ? "IOC" : Text("time_in_force") ?? "GTC";
        var postOnly = root.TryGetProperty("post_only", out var po) && po.GetBoolean();
        var clientOid = Text("client_oid") ?? "";
        if (!market && price % TickSize != 0)
        {
            return (400, Message("price is too accurate. Smallest unit is 0.01000000"));
        }

        if (size < MinSize)
        {
            return (400, Message("size is too small. Minimum size is 0.00010000"));
        }

        if (clientOid.Length > 0 && Orders.Any(o => o.ClientOid == clientOid))
        {
            return (400, Message("client_oid already exists"));
        }

        var (baseCurrency, quoteCurrency) = (product.Split('-')[0], product.Split('-')[1]);
        var available = side == Side.Buy ? Available(quoteCurrency) : Available(baseCurrency);
        if ((side == Side.Buy && !market && price * size * (1 + TakerFeeRate) > available) || (side == Side.Sell && size > available))
        {
            return (400, Message("Insufficient funds"));
        }

        var book = Truth[product];
        var opposite = (side == Side.Buy ? book.Asks : book.Bids)
            .Where(l => side == Side.Buy ? l.Key <= price : l.Key >= price)
            .OrderBy(l => side == Side.Buy ? l.Key : -l.Key)
            .ToList();
        var id = Guid.NewGuid();
        if (postOnly && opposite.Count > 0)
        {
            return (200, OrderJson(id, clientOid, product, side, price, size, 0m, tif, postOnly, "rejected", "post only"));
        }

        if (tif == "FOK" && opposite.Sum(l => l.Value) < size)
        {
            return (200, OrderJson(id, clientOid, product, side, price, size, 0m, tif, postOnly, "rejected", "FOK order could not be filled"));
        }

        var order = new TestOrder { Id = id, ClientOid = clientOid, Product = product, Side = side, Price = market ? 0m : price, Size = size, TimeInForce = tif, PostOnly = postOnly, Created = DateTimeOffset.UtcNow };
        await AcceptAsync(order, opposite, market);
        return (200, OrderJson(id, clientOid, product, side, order.Price, size, order.Filled, tif, postOnly, "pending", null));
    }

    /// <summary>Stores a new order, matches it against the true book's <paramref name="opposite"/> levels (as taker), rests a GTC remainder and tells the user channel.</summary>
    private async Task AcceptAsync(TestOrder order, List<KeyValuePair<decimal, decimal>> opposite, bool market)
    {
        Orders.Add(order);
        var (id, product, side, size, tif, clientOid) = (order.Id, order.Product, order.Side, order.Size, order.TimeInForce, order.ClientOid);
        if (!_advanced)
        {
            await UserAsync(product, $$"""{"type":"received","time":"{{Now}}","product_id":"{{product}}","sequence":{{++_orderSequence}},"order_id":"{{id}}","size":"{{D(size)}}","price":"{{D(order.Price)}}","side":"{{SideText(side)}}","order_type":"{{(market ? "market" : "limit")}}","client_oid":"{{clientOid}}"}""");
        }

        var changes = new List<(Side, decimal, decimal)>();
        foreach (var (levelPrice, levelSize) in opposite)
        {
            if (order.Remaining == 0)
            {
                break;
            }

            var fill = Math.Min(order.Remaining, levelSize);
            await FillAsync(order, fill, levelPrice, maker: false, Guid.NewGuid());
            changes.Add((side == Side.Buy ? Side.Sell : Side.Buy, levelPrice, levelSize - fill));
        }

        if (order.Remaining > 0 && tif == "GTC")
        {
            order.Status = "OPEN";
            await (_advanced ? AdvancedUserUpdateAsync(order, "OPEN") : UserAsync(product, $$"""{"type":"open","time":"{{Now}}","product_id":"{{product}}","sequence":{{++_orderSequence}},"order_id":"{{id}}","price":"{{D(order.Price)}}","remaining_size":"{{D(order.Remaining)}}","side":"{{SideText(side)}}"}"""));
        }
        else
        {
            order.Open = false;
            await DoneAsync(order, order.Remaining == 0 ? "filled" : "canceled");
        }

        if (changes.Count > 0)
        {
            // Our taking shrank other participants' levels at once (a next order must not take them again), and the
            // market data shows it.
            await _gate.WaitAsync();
            try
            {
                foreach (var (levelSide, levelPrice, levelSize) in changes)
                {
                    Truth[product].Set(levelSide, levelPrice, levelSize);
                }
            }
            finally
            {
                _gate.Release();
            }

            _ = Task.Run(() => PublishAsync(product, [.. changes]));
        }

    }

    private async Task<(int, string)> CancelAsync(HttpContext context, string body)
    {
        var id = (string)context.GetRouteValue("id")!;
        var product = context.Request.Query["product_id"].ToString();
        var order = id.StartsWith("client:", StringComparison.Ordinal)
            ? Orders.FirstOrDefault(o => o.ClientOid == id["client:".Length..])
            : Orders.FirstOrDefault(o => o.Id.ToString() == id);
        if (order is null || !order.Open || (product.Length > 0 && order.Product != product))
        {
            return (404, Message("order not found"));
        }

        order.Open = false;
        await DoneAsync(order, "canceled");
        return (200, $"\"{order.Id}\"");
    }

    private async Task<(int, string)> CancelAllAsync(HttpContext context, string body)
    {
        var product = context.Request.Query["product_id"].ToString();
        var cancelled = new List<Guid>();
        foreach (var order in Orders.Where(o => o.Open && (product.Length == 0 || o.Product == product)))
        {
            order.Open = false;
            cancelled.Add(order.Id);
            await DoneAsync(order, "canceled");
        }

        return (200, "[" + string.Join(",", cancelled.Select(id => $"\"{id}\"")) + "]");
    }

    private Task<(int, string)> ListAsync(HttpContext context, string body)
    {
        var query = context.Request.Query;
        var product = query["product_id"].ToString();
        var limit = Math.Min(MaxPageSize, int.Parse(query["limit"].ToString() is { Length: > 0 } l ? l : "100", CultureInfo.InvariantCulture));
        var after = query["after"].ToString() is { Length: > 0 } a ? int.Parse(a, CultureInfo.InvariantCulture) : -1;

        // Newest first, as Coinbase lists them; the cursor is the position in Orders.
        var open = Enumerable.Range(0, Orders.Count).Reverse()
            .Where(i => Orders[i].Open && (product.Length == 0 || Orders[i].Product == product) && (after < 0 || i < after))
            .Take(limit)
            .ToList();
        if (open.Count > 0)
        {
            context.Response.Headers["CB-AFTER"] = open[^1].ToString(CultureInfo.InvariantCulture);
        }

        var items = open.Select(i => Orders[i]).Select(o => OrderJson(o.Id, o.ClientOid, o.Product, o.Side, o.Price, o.Size, o.Filled, o.TimeInForce, o.PostOnly, "open", null, o.Notional, o.Fees));
        return Task.FromResult((200, "[" + string.Join(",", items) + "]"));
    }

    /// <summary>GET /orders/{id}: any status (open or done); 404 for an unknown id and, as Coinbase does, for an order cancelled without fills.</summary>
    private Task<(int, string)> GetOrderAsync(HttpContext context, string body)
    {
        var id = (string)context.GetRouteValue("id")!;
        var o = Orders.FirstOrDefault(o => o.Id.ToString() == id);
        if (o is null || (!o.Open && o.Filled == 0))
        {
            return Task.FromResult((404, Message("NotFound")));
        }

        OrderLookups.Add(o.Id);
        return Task.FromResult((200, OrderJson(o.Id, o.ClientOid, o.Product, o.Side, o.Price, o.Size, o.Filled, o.TimeInForce, o.PostOnly, o.Open ? "open" : "done", null, o.Notional, o.Fees)));
    }

    /// <summary>GET /fills: exactly one of product_id and order_id; newest first by trade_id; <c>after</c> lists older trade ids, <c>CB-AFTER</c> is the page's last.</summary>
    private Task<(int, string)> FillsAsync(HttpContext context, string body)
    {
        var query = context.Request.Query;
        var product = query["product_id"].ToString();
        var order = query["order_id"].ToString();
        if ((product.Length == 0) == (order.Length == 0))
        {
            return Task.FromResult((400, Message("product_id or order_id is required")));
        }

        var limit = Math.Min(FillsPageSize, int.Parse(query["limit"].ToString() is { Length: > 0 } l ? l : "100", CultureInfo.InvariantCulture));
        var after = query["after"].ToString() is { Length: > 0 } a ? long.Parse(a, CultureInfo.InvariantCulture) : long.MaxValue;
        var page = Fills.Where(f => (product.Length == 0 || f.Product == product) && (order.Length == 0 || f.OrderId.ToString() == order) && f.TradeId < after)
            .OrderByDescending(f => f.TradeId).Take(limit).ToList();
        if (page.Count > 0)
        {
            context.Response.Headers["CB-AFTER"] = page[^1].TradeId.ToString(CultureInfo.InvariantCulture);
        }

        var items = page.Select(f => $$"""{"trade_id":{{f.TradeId}},"product_id":"{{f.Product}}","order_id":"{{f.OrderId}}","user_id":"u","profile_id":"p","liquidity":"{{(f.Maker ? "M" : "T")}}","price":"{{D(f.Price)}}","size":"{{D(f.Size)}}","fee":"{{D(f.Fee)}}","created_at":"{{f.Stamp}}","side":"{{SideText(f.Side)}}","settled":true,"usd_volume":"{{D(f.Price * f.Size)}}"}""");
        return Task.FromResult((200, "[" + string.Join(",", items) + "]"));
    }

    private Task<(int, string)> AccountsAsync(HttpContext context, string body)
    {
        var items = Balances.Select(b => $$"""{"id":"{{Guid.NewGuid()}}","currency":"{{b.Key}}","balance":"{{D(b.Value)}}","hold":"{{D(b.Value - Available(b.Key))}}","available":"{{D(Available(b.Key))}}","profile_id":"p","trading_enabled":true}""");
        return Task.FromResult((200, "[" + string.Join(",", items) + "]"));
    }

    private decimal Available(string currency)
    {
        var held = Orders.Where(o => o.Open).Sum(o =>
            o.Side == Side.Buy && o.Product.EndsWith("-" + currency, StringComparison.Ordinal) ? o.Price * o.Remaining * (1 + TakerFeeRate)
            : o.Side == Side.Sell && o.Product.StartsWith(currency + "-", StringComparison.Ordinal) ? o.Remaining
            : 0m);
        return Balances.GetValueOrDefault(currency) - held;
    }

    /// <summary>Moves balances for one fill of our order and sends the match.</summary>
    private async Task FillAsync(TestOrder order, decimal size, decimal price, bool maker, Guid other)
    {
        order.Filled += size;
        var rate = maker ? MakerFeeRate : TakerFeeRate;
        order.Notional += price * size;
        order.Fees += price * size * rate;
        var (baseCurrency, quoteCurrency) = (order.Product.Split('-')[0], order.Product.Split('-')[1]);
        var notional = price * size;
        var sign = order.Side == Side.Buy ? 1 : -1;
        Balances[baseCurrency] = Balances.GetValueOrDefault(baseCurrency) + (sign * size);
        Balances[quoteCurrency] = Balances.GetValueOrDefault(quoteCurrency) - (sign * notional) - (notional * rate);
        var makerId = maker ? order.Id : other;
        var takerId = maker ? other : order.Id;
        var makerSide = maker ? order.Side : (order.Side == Side.Buy ? Side.Sell : Side.Buy);
        var time = DateTimeOffset.Parse(Now, CultureInfo.InvariantCulture);
        var recorded = new TestFill(++_tradeId, order.Id, order.Product, order.Side, price, size, price * size * rate, maker, time);
        Fills.Add(recorded);
        if (_advanced)
        {
            await AdvancedUserUpdateAsync(order, order.Remaining == 0 ? "FILLED" : maker ? "OPEN" : "PENDING");
            return;
        }

        var fee = maker ? $"\"maker_fee_rate\":\"{D(rate)}\"" : $"\"taker_fee_rate\":\"{D(rate)}\"";
        await UserAsync(order.Product, $$"""{"type":"match","trade_id":{{recorded.TradeId}},"sequence":{{++_orderSequence}},"maker_order_id":"{{makerId}}","taker_order_id":"{{takerId}}","time":"{{recorded.Stamp}}","product_id":"{{order.Product}}","size":"{{D(size)}}","price":"{{D(price)}}","side":"{{SideText(makerSide)}}","user_id":"u","profile_id":"p",{{fee}}}""");
    }

    /// <summary>Tells the user channel an order is done: Exchange <c>done</c>, or Advanced Trade's update with status FILLED/CANCELLED.</summary>
    private Task DoneAsync(TestOrder order, string reason) =>
        _advanced ? AdvancedUserUpdateAsync(order, reason == "filled" ? "FILLED" : "CANCELLED") : UserAsync(order.Product, Done(order, reason));

    private string Done(TestOrder order, string reason) =>
        $$"""{"type":"done","time":"{{Now}}","product_id":"{{order.Product}}","sequence":{{++_orderSequence}},"price":"{{D(order.Price)}}","order_id":"{{order.Id}}","reason":"{{reason}}","side":"{{SideText(order.Side)}}","remaining_size":"{{D(order.Remaining)}}"}""";

    /// <summary>Sends an order message to every connection subscribed to <paramref name="product"/>'s user channel.</summary>
    private async Task UserAsync(string product, string message)
    {
        if (UserChannelMuted)
        {
            return;
        }

        Connection[] targets;
        lock (_connections)
        {
            targets = [.. _connections.Where(c => c.UserProducts.Contains(product))];
        }

        foreach (var c in targets)
        {
            await c.SendAsync(message);
        }
    }

    private static string OrderJson(Guid id, string clientOid, string product, Side side, decimal price, decimal size, decimal filled, string tif, bool postOnly, string status, string? rejectReason, decimal executedValue = 0m, decimal fillFees = 0m) =>
        $$"""{"id":"{{id}}","client_oid":"{{clientOid}}","price":"{{D(price)}}","size":"{{D(size)}}","product_id":"{{product}}","side":"{{SideText(side)}}","type":"limit","time_in_force":"{{tif}}","post_only":{{(postOnly ? "true" : "false")}},"created_at":"{{Now}}","fill_fees":"{{D(fillFees)}}","filled_size":"{{D(filled)}}","executed_value":"{{D(executedValue)}}","status":"{{status}}","settled":false{{(rejectReason is null ? "" : $",\"reject_reason\":\"{rejectReason}\"")}}}""";

    private static string Message(string text) => JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = text });

    private static string SideText(Side side) => side == Side.Buy ? "buy" : "sell";
}
