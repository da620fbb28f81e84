using PinnacleMM.Testing;
using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class CoinbaseExchangeDecoderTests
{
    internal static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.00000001m);
    internal static readonly InstrumentSpec Eth = new("ETH-USD", 0.01m, 0.00000001m);

    private static (CoinbaseExchangeDecoder Decoder, DepthBook Book) Decoder()
    {
        var books = new CoinbaseProductBooks([Btc, Eth]);
        return (new CoinbaseExchangeDecoder(books), books.GetBook(0));
    }

    private static CoinbaseDecodeResult Decode(CoinbaseExchangeDecoder decoder, string json, ICoinbaseFeedListener? listener = null) =>
        decoder.Decode(Encoding.UTF8.GetBytes(json), listener);

    private const string Snapshot = """{"type":"snapshot","product_id":"BTC-USD","bids":[["10101.10","0.45054140"],["10100.00","1.5"]],"asks":[["10102.55","0.57753524"]]}""";

    [TestMethod]
    public void Snapshot_then_l2update_gives_the_documented_book()
    {
        var (decoder, book) = Decoder();
        var result = Decode(decoder, Snapshot);
        Assert.AreEqual(new CoinbaseDecodeResult(CoinbaseMessageKind.BookSnapshot, CoinbaseDecodeStatus.Applied, 0, DepthBookResultCode.Applied, -1, null), result);

        result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","time":"2022-08-04T15:25:05.010758Z","changes":[["buy","10101.100000","0.00000000"],["buy","10101.050000","1.00000000"],["sell","10102.55","2"]]}""");
        Assert.AreEqual(CoinbaseDecodeStatus.Applied, result.Status, result.Message);
        Assert.AreEqual(CoinbaseMessageKind.BookUpdate, result.Kind);

        var model = new BookModel();
        model.Snapshot([(10101.05m, 1m), (10100m, 1.5m)], [(10102.55m, 2m)]);
        model.AssertEqual(book);
        Assert.IsTrue(book.IsSynced);
        Assert.IsFalse(book.IsSequenced);
    }

    [TestMethod]
    public void Fields_may_come_in_any_order_and_strings_may_be_escaped()
    {
        var (decoder, book) = Decoder();
        Assert.IsTrue(Decode(decoder, """{"asks":[["2","1"]],"bids":[["1","1",7]],"product_id":"BTC\u002dUSD","type":"snapshot"}""").IsApplied);
        Assert.IsTrue(Decode(decoder, """{"changes":[["b\u0075y","1.5","3"]],"product_id":"BTC-USD","type":"l2\u0075pdate"}""").IsApplied);
        var model = new BookModel();
        model.Snapshot([(1m, 1m), (1.5m, 3m)], [(2m, 1m)]);
        model.AssertEqual(book);
    }

    [TestMethod]
    public void Off_grid_value_is_refused_naming_the_field_and_nothing_is_applied()
    {
        var (decoder, book) = Decoder();
        Decode(decoder, Snapshot);
        var hash = book.ComputeStateHash();

        var result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["buy","10101.10","2"],["sell","10102.555","1"]]}""");
        Assert.AreEqual(CoinbaseDecodeStatus.InvalidMessage, result.Status);
        Assert.AreEqual("l2update BTC-USD changes[1]: price 10102.555 is not a multiple of the tick size 0.01 of BTC-USD.", result.Message);
        Assert.AreEqual(hash, book.ComputeStateHash(), "the first (valid) change must not be applied alone");

        result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["buy","10101.10","0.000000001"]]}""");
        Assert.AreEqual("l2update BTC-USD changes[0]: size 0.000000001 is not a multiple of the lot size 0.00000001 of BTC-USD.", result.Message);
        result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["hold","10101.10","1"]]}""");
        Assert.AreEqual("l2update BTC-USD changes[0]: side 'hold' must be buy or sell.", result.Message);
        result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["buy","abc","1"]]}""");
        Assert.AreEqual("l2update BTC-USD changes[0]: price 'abc' is not a decimal number.", result.Message);
        result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["buy","1"]]}""");
        Assert.AreEqual("changes[0] must be [side, price, size] with string or number elements.", result.Message);
        result = Decode(decoder, """{"type":"snapshot","product_id":"BTC-USD","bids":[["1","-1"]],"asks":[]}""");
        Assert.AreEqual("snapshot BTC-USD bids[0]: size -1 must not be negative.", result.Message);
        result = Decode(decoder, """{"type":"l2update","changes":[]}""");
        Assert.AreEqual("l2update message: product_id is missing.", result.Message);
        result = Decode(decoder, """{"product_id":"BTC-USD","changes":[]}""");
        Assert.AreEqual("type is missing.", result.Message);
        Assert.AreEqual(hash, book.ComputeStateHash());
        Assert.IsTrue(book.IsSynced);
    }

    [TestMethod]
    [DataRow("""{"type":"l2update","product_id":"BTC-USD","changes":[["buy","1","1"]""")]
    [DataRow("""{"type":"l2update" "product_id":"BTC-USD"}""")]
    [DataRow("""not json""")]
    [DataRow("""{"type":"l2update","product_id":"BTC-USD","changes":[]} {}""")]
    [DataRow("")]
    public void Malformed_json_is_refused_and_nothing_is_applied(string json)
    {
        var (decoder, book) = Decoder();
        Decode(decoder, Snapshot);
        var hash = book.ComputeStateHash();
        var result = Decode(decoder, json);
        Assert.AreEqual(CoinbaseDecodeStatus.MalformedJson, result.Status, result.Message);
        StringAssert.StartsWith(result.Message, "malformed JSON: ");
        Assert.AreEqual(hash, book.ComputeStateHash());
    }

    [TestMethod]
    public void Crossed_snapshot_is_refused_by_the_book_and_update_before_snapshot_waits()
    {
        var (decoder, book) = Decoder();
        var result = Decode(decoder, """{"type":"l2update","product_id":"BTC-USD","changes":[["buy","1","1"]]}""");
        Assert.AreEqual((CoinbaseDecodeStatus.BookRejected, DepthBookResultCode.NoSnapshot), (result.Status, result.BookResult));
        result = Decode(decoder, """{"type":"snapshot","product_id":"BTC-USD","bids":[["2","1"]],"asks":[["2","1"]]}""");
        Assert.AreEqual((CoinbaseDecodeStatus.BookRejected, DepthBookResultCode.CrossedSnapshot), (result.Status, result.BookResult));
        Assert.AreEqual("snapshot BTC-USD: snapshot: the best bid is at or above the best ask", result.Message);
        Assert.AreEqual(0, book.BidLevelCount);
    }

    [TestMethod]
    public void Unknown_types_and_products_are_ignored()
    {
        var (decoder, book) = Decoder();
        Assert.AreEqual(CoinbaseDecodeStatus.Ignored, Decode(decoder, """{"type":"status","products":[{"id":"BTC-USD"}]}""").Status);
        Assert.AreEqual(CoinbaseDecodeStatus.Ignored, Decode(decoder, """{"type":"snapshot","product_id":"DOGE-USD","bids":[["1","1"]],"asks":[]}""").Status);
        Assert.AreEqual(0, book.BidLevelCount);
        var result = Decode(decoder, """{"type":"subscriptions","channels":[{"name":"level2_batch","product_ids":["BTC-USD"]}]}""");
        Assert.AreEqual((CoinbaseMessageKind.Subscriptions, CoinbaseDecodeStatus.Applied), (result.Kind, result.Status));
    }

    [TestMethod]
    public void Ticker_match_last_match_heartbeat_and_error_are_decoded()
    {
        var (decoder, _) = Decoder();
        var listener = new RecordingFeedListener();
        var ticker = Decode(decoder, """{"type":"ticker","sequence":37475248783,"product_id":"ETH-USD","price":"1285.22","open_24h":"1310.79","volume_24h":"245532.79269678","low_24h":"1280.52","high_24h":"1313.8","volume_30d":"9788783.60117027","best_bid":"1285.04","best_bid_size":"0.46688654","best_ask":"1285.27","best_ask_size":"1.56637040","side":"buy","time":"2022-10-19T23:28:22.061769Z","trade_id":370843401,"last_size":"11.4396987"}""", listener);
        Assert.AreEqual(CoinbaseDecodeStatus.Applied, ticker.Status, ticker.Message);
        Assert.AreEqual(37475248783, ticker.Sequence);
        Assert.AreEqual(new CoinbaseTicker(1, new Price(128522), new Price(128504), new Quantity(46688654), new Price(128527), new Quantity(156637040), new Quantity(1143969870), 370843401, 37475248783), listener.Tickers.Single());

        Decode(decoder, """{"type":"last_match","trade_id":9,"sequence":"49","maker_order_id":"a","taker_order_id":"b","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"1","price":"400.00","side":"buy"}""", listener);
        Decode(decoder, """{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell"}""", listener);
        CollectionAssert.AreEqual(
            new[]
            {
                new CoinbaseTrade(0, 9, new Price(40000), new Quantity(100000000), Side.Buy, 49, IsSnapshot: true),
                new CoinbaseTrade(0, 10, new Price(40023), new Quantity(523512000), Side.Sell, 50, IsSnapshot: false),
            },
            listener.Trades);

        Decode(decoder, """{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}""", listener);
        Assert.AreEqual(new CoinbaseHeartbeat(0, 90, 20), listener.Heartbeats.Single());

        var error = Decode(decoder, """{"type":"error","message":"Failed to subscribe","reason":"level2 requires authentication"}""");
        Assert.AreEqual((CoinbaseMessageKind.Error, CoinbaseDecodeStatus.VenueError, "Failed to subscribe: level2 requires authentication"), (error.Kind, error.Status, error.Message));

        var bad = Decode(decoder, """{"type":"match","trade_id":11,"product_id":"BTC-USD","size":"1","price":"400.001","side":"sell"}""", listener);
        Assert.AreEqual("match BTC-USD: price 400.001 is not a multiple of the tick size 0.01 of BTC-USD.", bad.Message);
        Assert.AreEqual(2, listener.Trades.Count, "a refused trade is not delivered");
    }

    [TestMethod]
    public void Decoding_an_l2update_allocates_nothing_after_warm_up()
    {
        var (decoder, _) = Decoder();
        Decode(decoder, Snapshot);
        var updates = new[]
        {
            Encoding.UTF8.GetBytes("""{"type":"l2update","product_id":"BTC-USD","time":"2022-08-04T15:25:05.010758Z","changes":[["buy","10101.050000","1.00000000"]]}"""),
            Encoding.UTF8.GetBytes("""{"type":"l2update","product_id":"BTC-USD","time":"2022-08-04T15:25:05.010758Z","changes":[["buy","10101.050000","0.00000000"],["sell","10103.00","2.5"]]}"""),
            Encoding.UTF8.GetBytes("""{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}"""),
            Encoding.UTF8.GetBytes("""{"type":"ticker","sequence":1,"product_id":"BTC-USD","price":"10101.10","best_bid":"10101.10","best_bid_size":"1","best_ask":"10102.55","best_ask_size":"1","trade_id":3,"last_size":"1"}"""),
        };
        var listener = new RecordingFeedListener();
        listener.Heartbeats.Capacity = 10_000;
        listener.Tickers.Capacity = 10_000;
        for (var i = 0; i < 100; i++)
        {
            foreach (var u in updates)
            {
                decoder.Decode(u, listener);
            }
        }

        SteadyState.AssertAllocatesNothing("4,000 decodes", () =>
        {
            for (var i = 0; i < 1_000; i++)
            {
                foreach (var u in updates)
                {
                    var result = decoder.Decode(u, listener);
                    if (!result.IsApplied)
                    {
                        Assert.Fail(result.ToString());
                    }
                }
            }
        });
        Assert.AreEqual(3_100, listener.Tickers.Count, "every ticker reached the listener");
    }

    [TestMethod]
    public void Random_snapshot_and_updates_match_a_dictionary_model()
    {
        var levelGen = from price in Gen.Choose(9_000, 11_000)
                       from size in Gen.Frequency((3, Gen.Constant(0)), (7, Gen.Choose(1, 100_000)))
                       select (Price: price / 100m, Size: size / 1000m);
        var gen = from bids in Gen.ArrayOf(levelGen, 20)
                  from asks in Gen.ArrayOf(levelGen, 20)
                  from updates in Gen.ArrayOf(Gen.ArrayOf(from side in Gen.Elements(Side.Buy, Side.Sell) from l in levelGen select (side, l.Price, l.Size), 3), 40)
                  from trailing in Gen.Choose(0, 4)
                  select (Bids: bids, Asks: asks, Updates: updates, Trailing: trailing);
        var messages = 0;
        Prop.ForAll(Arb.From(gen), feed =>
        {
            var (decoder, book) = Decoder();
            // Bids below 100.00, asks from 100.00 up, so the snapshot is never crossed; duplicates keep the last.
            var bids = feed.Bids.Select(l => (Price: l.Price - 20m, l.Size)).GroupBy(l => l.Price).Select(g => g.Last()).ToArray();
            var asks = feed.Asks.Select(l => (Price: l.Price + 10m, l.Size)).GroupBy(l => l.Price).Select(g => g.Last()).ToArray();
            var model = new BookModel();
            model.Snapshot(bids, asks);
            var json = $$"""{"type":"snapshot","product_id":"BTC-USD","bids":[{{Levels(bids, feed.Trailing)}}],"asks":[{{Levels(asks, feed.Trailing)}}]}""";
            Assert.AreEqual(CoinbaseDecodeStatus.Applied, Decode(decoder, json).Status);
            model.AssertEqual(book, "after the snapshot");
            foreach (var changes in feed.Updates)
            {
                var text = string.Join(",", changes.Select(c => $"[\"{(c.side == Side.Buy ? "buy" : "sell")}\",\"{Text(c.Price, feed.Trailing)}\",\"{Text(c.Size, feed.Trailing)}\"]"));
                var result = Decode(decoder, $$"""{"type":"l2update","product_id":"BTC-USD","changes":[{{text}}]}""");
                Assert.AreEqual(CoinbaseDecodeStatus.Applied, result.Status, result.Message);
                foreach (var (side, price, size) in changes)
                {
                    model.Set(side, price, size);
                }

                model.AssertEqual(book, text);
                messages++;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(40).WithQuietOnSuccess(true));
        Assert.AreEqual(40 * 40, messages);
    }

    private static string Levels((decimal Price, decimal Size)[] levels, int trailing) =>
        string.Join(",", levels.Select(l => $"[\"{Text(l.Price, trailing)}\",\"{Text(l.Size, trailing)}\"]"));

    /// <summary>The decimal as Coinbase might write it: plain, with up to four trailing zeros.</summary>
    internal static string Text(decimal value, int trailingZeros)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        return trailingZeros == 0 ? text : text + (text.Contains('.', StringComparison.Ordinal) ? "" : ".") + new string('0', trailingZeros);
    }
}
