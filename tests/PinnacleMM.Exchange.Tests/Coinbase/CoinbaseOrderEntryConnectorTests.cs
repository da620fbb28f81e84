using System.Diagnostics;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// Round trips of the order-entry connector against the local server: REST commands, acks and fills from the
/// authenticated user channel, rejects with reasons, 429 backoff, reconciliation queries and reconnects.
/// </summary>
[TestClass]
public sealed class CoinbaseOrderEntryConnectorTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    private sealed class Fixture : IAsyncDisposable
    {
        private readonly TempVault _vault;

        private Fixture(CoinbaseTestServer server, TempVault vault, CoinbaseOrderEntryConnector connector, InstrumentId btc)
        {
            Server = server;
            _vault = vault;
            Connector = connector;
            Instrument = btc;
        }

        public CoinbaseTestServer Server { get; }

        public CoinbaseOrderEntryConnector Connector { get; }

        public InstrumentId Instrument { get; }

        public ExecutionSink Sink { get; } = new();

        public static async Task<Fixture> StartAsync()
        {
            var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
            await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 0.5m), (101.50m, 1m)]);
            var vault = new TempVault(("coinbase", CoinbaseAuthenticationTests.HmacCredential()));
            var registry = new InstrumentRegistry();
            var btc = registry.Register(Btc);
            var connector = new CoinbaseOrderEntryConnector(OrderEntryOptions(server), registry, vault.Vault);
            var fixture = new Fixture(server, vault, connector, btc);
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
        }
    }

    private static Quantity Q(decimal size) => Btc.GetQuantity(size);

    [TestMethod]
    public async Task Place_ack_partial_fill_fill_with_maker_fees_and_consistent_quantities()
    {
        await using var f = await Fixture.StartAsync();
        Assert.AreEqual(ConnectionState.Synced, f.Connector.State);
        Assert.AreEqual(ConnectionState.Synced, f.Sink.Events.Last(e => e.Kind == ExecutionEventKind.ConnectionChanged).ConnectionState);

        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 99.00m, 0.3m, postOnly: true));
        await EventuallyAsync("accepted", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
        await EventuallyAsync("partial fill", () => f.Sink.Of(1).Any(e => e.IsFill));
        await f.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.5m);
        await EventuallyAsync("filled", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Filled));

        var events = f.Sink.Of(1);
        Assert.HasCount(3, events, string.Join("\n", events));
        var (ack, partial, fill) = (events[0], events[1], events[2]);
        Assert.AreEqual(ExecutionEventKind.Accepted, ack.Kind);
        Assert.AreEqual(f.Server.Orders.Single().Id, ack.VenueOrderId.Value);
        Assert.AreEqual(Q(0.3m), ack.LeavesQuantity);

        Assert.AreEqual(ExecutionEventKind.PartiallyFilled, partial.Kind);
        Assert.AreEqual(Liquidity.Maker, partial.Liquidity);
        Assert.AreEqual(Btc.GetPrice(99.00m), partial.Price);
        Assert.AreEqual(Q(0.1m), partial.Quantity);
        Assert.AreEqual(Q(0.2m), partial.LeavesQuantity);
        Assert.AreEqual(99.00m * 0.1m * 0.004m, partial.Fee);
        Assert.IsGreaterThan(0L, partial.TradeId);

        Assert.AreEqual(ExecutionEventKind.Filled, fill.Kind);
        Assert.AreEqual(Q(0.2m), fill.Quantity, "only what was left fills");
        Assert.AreEqual(Quantity.Zero, fill.LeavesQuantity);
        Assert.AreEqual(Q(0.3m), fill.FilledQuantity);

        var all = f.Sink.Events;
        CollectionAssert.AreEqual(Enumerable.Range(1, all.Length).Select(i => (long)i).ToArray(), all.Select(e => e.Sequence).ToArray(), "the stream is numbered 1, 2, 3...");
        Assert.IsEmpty(await f.Connector.GetOpenOrdersAsync(InstrumentId.None));
    }

    [TestMethod]
    public async Task Crossing_order_fills_as_taker_then_cancel_and_cancel_all_are_acknowledged_from_the_channel()
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
        CollectionAssert.AreEquivalent(new long[] { 3, 4 }, open.Select(o => o.ClientOrderId.Value).ToArray(), "client ids come back from the client_oid");
        Assert.AreEqual(Q(0.5m), open.Single(o => o.ClientOrderId.Value == 3).FilledQuantity);

        await f.Connector.SendAsync(OrderCommand.Cancel(f.Instrument, new ClientOrderId(4)));
        await EventuallyAsync("cancelled", () => f.Sink.Of(4).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        var cancelled = f.Sink.Of(4).Single(e => e.Kind == ExecutionEventKind.Cancelled);
        Assert.AreEqual(CancelReason.Requested, cancelled.CancelReason);
        Assert.AreEqual(Q(0.2m), cancelled.Quantity);

        await f.Connector.SendAsync(OrderCommand.Cancel(f.Instrument, new ClientOrderId(4)));
        Assert.AreEqual(RejectReason.UnknownOrder, f.Sink.Of(4).Last().RejectReason);
        Assert.AreEqual(ExecutionEventKind.CancelRejected, f.Sink.Of(4).Last().Kind);

        await f.Connector.SendAsync(OrderCommand.CancelAll(InstrumentId.None));
        await EventuallyAsync("rest of order 3 cancelled", () => f.Sink.Of(3).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        Assert.AreEqual(Q(0.25m), f.Sink.Of(3).Single(e => e.Kind == ExecutionEventKind.Cancelled).Quantity);
        Assert.IsEmpty(await f.Connector.GetOpenOrdersAsync(InstrumentId.None));

        await f.Connector.SendAsync(f.Limit(5, Side.Buy, 101.50m, 2m, TimeInForce.ImmediateOrCancel));
        await EventuallyAsync("IOC remainder cancelled", () => f.Sink.Of(5).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        var ioc = f.Sink.Of(5);
        Assert.AreEqual(Q(1m), ioc.Single(e => e.IsFill).Quantity);
        Assert.AreEqual(CancelReason.ImmediateOrCancel, ioc.Single(e => e.Kind == ExecutionEventKind.Cancelled).CancelReason);
        Assert.AreEqual(Q(1m), ioc.Single(e => e.Kind == ExecutionEventKind.Cancelled).Quantity);
    }

    [TestMethod]
    public async Task Rejections_carry_the_reason_and_change_nothing_at_the_venue()
    {
        await using var f = await Fixture.StartAsync();
        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 101.50m, 0.1m, postOnly: true));
        await f.Connector.SendAsync(f.Limit(2, Side.Buy, 2_000.00m, 999m));
        await f.Connector.SendAsync(f.Limit(3, Side.Buy, 101.50m, 5m, TimeInForce.FillOrKill));
        await f.Connector.SendAsync(OrderCommand.Place(f.Instrument, new ClientOrderId(4), Side.Buy, Btc.GetPrice(99.00m), new Quantity(1_000))); // 0.00001 < minimum 0.0001
        await f.Connector.SendAsync(f.Limit(5, Side.Buy, 99.00m, 0.1m, TimeInForce.ImmediateOrCancel, postOnly: true));
        await f.Connector.SendAsync(f.Limit(0, Side.Buy, 99.00m, 0.1m));
        await f.Connector.SendAsync(OrderCommand.Place(new InstrumentId(9), new ClientOrderId(6), Side.Buy, Btc.GetPrice(99m), Q(0.1m)));
        await f.Connector.SendAsync(OrderCommand.Amend(f.Instrument, new ClientOrderId(1), Btc.GetPrice(98m), Q(0.1m)));
        await f.Connector.SendAsync(OrderCommand.Cancel(f.Instrument, new ClientOrderId(77)));

        var expected = new (long Id, ExecutionEventKind Kind, RejectReason Reason)[]
        {
            (1, ExecutionEventKind.Rejected, RejectReason.PostOnlyWouldCross),
            (2, ExecutionEventKind.Rejected, RejectReason.InsufficientBalance),
            (3, ExecutionEventKind.Rejected, RejectReason.FillOrKillNotFillable),
            (4, ExecutionEventKind.Rejected, RejectReason.QuantityBelowMinimum),
            (5, ExecutionEventKind.Rejected, RejectReason.PostOnlyRequiresGoodTillCancelLimit),
            (0, ExecutionEventKind.Rejected, RejectReason.InvalidClientOrderId),
            (6, ExecutionEventKind.Rejected, RejectReason.UnknownInstrument),
            (1, ExecutionEventKind.AmendRejected, RejectReason.AmendNotSupported),
            (77, ExecutionEventKind.CancelRejected, RejectReason.UnknownOrder),
        };
        var rejections = f.Sink.Events.Where(e => e.IsRejection).Select(e => (e.ClientOrderId.Value, e.Kind, e.RejectReason)).ToArray();
        CollectionAssert.AreEqual(expected, rejections, string.Join("\n", rejections));
        Assert.IsFalse(f.Sink.Events.Any(e => e.Kind is ExecutionEventKind.Accepted or ExecutionEventKind.PartiallyFilled or ExecutionEventKind.Filled));
        Assert.IsEmpty(f.Server.Orders, "no order was stored at the venue");
        Assert.AreEqual(1_000_000m, (await f.Connector.GetBalancesAsync()).Single(b => b.Currency == "USD").Total);
        Assert.HasCount(3, f.Server.RestRequests.Where(r => r.Method == "POST").ToArray(), "only the orders the venue had to judge were sent");

        // A live order's id cannot be used again.
        await f.Connector.SendAsync(f.Limit(8, Side.Buy, 99.00m, 0.1m));
        await f.Connector.SendAsync(f.Limit(8, Side.Buy, 98.00m, 0.1m));
        Assert.AreEqual(RejectReason.DuplicateClientOrderId, f.Sink.Of(8).Last().RejectReason);
        Assert.HasCount(1, f.Server.Orders);
    }

    [TestMethod]
    public async Task Http_429_backs_off_for_retry_after_and_the_order_is_placed_once()
    {
        await using var f = await Fixture.StartAsync();
        f.Server.RateLimitNext = 1;
        f.Server.RetryAfterSeconds = 1;
        var watch = Stopwatch.StartNew();
        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 99.00m, 0.1m));
        Assert.IsGreaterThanOrEqualTo(TimeSpan.FromSeconds(0.99), watch.Elapsed, "SendAsync waited out Retry-After: 1");
        await EventuallyAsync("accepted", () => f.Sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        Assert.AreEqual(1, f.Connector.RateLimitedResponses);
        Assert.HasCount(1, f.Server.Orders);
        Assert.HasCount(1, f.Sink.Of(1), "one acknowledgement, no rejection");
    }

    [TestMethod]
    public async Task Lost_order_channel_reports_the_reconnect_and_refuses_new_orders_meanwhile()
    {
        await using var f = await Fixture.StartAsync();
        var before = f.Sink.Events.Length;
        f.Server.Silent = true;
        f.Server.DropConnections();
        await EventuallyAsync("not synced", () => f.Connector.State != ConnectionState.Synced);
        await f.Connector.SendAsync(f.Limit(1, Side.Buy, 99.00m, 0.1m));
        Assert.AreEqual(RejectReason.NotConnected, f.Sink.Of(1).Single().RejectReason);
        Assert.IsEmpty(f.Server.Orders);

        f.Server.Silent = false;
        await EventuallyAsync("synced again", () => f.Connector.State == ConnectionState.Synced);
        var changes = f.Sink.Events.Skip(before).Where(e => e.Kind == ExecutionEventKind.ConnectionChanged).Select(e => e.ConnectionState).ToArray();
        Assert.AreEqual(ConnectionState.Synced, changes[^1]);
        Assert.IsTrue(changes.Contains(ConnectionState.Connecting) || changes.Contains(ConnectionState.Disconnected), string.Join(",", changes));
        await f.Connector.SendAsync(f.Limit(2, Side.Buy, 99.00m, 0.1m));
        await EventuallyAsync("accepted after the reconnect", () => f.Sink.Of(2).Any(e => e.Kind == ExecutionEventKind.Accepted));
    }

    [TestMethod]
    public async Task Wrong_credential_never_connects_and_bad_options_are_refused()
    {
        await using var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
        using var vault = new TempVault(("coinbase", Security.Credentials.ExchangeCredential.FromApiKey(CoinbaseAuthenticationTests.ApiKey, "AAAAAAAAAAAAAAAAAAAAAA=="u8, "wrong"u8)));
        var registry = new InstrumentRegistry();
        registry.Register(Btc);
        await using var connector = new CoinbaseOrderEntryConnector(OrderEntryOptions(server), registry, vault.Vault);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<OperationCanceledException>(() => connector.ConnectAsync(new ExecutionSink(), timeout.Token).AsTask());
        Assert.IsGreaterThanOrEqualTo(1, server.RejectedAuthentications, "the server refused the subscribe signature");

        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseOrderEntryOptions { Products = ["BTC-USD"] }.Validate()).Message, "CredentialName '' must name a vault entry");
        var snapshotWaiting = OrderEntryOptions(server);
        snapshotWaiting.Feed = new() { Endpoint = server.Endpoint, AllowInsecureLoopback = true };
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(snapshotWaiting.Validate).Message, "Feed.Sync.SnapshotTimeout must be Timeout.InfiniteTimeSpan");
        StringAssert.StartsWith(Assert.ThrowsExactly<KeyNotFoundException>(() => new CoinbaseOrderEntryConnector(OrderEntryOptions(server, "missing"), registry, vault.Vault)).Message, "no credential named 'missing'");
    }

    [TestMethod]
    [DataRow(-1.0, "-00:00:01")]
    [DataRow(86_401.0, "1.00:00:01")]
    public async Task A_fill_history_lookback_outside_0_to_1_day_is_refused_naming_it_and_nothing_is_sent(double seconds, string shown)
    {
        await using var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
        using var vault = AccountVault(server, advanced: false);
        var registry = new InstrumentRegistry();
        registry.Register(Btc);
        var options = OrderEntryOptions(server);
        options.FillHistoryLookback = TimeSpan.FromSeconds(seconds);

        var refused = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseOrderEntryConnector(options, registry, vault.Vault));
        Assert.AreEqual("FillHistoryLookback", refused.ParamName);
        StringAssert.StartsWith(refused.Message, $"FillHistoryLookback: {shown} must be from 0 to 1 day.");
        Assert.IsEmpty(server.RestRequests, "nothing reached the venue");
        Assert.AreEqual(0, server.AcceptedAuthentications + server.RejectedAuthentications, "no subscribe either");

        options.FillHistoryLookback = TimeSpan.FromDays(1); // the bounds themselves are allowed
        options.Validate();
        options.FillHistoryLookback = TimeSpan.Zero;
        options.Validate();
    }
}
