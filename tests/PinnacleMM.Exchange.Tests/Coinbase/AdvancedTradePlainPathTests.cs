using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The Advanced Trade decoder's plain <c>l2_data</c> path (no <c>Utf8JsonReader</c>) against its reader-based
/// path: the same messages must give the same results, messages and books, whichever path reads them.
/// </summary>
[TestClass]
public sealed class AdvancedTradePlainPathTests
{
    private static AdvancedTradeDecoder Decoder(bool plain) =>
        new(new CoinbaseProductBooks([CoinbaseExchangeDecoderTests.Btc, CoinbaseExchangeDecoderTests.Eth])) { UsePlainPath = plain };

    [TestMethod]
    public void The_documented_update_shape_takes_the_plain_path()
    {
        var decoder = Decoder(plain: true);
        Assert.IsTrue(decoder.Decode(Encoding.UTF8.GetBytes(AdvancedTradeDecoderTests.L2(0, "snapshot", "BTC-USD", ("bid", "100", "1"), ("offer", "101", "1")))).IsApplied);
        Assert.IsTrue(decoder.LastDecodeWasPlain);
        var pretty = """
            {
              "channel": "l2_data", "client_id": "", "timestamp": "2023-02-09T20:32:50.714964855Z", "sequence_num": 1,
              "events": [ { "type": "update", "product_id": "BTC-USD",
                "updates": [ { "side": "bid", "event_time": "2023-02-09T20:32:50.714964855Z", "price_level": "99.5", "new_quantity": "2.5" } ] } ]
            }
            """;
        Assert.IsTrue(decoder.Decode(Encoding.UTF8.GetBytes(pretty)).IsApplied);
        Assert.IsTrue(decoder.LastDecodeWasPlain, "JSON whitespace is plain");
        Assert.AreEqual(250_000_000, decoder.Books.GetBook(0).GetQuantity(Side.Buy, new Price(9950)).Lots);
    }

    [TestMethod]
    public void Escaped_values_fall_back_to_the_reader_and_decode_correctly()
    {
        var decoder = Decoder(plain: true);
        Assert.IsTrue(decoder.Decode(Encoding.UTF8.GetBytes(AdvancedTradeDecoderTests.L2(0, "snapshot", "BTC-USD", ("bid", "100", "1")))).IsApplied);

        // price_level "100.5", side "bid" and product "BTC-USD" written with escapes.
        var escaped = """{"channel":"l2_data","sequence_num":1,"events":[{"type":"update","product_id":"BTC\u002dUSD","updates":[{"side":"b\u0069d","price_level":"\u0031\u0030\u0030.5","new_quantity":"3"}]}]}""";
        var result = decoder.Decode(Encoding.UTF8.GetBytes(escaped));
        Assert.AreEqual(CoinbaseDecodeStatus.Applied, result.Status, result.Message);
        Assert.IsFalse(decoder.LastDecodeWasPlain);
        Assert.AreEqual(300_000_000, decoder.Books.GetBook(0).GetQuantity(Side.Buy, new Price(10050)).Lots);

        var badEscape = decoder.Decode(Encoding.UTF8.GetBytes("""{"channel":"l2_data","sequence_num":2,"events":[{"type":"update","product_id":"BTC-USD","updates":[{"side":"bid","price_level":"1\u00310","new_quantity":"x\u0031"}]}]}"""));
        Assert.AreEqual("l2_data BTC-USD events[0].updates[0]: new_quantity 'x1' is not a decimal number.", badEscape.Message, "the unescaped text is what the refusal names");
        Assert.IsFalse(decoder.LastDecodeWasPlain);
    }

    [TestMethod]
    public void Random_messages_decode_the_same_on_both_paths()
    {
        var plainCount = 0;
        var fallbackCount = 0;
        Prop.ForAll(Arb.From(Gen.Choose(0, int.MaxValue)), seed =>
        {
            var random = new Random(seed);
            var plain = Decoder(plain: true);
            var reference = Decoder(plain: false);
            var sequence = 0L;
            var snapshot = Encoding.UTF8.GetBytes(AdvancedTradeDecoderTests.L2(sequence++, "snapshot", "BTC-USD", ("bid", "99", "1"), ("offer", "101", "1")));
            for (var i = 0; i < 12; i++)
            {
                var message = i == 0 ? snapshot : Mutate(random, Encoding.UTF8.GetBytes(Message(random, ref sequence)));
                var expected = reference.Decode(message);
                var actual = plain.Decode(message);
                var text = Encoding.UTF8.GetString(message);
                Assert.AreEqual(expected, actual, $"seed {seed}: {text}");
                Assert.AreEqual(reference.ExpectedSequence, plain.ExpectedSequence, text);
                for (var book = 0; book < 2; book++)
                {
                    Assert.AreEqual(reference.Books.GetBook(book).ComputeStateHash(), plain.Books.GetBook(book).ComputeStateHash(), text);
                    Assert.AreEqual(reference.Books.GetBook(book).IsSynced, plain.Books.GetBook(book).IsSynced, text);
                }

                _ = plain.LastDecodeWasPlain ? plainCount++ : fallbackCount++;
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300).WithQuietOnSuccess(true));

        // Both paths must have been exercised for the comparison to mean something.
        Assert.IsTrue(plainCount > 500 && fallbackCount > 500, $"plain {plainCount}, fallback {fallbackCount}");
    }

    /// <summary>An l2_data-like message: mostly the documented shape, with odd, escaped, missing, repeated and invalid parts.</summary>
    private static string Message(Random random, ref long sequence)
    {
        var members = new List<string>
        {
            Member(random, "channel", Pick(random, 10, "\"l2_data\"", "\"ticker\"", "\"l2\\u005fdata\"", "1", "null")),
            Member(random, "sequence_num", SequenceText(random, ref sequence)),
            Member(random, "events", Array(random, random.Next(4), () => Event(random))),
        };
        AddSometimes(random, members, Member(random, "client_id", "\"\""), 4, 3);
        AddSometimes(random, members, Member(random, "timestamp", "\"2023-02-09T20:32:50.714964855Z\""), 4, 3);
        AddSometimes(random, members, Member(random, "type", Pick(random, 1, "\"error\"", "\"update\"")), 30, 1);
        AddSometimes(random, members, Member(random, "message", "\"x\""), 30, 1);
        AddSometimes(random, members, Member(random, Pick(random, 1, "extra", "ev\\u0065nts"), Pick(random, 1, "{\"a\":[1]}", "true", "-1.5e3", "[]", "\"s\"", "12")), 10, 1);
        AddSometimes(random, members, Member(random, "events", Array(random, 1, () => Event(random))), 20, 1);
        AddSometimes(random, members, Member(random, "sequence_num", SequenceText(random, ref sequence)), 20, 1);
        Shuffle(random, members);
        return "{" + Space(random) + string.Join("," + Space(random), members) + Space(random) + "}";
    }

    private static string Event(Random random)
    {
        var members = new List<string>();
        AddSometimes(random, members, Member(random, "type", Pick(random, 6, "\"update\"", "\"snapshot\"", "\"other\"", "5", "\"upd\\u0061te\"")), 10, 9);
        AddSometimes(random, members, Member(random, "product_id", Pick(random, 8, "\"BTC-USD\"", "\"ETH-USD\"", "\"DOGE-USD\"", "\"BTC\\u002dUSD\"", "7", "null")), 10, 9);
        AddSometimes(random, members, Member(random, "updates", Array(random, random.Next(4), () => Update(random))), 10, 9);
        AddSometimes(random, members, Member(random, Pick(random, 1, "tickers", "heartbeat_counter", "extra", "updates"), Pick(random, 1, "[]", "\"1\"", "[1,2]", "\"s\"", "{}", "[{}]")), 10, 1);
        Shuffle(random, members);
        return "{" + string.Join("," + Space(random), members) + "}";
    }

    private static string Update(Random random)
    {
        var buy = random.Next(2) == 0;
        var price = buy ? 90m + (random.Next(0, 1_000) / 100m) : 100.01m + (random.Next(0, 1_000) / 100m);
        var members = new List<string>();
        AddSometimes(random, members, Member(random, "side", Pick(random, 12, buy ? "\"bid\"" : "\"offer\"", "\"buy\"", "\"ASK\"", "\"middle\"", "\"b\\u0069d\"", "1", "null")), 20, 19);
        AddSometimes(random, members, Member(random, "event_time", Pick(random, 6, "\"2023-02-09T20:32:50.714964855Z\"", "null", "{\"x\":1}", "\"a\\\"b\"")), 4, 3);
        AddSometimes(random, members, Member(random, "price_level", Pick(random, 12, Quote(price), "\"1.001\"", "\"x\"", "\"\\u0039\\u0035\"", "95.5", "null", "\"-1\"", "\"0\"")), 20, 19);
        AddSometimes(random, members, Member(random, "new_quantity", Pick(random, 12, Quote(random.Next(0, 5_000) / 1_000m), "\"0.000000001\"", "\"y\"", "2", "null", "\"1e2\"")), 20, 19);
        AddSometimes(random, members, Member(random, Pick(random, 1, "side", "price_level", "extra"), Pick(random, 1, "\"offer\"", "\"98\"", "[]")), 20, 1);
        Shuffle(random, members);
        return "{" + string.Join(",", members) + "}";
    }

    private static string SequenceText(Random random, ref long sequence)
    {
        var next = sequence++;
        return random.Next(12) switch
        {
            0 => Quote(next),
            1 => (next - 2).ToString(CultureInfo.InvariantCulture),
            2 => (next + 3).ToString(CultureInfo.InvariantCulture),
            3 => Pick(random, 1, "null", "1.0", "007", "-5", "99999999999999999999", "1e2"),
            _ => next.ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>One time in eight, breaks the bytes: truncates, inserts or deletes a byte, or appends text.</summary>
    private static byte[] Mutate(Random random, byte[] message)
    {
        if (random.Next(8) != 0)
        {
            return message;
        }

        var at = random.Next(message.Length);
        var junk = "{}[],:\"\\ 0x\u00e9\u0001"u8.ToArray();
        return random.Next(4) switch
        {
            0 => message[..at],
            1 => [.. message[..at], junk[random.Next(junk.Length)], .. message[at..]],
            2 => [.. message[..at], .. message[(at + 1)..]],
            _ => [.. message, .. Encoding.UTF8.GetBytes(Pick(random, 1, " ", "x", "{}", "\n"))],
        };
    }

    private static string Member(Random random, string name, string value) => $"\"{name}\"{Space(random)}:{Space(random)}{value}";

    private static string Array(Random random, int count, Func<string> item) =>
        "[" + string.Join("," + Space(random), Enumerable.Range(0, count).Select(_ => item())) + "]";

    private static void AddSometimes(Random random, List<string> members, string member, int outOf, int times)
    {
        if (random.Next(outOf) < times)
        {
            members.Add(member);
        }
    }

    /// <summary>The first choice with weight <paramref name="firstWeight"/>, each other with weight 1.</summary>
    private static string Pick(Random random, int firstWeight, params string[] choices)
    {
        var roll = random.Next(firstWeight + choices.Length - 1);
        return roll < firstWeight ? choices[0] : choices[roll - firstWeight + 1];
    }

    private static string Space(Random random) => random.Next(10) == 0 ? Pick(random, 1, " ", "\n", "\t", "\r\n ") : "";

    private static string Quote(decimal value) => "\"" + value.ToString(CultureInfo.InvariantCulture) + "\"";

    private static string Quote(long value) => "\"" + value.ToString(CultureInfo.InvariantCulture) + "\"";

    private static void Shuffle(Random random, List<string> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
