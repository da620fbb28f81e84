using System.Text;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.MarketData;
using PinnacleMM.Exchange.Coinbase.Sync;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class CoinbaseBookSynchronizerTests
{
    private const long Second = 1_000_000_000;

    private const string BtcSnapshot = """{"type":"snapshot","product_id":"BTC-USD","bids":[["100.00","1"]],"asks":[["101.00","1"]]}""";
    private const string EthSnapshot = """{"type":"snapshot","product_id":"ETH-USD","bids":[["10.00","1"]],"asks":[["11.00","1"]]}""";

    private sealed class Harness
    {
        public Harness(bool advanced = false, CoinbaseSyncOptions? options = null)
        {
            var books = new CoinbaseProductBooks([CoinbaseExchangeDecoderTests.Btc, CoinbaseExchangeDecoderTests.Eth]);
            Exchange = new CoinbaseExchangeDecoder(books);
            Advanced = new AdvancedTradeDecoder(books);
            IsAdvanced = advanced;
            Sync = new CoinbaseBookSynchronizer(books, options ?? new CoinbaseSyncOptions(), perProductHeartbeats: !advanced);
            Sync.StateChanged += c => Changes.Add(c);
        }

        public CoinbaseExchangeDecoder Exchange { get; }

        public AdvancedTradeDecoder Advanced { get; }

        public bool IsAdvanced { get; }

        public CoinbaseBookSynchronizer Sync { get; }

        public List<CoinbaseProductStateChange> Changes { get; } = [];

        public long Now { get; set; }

        public CoinbaseDecodeResult Feed(string json)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var result = IsAdvanced ? Advanced.Decode(bytes) : Exchange.Decode(bytes);
            Sync.OnMessage(result, Now);
            return result;
        }

        public int[] Resyncs()
        {
            Span<int> buffer = stackalloc int[4];
            return buffer[..Sync.TakeResyncRequests(buffer)].ToArray();
        }

        public (ConnectionState, ConnectionState) States => (Sync.GetState(0), Sync.GetState(1));
    }

    private static Harness Synced(bool advanced = false, CoinbaseSyncOptions? options = null)
    {
        var h = new Harness(advanced, options);
        h.Sync.OnConnecting();
        Assert.AreEqual((ConnectionState.Connecting, ConnectionState.Connecting), h.States);
        h.Sync.OnSubscribed(h.Now);
        Assert.AreEqual((ConnectionState.Syncing, ConnectionState.Syncing), h.States);
        if (advanced)
        {
            h.Feed(AdvancedTradeDecoderTests.L2(0, "snapshot", "BTC-USD", ("bid", "100", "1"), ("offer", "101", "1")));
            h.Feed(AdvancedTradeDecoderTests.L2(1, "snapshot", "ETH-USD", ("bid", "10", "1"), ("offer", "11", "1")));
        }
        else
        {
            h.Feed(BtcSnapshot);
            h.Feed(EthSnapshot);
        }

        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Synced), h.States);
        Assert.IsTrue(h.Sync.IsQuotable(0));
        h.Changes.Clear();
        return h;
    }

    [TestMethod]
    public void States_go_disconnected_connecting_syncing_synced_and_updates_before_the_snapshot_wait()
    {
        var h = new Harness();
        Assert.AreEqual((ConnectionState.Disconnected, ConnectionState.Disconnected), h.States);
        h.Sync.OnConnecting();
        h.Sync.OnSubscribed(0);
        var early = h.Feed("""{"type":"l2update","product_id":"BTC-USD","changes":[["buy","100.00","2"]]}""");
        Assert.AreEqual(CoinbaseDecodeStatus.BookRejected, early.Status);
        Assert.AreEqual(ConnectionState.Syncing, h.Sync.GetState(0), "an update before the snapshot is dropped, not trouble");
        Assert.AreEqual(0, h.Resyncs().Length);
        h.Feed(BtcSnapshot);
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Syncing), h.States);
        Assert.IsTrue(h.Sync.IsQuotable(0));
        Assert.IsFalse(h.Sync.IsQuotable(1));

        h.Sync.OnDisconnected("socket closed");
        Assert.AreEqual((ConnectionState.Disconnected, ConnectionState.Disconnected), h.States);
        Assert.IsFalse(h.Exchange.Books.GetBook(0).IsSynced);
        Assert.AreEqual(new CoinbaseProductStateChange(1, ConnectionState.Disconnected, CoinbaseSyncTrouble.Disconnected, "socket closed"), h.Changes[^1]);
    }

    [TestMethod]
    public void Crossed_book_after_an_update_resyncs_that_product_only()
    {
        var h = Synced();
        h.Feed("""{"type":"l2update","product_id":"BTC-USD","changes":[["buy","101.00","1"]]}""");
        Assert.AreEqual((ConnectionState.Syncing, ConnectionState.Synced), h.States);
        Assert.IsFalse(h.Sync.IsQuotable(0));
        CollectionAssert.AreEqual(new[] { 0 }, h.Resyncs());
        Assert.AreEqual(CoinbaseSyncTrouble.CrossedBook, h.Changes.Single().Trouble);
        Assert.AreEqual(0, h.Resyncs().Length, "a request is taken once");

        h.Feed(BtcSnapshot);
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Synced), h.States);
        Assert.AreEqual(1, h.Sync.ResyncCount);
    }

    [TestMethod]
    public void Malformed_and_invalid_messages_resync_what_they_may_have_concerned()
    {
        var h = Synced();
        h.Feed("""{"type":"l2update","product_id":"ETH-USD","changes":[["buy","10.001","1"]]}""");
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Syncing), h.States);
        CollectionAssert.AreEqual(new[] { 1 }, h.Resyncs());
        StringAssert.Contains(h.Changes.Single().Detail, "changes[0]: price 10.001 is not a multiple of the tick size");

        h.Feed(EthSnapshot);
        h.Feed("""{"type":"l2update","product_id":"BTC""");
        Assert.AreEqual((ConnectionState.Syncing, ConnectionState.Syncing), h.States, "unreadable: it may have concerned any product");
        CollectionAssert.AreEqual(new[] { 0, 1 }, h.Resyncs());
    }

    [TestMethod]
    public void Rejected_snapshot_asks_again()
    {
        var h = Synced();
        h.Feed("""{"type":"snapshot","product_id":"BTC-USD","bids":[["101.00","1"]],"asks":[["100.00","1"]]}""");
        Assert.AreEqual(ConnectionState.Syncing, h.Sync.GetState(0));
        Assert.AreEqual(CoinbaseSyncTrouble.SnapshotRejected, h.Changes.Single().Trouble);
        CollectionAssert.AreEqual(new[] { 0 }, h.Resyncs());
    }

    [TestMethod]
    public void Per_product_heartbeat_silence_resyncs_and_message_silence_reconnects()
    {
        var h = Synced(options: new CoinbaseSyncOptions { HeartbeatTimeout = TimeSpan.FromSeconds(3), MessageTimeout = TimeSpan.FromSeconds(8) });
        for (h.Now = Second; h.Now <= 5 * Second; h.Now += Second)
        {
            h.Feed("""{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}""");
            h.Sync.CheckTimeouts(h.Now);
        }

        // ETH's heartbeats stopped at 0: silent for more than 3 s at 4 s.
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Syncing), h.States);
        Assert.AreEqual(new CoinbaseProductStateChange(1, ConnectionState.Syncing, CoinbaseSyncTrouble.HeartbeatSilence, null), h.Changes.Single());
        CollectionAssert.AreEqual(new[] { 1 }, h.Resyncs());

        h.Now = 14 * Second;
        h.Sync.CheckTimeouts(h.Now);
        Assert.IsTrue(h.Sync.TakeReconnectRequest());
        Assert.IsFalse(h.Sync.TakeReconnectRequest());
        Assert.AreEqual((ConnectionState.Connecting, ConnectionState.Connecting), h.States);
        Assert.AreEqual(CoinbaseSyncTrouble.MessageSilence, h.Changes[^1].Trouble);
        Assert.IsFalse(h.Exchange.Books.GetBook(0).IsSynced);
    }

    [TestMethod]
    public void Connection_heartbeat_silence_on_advanced_trade_reconnects()
    {
        var h = Synced(advanced: true, new CoinbaseSyncOptions { HeartbeatTimeout = TimeSpan.FromSeconds(2) });
        h.Now = Second;
        h.Feed("""{"channel":"heartbeats","sequence_num":2,"events":[{"heartbeat_counter":"1"}]}""");
        h.Now = 2 * Second;
        h.Feed(AdvancedTradeDecoderTests.L2(3, "update", "BTC-USD", ("bid", "99", "1")));
        h.Sync.CheckTimeouts(h.Now);
        Assert.IsFalse(h.Sync.TakeReconnectRequest());
        h.Now = 3 * Second + 1;
        h.Feed(AdvancedTradeDecoderTests.L2(4, "update", "BTC-USD", ("bid", "98", "1")));
        h.Sync.CheckTimeouts(h.Now);
        Assert.IsTrue(h.Sync.TakeReconnectRequest(), "book updates do not stand in for heartbeats");
        Assert.AreEqual(CoinbaseSyncTrouble.HeartbeatSilence, h.Changes[^1].Trouble);
    }

    [TestMethod]
    public void Advanced_trade_gap_resyncs_every_product_but_a_snapshot_in_the_gap_message_counts()
    {
        var h = Synced(advanced: true);
        h.Feed(AdvancedTradeDecoderTests.L2(5, "snapshot", "BTC-USD", ("bid", "100", "2"), ("offer", "101", "1")));
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Syncing), h.States);
        CollectionAssert.AreEqual(new[] { 1 }, h.Resyncs());
        Assert.AreEqual(CoinbaseSyncTrouble.SequenceGap, h.Changes.Single(c => c.ProductIndex == 1).Trouble);
    }

    [TestMethod]
    public void Venue_error_asks_for_a_reconnect_and_snapshot_timeout_asks_again()
    {
        var h = Synced();
        h.Feed("""{"type":"error","message":"Failed to subscribe","reason":"ETH-USD is delisted"}""");
        Assert.IsTrue(h.Sync.TakeReconnectRequest());
        Assert.AreEqual(new CoinbaseProductStateChange(1, ConnectionState.Connecting, CoinbaseSyncTrouble.VenueError, "Failed to subscribe: ETH-USD is delisted"), h.Changes[^1]);

        h.Sync.OnConnecting();
        h.Sync.OnSubscribed(100 * Second);
        h.Now = 100 * Second;
        h.Feed(BtcSnapshot);
        h.Now = 111 * Second;
        h.Feed("""{"type":"heartbeat","sequence":1,"last_trade_id":1,"product_id":"BTC-USD"}""");
        h.Feed("""{"type":"heartbeat","sequence":1,"last_trade_id":1,"product_id":"ETH-USD"}""");
        h.Sync.CheckTimeouts(h.Now);
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Syncing), h.States);
        Assert.AreEqual(CoinbaseSyncTrouble.SnapshotTimeout, h.Changes[^1].Trouble);
        CollectionAssert.AreEqual(new[] { 1 }, h.Resyncs());
    }

    [TestMethod]
    public void Consumer_resync_request_is_taken_when_synced_and_declined_while_a_snapshot_is_coming()
    {
        var h = Synced();
        Assert.IsTrue(h.Sync.RequestResync(0, h.Now));
        Assert.AreEqual((ConnectionState.Syncing, ConnectionState.Synced), h.States);
        Assert.IsFalse(h.Exchange.Books.GetBook(0).IsSynced, "the book is distrusted until the snapshot");
        Assert.AreEqual(new CoinbaseProductStateChange(0, ConnectionState.Syncing, CoinbaseSyncTrouble.Requested, "a fresh snapshot was requested by the consumer"), h.Changes.Single());

        // Waiting for that snapshot: a second request (or one during a resync of our own) changes nothing.
        Assert.IsFalse(h.Sync.RequestResync(0, h.Now));
        CollectionAssert.AreEqual(new[] { 0 }, h.Resyncs());
        Assert.IsFalse(h.Sync.RequestResync(0, h.Now), "asked and still waiting");
        Assert.AreEqual(0, h.Resyncs().Length);
        Assert.AreEqual(1, h.Sync.RequestedResyncCount);

        h.Feed("""{"type":"l2update","product_id":"ETH-USD","changes":[["buy","11.00","1"]]}""");
        Assert.AreEqual(ConnectionState.Syncing, h.Sync.GetState(1), "crossed: ETH resyncs by itself");
        Assert.IsFalse(h.Sync.RequestResync(1, h.Now));
        CollectionAssert.AreEqual(new[] { 1 }, h.Resyncs());

        h.Feed(BtcSnapshot);
        h.Feed(EthSnapshot);
        Assert.AreEqual((ConnectionState.Synced, ConnectionState.Synced), h.States);
        Assert.AreEqual(2, h.Sync.ResyncCount);

        h.Sync.OnDisconnected("gone");
        Assert.IsFalse(h.Sync.RequestResync(0, h.Now), "no connection: the next one subscribes everything");
        h.Sync.OnConnecting();
        Assert.IsFalse(h.Sync.RequestResync(0, h.Now));
        Assert.AreEqual(0, h.Resyncs().Length);
        Assert.AreEqual(1, h.Sync.RequestedResyncCount);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => h.Sync.RequestResync(2, h.Now));
    }

    [TestMethod]
    public void Options_reject_non_positive_timeouts_naming_them()
    {
        var books = new CoinbaseProductBooks([CoinbaseExchangeDecoderTests.Btc]);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseBookSynchronizer(books, new CoinbaseSyncOptions { HeartbeatTimeout = TimeSpan.Zero }, true));
        Assert.AreEqual("HeartbeatTimeout", ex.ParamName);
        StringAssert.Contains(ex.Message, "HeartbeatTimeout 00:00:00 must be positive");
        _ = new CoinbaseBookSynchronizer(books, new CoinbaseSyncOptions { HeartbeatTimeout = Timeout.InfiniteTimeSpan }, true);
    }
}
