using System.Text;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Security.Credentials;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>The market data connector against the local server: events rebuild the server's book, and trouble shows as status events.</summary>
[TestClass]
public sealed class CoinbaseMarketDataConnectorTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.00000001m);
    private static readonly InstrumentSpec Eth = new("ETH-USD", 0.01m, 0.00000001m);

    private static (InstrumentRegistry Registry, InstrumentId Btc, InstrumentId Eth) Registry()
    {
        var registry = new InstrumentRegistry();
        return (registry, registry.Register(Btc), registry.Register(Eth));
    }

    [TestMethod]
    public async Task Exchange_feed_events_rebuild_the_book_and_a_crossed_book_pauses_the_product_until_resynced()
    {
        await using var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD", "ETH-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m), (99.50m, 2m)], [(101.00m, 0.5m)]);
        await server.SetBookAsync("ETH-USD", [(10.00m, 1m)], [(10.10m, 1m)]);
        var (registry, btc, eth) = Registry();
        var sink = new MarketSink();
        await using var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD", "ETH-USD"], Feed = FastFeed(server.Endpoint) }, registry);
        Assert.AreEqual(ConnectionState.Disconnected, connector.State);
        await connector.ConnectAsync(sink);
        await connector.SubscribeAsync(btc);

        await EventuallyAsync("BTC-USD synced with the server's book", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        await EventuallyAsync("the whole feed synced", () => connector.State == ConnectionState.Synced && sink.LastStatus(InstrumentId.None) == ConnectionState.Synced);
        Assert.IsFalse(sink.Events.Any(e => e.Instrument == eth), "ETH-USD is followed but not subscribed: nothing is delivered for it");

        await server.PublishAsync("BTC-USD", (Side.Buy, 100.00m, 0m), (Side.Sell, 100.50m, 0.25m));
        await EventuallyAsync("the update arrives as level updates", () => SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        var updates = sink.Events.Where(e => e.Kind == MarketEventKind.LevelUpdate).ToArray();
        Assert.HasCount(2, updates);
        Assert.AreEqual(MarketEvent.LevelUpdate(btc, Side.Buy, Btc.GetPrice(100.00m), Quantity.Zero, 0, 0, 0, updates[0].ReceivedNanoseconds), updates[0]);

        // A crossing update: the product must stop being quotable (Syncing) and come back with a fresh snapshot.
        var before = sink.Events.Length;
        await server.InjectCrossedAsync("BTC-USD");
        await EventuallyAsync("a Syncing status after the crossed book", () => sink.Events.Skip(before).Any(e => e.Kind == MarketEventKind.Status && e.Instrument == btc && e.ConnectionState == ConnectionState.Syncing));
        await EventuallyAsync("synced again with the true book", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        var after = sink.Events.Skip(before).ToArray();
        var paused = Array.FindIndex(after, e => e.Kind == MarketEventKind.Status && e.ConnectionState == ConnectionState.Syncing);
        var snapshot = Array.FindIndex(after, e => e.Kind == MarketEventKind.SnapshotBegin);
        Assert.IsTrue(paused >= 0 && snapshot > paused, "the pause comes before the fresh snapshot");

        // Subscribing a synced product hands over its current book at once.
        await connector.SubscribeAsync(eth);
        Assert.AreEqual(ConnectionState.Synced, sink.LastStatus(eth));
        Assert.IsTrue(SameLevels(sink.Book(eth, Eth), server.Truth["ETH-USD"]));

        await connector.UnsubscribeAsync(eth);
        Assert.AreEqual(ConnectionState.Disconnected, sink.LastStatus(eth));
    }

    [TestMethod]
    public async Task Dropped_connection_reports_connecting_then_synced_again()
    {
        await using var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        var (registry, btc, _) = Registry();
        var sink = new MarketSink();
        await using var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry);
        await connector.ConnectAsync(sink);
        await connector.SubscribeAsync(btc);
        await EventuallyAsync("synced", () => sink.LastStatus(btc) == ConnectionState.Synced);

        var before = sink.Events.Length;
        server.DropConnections();
        await server.PublishAsync("BTC-USD", (Side.Sell, 101.00m, 3m));
        await EventuallyAsync("synced again after the drop, with the change made meanwhile", () =>
            sink.Events.Skip(before).Any(e => e.Kind == MarketEventKind.Status && e.Instrument == btc && e.ConnectionState is ConnectionState.Connecting or ConnectionState.Disconnected)
            && sink.LastStatus(btc) == ConnectionState.Synced
            && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        Assert.IsGreaterThanOrEqualTo(2, connector.Feed.ConnectionCount);
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange level2_batch")]
    [DataRow(true, DisplayName = "Advanced Trade level2")]
    public async Task Resync_request_brings_a_fresh_snapshot_on_the_open_connection(bool advanced)
    {
        await using var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m), (99.50m, 2m)], [(101.00m, 0.5m)]);
        var (registry, btc, _) = Registry();
        var sink = new MarketSink();
        await using var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Api = advanced ? CoinbaseApi.AdvancedTrade : CoinbaseApi.Exchange, Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry);
        await connector.ConnectAsync(sink);
        await EventuallyAsync("subscribed on the socket", () => server.BookSubscribes("BTC-USD") == 1);
        Assert.AreEqual(
            "instrument: #1 (BTC-USD) is not subscribed: call SubscribeAsync before ResyncAsync.",
            (await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => connector.ResyncAsync(btc).AsTask())).Message);
        Assert.AreEqual(1, server.BookSubscribes("BTC-USD"), "a refused request sends nothing");

        await connector.SubscribeAsync(btc);
        await EventuallyAsync("synced", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));

        // Changes the connector never hears of (no message, no sequence number): only a fresh snapshot can show them.
        await server.ChangeUnheardAsync("BTC-USD", (Side.Buy, 100.00m, 0m), (Side.Buy, 99.00m, 4m), (Side.Sell, 100.50m, 1m));
        Assert.IsFalse(SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        var before = sink.Events.Length;
        await connector.ResyncAsync(btc);
        Assert.IsTrue(
            sink.Events.Skip(before).Any(e => e.Kind == MarketEventKind.Status && e.Instrument == btc && e.ConnectionState == ConnectionState.Syncing),
            "Syncing is reported before ResyncAsync returns, so the engine does not ask again");
        await EventuallyAsync("synced again with the true book", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));

        var after = sink.Events.Skip(before).ToArray();
        var syncing = Array.FindIndex(after, e => e.Kind == MarketEventKind.Status && e.Instrument == btc && e.ConnectionState == ConnectionState.Syncing);
        var snapshot = Array.FindIndex(after, e => e.Kind == MarketEventKind.SnapshotBegin);
        var synced = Array.FindIndex(after, e => e.Kind == MarketEventKind.Status && e.Instrument == btc && e.ConnectionState == ConnectionState.Synced);
        Assert.IsTrue(syncing >= 0 && snapshot > syncing && synced > snapshot, "Syncing, the snapshot, then Synced");
        Assert.AreEqual(2, server.BookSubscribes("BTC-USD"), "one resubscribe of the product");
        Assert.AreEqual(1, connector.Feed.ConnectionCount, "on the open connection, not by reconnecting");
        Assert.AreEqual(1, connector.Feed.Synchronizer.RequestedResyncCount);

        // The synced book keeps following updates.
        await server.PublishAsync("BTC-USD", (Side.Sell, 101.00m, 0m));
        await EventuallyAsync("updates follow the fresh snapshot", () => SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange level2_batch")]
    [DataRow(true, DisplayName = "Advanced Trade level2")]
    public async Task Resync_request_while_a_snapshot_is_coming_does_not_subscribe_again(bool advanced)
    {
        await using var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        var (registry, btc, _) = Registry();
        var sink = new MarketSink();
        await using var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Api = advanced ? CoinbaseApi.AdvancedTrade : CoinbaseApi.Exchange, Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry);
        await connector.ConnectAsync(sink);
        await connector.SubscribeAsync(btc);
        await EventuallyAsync("synced", () => sink.LastStatus(btc) == ConnectionState.Synced);

        // The connector's own resync (a crossed book), with the venue slow to answer: the engine's requests meanwhile add nothing.
        server.DeferSnapshots = true;
        await server.InjectCrossedAsync("BTC-USD");
        await EventuallyAsync("the connector resubscribed by itself", () => server.BookSubscribes("BTC-USD") == 2 && sink.LastStatus(btc) == ConnectionState.Syncing);
        await connector.ResyncAsync(btc);
        await connector.ResyncAsync(btc);
        await Task.Delay(150);
        Assert.AreEqual(2, server.BookSubscribes("BTC-USD"), "no second subscribe on top of the connector's own resync");
        Assert.AreEqual(0, connector.Feed.Synchronizer.RequestedResyncCount);
        await server.ChangeUnheardAsync("BTC-USD", (Side.Buy, 99.00m, 2m));
        await server.ReleaseSnapshotsAsync();
        await EventuallyAsync("synced with the true book", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));

        // A request of the consumer's, repeated while its snapshot is held back: one resubscribe.
        server.DeferSnapshots = true;
        await connector.ResyncAsync(btc);
        Assert.AreEqual(ConnectionState.Syncing, sink.LastStatus(btc));
        await connector.ResyncAsync(btc);
        await Task.Delay(150);
        Assert.AreEqual(3, server.BookSubscribes("BTC-USD"));
        Assert.AreEqual(1, connector.Feed.Synchronizer.RequestedResyncCount);
        await server.ChangeUnheardAsync("BTC-USD", (Side.Sell, 101.00m, 3m));
        await server.ReleaseSnapshotsAsync();
        await EventuallyAsync("synced again with the true book", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        Assert.AreEqual(1, connector.Feed.ConnectionCount);
    }

    [TestMethod]
    public async Task Advanced_trade_with_an_ed25519_key_from_the_vault_authenticates_and_a_wrong_key_is_refused()
    {
        var (pem, publicKey) = CoinbaseJwtSignerTests.NewEd25519Pem();
        var (otherPem, _) = CoinbaseJwtSignerTests.NewEd25519Pem();
        using var vault = new TempVault(
            ("advanced", ExchangeCredential.FromPrivateKeyPem("organizations/o/apiKeys/ed", Encoding.UTF8.GetBytes(pem))),
            ("stolen", ExchangeCredential.FromPrivateKeyPem("organizations/o/apiKeys/ed", Encoding.UTF8.GetBytes(otherPem))));
        await using var server = await CoinbaseTestServer.StartAsync(true, "BTC-USD");
        server.RequireAuthentication = true;
        server.JwtEd25519PublicKey = publicKey;
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        var (registry, btc, _) = Registry();

        var sink = new MarketSink();
        await using (var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Api = CoinbaseApi.AdvancedTrade, Products = ["BTC-USD"], CredentialName = "advanced", Feed = FastFeed(server.Endpoint) }, registry, vault.Vault))
        {
            await connector.ConnectAsync(sink);
            await connector.SubscribeAsync(btc);
            await EventuallyAsync("synced over Advanced Trade", () => sink.LastStatus(btc) == ConnectionState.Synced && SameLevels(sink.Book(btc, Btc), server.Truth["BTC-USD"]));
        }

        Assert.IsGreaterThanOrEqualTo(1, server.AcceptedAuthentications);
        Assert.AreEqual(0, server.RejectedAuthentications);

        var refused = new MarketSink();
        await using (var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Api = CoinbaseApi.AdvancedTrade, Products = ["BTC-USD"], CredentialName = "stolen", Feed = FastFeed(server.Endpoint) }, registry, vault.Vault))
        {
            await connector.ConnectAsync(refused);
            await connector.SubscribeAsync(btc);
            await EventuallyAsync("the server refused the wrong key's JWT", () => server.RejectedAuthentications >= 1);
            await Task.Delay(200);
            Assert.AreNotEqual(ConnectionState.Synced, refused.LastStatus(btc), "no data without valid authentication");
            Assert.IsFalse(refused.Events.Any(e => e.Kind == MarketEventKind.SnapshotLevel));
        }
    }

    [TestMethod]
    public async Task Misuse_and_bad_options_are_refused_naming_the_field()
    {
        var (registry, _, _) = Registry();
        Assert.AreEqual("Products must name at least one product. (Parameter 'Products')", Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataOptions().Validate()).Message);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataOptions { Products = ["btc-usd"] }.Validate()).Message, "Products[0] may contain only A-Z, 0-9");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["SOL-USD"] }, registry)).Message, "Products[0]: 'SOL-USD' is not registered in the InstrumentRegistry.");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataOptions { Products = ["BTC-USD"], BookChannel = "level2" }.Validate()).Message, "BookChannel level2 requires CredentialName");
        StringAssert.StartsWith(Assert.ThrowsExactly<InvalidOperationException>(() => new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"], CredentialName = "x" }, registry)).Message, "CredentialName 'x' is set but no CredentialVault was given");
        StringAssert.StartsWith(
            Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = new() { Endpoint = new Uri("ws://example.com/") } }, registry)).Message,
            "Endpoint must use https or wss");

        await using var connector = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"] }, registry);
        Assert.AreEqual("not connected: call ConnectAsync first.", Assert.ThrowsExactly<InvalidOperationException>(() => connector.SubscribeAsync(new InstrumentId(1)).AsTask().GetAwaiter().GetResult()).Message);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => connector.SubscribeAsync(new InstrumentId(2)).AsTask().GetAwaiter().GetResult()).Message, "instrument: #2 is not one of this connector's products (BTC-USD).");
        Assert.AreEqual("not connected: call ConnectAsync first.", (await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => connector.ResyncAsync(new InstrumentId(1)).AsTask())).Message);
        StringAssert.StartsWith((await Assert.ThrowsExactlyAsync<ArgumentException>(() => connector.ResyncAsync(new InstrumentId(2)).AsTask())).Message, "instrument: #2 is not one of this connector's products (BTC-USD).");
    }
}
