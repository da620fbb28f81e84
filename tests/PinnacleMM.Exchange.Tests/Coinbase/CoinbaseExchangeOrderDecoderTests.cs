using System.Text;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>The Exchange order-channel decoder: documented shapes decode to fixed-point values; bad ones name the field and deliver nothing.</summary>
[TestClass]
public sealed class CoinbaseExchangeOrderDecoderTests
{
    private sealed class Orders : ICoinbaseFeedListener
    {
        public List<CoinbaseOrderMessage> Received { get; } = [];

        public void OnExchangeOrder(in CoinbaseOrderMessage message) => Received.Add(message);
    }

    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.00000001m);

    private static (CoinbaseExchangeOrderDecoder Decoder, Orders Listener) Create() => (new CoinbaseExchangeOrderDecoder(new CoinbaseProductBooks([Btc])), new Orders());

    [TestMethod]
    public void Documented_messages_decode_into_fixed_point_values()
    {
        var (decoder, listener) = Create();
        var result = decoder.Decode(
            """{"type":"match","trade_id":10,"sequence":50,"maker_order_id":"ac928c66-ca53-498f-9c13-a110027a60e8","taker_order_id":"132fb6ae-456b-4654-b4e0-d681ac05cea1","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","size":"5.23512","price":"400.23","side":"sell","taker_fee_rate":"0.006"}"""u8,
            listener);
        Assert.IsTrue(result.IsApplied, result.ToString());
        Assert.AreEqual(CoinbaseMessageKind.User, result.Kind);
        var match = listener.Received.Single();
        Assert.AreEqual(CoinbaseOrderMessageType.Match, match.Type);
        Assert.AreEqual(Guid.Parse("ac928c66-ca53-498f-9c13-a110027a60e8"), match.MakerOrderId);
        Assert.AreEqual(Btc.GetPrice(400.23m), match.Price);
        Assert.AreEqual(Btc.GetQuantity(5.23512m), match.Size);
        Assert.AreEqual(Side.Sell, match.Side);
        Assert.AreEqual(0.006m, match.TakerFeeRate);
        Assert.AreEqual(10, match.TradeId);
        Assert.AreEqual(50, match.Sequence);
        Assert.AreEqual(1_415_348_367_028_459_000L, match.TimeUnixNanoseconds, "2014-11-07T08:19:27.028459Z in Unix nanoseconds");

        Assert.IsTrue(decoder.Decode("""{"type":"done","time":"2014-11-07T08:19:27.028459Z","product_id":"BTC-USD","sequence":10,"price":"200.2","order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","reason":"canceled","side":"sell","remaining_size":"0.5"}"""u8, listener).IsApplied);
        var done = listener.Received[^1];
        Assert.IsTrue(done.IsCanceled);
        Assert.AreEqual(Btc.GetQuantity(0.5m), done.RemainingSize);

        // Other types go to the inner decoder: a heartbeat is applied, a subscriptions reply too, nothing reaches OnExchangeOrder.
        Assert.AreEqual(CoinbaseMessageKind.Heartbeat, decoder.Decode("""{"type":"heartbeat","sequence":90,"last_trade_id":20,"product_id":"BTC-USD","time":"2014-11-07T08:19:28.464459Z"}"""u8, listener).Kind);
        Assert.AreEqual(CoinbaseMessageKind.Subscriptions, decoder.Decode("""{"type":"subscriptions","channels":[]}"""u8, listener).Kind);
        Assert.HasCount(2, listener.Received);
    }

    [TestMethod]
    [DataRow("""{"type":"received","product_id":"BTC-USD","order_id":"nope","size":"1","price":"1.00","side":"buy"}""", "received BTC-USD: order_id 'nope' must be a UUID (8-4-4-4-12 hex digits).")]
    [DataRow("""{"type":"open","product_id":"BTC-USD","order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","price":"1.001","remaining_size":"1","side":"buy"}""", "open BTC-USD: price 1.001 is not a multiple of the tick size 0.01 of BTC-USD.")]
    [DataRow("""{"type":"match","product_id":"BTC-USD","maker_order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","size":"1","price":"1.00","side":"buy"}""", "match BTC-USD: taker_order_id is missing.")]
    [DataRow("""{"type":"done","product_id":"BTC-USD","order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","side":"up","reason":"filled"}""", "done BTC-USD: side 'up' must be buy or sell.")]
    [DataRow("""{"type":"match","product_id":"BTC-USD","maker_order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","taker_order_id":"d50ec984-77a8-460a-b958-66f114b0de9b","size":"1","price":"1.00","side":"buy","maker_fee_rate":"2"}""", "match BTC-USD: maker_fee_rate '2' must be a decimal fee rate from 0 to below 1.")]
    [DataRow("""{"type":"done","order_id":"d50ec984-77a8-460a-b958-66f114b0de9b"}""", "done message: product_id is missing.")]
    public void Bad_messages_name_the_field_and_deliver_nothing(string json, string message)
    {
        var (decoder, listener) = Create();
        var result = decoder.Decode(Encoding.UTF8.GetBytes(json), listener);
        Assert.AreEqual(CoinbaseDecodeStatus.InvalidMessage, result.Status);
        StringAssert.StartsWith(result.Message, message);
        Assert.IsEmpty(listener.Received);
    }
}
