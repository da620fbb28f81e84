using System.Diagnostics;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Testing;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>The REST client against the local Kestrel server: orders, cancels, listings, balances, refusals, auth and rate limits.</summary>
[TestClass]
public sealed class CoinbaseRestClientTests
{
    internal static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.00000001m, minQuantity: 0.0001m, maxQuantity: 1000m, maxPrice: 10_000_000m);

    private static readonly CoinbaseClientOids Oids = new(0x504D_4D00_0001);

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly CoinbaseRequestSigner _signer;

        private Fixture(CoinbaseTestServer server, CoinbaseRequestSigner signer, CoinbaseRestClient client)
        {
            Server = server;
            _signer = signer;
            Client = client;
        }

        public CoinbaseTestServer Server { get; }

        public CoinbaseRestClient Client { get; }

        public static async Task<Fixture> StartAsync(Action<CoinbaseRestOptions>? configure = null, ExchangeCredential? credential = null, TimeProvider? time = null, ILogger? logger = null)
        {
            var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
            await server.SetBookAsync("BTC-USD", [(100.00m, 1m), (99.50m, 2m)], [(101.00m, 0.5m), (101.50m, 1m)]);
            using var owned = credential ?? CoinbaseAuthenticationTests.HmacCredential();
            var signer = new CoinbaseRequestSigner(owned);
            var options = new CoinbaseRestOptions { Endpoint = server.RestEndpoint, AllowInsecureLoopback = true, RateLimitBackoff = TimeSpan.FromMilliseconds(20) };
            configure?.Invoke(options);
            return new Fixture(server, signer, new CoinbaseRestClient(options, signer, timeProvider: time, logger: logger));
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            _signer.Dispose();
            await Server.DisposeAsync();
        }
    }

    private static CoinbaseOrderRequest Limit(Side side, decimal price, decimal size, long id, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false) => new()
    {
        Instrument = Btc,
        Side = side,
        Price = price,
        Size = size,
        TimeInForce = tif,
        PostOnly = postOnly,
        ClientOid = Oids.ToGuid(new ClientOrderId(id)).ToString("D"),
    };

    [TestMethod]
    public async Task Resting_order_is_placed_listed_with_its_client_oid_and_cancelled_by_it()
    {
        await using var f = await Fixture.StartAsync();
        var placed = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99.00m, 0.25m, 7, postOnly: true));
        Assert.IsTrue(placed.IsSuccess, placed.ToString());
        Assert.AreEqual("pending", placed.Value!.Status);
        Assert.AreEqual(0.25m, placed.Value.Size);
        Assert.IsTrue(Oids.TryGetClientOrderId(placed.Value.ClientOid, out var id));
        Assert.AreEqual(7, id.Value);

        var open = await f.Client.GetOpenOrdersAsync("BTC-USD");
        Assert.IsTrue(open.IsSuccess, open.ToString());
        Assert.AreEqual(placed.Value.Id, open.Value!.Single().Id);
        Assert.AreEqual(99.00m, open.Value!.Single().Price);

        var cancelled = await f.Client.CancelOrderByClientOidAsync(placed.Value.ClientOid.ToString("D"), "BTC-USD");
        Assert.IsTrue(cancelled.IsSuccess, cancelled.ToString());
        Assert.AreEqual(placed.Value.Id, cancelled.Value);
        Assert.IsEmpty((await f.Client.GetOpenOrdersAsync(null)).Value!);

        var again = await f.Client.CancelOrderAsync(placed.Value.Id, "BTC-USD");
        Assert.AreEqual(RejectReason.UnknownOrder, again.Reason);
        Assert.AreEqual(404, again.StatusCode);
        StringAssert.Contains(again.Message, "order not found");
    }

    [TestMethod]
    public async Task Crossing_order_takes_liquidity_and_balances_move_by_price_size_and_fee()
    {
        await using var f = await Fixture.StartAsync();
        var before = (await f.Client.GetBalancesAsync()).Value!.ToDictionary(b => b.Currency);
        var placed = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 101.00m, 0.75m, 1));
        Assert.IsTrue(placed.IsSuccess, placed.ToString());
        Assert.AreEqual(0.5m, placed.Value!.FilledSize, "only 0.5 was offered at or below 101.00");

        var after = (await f.Client.GetBalancesAsync()).Value!.ToDictionary(b => b.Currency);
        Assert.AreEqual(before["BTC"].Total + 0.5m, after["BTC"].Total);
        Assert.AreEqual(before["USD"].Total - (101.00m * 0.5m * 1.006m), after["USD"].Total);
        Assert.AreEqual(after["USD"].Total - (101.00m * 0.25m * 1.006m), after["USD"].Available, "the resting 0.25 holds its notional plus fee");
        Assert.AreEqual(0.25m, after["USD"].Held / (101.00m * 1.006m));
    }

    [TestMethod]
    public async Task Venue_rejections_map_to_reasons_and_store_nothing()
    {
        await using var f = await Fixture.StartAsync();
        var postOnly = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 101.50m, 0.1m, 1, postOnly: true));
        Assert.IsTrue(postOnly.IsSuccess, "Coinbase answers a post-only order that would take with 200 and status rejected");
        Assert.AreEqual("rejected", postOnly.Value!.Status);
        Assert.AreEqual(RejectReason.PostOnlyWouldCross, CoinbaseRejectReasons.Map(200, postOnly.Value.RejectReason));

        var fok = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 101.00m, 0.6m, 2, TimeInForce.FillOrKill));
        Assert.AreEqual(RejectReason.FillOrKillNotFillable, CoinbaseRejectReasons.Map(200, fok.Value!.RejectReason));

        var broke = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 2_000.00m, 999m, 3));
        Assert.AreEqual(RejectReason.InsufficientBalance, broke.Reason);
        Assert.AreEqual("POST /orders: 400 Insufficient funds", broke.Message);

        // The venue's tick is 0.01; an instrument configured with a finer tick lets the venue refuse the price.
        var fine = new InstrumentSpec("BTC-USD", 0.001m, 0.00000001m);
        var tooAccurate = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99.005m, 0.1m, 4) with { Instrument = fine });
        Assert.AreEqual(RejectReason.InvalidPrice, tooAccurate.Reason);
        Assert.AreEqual(400, tooAccurate.StatusCode);

        var duplicate = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99.00m, 0.1m, 5));
        Assert.IsTrue(duplicate.IsSuccess);
        Assert.AreEqual(RejectReason.DuplicateClientOrderId, (await f.Client.PlaceOrderAsync(Limit(Side.Buy, 98.00m, 0.1m, 5))).Reason);

        Assert.HasCount(1, f.Server.Orders, "only the one good order is stored");
        Assert.AreEqual(99.00m, f.Server.Orders[0].Price);
    }

    [TestMethod]
    public async Task Bad_inputs_are_refused_before_sending_naming_the_field_and_the_rule()
    {
        await using var f = await Fixture.StartAsync();
        async Task Refused(CoinbaseOrderRequest request, RejectReason reason, string message)
        {
            var result = await f.Client.PlaceOrderAsync(request);
            Assert.AreEqual(reason, result.Reason, result.ToString());
            Assert.AreEqual(0, result.StatusCode, "nothing was sent");
            Assert.AreEqual(message, result.Message);
        }

        await Refused(Limit(Side.Buy, 99.005m, 0.1m, 1), RejectReason.InvalidPrice, "price must be a multiple of the tick size 0.01");
        await Refused(Limit(Side.Buy, 0m, 0.1m, 1), RejectReason.InvalidPrice, "price must be positive");
        await Refused(Limit(Side.Buy, 20_000_000m, 0.1m, 1), RejectReason.PriceAboveMaximum, "price must be at most 10000000");
        await Refused(Limit(Side.Buy, 99m, 0.00001m, 1), RejectReason.QuantityBelowMinimum, "size must be at least 0.0001");
        await Refused(Limit(Side.Buy, 99m, 0.100000001m, 1), RejectReason.InvalidQuantity, "size must be a multiple of the lot size 0.00000001");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1, TimeInForce.ImmediateOrCancel, postOnly: true), RejectReason.PostOnlyRequiresGoodTillCancelLimit, "post_only: only a GTC limit order can be post-only (Coinbase refuses post_only with IOC or FOK).");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1) with { ClientOid = "not a uuid" }, RejectReason.InvalidClientOrderId, "client_oid may contain only A-Z, a-z, 0-9 and - _ : .");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1) with { ClientOid = "12345" }, RejectReason.InvalidClientOrderId, "client_oid must be a UUID (8-4-4-4-12 hex digits), as Coinbase requires.");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1) with { Type = OrderType.Market }, RejectReason.MarketOrderCannotRest, "time_in_force: a Coinbase market order is immediate-or-cancel (IOC).");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1) with { Side = (Side)9 }, RejectReason.InvalidEnumValue, "side/type/time_in_force: not a defined value.");
        await Refused(Limit(Side.Buy, 99m, 0.1m, 1) with { Instrument = new InstrumentSpec("btc-usd", 0.01m, 0.01m) }, RejectReason.UnknownInstrument, "product_id may contain only A-Z, 0-9 and the separators - / _");
        Assert.AreEqual(RejectReason.UnknownInstrument, (await f.Client.CancelAllAsync("BTC USD")).Reason);
        Assert.AreEqual(RejectReason.InvalidClientOrderId, (await f.Client.CancelOrderByClientOidAsync("a/b", "BTC-USD")).Reason);

        Assert.IsEmpty(f.Server.RestRequests, "no refused input reached the venue");
        Assert.IsEmpty(f.Server.Orders);
    }

    [TestMethod]
    public void Options_refuse_insecure_or_malformed_endpoints_naming_the_field()
    {
        Assert.AreEqual(
            "Endpoint must use https or wss (rule: scheme) (Parameter 'Endpoint')",
            Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseRestOptions { Endpoint = new Uri("http://api.exchange.coinbase.com") }.Validate()).Message);
        Assert.AreEqual(
            "Endpoint must use https or wss (plain http/ws is allowed only for loopback) (rule: scheme) (Parameter 'Endpoint')",
            Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseRestOptions { Endpoint = new Uri("http://example.com"), AllowInsecureLoopback = true }.Validate()).Message);
        StringAssert.StartsWith(
            Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseRestOptions { Endpoint = new Uri("wss://api.exchange.coinbase.com") }.Validate()).Message,
            "Endpoint 'wss://api.exchange.coinbase.com/' must be an https URL");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseRestOptions { PageSize = 1001 }.Validate());
        new CoinbaseRestOptions().Validate();
    }

    [TestMethod]
    public async Task Wrong_credentials_are_refused_by_the_server_with_the_documented_errors()
    {
        var wrongSecret = ExchangeCredential.FromApiKey(CoinbaseAuthenticationTests.ApiKey, Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[64])), Encoding.UTF8.GetBytes(CoinbaseAuthenticationTests.Passphrase));
        await using (var f = await Fixture.StartAsync(credential: wrongSecret))
        {
            var result = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99m, 0.1m, 1));
            Assert.AreEqual(RejectReason.VenueRejected, result.Reason);
            Assert.AreEqual("POST /orders: 401 invalid signature", result.Message);
            Assert.AreEqual(1, f.Server.RestAuthenticationFailures);
            Assert.IsEmpty(f.Server.Orders);
        }

        var wrongPassphrase = ExchangeCredential.FromApiKey(CoinbaseAuthenticationTests.ApiKey, Encoding.ASCII.GetBytes(Convert.ToBase64String(CoinbaseAuthenticationTests.SecretKey)), "nope"u8);
        await using (var f = await Fixture.StartAsync(credential: wrongPassphrase))
        {
            Assert.AreEqual("GET /accounts: 401 Invalid Passphrase", (await f.Client.GetBalancesAsync()).Message);
        }
    }

    [TestMethod]
    public async Task A_venue_that_does_not_answer_is_not_connected_and_logged_as_a_warning()
    {
        // A port nobody listens on: taken from the system, then released.
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var log = new RecordingLogger();
        using var credential = CoinbaseAuthenticationTests.HmacCredential();
        using var signer = new CoinbaseRequestSigner(credential);
        using var client = new CoinbaseRestClient(new CoinbaseRestOptions { Endpoint = new Uri($"http://127.0.0.1:{port}"), AllowInsecureLoopback = true }, signer, logger: log);
        var result = await client.PlaceOrderAsync(Limit(Side.Buy, 99m, 0.1m, 1));

        Assert.AreEqual(RejectReason.NotConnected, result.Reason);
        var warning = log.Records.Single();
        Assert.AreEqual((LogLevel.Warning, 1101), (warning.Level, warning.EventId.Id));
        StringAssert.StartsWith(warning.Message, "POST /orders: no response from 127.0.0.1: ");
        StringAssert.Contains(result.Message, warning.Message[warning.Message.IndexOf("no response", StringComparison.Ordinal)..]);
    }

    [TestMethod]
    public async Task Http_429_is_retried_after_the_retry_after_the_venue_sent()
    {
        var time = new DelayRecordingTimeProvider();
        await using var f = await Fixture.StartAsync(time: time);
        f.Server.RateLimitNext = 1;
        f.Server.RetryAfterSeconds = 1;
        var placed = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99m, 0.1m, 1));
        Assert.IsTrue(placed.IsSuccess, placed.ToString());
        Assert.AreEqual(1, f.Client.RateLimitedResponses);
        Assert.HasCount(2, f.Server.RestRequests);
        Assert.AreEqual(429, f.Server.RestRequests[0].Status);
        Assert.AreEqual(200, f.Server.RestRequests[1].Status);
        CollectionAssert.AreEqual(new[] { TimeSpan.FromSeconds(1) }, time.Delays, "the client waited exactly the Retry-After the venue sent");
        Assert.HasCount(1, f.Server.Orders, "the order was placed once");
    }

    [TestMethod]
    public async Task Http_429_without_retry_after_backs_off_and_gives_up_as_rate_limited()
    {
        var time = new DelayRecordingTimeProvider();
        var log = new RecordingLogger();
        await using var f = await Fixture.StartAsync(o => o.MaxRateLimitRetries = 2, time: time, logger: log);
        f.Server.RetryAfterSeconds = null;
        f.Server.RateLimitNext = 3;
        var result = await f.Client.PlaceOrderAsync(Limit(Side.Buy, 99m, 0.1m, 1));

        // Each backoff is a warning with its delay, and giving up an error: what an operator's alert would match.
        CollectionAssert.AreEqual(
            new[]
            {
                (LogLevel.Warning, 1102, "POST /orders: rate limited by the venue (HTTP 429, attempt 1); retrying in 00:00:00.0200000"),
                (LogLevel.Warning, 1102, "POST /orders: rate limited by the venue (HTTP 429, attempt 2); retrying in 00:00:00.0400000"),
                (LogLevel.Error, 1103, "POST /orders: still rate limited by the venue after 3 attempts; the request failed"),
            },
            log.Records.Select(r => (r.Level, r.EventId.Id, r.Message)).ToArray());
        Assert.AreEqual(RejectReason.RateLimited, result.Reason);
        Assert.AreEqual(429, result.StatusCode);
        StringAssert.StartsWith(result.Message, "POST /orders: still rate limited (429) after 3 attempts");
        Assert.HasCount(3, f.Server.RestRequests);
        CollectionAssert.AreEqual(new[] { TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(40) }, time.Delays, "first backoff 20 ms, then doubled");
        Assert.IsEmpty(f.Server.Orders);
    }

    [TestMethod]
    public async Task Client_side_token_bucket_keeps_requests_within_the_limit()
    {
        // 3 requests of burst, then one every 1/3 s.
        var policy = new RateLimitPolicy { Limit = 3, Window = TimeSpan.FromSeconds(1), Algorithm = RateLimitAlgorithm.TokenBucket, SegmentsPerWindow = 3 };
        await using var f = await Fixture.StartAsync(o => o.RateLimit = policy);
        for (var i = 0; i < 6; i++)
        {
            Assert.IsTrue((await f.Client.GetBalancesAsync()).IsSuccess);
        }

        Assert.IsGreaterThanOrEqualTo(3, f.Client.ThrottledRequests, "the last three waited for their tokens");
        var span = Stopwatch.GetElapsedTime(f.Server.RestRequests[0].Arrived, f.Server.RestRequests[5].Arrived);
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.95), span, $"6 requests at 3 burst + 3/s took {span}");
        Assert.AreEqual(0, f.Client.RateLimitedResponses, "the venue never had to refuse");
    }

    [TestMethod]
    public async Task Open_orders_are_listed_across_pages_and_cancel_all_returns_every_id()
    {
        await using var f = await Fixture.StartAsync(o => o.PageSize = 2);
        f.Server.MaxPageSize = 2;
        var ids = new List<Guid>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add((await f.Client.PlaceOrderAsync(Limit(Side.Buy, 90m + i, 0.1m, i))).Value!.Id);
        }

        var open = await f.Client.GetOpenOrdersAsync("BTC-USD");
        CollectionAssert.AreEquivalent(ids, open.Value!.Select(o => o.Id).ToList());
        Assert.IsGreaterThanOrEqualTo(3, f.Server.RestRequests.Count(r => r.Target.StartsWith("/orders?status=open", StringComparison.Ordinal)), "5 orders in pages of 2");

        var cancelled = await f.Client.CancelAllAsync("BTC-USD");
        CollectionAssert.AreEquivalent(ids, cancelled.Value!.ToList());
        Assert.IsEmpty((await f.Client.GetOpenOrdersAsync(null)).Value!);
    }

    [TestMethod]

    // Exact, by status (documented codes): the text does not matter.
    [DataRow(429, "anything", RejectReason.RateLimited)]
    [DataRow(429, null, RejectReason.RateLimited)]
    [DataRow(404, "NotFound", RejectReason.UnknownOrder)]
    [DataRow(404, "Insufficient funds", RejectReason.UnknownOrder)]
    [DataRow(401, "invalid signature", RejectReason.VenueRejected)]
    [DataRow(401, "Insufficient funds", RejectReason.VenueRejected)]
    [DataRow(403, "Forbidden", RejectReason.VenueRejected)]
    [DataRow(500, null, RejectReason.VenueRejected)]
    [DataRow(503, "Invalid Price", RejectReason.VenueRejected)]

    // Exact, by whole message (case-insensitive, trimmed).
    [DataRow(400, "Invalid Price", RejectReason.InvalidPrice)]
    [DataRow(400, "invalid price", RejectReason.InvalidPrice)]
    [DataRow(400, "Invalid size", RejectReason.InvalidQuantity)]
    [DataRow(400, "Insufficient funds", RejectReason.InsufficientBalance)]
    [DataRow(400, " Insufficient funds ", RejectReason.InsufficientBalance)]
    [DataRow(400, "Product not found", RejectReason.UnknownInstrument)]
    [DataRow(400, "Invalid product_id", RejectReason.UnknownInstrument)]
    [DataRow(400, "Order already done", RejectReason.UnknownOrder)]
    [DataRow(400, "order not found", RejectReason.UnknownOrder)]
    [DataRow(400, "NotFound", RejectReason.UnknownOrder)]
    [DataRow(200, "post only", RejectReason.PostOnlyWouldCross)]
    [DataRow(400, "Rate limit exceeded", RejectReason.RateLimited)]

    // Best effort, by prefix.
    [DataRow(400, "size is too small. Minimum size is 0.00010000", RejectReason.QuantityBelowMinimum)]
    [DataRow(400, "size is too large. Maximum size is 1000", RejectReason.QuantityAboveMaximum)]
    [DataRow(400, "price is too accurate. Smallest unit is 0.01000000", RejectReason.InvalidPrice)]
    [DataRow(400, "size is too accurate. Smallest unit is 0.00000001", RejectReason.InvalidQuantity)]
    [DataRow(400, "client_oid already exists", RejectReason.DuplicateClientOrderId)]
    [DataRow(200, "FOK order could not be filled", RejectReason.FillOrKillNotFillable)]

    // Words inside other texts no longer decide (the old keyword matching read these wrongly).
    [DataRow(400, "Insufficient funds? no: product is in post only mode", RejectReason.VenueRejected)]
    [DataRow(400, "the price of the product moved", RejectReason.VenueRejected)]
    [DataRow(400, "Invalid Price Invalid size", RejectReason.VenueRejected)]
    [DataRow(400, null, RejectReason.VenueRejected)]
    [DataRow(400, "", RejectReason.VenueRejected)]
    public void Error_texts_map_to_reasons(int status, string? message, RejectReason expected) =>
        Assert.AreEqual(expected, CoinbaseRejectReasons.Map(status, message));

    [TestMethod]
    public void Client_oids_round_trip_and_other_prefixes_are_not_ours()
    {
        Prop.ForAll(
            Arb.From(Gen.Choose(1, int.MaxValue).Select(i => ((long)i << 31) + i)),
            Arb.From(Gen.Choose(0, int.MaxValue).Select(i => (long)i * 131071 % CoinbaseClientOids.MaxPrefix)),
            (id, prefix) =>
            {
                var codec = new CoinbaseClientOids(prefix);
                var oid = codec.ToGuid(new ClientOrderId(id));
                var text = oid.ToString("D");
                return codec.TryGetClientOrderId(oid, out var back) && back.Value == id
                    && text[14] == '8' && text[19] == '8'
                    && !new CoinbaseClientOids((prefix + 1) % CoinbaseClientOids.MaxPrefix).TryGetClientOrderId(oid, out _);
            }).QuickCheckThrowOnFailure();

        var max = new CoinbaseClientOids(CoinbaseClientOids.MaxPrefix);
        Assert.IsTrue(max.TryGetClientOrderId(max.ToGuid(new ClientOrderId(long.MaxValue)), out var top));
        Assert.AreEqual(long.MaxValue, top.Value);
        Assert.IsFalse(max.TryGetClientOrderId(Guid.NewGuid(), out var none));
        Assert.IsTrue(none.IsNone);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => max.ToGuid(ClientOrderId.None));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseClientOids(CoinbaseClientOids.MaxPrefix + 1));
    }
}
