using System.Diagnostics;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The feed client against the local Kestrel server, both protocols: the book converges to the server's true
/// book, and every injected fault leads to a resync (or reconnect) and a correct book again.
/// </summary>
[TestClass]
public sealed class CoinbaseFeedClientTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private sealed class Run : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _running;

        public Run(CoinbaseTestServer server, ICoinbaseFeedProtocol protocol, ILogger? logger = null)
        {
            Server = server;
            Client = new CoinbaseFeedClient(protocol, new CoinbaseFeedClientOptions
            {
                Endpoint = server.Endpoint,
                AllowInsecureLoopback = true,
                InitialBackoff = TimeSpan.FromMilliseconds(20),
                MaxBackoff = TimeSpan.FromMilliseconds(200),
                CheckInterval = TimeSpan.FromMilliseconds(50),
                Sync = new CoinbaseSyncOptions
                {
                    MessageTimeout = TimeSpan.FromSeconds(1),
                    HeartbeatTimeout = TimeSpan.FromMilliseconds(700),
                    SnapshotTimeout = TimeSpan.FromSeconds(2),
                },
            }, random: new Random(7), logger: logger);
            Client.Synchronizer.StateChanged += c =>
            {
                lock (Changes)
                {
                    Changes.Add(c);
                }
            };
            _running = Client.RunAsync(_stop.Token);
        }

        public CoinbaseTestServer Server { get; }

        public CoinbaseFeedClient Client { get; }

        public List<CoinbaseProductStateChange> Changes { get; } = [];

        public bool Saw(CoinbaseSyncTrouble trouble)
        {
            lock (Changes)
            {
                return Changes.Any(c => c.Trouble == trouble);
            }
        }

        /// <summary>Waits until every product is synced and its book equals the server's true book.</summary>
        public Task InSyncAsync(string because) => EventuallyAsync(because, () => Client.Read((books, sync) =>
            Enumerable.Range(0, books.Count).All(i => sync.GetState(i) == ConnectionState.Synced && books.GetBook(i).IsSynced && Server.Truth[books.GetInstrument(i).Symbol].Matches(books.GetBook(i)))));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _running;
            Assert.AreEqual(ConnectionState.Disconnected, Client.Synchronizer.GetState(0));
            _stop.Dispose();
            await Server.DisposeAsync();
        }
    }

    private static async Task EventuallyAsync(string what, Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Patience)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    private static async Task<CoinbaseTestServer> ServerAsync(bool advanced)
    {
        var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD", "ETH-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m), (99.50m, 2m)], [(100.50m, 1.5m), (101m, 3m)]);
        await server.SetBookAsync("ETH-USD", [(10.00m, 5m)], [(10.10m, 4m)]);
        return server;
    }

    private static CoinbaseProductBooks Books() => new([CoinbaseExchangeDecoderTests.Btc, CoinbaseExchangeDecoderTests.Eth]);

    private static async Task<Run> ExchangeAsync(CoinbaseRequestSigner? signer = null, string bookChannel = "level2_batch", ILogger? logger = null) =>
        new(await ServerAsync(advanced: false), new CoinbaseExchangeFeedProtocol(new CoinbaseExchangeDecoder(Books()), signer, bookChannel), logger);

    private static async Task<Run> AdvancedAsync(CoinbaseJwtBuilder? jwt = null, Action<CoinbaseTestServer>? setup = null)
    {
        var server = await ServerAsync(advanced: true);
        setup?.Invoke(server);
        return new Run(server, new AdvancedTradeFeedProtocol(new AdvancedTradeDecoder(Books()), jwt));
    }

    /// <summary>A few random changes around the touch that never cross the true book.</summary>
    private static async Task PublishRandomAsync(CoinbaseTestServer server, Random random, int messages)
    {
        for (var i = 0; i < messages; i++)
        {
            var bid = (Side.Buy, 95m + (random.Next(0, 9) * 0.5m), random.Next(0, 4) * 0.25m);
            var ask = (Side.Sell, 100.5m + (random.Next(0, 9) * 0.5m), random.Next(0, 4) * 0.25m);
            await server.PublishAsync("BTC-USD", bid, ask);
        }
    }

    [TestMethod]
    public async Task Exchange_snapshot_and_updates_give_the_true_book()
    {
        await using var run = await ExchangeAsync();
        await run.InSyncAsync("the first snapshots");
        await PublishRandomAsync(run.Server, new Random(1), 200);
        await run.Server.PublishAsync("ETH-USD", (Side.Sell, 10.20m, 1m), (Side.Buy, 10.00m, 0m));
        await run.InSyncAsync("200 updates applied");
        Assert.AreEqual(0, run.Client.Synchronizer.ResyncCount);
        Assert.AreEqual(1, run.Client.ConnectionCount);
        StringAssert.Contains(run.Server.Received[0], "\"channels\":[\"level2_batch\",\"heartbeat\",\"ticker\",\"matches\"]");
    }

    [TestMethod]
    public async Task Exchange_dropped_connection_reconnects_resubscribes_and_rebuilds()
    {
        await using var run = await ExchangeAsync();
        await run.InSyncAsync("the first snapshots");
        run.Server.DropConnections();
        await EventuallyAsync("the drop is seen", () => run.Saw(CoinbaseSyncTrouble.Disconnected));
        await PublishRandomAsync(run.Server, new Random(2), 20); // changes the client may miss
        await EventuallyAsync("a second connection", () => run.Client.ConnectionCount >= 2);
        await PublishRandomAsync(run.Server, new Random(3), 20);
        await run.InSyncAsync("rebuilt from fresh snapshots");
        Assert.IsTrue(run.Server.Snapshots >= 4, $"snapshots sent: {run.Server.Snapshots}");
    }

    [TestMethod]
    public async Task Connections_drops_and_resyncs_are_logged_once_each_with_the_reason()
    {
        var log = new RecordingLogger();
        Uri endpoint;
        await using (var run = await ExchangeAsync(logger: log))
        {
            endpoint = run.Server.Endpoint;
            await run.InSyncAsync("the first snapshots");
            var connected = log.WithId(1001).Single();
            Assert.AreEqual((LogLevel.Information, $"Coinbase feed connected to {run.Server.Endpoint} (connection 1)"), (connected.Level, connected.Message));
            CollectionAssert.AreEquivalent(
                new[] { "BTC-USD book synced: quotable", "ETH-USD book synced: quotable" },
                log.WithId(1004).Select(r => r.Message).ToArray());

            await run.Server.InjectCrossedAsync("BTC-USD");
            await EventuallyAsync("resync after a crossed book", () => run.Saw(CoinbaseSyncTrouble.CrossedBook));
            var crossed = log.WithId(1005).Single();
            Assert.AreEqual(LogLevel.Warning, crossed.Level);
            StringAssert.StartsWith(crossed.Message, "BTC-USD book Syncing after CrossedBook: ");
            await run.InSyncAsync("rebuilt after a crossed book");

            run.Server.DropConnections();
            await EventuallyAsync("a second connection", () => run.Client.ConnectionCount >= 2);
            await run.InSyncAsync("rebuilt from fresh snapshots");
            var dropped = log.WithId(1002).First();
            Assert.AreEqual(LogLevel.Warning, dropped.Level);
            StringAssert.StartsWith(dropped.Message, $"Coinbase feed connection to {run.Server.Endpoint} ended: ");
            StringAssert.Contains(dropped.Message, "; reconnecting in 00:00:00.");

            // The drop is one warning for the connection, not one more per product; the products only reach Debug.
            Assert.AreEqual(1, log.WithId(1005).Count, "only the crossed book was a product's own trouble");
            Assert.IsTrue(log.WithId(1006).Any(r => r.Level == LogLevel.Debug && r.Message == "BTC-USD book Disconnected"));
        }

        var stopped = log.WithId(1003).Single();
        Assert.AreEqual((LogLevel.Information, $"Coinbase feed to {endpoint} stopped"), (stopped.Level, stopped.Message));
        Assert.AreEqual(1003, log.Records[^1].EventId.Id, "nothing is logged after the stop");
    }

    [TestMethod]
    public async Task Exchange_malformed_json_and_crossed_book_each_lead_to_a_resync()
    {
        await using var run = await ExchangeAsync();
        await run.InSyncAsync("the first snapshots");

        await run.Server.InjectMalformedAsync();
        await EventuallyAsync("resync after malformed JSON", () => run.Saw(CoinbaseSyncTrouble.InvalidMessage));
        await run.InSyncAsync("rebuilt after malformed JSON");
        Assert.IsTrue(run.Server.Received.Any(m => m.Contains("\"unsubscribe\"", StringComparison.Ordinal)), "the client resubscribed");

        var snapshots = run.Server.Snapshots;
        await run.Server.InjectCrossedAsync("BTC-USD");
        await EventuallyAsync("resync after a crossed book", () => run.Saw(CoinbaseSyncTrouble.CrossedBook));
        await PublishRandomAsync(run.Server, new Random(4), 10);
        await run.InSyncAsync("rebuilt after a crossed book");
        Assert.IsTrue(run.Server.Snapshots > snapshots);
        Assert.AreEqual(1, run.Client.ConnectionCount, "a resync needs no reconnect");
    }

    [TestMethod]
    public async Task Exchange_heartbeat_silence_resyncs_and_total_silence_reconnects()
    {
        await using var run = await ExchangeAsync();
        await run.InSyncAsync("the first snapshots");

        run.Server.HeartbeatsEnabled = false;
        await EventuallyAsync("heartbeat silence seen", () => run.Saw(CoinbaseSyncTrouble.HeartbeatSilence));
        run.Server.HeartbeatsEnabled = true;
        await run.InSyncAsync("rebuilt after heartbeat silence");

        run.Server.Silent = true;
        await PublishRandomAsync(run.Server, new Random(5), 10);
        await EventuallyAsync("connection silence seen", () => run.Saw(CoinbaseSyncTrouble.MessageSilence));
        run.Server.Silent = false;
        await run.InSyncAsync("rebuilt after reconnecting");
        Assert.IsTrue(run.Client.ConnectionCount >= 2);
    }

    [TestMethod]
    public async Task Exchange_server_verifies_the_subscribe_signature_and_refuses_a_wrong_one()
    {
        using (var credential = CoinbaseAuthenticationTests.HmacCredential())
        using (var signer = new CoinbaseRequestSigner(credential))
        {
            await using var run = await ExchangeAsync(signer, "level2");
            await run.InSyncAsync("authenticated level2");
            Assert.AreEqual(1, run.Server.AcceptedAuthentications);
            Assert.AreEqual(0, run.Server.RejectedAuthentications);
        }

        using var wrong = ExchangeCredential("d3Jvbmcgc2VjcmV0");
        using var wrongSigner = new CoinbaseRequestSigner(wrong);
        await using var refused = await ExchangeAsync(wrongSigner, "level2");
        await EventuallyAsync("the refusal", () => refused.Saw(CoinbaseSyncTrouble.VenueError));
        Assert.IsTrue(refused.Server.RejectedAuthentications >= 1);
        Assert.AreEqual(0, refused.Server.AcceptedAuthentications);
        Assert.IsFalse(refused.Changes.ToArray().Any(c => c.State == ConnectionState.Synced), "never synced without valid credentials");
        StringAssert.Contains(refused.Changes.ToArray().First(c => c.Trouble == CoinbaseSyncTrouble.VenueError).Detail, "Failed to subscribe: invalid signature");
    }

    private static Security.Credentials.ExchangeCredential ExchangeCredential(string base64Secret) =>
        Security.Credentials.ExchangeCredential.FromApiKey(CoinbaseAuthenticationTests.ApiKey, System.Text.Encoding.ASCII.GetBytes(base64Secret), System.Text.Encoding.UTF8.GetBytes(CoinbaseAuthenticationTests.Passphrase));

    [TestMethod]
    public async Task Advanced_trade_updates_and_a_lost_message_lead_to_a_gap_resync_and_the_true_book()
    {
        await using var run = await AdvancedAsync();
        await run.InSyncAsync("the first snapshots");
        await PublishRandomAsync(run.Server, new Random(6), 100);
        await run.InSyncAsync("100 updates");

        await run.Server.LoseAsync("BTC-USD", (Side.Buy, 99.00m, 7m));
        await run.Server.PublishAsync("ETH-USD", (Side.Buy, 9.90m, 1m));
        await EventuallyAsync("the gap", () => run.Saw(CoinbaseSyncTrouble.SequenceGap));
        await run.InSyncAsync("rebuilt after the gap, including the lost change");
        Assert.AreEqual(1, run.Client.ConnectionCount);

        await run.Server.InjectMalformedAsync();
        await EventuallyAsync("resync after malformed JSON", () => run.Saw(CoinbaseSyncTrouble.InvalidMessage));
        await run.InSyncAsync("rebuilt after malformed JSON");

        run.Server.DropConnections();
        await EventuallyAsync("a second connection", () => run.Client.ConnectionCount >= 2);
        await run.InSyncAsync("rebuilt after the drop; the new connection's numbering starts afresh");
    }

    [TestMethod]
    public async Task Advanced_trade_server_verifies_jwts_and_refuses_a_wrong_key()
    {
        var (credential, key) = CoinbaseAuthenticationTests.EcCredential();
        using var _ = credential;
        using var __ = key;
        using var signer = EcdsaJwtSigner.FromCredential(credential);
        await using (var run = await AdvancedAsync(new CoinbaseJwtBuilder(credential.ApiKey, signer), s => { s.RequireAuthentication = true; s.JwtPublicKey = key; }))
        {
            await run.InSyncAsync("authenticated subscribe");
            Assert.IsTrue(run.Server.AcceptedAuthentications >= 4, "one JWT per channel subscribe");
            Assert.AreEqual(0, run.Server.RejectedAuthentications);
        }

        var (otherCredential, otherKey) = CoinbaseAuthenticationTests.EcCredential();
        using var ___ = otherCredential;
        using var ____ = otherKey;
        using var otherSigner = EcdsaJwtSigner.FromCredential(otherCredential);
        await using var refused = await AdvancedAsync(new CoinbaseJwtBuilder(otherCredential.ApiKey, otherSigner), s => { s.RequireAuthentication = true; s.JwtPublicKey = key; });
        await EventuallyAsync("the refusal", () => refused.Saw(CoinbaseSyncTrouble.VenueError));
        Assert.AreEqual(0, refused.Server.AcceptedAuthentications);
        Assert.IsFalse(refused.Changes.ToArray().Any(c => c.State == ConnectionState.Synced));
    }
}
