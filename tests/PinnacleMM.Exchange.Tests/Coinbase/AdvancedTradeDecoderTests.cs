using PinnacleMM.Testing;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class AdvancedTradeDecoderTests
{
    private static AdvancedTradeDecoder Decoder(AdvancedTradeSequenceScope scope = AdvancedTradeSequenceScope.Connection) =>
        new(new CoinbaseProductBooks([CoinbaseExchangeDecoderTests.Btc, CoinbaseExchangeDecoderTests.Eth]), scope);

    private static CoinbaseDecodeResult Decode(AdvancedTradeDecoder decoder, string json, ICoinbaseFeedListener? listener = null) =>
        decoder.Decode(Encoding.UTF8.GetBytes(json), listener);

    internal static string L2(long sequence, string type, string product, params (string Side, string Price, string Size)[] updates) =>
        $$"""{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":{{sequence}},"events":[{"type":"{{type}}","product_id":"{{product}}","updates":[{{string.Join(",", updates.Select(u => $$"""{"side":"{{u.Side}}","event_time":"1970-01-01T00:00:00Z","price_level":"{{u.Price}}","new_quantity":"{{u.Size}}"}"""))}}]}]}""";

    [TestMethod]
    public void Documented_snapshot_then_updates_give_the_book()
    {
        var decoder = Decoder();
        var book = decoder.Books.GetBook(0);
        var result = Decode(decoder, L2(0, "snapshot", "BTC-USD", ("bid", "21921.73", "0.06317902"), ("offer", "21921.74", "1.5"), ("bid", "21921.00", "2")));
        Assert.AreEqual(new CoinbaseDecodeResult(CoinbaseMessageKind.BookSnapshot, CoinbaseDecodeStatus.Applied, 0, DepthBookResultCode.Applied, 0, null), result);
        result = Decode(decoder, L2(1, "update", "BTC-USD", ("bid", "21921.73", "0"), ("ask", "21921.80", "3"), ("sell", "21921.74", "1.25"), ("buy", "21920.5", "4")));
        Assert.AreEqual(CoinbaseDecodeStatus.Applied, result.Status, result.Message);
        Assert.AreEqual(CoinbaseMessageKind.BookUpdate, result.Kind);
        Assert.AreEqual(2, decoder.ExpectedSequence);

        var model = new BookModel();
        model.Snapshot([(21921.00m, 2m), (21920.5m, 4m)], [(21921.74m, 1.25m), (21921.80m, 3m)]);
        model.AssertEqual(book);
        Assert.IsFalse(book.IsSequenced, "connection-scoped sequences are checked by the decoder, not the book");
    }

    [TestMethod]
    public void Connection_sequence_gap_marks_every_book_out_of_sync_and_stale_messages_are_ignored()
    {
        var decoder = Decoder();
        Decode(decoder, L2(10, "snapshot", "BTC-USD", ("bid", "1", "1")));
        Decode(decoder, L2(11, "snapshot", "ETH-USD", ("bid", "1", "1")));
        var btc = decoder.Books.GetBook(0);
        var eth = decoder.Books.GetBook(1);

        var stale = Decode(decoder, L2(11, "update", "BTC-USD", ("bid", "1", "5")));
        Assert.AreEqual(CoinbaseDecodeStatus.Stale, stale.Status);
        Assert.AreEqual(1, btc.GetQuantity(Side.Buy, new Price(100)).Lots / 100_000_000);

        // 12 is lost: a heartbeat on another channel at 13 shows it.
        var gap = Decode(decoder, """{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":13,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}""");
        Assert.AreEqual((CoinbaseMessageKind.Heartbeat, CoinbaseDecodeStatus.SequenceGap), (gap.Kind, gap.Status));
        Assert.AreEqual("sequence_num 13 where 12 was expected: 1 message(s) lost, books are out of sync.", gap.Message);
        Assert.IsFalse(btc.IsSynced);
        Assert.IsFalse(eth.IsSynced);

        var update = Decode(decoder, L2(14, "update", "BTC-USD", ("bid", "1", "5")));
        Assert.AreEqual((CoinbaseDecodeStatus.BookRejected, DepthBookResultCode.OutOfSync), (update.Status, update.BookResult));
        Assert.IsTrue(Decode(decoder, L2(15, "snapshot", "BTC-USD", ("bid", "2", "1"))).IsApplied);
        Assert.IsTrue(btc.IsSynced);
        Assert.IsFalse(eth.IsSynced);

        decoder.ResetSequence();
        Assert.IsTrue(Decode(decoder, L2(0, "update", "BTC-USD", ("bid", "3", "1"))).IsApplied, "a new connection starts its numbering afresh");
    }

    [TestMethod]
    public void Product_scope_checks_each_product_in_its_book()
    {
        var decoder = Decoder(AdvancedTradeSequenceScope.Product);
        Decode(decoder, L2(100, "snapshot", "BTC-USD", ("bid", "1", "1")));
        Decode(decoder, L2(7, "snapshot", "ETH-USD", ("bid", "1", "1")));
        Assert.IsTrue(Decode(decoder, L2(101, "update", "BTC-USD", ("bid", "1", "2"))).IsApplied);
        Assert.IsTrue(Decode(decoder, L2(8, "update", "ETH-USD", ("bid", "1", "2"))).IsApplied);
        var stale = Decode(decoder, L2(101, "update", "BTC-USD", ("bid", "1", "3")));
        Assert.AreEqual((CoinbaseDecodeStatus.Stale, DepthBookResultCode.Stale), (stale.Status, stale.BookResult));
        var gap = Decode(decoder, L2(103, "update", "BTC-USD", ("bid", "1", "3")));
        Assert.AreEqual((CoinbaseDecodeStatus.SequenceGap, DepthBookResultCode.Gap, 0), (gap.Status, gap.BookResult, gap.ProductIndex));
        Assert.IsFalse(decoder.Books.GetBook(0).IsSynced);
        Assert.IsTrue(decoder.Books.GetBook(1).IsSynced, "only the product with the gap is out of sync");
    }

    [TestMethod]
    public void Bad_value_in_any_event_refuses_the_whole_message()
    {
        var decoder = Decoder();
        Decode(decoder, L2(0, "snapshot", "BTC-USD", ("bid", "1", "1")));
        var hash = decoder.Books.GetBook(0).ComputeStateHash();
        var json = """{"channel":"l2_data","sequence_num":1,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid","price_level":"2","new_quantity":"1"}]},{"type":"update","product_id":"BTC-USD","updates":[{"side":"offer","price_level":"3.001","new_quantity":"1"}]}]}""";
        var result = Decode(decoder, json);
        Assert.AreEqual(CoinbaseDecodeStatus.InvalidMessage, result.Status);
        Assert.AreEqual("l2_data BTC-USD events[1].updates[0]: price_level 3.001 is not a multiple of the tick size 0.01 of BTC-USD.", result.Message);
        Assert.AreEqual(hash, decoder.Books.GetBook(0).ComputeStateHash());
        Assert.AreEqual(1, decoder.ExpectedSequence, "a refused message does not move the sequence");

        Assert.AreEqual("l2_data BTC-USD events[0].updates[0]: side 'middle' must be bid or offer.", Decode(decoder, L2(1, "update", "BTC-USD", ("middle", "1", "1"))).Message);
        Assert.AreEqual("l2_data BTC-USD events[0].updates[0]: new_quantity 'x' is not a decimal number.", Decode(decoder, L2(1, "update", "BTC-USD", ("bid", "1", "x"))).Message);
        Assert.AreEqual("channel is missing.", Decode(decoder, """{"sequence_num":1,"events":[]}""").Message);
        Assert.AreEqual("events must be an array, not StartObject.", Decode(decoder, """{"channel":"l2_data","events":{}}""").Message);
        Assert.AreEqual(CoinbaseDecodeStatus.MalformedJson, Decode(decoder, """{"channel":"l2_data","events":[{"type":"update",]}""").Status);
        Assert.AreEqual(hash, decoder.Books.GetBook(0).ComputeStateHash());
    }

    [TestMethod]
    public void Ticker_trades_heartbeats_user_subscriptions_error_and_unknown_channels()
    {
        var decoder = Decoder();
        var listener = new RecordingFeedListener();
        var ticker = Decode(decoder, """{"channel":"ticker","client_id":"","timestamp":"2023-02-09T20:30:37.167359596Z","sequence_num":0,"events":[{"type":"snapshot","tickers":[{"type":"ticker","product_id":"BTC-USD","price":"21932.98","volume_24_h":"16038.28770938","low_24_h":"21835.29","high_24_h":"23011.18","low_52_w":"15460","high_52_w":"48240","price_percent_chg_24_h":"-4.15775596190603","best_bid":"21931.98","best_bid_quantity":"0.01","best_ask":"21933.98","best_ask_quantity":"0.5"}]}]}""", listener);
        Assert.AreEqual(CoinbaseDecodeStatus.Applied, ticker.Status, ticker.Message);
        Assert.AreEqual(new CoinbaseTicker(0, new Price(2193298), new Price(2193198), new Quantity(1_000_000), new Price(2193398), new Quantity(50_000_000), Quantity.Zero, -1, 0), listener.Tickers.Single());

        Decode(decoder, """{"channel":"market_trades","client_id":"","timestamp":"2023-02-09T20:19:35.39625135Z","sequence_num":1,"events":[{"type":"snapshot","trades":[{"trade_id":"000000000","product_id":"ETH-USD","price":"1260.01","size":"0.3","side":"BUY","time":"2019-08-14T20:42:27.265Z"},{"trade_id":"7","product_id":"DOGE-USD","price":"1","size":"1","side":"SELL","time":"2019-08-14T20:42:27.265Z"}]}]}""", listener);
        Assert.AreEqual(new CoinbaseTrade(1, 0, new Price(126001), new Quantity(30_000_000), Side.Buy, 1, IsSnapshot: true), listener.Trades.Single());

        Decode(decoder, """{"channel":"heartbeats","client_id":"","timestamp":"2023-06-23T20:31:26.122969572Z","sequence_num":2,"events":[{"current_time":"2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105","heartbeat_counter":"3049"}]}""", listener);
        Assert.AreEqual(new CoinbaseHeartbeat(-1, 3049, -1), listener.Heartbeats.Single());

        var user = Decode(decoder, """{"channel":"user","client_id":"","timestamp":"2023-02-09T20:33:57.609931463Z","sequence_num":3,"events":[{"type":"snapshot","orders":[{"order_id":"XXX","client_order_id":"YYY","cumulative_quantity":"0.5","leaves_quantity":"0.25","avg_price":"21000.125","total_fees":"0","status":"OPEN","product_id":"BTC-USD","creation_time":"2022-12-07T19:42:18.719312Z","order_side":"BUY","order_type":"Limit"}]}]}""", listener);
        Assert.AreEqual((CoinbaseMessageKind.User, CoinbaseDecodeStatus.Applied), (user.Kind, user.Status), user.Message);
        Assert.AreEqual("0 XXX YYY OPEN Buy 50000000 25000000 21000.125", listener.Orders.Single());

        Assert.AreEqual((CoinbaseMessageKind.Subscriptions, CoinbaseDecodeStatus.Applied), Pair(Decode(decoder, """{"channel":"subscriptions","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":4,"events":[{"subscriptions":{"level2":["BTC-USD"]}}]}""")));
        Assert.AreEqual((CoinbaseMessageKind.Unknown, CoinbaseDecodeStatus.Ignored), Pair(Decode(decoder, """{"channel":"candles","sequence_num":5,"events":[{"type":"snapshot","candles":[]}]}""")));
        var error = Decode(decoder, """{"type":"error","message":"authentication failure"}""");
        Assert.AreEqual((CoinbaseMessageKind.Error, CoinbaseDecodeStatus.VenueError, "authentication failure"), (error.Kind, error.Status, error.Message));

        var bad = Decode(decoder, """{"channel":"market_trades","sequence_num":6,"events":[{"type":"update","trades":[{"trade_id":"8","product_id":"BTC-USD","price":"1.001","size":"1","side":"SELL"}]}]}""", listener);
        Assert.AreEqual("market_trades BTC-USD events[0][0]: price 1.001 is not a multiple of the tick size 0.01 of BTC-USD.", bad.Message);
        Assert.AreEqual(1, listener.Trades.Count);
    }

    private static (CoinbaseMessageKind, CoinbaseDecodeStatus) Pair(CoinbaseDecodeResult r) => (r.Kind, r.Status);

    [TestMethod]
    public void Decoding_an_l2_data_update_allocates_nothing_after_warm_up()
    {
        var decoder = Decoder();
        Decode(decoder, L2(0, "snapshot", "BTC-USD", ("bid", "100", "1"), ("offer", "101", "1")));
        var messages = Enumerable.Range(1, 2_000).Select(i => Encoding.UTF8.GetBytes(L2(i, "update", "BTC-USD", ("bid", "99.5" + (i % 10), "0.0" + (i % 7)), ("offer", "101.25", "2")))).ToArray();
        for (var i = 0; i < 200; i++)
        {
            Assert.IsTrue(decoder.Decode(messages[i]).IsApplied);
        }

        var next = 200;
        SteadyState.AssertAllocatesNothing("600 decodes", () =>
        {
            for (var end = next + 600; next < end; next++)
            {
                if (!decoder.Decode(messages[next]).IsApplied)
                {
                    Assert.Fail(next.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        });
        Assert.AreEqual(messages.Length, next);
    }

    [TestMethod]
    public void Random_l2_data_feed_matches_a_dictionary_model()
    {
        var levelGen = from side in Gen.Elements("bid", "offer")
                       from price in Gen.Choose(9_000, 11_000)
                       from size in Gen.Frequency((3, Gen.Constant(0)), (7, Gen.Choose(1, 100_000)))
                       select (Side: side, Price: price / 100m, Size: size / 1000m);
        var gen = from snapshot in Gen.ArrayOf(levelGen, 30)
                  from updates in Gen.ArrayOf(Gen.ArrayOf(levelGen, 4), 30)
                  from trailing in Gen.Choose(0, 3)
                  select (Snapshot: snapshot, Updates: updates, Trailing: trailing);
        Prop.ForAll(Arb.From(gen), feed =>
        {
            var decoder = Decoder();
            var book = decoder.Books.GetBook(1);
            var snapshot = feed.Snapshot.Select(l => (l.Side, Price: l.Side == "bid" ? l.Price - 20m : l.Price + 10m, l.Size)).GroupBy(l => (l.Side, l.Price)).Select(g => g.Last()).ToArray();
            var model = new BookModel();
            model.Snapshot(snapshot.Where(l => l.Side == "bid").Select(l => (l.Price, l.Size)), snapshot.Where(l => l.Side == "offer").Select(l => (l.Price, l.Size)));
            Assert.IsTrue(Decode(decoder, L2(0, "snapshot", "ETH-USD", [.. snapshot.Select(l => Level(l.Side, l.Price, l.Size, feed.Trailing))])).IsApplied);
            model.AssertEqual(book);
            var sequence = 1;
            foreach (var changes in feed.Updates)
            {
                var result = Decode(decoder, L2(sequence++, "update", "ETH-USD", [.. changes.Select(l => Level(l.Side, l.Price, l.Size, feed.Trailing))]));
                Assert.AreEqual(CoinbaseDecodeStatus.Applied, result.Status, result.Message);
                foreach (var (side, price, size) in changes)
                {
                    model.Set(side == "bid" ? Side.Buy : Side.Sell, price, size);
                }

                model.AssertEqual(book);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true));
    }

    private static (string, string, string) Level(string side, decimal price, decimal size, int trailing) =>
        (side, CoinbaseExchangeDecoderTests.Text(price, trailing), CoinbaseExchangeDecoderTests.Text(size, trailing));
}
