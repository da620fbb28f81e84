using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Benchmarks.Coinbase;

/// <summary>
/// Decoding one Coinbase book change from its WebSocket JSON and applying it to the product's DepthBook
/// (issue 7 §8: at most 500 ns and 0 B per change). Each operation decodes one whole message with one change
/// — an Exchange <c>l2update</c> or an Advanced Trade <c>l2_data</c> update, in the documented shapes with
/// every field the venue sends — into a 50-level-per-side book; the messages cycle over sizes of the top 8
/// levels so that the book keeps its shape. The baseline is the Exchange <c>l2update</c>.
/// </summary>
[MemoryDiagnoser]
public class CoinbaseBookChangeBenchmarks
{
    private const int Messages = 256;
    private const int Levels = 50;

    private readonly byte[][] _exchange = new byte[Messages][];
    private readonly byte[][] _advanced = new byte[Messages][];
    private CoinbaseExchangeDecoder _exchangeDecoder = null!;
    private AdvancedTradeDecoder _advancedDecoder = null!;
    private int _next;
    private long _sequence;

    public void Setup()
    {
        var instrument = new InstrumentSpec("BTC-USD", 0.01m, 0.00000001m);
        _exchangeDecoder = new CoinbaseExchangeDecoder(new CoinbaseProductBooks([instrument]));
        _advancedDecoder = new AdvancedTradeDecoder(new CoinbaseProductBooks([instrument]));

        var bids = string.Join(",", Enumerable.Range(0, Levels).Select(i => $"[\"{I(22356.27m - (i * 0.01m))}\",\"1.00000000\"]"));
        var asks = string.Join(",", Enumerable.Range(0, Levels).Select(i => $"[\"{I(22356.28m + (i * 0.01m))}\",\"1.00000000\"]"));
        Check(_exchangeDecoder.Decode(Encoding.UTF8.GetBytes($$"""{"type":"snapshot","product_id":"BTC-USD","bids":[{{bids}}],"asks":[{{asks}}]}""")));
        var updates = string.Join(",", Enumerable.Range(0, Levels).SelectMany(i => new[]
        {
            $$"""{"side":"bid","event_time":"1970-01-01T00:00:00Z","price_level":"{{I(22356.27m - (i * 0.01m))}}","new_quantity":"1.00000000"}""",
            $$"""{"side":"offer","event_time":"1970-01-01T00:00:00Z","price_level":"{{I(22356.28m + (i * 0.01m))}}","new_quantity":"1.00000000"}""",
        }));
        Check(_advancedDecoder.Decode(Encoding.UTF8.GetBytes($$"""{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":0,"events":[{"type":"snapshot","product_id":"BTC-USD","updates":[{{updates}}]}]}""")));

        _advancedDecoder.ResetSequence();
        _sequence = 99;
        for (var m = 0; m < Messages; m++)
        {
            var buy = m % 2 == 0;
            var price = buy ? 22356.27m - ((m / 2 % 8) * 0.01m) : 22356.28m + ((m / 2 % 8) * 0.01m);
            var size = string.Create(CultureInfo.InvariantCulture, $"{(m % 5) + 1}.{m:D3}00000");
            _exchange[m] = Encoding.UTF8.GetBytes($$"""{"type":"l2update","product_id":"BTC-USD","time":"2022-08-04T15:25:05.010758Z","changes":[["{{(buy ? "buy" : "sell")}}","{{price.ToString("F6", CultureInfo.InvariantCulture)}}","{{size}}"]]}""");
            _advanced[m] = Encoding.UTF8.GetBytes($$"""{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":SEQ,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"{{(buy ? "bid" : "offer")}}","event_time":"2023-02-09T20:32:50.714964855Z","price_level":"{{I(price)}}","new_quantity":"{{size}}"}]}]}""");
        }
    }

    /// <summary>Proves every message decodes and applies (a benchmark of refusals would measure the wrong thing).</summary>
    [GlobalSetup(Targets = [nameof(ExchangeL2Update), nameof(AdvancedTradeL2Data)])]
    public void SetupAndCheck()
    {
        Setup();
        for (var i = 0; i < 8 * Messages; i++)
        {
            var exchange = ExchangeL2Update();
            var advanced = AdvancedTradeL2Data();
            if (exchange != CoinbaseDecodeStatus.Applied || advanced != CoinbaseDecodeStatus.Applied)
            {
                throw new InvalidOperationException($"message {i} was not applied: Exchange {exchange}, Advanced Trade {advanced}");
            }
        }
    }

    [Benchmark(Baseline = true, Description = "Exchange l2update: decode + apply one change")]
    public CoinbaseDecodeStatus ExchangeL2Update() => _exchangeDecoder.Decode(_exchange[_next++ & (Messages - 1)]).Status;

    /// <summary>
    /// Advanced Trade numbers every message, so the benchmark patches the <c>sequence_num</c> digits in place
    /// (fixed width) before decoding; the patch is part of the measured time and is a few nanoseconds.
    /// </summary>
    [Benchmark(Description = "Advanced Trade l2_data: decode + apply one change")]
    public CoinbaseDecodeStatus AdvancedTradeL2Data()
    {
        var message = _advanced[_next++ & (Messages - 1)];
        if (_sequence == 999)
        {
            // Three digits are reserved ("SEQ" in the template) and JSON numbers have no leading zeros, so numbers
            // run 100 to 999; then a new connection's numbering starts, as after a reconnect.
            _sequence = 99;
            _advancedDecoder.ResetSequence();
        }

        var sequence = ++_sequence;
        var digits = message.AsSpan(SequenceOffset, 3);
        digits[0] = (byte)('0' + (sequence / 100 % 10));
        digits[1] = (byte)('0' + (sequence / 10 % 10));
        digits[2] = (byte)('0' + (sequence % 10));
        return _advancedDecoder.Decode(message).Status;
    }

    private static int SequenceOffset => """{"channel":"l2_data","client_id":"","timestamp":"2023-02-09T20:32:50.714964855Z","sequence_num":""".Length;

    private static string I(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Check(CoinbaseDecodeResult result)
    {
        if (!result.IsApplied)
        {
            throw new InvalidOperationException(result.ToString());
        }
    }
}
