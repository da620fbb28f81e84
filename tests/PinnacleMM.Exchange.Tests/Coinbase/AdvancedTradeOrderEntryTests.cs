using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Rest;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// Advanced Trade order entry against the local Kestrel server: REST with a fresh ES256 JWT per request (verified by the
/// server, wrong ones refused with 401), acks and fills from the <c>user</c> channel's cumulative state, rejects mapped by
/// the documented codes, cancels by id / client id / all, open orders across cursor pages, 429 back-off.
/// </summary>
[TestClass]
public sealed class AdvancedTradeOrderEntryTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    private static readonly CoinbaseClientOids Oids = new(0x504D4D);

    private static Quantity Q(decimal size) => Btc.GetQuantity(size);

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly TempVault _vault;
        private readonly ECDsa _key;

        private Fixture(CoinbaseTestServer server, TempVault vault, ECDsa key, CoinbaseOrderEntryConnector connector, InstrumentId btc)
        {
            Server = server;
            _vault = vault;
            _key = key;
            Connector = connector;
            Instrument = btc;
        }

        public CoinbaseTestServer Server { get; }

        public CoinbaseOrderEntryConnector Connector { get; }

        public InstrumentId Instrument { get; }

        public ExecutionSink Sink { get; } = new();

        public static async Task<Fixture> StartAsync()
        {
            var server = await CoinbaseTestServer.StartAsync(true, "BTC-USD");
            await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 0.5m), (101.50m, 1m)]);
            var (credential, key) = CoinbaseAuthenticationTests.EcCredential();
            server.JwtPublicKey = key;
            server.RequireAuthentication = true;
            var vault = new TempVault(("advanced", credential));
            var registry = new InstrumentRegistry();
            var btc = registry.Register(Btc);
            var options = OrderEntryOptions(server, "advanced");
            options.Api = CoinbaseApi.AdvancedTrade;
            var connector = new CoinbaseOrderEntryConnector(options, registry, vault.Vault);
            var fixture = new Fixture(server, vault, key, connector, btc);
            await connector.ConnectAsync(fixture.Sink);
            return fixture;
        }

        public OrderCommand Limit(long id, Side side, decimal price, decimal size, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false) =>
            OrderCommand.Place(Instrument, new ClientOrderId(id), side, Btc.GetPrice(price), Btc.GetQuantity(size), tif, postOnly);

        public async ValueTask DisposeAsync()
        {
            await Connector.DisposeAsync();
            await Server.DisposeAsync();
            _vault.Dispose();
            _key.Dispose();
        }
    }

    /// <summary>A REST client alone, with its own ES256 key the server trusts.</summary>
    private sealed class ClientFixture : IAsyncDisposable
    {
        private readonly ECDsa _key;
        private readonly IJwtSigner _signer;

        private ClientFixture(CoinbaseTestServer server, ECDsa key, IJwtSigner signer, AdvancedTradeRestClient client)
        {
            Server = server;
            _key = key;
            _signer = signer;
            Client = client;
        }

        public CoinbaseTestServer Server { get; }

        public AdvancedTradeRestClient Client { get; }

        public static async Task<ClientFixture> StartAsync(Action<CoinbaseRestOptions>? configure = null, TimeProvider? jwtTime = null)
        {
            var server = await CoinbaseTestServer.StartAsync(true, "BTC-USD");
            await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 0.5m), (101.50m, 1m)]);
            var (credential, key) = CoinbaseAuthenticationTests.EcCredential();
            server.JwtPublicKey = key;
            using (credential)
            {
                var signer = CoinbaseJwtSigners.FromCredential(credential);
                var options = new CoinbaseRestOptions { Endpoint = server.RestEndpoint, AllowInsecureLoopback = true, RateLimitBackoff = TimeSpan.FromMilliseconds(20) };
                configure?.Invoke(options);
                return new ClientFixture(server, key, signer, new AdvancedTradeRestClient(options, new CoinbaseJwtBuilder(credential.ApiKey, signer, jwtTime)));
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            _signer.Dispose();
            _key.Dispose();
            await Server.DisposeAsync();
        }
    }

    private static CoinbaseOrderRequest Request(Side side, decimal price, decimal size, long id, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false, InstrumentSpec? instrument = null) => new()
    {
        Instrument = instrument ?? Btc,
        Side = side,
        Price = price,
        Size = size,
        TimeInForce = tif,
        PostOnly = postOnly,
        ClientOid = Oids.ToGuid(new ClientOrderId(id)).ToString("D"),
    };

    [TestMethod]
    public async Task Post_only_order_is_acked_then_partial_and_full_fills_carry_quantities_and_fees_and_a_resent_snapshot_adds_nothing()
    {
        await using var f = await Fixture.StartAsync();
        Assert.AreEqual(ConnectionState.Synced, f.Connector.State);
        Assert.AreEqual(CoinbaseApi.AdvancedTrade, f.Connector.Api);
        Assert.IsNull(f.Connector.Rest);

        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 99.00m, 0.3m, postOnly: true));
        await EventuallyAsync("accepted", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
        await EventuallyAsync("partial fill", () => f.Sink.Of(1).Any(e => e.IsFill));

        // The venue sends its snapshot again (as after a re-subscribe): cumulative 0.1 was already reported.
        await f.Server.ResendUserSnapshotAsync();
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.5m);
        await EventuallyAsync("filled", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Filled));

        var events = f.Sink.Of(1);
        Assert.HasCount(3, events, string.Join("\n", events));
        var (ack, partial, fill) = (events[0], events[1], events[2]);
        Assert.AreEqual(ExecutionEventKind.Accepted, ack.Kind);
        Assert.AreEqual(f.Server.Orders.Single().Id, ack.VenueOrderId.Value);
        Assert.AreEqual(Oids.ToGuid(new ClientOrderId(1)).ToString("D"), f.Server.Orders.Single().ClientOid, "client_order_id carries our id");

        Assert.AreEqual(ExecutionEventKind.PartiallyFilled, partial.Kind);
        Assert.AreEqual(Liquidity.Maker, partial.Liquidity);
        Assert.AreEqual(Btc.GetPrice(99.00m), partial.Price);
        Assert.AreEqual(Q(0.1m), partial.Quantity);
        Assert.AreEqual(Q(0.2m), partial.LeavesQuantity);
        Assert.AreEqual(99.00m * 0.1m * 0.004m, partial.Fee, "the increase of total_fees");

        Assert.AreEqual(ExecutionEventKind.Filled, fill.Kind);
        Assert.AreEqual(Q(0.2m), fill.Quantity, "only what was left fills");
        Assert.AreEqual(Btc.GetPrice(99.00m), fill.Price);
        Assert.AreEqual(Quantity.Zero, fill.LeavesQuantity);
        Assert.AreEqual(Q(0.3m), fill.FilledQuantity);
        Assert.AreEqual(99.00m * 0.2m * 0.004m, fill.Fee);

        Assert.IsTrue(f.Server.AcceptedRestJwtUris.Contains($"POST 127.0.0.1:{f.Server.RestEndpoint.Port}/api/v3/brokerage/orders"), string.Join("\n", f.Server.AcceptedRestJwtUris));
        Assert.AreEqual(0, f.Server.RestAuthenticationFailures);
        Assert.IsEmpty(await f.Connector.GetOpenOrdersAsync(InstrumentId.None));
    }

    [TestMethod]
    public async Task Taker_fill_ioc_and_fok_remainders_and_cancel_by_client_id_and_all_are_reported_from_the_channel()
    {
        await using var f = await Fixture.StartAsync();
        await f.Connector.SendAsync(f.Limit(3, Side.Buy, 101.00m, 0.75m));
        await EventuallyAsync("taker fill", () => f.Sink.Of(3).Any(e => e.IsFill));
        var taker = f.Sink.Of(3).Single(e => e.IsFill);
        Assert.AreEqual(Liquidity.Taker, taker.Liquidity);
        Assert.AreEqual(Q(0.5m), taker.Quantity);
        Assert.AreEqual(Q(0.25m), taker.LeavesQuantity);
        Assert.AreEqual(101.00m * 0.5m * 0.006m, taker.Fee);

        await f.Connector.SendAsync(f.Limit(4, Side.Buy, 98.00m, 0.2m));
        await EventuallyAsync("second order accepted", () => f.Sink.Of(4).Any(e => e.Kind == ExecutionEventKind.Accepted));
        var open = await f.Connector.GetOpenOrdersAsync(f.Instrument);
        CollectionAssert.AreEquivalent(new long[] { 3, 4 }, open.Select(o => o.ClientOrderId.Value).ToArray(), "client ids come back from client_order_id");
        Assert.AreEqual(Q(0.5m), open.Single(o => o.ClientOrderId.Value == 3).FilledQuantity);

        await f.Connector.SendAsync(OrderCommand.Cancel(f.Instrument, new ClientOrderId(4)));
        await EventuallyAsync("cancelled", () => f.Sink.Of(4).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        var cancelled = f.Sink.Of(4).Single(e => e.Kind == ExecutionEventKind.Cancelled);
        Assert.AreEqual(CancelReason.Requested, cancelled.CancelReason);
        Assert.AreEqual(Q(0.2m), cancelled.Quantity);
        Assert.IsTrue(f.Server.RestRequests.Any(r => r.Target == "/api/v3/brokerage/orders/batch_cancel"));

        await f.Connector.SendAsync(OrderCommand.Cancel(f.Instrument, new ClientOrderId(4)));
        Assert.AreEqual((ExecutionEventKind.CancelRejected, RejectReason.UnknownOrder), (f.Sink.Of(4).Last().Kind, f.Sink.Of(4).Last().RejectReason));

        await f.Connector.SendAsync(OrderCommand.CancelAll(f.Instrument));
        await EventuallyAsync("rest of order 3 cancelled", () => f.Sink.Of(3).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        Assert.AreEqual(Q(0.25m), f.Sink.Of(3).Single(e => e.Kind == ExecutionEventKind.Cancelled).Quantity);
        Assert.IsEmpty(await f.Connector.GetOpenOrdersAsync(InstrumentId.None));

        await f.Connector.SendAsync(f.Limit(5, Side.Buy, 101.50m, 2m, TimeInForce.ImmediateOrCancel));
        await EventuallyAsync("IOC remainder cancelled", () => f.Sink.Of(5).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        var ioc = f.Sink.Of(5);
        Assert.AreEqual(Q(1m), ioc.Single(e => e.IsFill).Quantity);
        Assert.AreEqual(Btc.GetPrice(101.50m), ioc.Single(e => e.IsFill).Price);
        Assert.AreEqual((CancelReason.ImmediateOrCancel, Q(1m)), (ioc.Single(e => e.Kind == ExecutionEventKind.Cancelled).CancelReason, ioc.Single(e => e.Kind == ExecutionEventKind.Cancelled).Quantity));

        await f.Connector.SendAsync(f.Limit(6, Side.Buy, 101.50m, 5m, TimeInForce.FillOrKill));
        await EventuallyAsync("FOK cancelled unfilled", () => f.Sink.Of(6).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        Assert.IsFalse(f.Sink.Of(6).Any(e => e.IsFill));
        Assert.AreEqual(Q(5m), f.Sink.Of(6).Single(e => e.Kind == ExecutionEventKind.Cancelled).Quantity);

        var bodies = f.Server.Orders.Select(o => o.TimeInForce).ToArray();
        CollectionAssert.AreEqual(new[] { "GTC", "GTC", "IOC", "FOK" }, bodies, "limit_limit_gtc, sor_limit_ioc and limit_limit_fok reached the venue");
    }

    [TestMethod]
    public async Task Amend_edits_the_resting_order_price_and_total_size_and_bad_amends_change_nothing()
    {
        await using var f = await Fixture.StartAsync();
        Assert.IsTrue(f.Connector.SupportsAmend);
        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 99.00m, 0.5m, postOnly: true));
        await EventuallyAsync("accepted", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
        await EventuallyAsync("partial fill", () => f.Sink.Of(1).Any(e => e.IsFill));
        var venue = f.Server.Orders.Single();

        // Refused before sending, and nothing changes: off-grid price, zero size, unknown order, an IOC (Coinbase edits GTC limits only).
        var posts = f.Server.RestRequests.Count(r => r.Method == "POST");
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(1), new Price(9_850), Quantity.Zero));
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(99), Btc.GetPrice(98.50m), Q(0.2m)));
        await f.Connector.SendAsync(f.Limit(2, Side.Buy, 90.00m, 0.1m, TimeInForce.ImmediateOrCancel));
        await EventuallyAsync("IOC done", () => f.Sink.Of(2).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(2), Btc.GetPrice(98.50m), Q(0.2m)));
        var refused = f.Sink.Events.Where(e => e.Kind == ExecutionEventKind.AmendRejected).Select(e => (e.ClientOrderId.Value, e.RejectReason)).ToArray();
        CollectionAssert.AreEqual(new[] { (1L, RejectReason.InvalidQuantity), (99L, RejectReason.UnknownOrder), (2L, RejectReason.UnknownOrder) }, refused);
        Assert.AreEqual(posts + 1, f.Server.RestRequests.Count(r => r.Method == "POST"), "only the IOC order was sent");
        Assert.AreEqual((99.00m, 0.5m), (venue.Price, venue.Size));

        // New price 98.50 and open size 0.2: the venue's total becomes 0.1 filled + 0.2.
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(1), Btc.GetPrice(98.50m), Q(0.2m)));
        var amended = f.Sink.Of(1).Single(e => e.Kind == ExecutionEventKind.Amended);
        Assert.AreEqual((Btc.GetPrice(98.50m), Q(0.2m), Q(0.2m), Q(0.1m)), (amended.Price, amended.Quantity, amended.LeavesQuantity, amended.FilledQuantity));
        Assert.AreEqual((98.50m, 0.3m), (venue.Price, venue.Size));
        Assert.IsTrue(f.Server.RestRequests.Any(r => r.Target.EndsWith("/orders/edit", StringComparison.Ordinal) && r.Status == 200));

        // Fills count against the new size: 0.3 offered, 0.2 taken, the order is filled.
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.3m);
        await EventuallyAsync("filled", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Filled));
        var last = f.Sink.Of(1).Last(e => e.IsFill);
        Assert.AreEqual((Q(0.2m), Q(0.3m), Quantity.Zero, Btc.GetPrice(98.50m)), (last.Quantity, last.FilledQuantity, last.LeavesQuantity, last.Price));

        // The order is finished: an amend is refused without asking the venue.
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(1), Btc.GetPrice(98.00m), Q(0.1m)));
        Assert.AreEqual((ExecutionEventKind.AmendRejected, RejectReason.UnknownOrder), (f.Sink.Of(1).Last().Kind, f.Sink.Of(1).Last().RejectReason));
        Assert.AreEqual(1, f.Server.RestRequests.Count(r => r.Target.EndsWith("/orders/edit", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task Venue_refusals_map_by_code_and_bad_commands_are_refused_before_sending()
    {
        await using var f = await Fixture.StartAsync();
        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 101.50m, 0.1m, postOnly: true));
        await f.Connector.SendAsync(f.Limit(2, Side.Buy, 2_000.00m, 999m));
        await f.Connector.SendAsync(f.Limit(5, Side.Buy, 99.00m, 0.1m, TimeInForce.FillOrKill, postOnly: true));
        await f.Connector.SendAsync(OrderCommand.Place(f.Instrument, new ClientOrderId(6), Side.Buy, Btc.GetPrice(99.00m), new Quantity(1_000)));
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(1), Btc.GetPrice(98m), Q(0.1m)));

        var expected = new (long Id, ExecutionEventKind Kind, RejectReason Reason)[]
        {
            (1, ExecutionEventKind.Rejected, RejectReason.PostOnlyWouldCross),
            (2, ExecutionEventKind.Rejected, RejectReason.InsufficientBalance),
            (5, ExecutionEventKind.Rejected, RejectReason.PostOnlyRequiresGoodTillCancelLimit),
            (6, ExecutionEventKind.Rejected, RejectReason.QuantityBelowMinimum),
            (1, ExecutionEventKind.AmendRejected, RejectReason.UnknownOrder),
        };
        var rejections = f.Sink.Events.Where(e => e.IsRejection).Select(e => (e.ClientOrderId.Value, e.Kind, e.RejectReason)).ToArray();
        CollectionAssert.AreEqual(expected, rejections, string.Join("\n", rejections));
        Assert.IsEmpty(f.Server.Orders, "no order was stored at the venue");
        Assert.HasCount(2, f.Server.RestRequests.Where(r => r.Method == "POST").ToArray(), "only the orders the venue had to judge were sent");
        Assert.AreEqual(1_000_000m, (await f.Connector.GetBalancesAsync()).Single(b => b.Currency == "USD").Total);
    }

    [TestMethod]
    public async Task Rest_client_refuses_bad_input_naming_the_advanced_trade_field_and_sends_nothing()
    {
        await using var f = await ClientFixture.StartAsync();
        async Task Refused(CoinbaseOrderRequest request, RejectReason reason, string message)
        {
            var result = await f.Client.PlaceOrderAsync(request);
            Assert.AreEqual((reason, 0), (result.Reason, result.StatusCode), result.ToString());
            StringAssert.StartsWith(result.Message, message);
        }

        await Refused(Request(Side.Buy, 99.005m, 0.1m, 1), RejectReason.InvalidPrice, "limit_price");
        await Refused(Request(Side.Buy, 99m, 0.123456789m, 1), RejectReason.InvalidQuantity, "base_size");
        await Refused(Request(Side.Buy, 99m, 0.1m, 1) with { ClientOid = null }, RejectReason.InvalidClientOrderId, "client_order_id is required by Coinbase Advanced Trade.");
        await Refused(Request(Side.Buy, 99m, 0.1m, 1, TimeInForce.ImmediateOrCancel, postOnly: true), RejectReason.PostOnlyRequiresGoodTillCancelLimit, "post_only: only a GTC limit order can be post-only");
        await Refused(Request(Side.Buy, 99m, 0.1m, 1) with { Type = OrderType.Market, TimeInForce = TimeInForce.FillOrKill }, RejectReason.MarketOrderCannotRest, "order_configuration: a Coinbase Advanced Trade market order is immediate-or-cancel");
        Assert.IsEmpty(f.Server.RestRequests);
        Assert.IsEmpty(f.Server.Orders);
    }

    [TestMethod]
    public async Task Venue_preview_code_for_a_size_below_the_venue_minimum_maps_to_quantity_below_minimum()
    {
        await using var f = await ClientFixture.StartAsync();
        var looser = new InstrumentSpec("BTC-USD", 0.01m, 0.00000001m, minQuantity: 0.00001m, maxQuantity: 1000m, maxPrice: 10_000_000m);
        var result = await f.Client.PlaceOrderAsync(Request(Side.Buy, 99m, 0.00005m, 1, instrument: looser));
        Assert.AreEqual((RejectReason.QuantityBelowMinimum, 200), (result.Reason, result.StatusCode), result.ToString());
        StringAssert.Contains(result.Message, "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL");
        Assert.IsEmpty(f.Server.Orders);
    }

    [TestMethod]
    public async Task Open_orders_come_across_cursor_pages_and_cancels_answer_per_order()
    {
        await using var f = await ClientFixture.StartAsync(o => o.PageSize = 2);
        var placed = new List<CoinbaseOrder>();
        for (var i = 1; i <= 5; i++)
        {
            var result = await f.Client.PlaceOrderAsync(Request(Side.Buy, 90m + i, 0.1m, i));
            Assert.IsTrue(result.IsSuccess, result.ToString());
            placed.Add(result.Value!);
        }

        var open = await f.Client.GetOpenOrdersAsync("BTC-USD");
        Assert.IsTrue(open.IsSuccess, open.ToString());
        CollectionAssert.AreEquivalent(placed.Select(o => o.Id).ToArray(), open.Value!.Select(o => o.Id).ToArray());
        Assert.HasCount(3, f.Server.OrderListQueries, "pages of 2, 2 and 1");
        Assert.AreEqual(92m, open.Value!.Single(o => o.Id == placed[1].Id).Price);
        Assert.AreEqual(0.1m, open.Value!.Single(o => o.Id == placed[1].Id).Size);

        var unknown = Guid.NewGuid();
        var cancelled = await f.Client.CancelOrdersAsync([placed[0].Id, unknown]);
        Assert.IsTrue(cancelled.IsSuccess, cancelled.ToString());
        Assert.AreEqual(new AdvancedTradeCancelResult(placed[0].Id, true, null, RejectReason.None), cancelled.Value![0]);
        Assert.AreEqual(new AdvancedTradeCancelResult(unknown, false, "UNKNOWN_CANCEL_ORDER", RejectReason.UnknownOrder), cancelled.Value![1]);

        var byClient = await f.Client.CancelOrderByClientOrderIdAsync(Oids.ToGuid(new ClientOrderId(2)).ToString("D"), "BTC-USD");
        Assert.IsTrue(byClient.IsSuccess, byClient.ToString());
        Assert.AreEqual(placed[1].Id, byClient.Value!.OrderId);
        var again = await f.Client.CancelOrderByClientOrderIdAsync(Oids.ToGuid(new ClientOrderId(2)).ToString("D"), "BTC-USD");
        Assert.AreEqual(RejectReason.UnknownOrder, again.Reason, again.ToString());

        var edited = await f.Client.EditOrderAsync(placed[2].Id, Btc, 92.50m, 0.2m);
        Assert.IsTrue(edited.IsSuccess, edited.ToString());
        Assert.AreEqual((92.50m, 0.2m), (f.Server.Orders[2].Price, f.Server.Orders[2].Size));
        var editGone = await f.Client.EditOrderAsync(placed[0].Id, Btc, 92.50m, 0.2m);
        Assert.AreEqual(RejectReason.UnknownOrder, editGone.Reason, editGone.ToString());
        StringAssert.Contains(editGone.Message, "ONLY_OPEN_ORDERS_CAN_BE_EDITED");

        var all = await f.Client.CancelAllAsync("BTC-USD");
        Assert.IsTrue(all.IsSuccess, all.ToString());
        CollectionAssert.AreEquivalent(new[] { placed[2].Id, placed[3].Id, placed[4].Id }, all.Value!.Select(r => r.OrderId).ToArray());
        Assert.IsTrue(all.Value!.All(r => r.Success));
        Assert.IsEmpty((await f.Client.GetOpenOrdersAsync(null)).Value!);

        var balances = await f.Client.GetBalancesAsync();
        Assert.IsTrue(balances.IsSuccess, balances.ToString());
        CollectionAssert.AreEquivalent(new[] { "BTC", "ETH", "USD" }, balances.Value!.Select(b => b.Currency).ToArray(), "two account pages");
        Assert.AreEqual(1_000_000m, balances.Value!.Single(b => b.Currency == "USD").Total);
    }

    [TestMethod]
    public async Task Server_refuses_jwts_with_a_wrong_key_uri_or_expiry_with_401_and_nothing_changes()
    {
        await using var f = await ClientFixture.StartAsync();

        // Expired: signed at a time more than two minutes ago.
        var (credential, key) = CoinbaseAuthenticationTests.EcCredential();
        using (credential)
        using (key)
        using (var signer = CoinbaseJwtSigners.FromCredential(credential))
        {
            f.Server.JwtPublicKey!.ImportParameters(key.ExportParameters(false));
            var old = new FixedTimeProvider(DateTimeOffset.UtcNow.AddMinutes(-10));
            var options = new CoinbaseRestOptions { Endpoint = f.Server.RestEndpoint, AllowInsecureLoopback = true };
            using (var expired = new AdvancedTradeRestClient(options, new CoinbaseJwtBuilder(credential.ApiKey, signer, old)))
            {
                var result = await expired.PlaceOrderAsync(Request(Side.Buy, 99m, 0.1m, 1));
                Assert.AreEqual((RejectReason.VenueRejected, 401), (result.Reason, result.StatusCode), result.ToString());
                StringAssert.Contains(result.Message, "UNAUTHENTICATED");
            }

            // A token for another path (its uri claim) must not open this one.
            var builder = new CoinbaseJwtBuilder(credential.ApiKey, signer);
            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(f.Server.RestEndpoint, "/api/v3/brokerage/accounts"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", builder.CreateRestToken("GET", f.Server.RestEndpoint.Authority, "/api/v3/brokerage/orders/historical/batch"));
            using var response = await http.SendAsync(request);
            Assert.AreEqual(HttpStatusCode.Unauthorized, response.StatusCode);
            StringAssert.Contains(await response.Content.ReadAsStringAsync(), "uri claim");

            // The right uri but the wrong method.
            using var post = new HttpRequestMessage(HttpMethod.Get, new Uri(f.Server.RestEndpoint, "/api/v3/brokerage/accounts"));
            post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", builder.CreateRestToken("POST", f.Server.RestEndpoint.Authority, "/api/v3/brokerage/accounts"));
            using var refused = await http.SendAsync(post);
            Assert.AreEqual(HttpStatusCode.Unauthorized, refused.StatusCode);

            using var good = new HttpRequestMessage(HttpMethod.Get, new Uri(f.Server.RestEndpoint, "/api/v3/brokerage/accounts"));
            good.Headers.Authorization = new AuthenticationHeaderValue("Bearer", builder.CreateRestToken("GET", f.Server.RestEndpoint.Authority, "/api/v3/brokerage/accounts"));
            using var accepted = await http.SendAsync(good);
            Assert.AreEqual(HttpStatusCode.OK, accepted.StatusCode, "the same key with the right claims is accepted");
        }

        // The fixture's own client signs with a key the server no longer trusts.
        var wrongKey = await f.Client.PlaceOrderAsync(Request(Side.Buy, 99m, 0.1m, 2));
        Assert.AreEqual(401, wrongKey.StatusCode, wrongKey.ToString());
        Assert.AreEqual(4, f.Server.RestAuthenticationFailures);
        Assert.IsEmpty(f.Server.Orders, "no refused request stored anything");
    }

    [TestMethod]
    public async Task Http_429_is_waited_out_for_retry_after_and_the_order_is_placed_once()
    {
        await using var f = await ClientFixture.StartAsync();
        f.Server.RateLimitNext = 2;
        f.Server.RetryAfterSeconds = 1;
        var watch = Stopwatch.StartNew();
        var result = await f.Client.PlaceOrderAsync(Request(Side.Buy, 99m, 0.1m, 1));
        Assert.IsTrue(result.IsSuccess, result.ToString());
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(1.98), watch.Elapsed, "two Retry-After: 1 waits");
        Assert.AreEqual(2, f.Client.RateLimitedResponses);
        Assert.HasCount(1, f.Server.Orders);
        Assert.HasCount(3, f.Server.RestRequests);
    }

    [TestMethod]
    [DataRow("INSUFFICIENT_FUND", null, null, RejectReason.InsufficientBalance)]
    [DataRow("UNKNOWN_FAILURE_REASON", "PREVIEW_INSUFFICIENT_FUND", null, RejectReason.InsufficientBalance)]
    [DataRow("INVALID_LEDGER_BALANCE", null, null, RejectReason.InsufficientBalance)]
    [DataRow("INVALID_LIMIT_PRICE_POST_ONLY", null, null, RejectReason.PostOnlyWouldCross)]
    [DataRow(null, "PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY", null, RejectReason.PostOnlyWouldCross)]
    [DataRow("INVALID_PRODUCT_ID", null, null, RejectReason.UnknownInstrument)]
    [DataRow("INELIGIBLE_PAIR", null, null, RejectReason.UnknownInstrument)]
    [DataRow("INVALID_SIZE_PRECISION", null, null, RejectReason.InvalidQuantity)]
    [DataRow("INVALID_SIZE_PRECISION", "PREVIEW_INVALID_BASE_SIZE_TOO_SMALL", null, RejectReason.QuantityBelowMinimum)]
    [DataRow(null, "PREVIEW_INVALID_BASE_SIZE_TOO_LARGE", null, RejectReason.QuantityAboveMaximum)]
    [DataRow("INVALID_PRICE_PRECISION", null, null, RejectReason.InvalidPrice)]
    [DataRow("INVALID_LIMIT_PRICE", null, null, RejectReason.InvalidPrice)]
    [DataRow(null, "PREVIEW_INVALID_PRICE_TOO_LARGE", null, RejectReason.PriceAboveMaximum)]
    [DataRow("INVALID_SIDE", null, null, RejectReason.InvalidEnumValue)]
    [DataRow(null, null, "INSUFFICIENT_FUND", RejectReason.InsufficientBalance)]
    [DataRow("ORDER_ENTRY_DISABLED", null, null, RejectReason.VenueRejected)]
    [DataRow("UNKNOWN_FAILURE_REASON", "UNKNOWN_PREVIEW_FAILURE_REASON", "UNKNOWN_FAILURE_REASON", RejectReason.VenueRejected)]
    [DataRow("insufficient_fund", null, null, RejectReason.VenueRejected)]
    public void Order_error_codes_map_exactly(string? error, string? preview, string? newOrder, RejectReason expected) =>
        Assert.AreEqual(expected, AdvancedTradeRejectReasons.MapOrder(error, preview, newOrder));

    [TestMethod]
    [DataRow("UNKNOWN_CANCEL_ORDER", RejectReason.UnknownOrder)]
    [DataRow("ORDER_IS_FULLY_FILLED", RejectReason.UnknownOrder)]
    [DataRow("INVALID_CANCEL_PRODUCT_ID", RejectReason.UnknownInstrument)]
    [DataRow("DUPLICATE_CANCEL_REQUEST", RejectReason.VenueRejected)]
    [DataRow("COMMANDER_REJECTED_CANCEL_ORDER", RejectReason.VenueRejected)]
    [DataRow(null, RejectReason.VenueRejected)]
    public void Cancel_failure_codes_map_exactly(string? code, RejectReason expected) =>
        Assert.AreEqual(expected, AdvancedTradeRejectReasons.MapCancel(code));

    [TestMethod]
    [DataRow(429, null, RejectReason.RateLimited)]
    [DataRow(404, null, RejectReason.UnknownOrder)]
    [DataRow(400, "NOT_FOUND", RejectReason.UnknownOrder)]
    [DataRow(400, "INVALID_ARGUMENT", RejectReason.VenueRejected)]
    [DataRow(401, "UNAUTHENTICATED", RejectReason.VenueRejected)]
    public void Http_errors_map_by_status_and_code(int status, string? error, RejectReason expected) =>
        Assert.AreEqual(expected, AdvancedTradeRejectReasons.MapHttp(status, error));
}
