using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The plain-JSON scanner against <see cref="Utf8JsonReader"/>: whatever the scanner accepts, the reader must read
/// as the same token with the same value; whatever is not plain must be refused (so the decoder falls back).
/// </summary>
[TestClass]
public sealed class PlainJsonScannerTests
{
    [TestMethod]
    [DataRow("\"BTC-USD\"", "BTC-USD")]
    [DataRow("\"\"", "")]
    [DataRow("  \"a b ~\"", "a b ~")]
    [DataRow("\"2023-02-09T20:32:50.714964855Z\"", "2023-02-09T20:32:50.714964855Z")]
    public void Plain_strings_are_read_as_the_reader_reads_them(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json + ",");
        var scanner = new PlainJsonScanner(bytes);
        Assert.IsTrue(scanner.TryReadString(out var value));
        Assert.AreEqual(expected, Encoding.UTF8.GetString(value));
        Assert.AreEqual(bytes.Length - 1, scanner.Position, "stops after the closing quote");
    }

    [TestMethod]
    [DataRow("\"a\\\"b\"", "an escaped quote")]
    [DataRow("\"\\u0031\"", "a unicode escape")]
    [DataRow("\"a\tb\"", "a raw tab (a control character, invalid JSON)")]
    [DataRow("\"a\u007Fb\"", "DEL (valid JSON, left to the reader)")]
    [DataRow("\"öffer\"", "non-ASCII UTF-8")]
    [DataRow("\"unterminated", "no closing quote")]
    [DataRow("bid", "no quotes")]
    [DataRow("", "nothing")]
    public void Strings_that_are_not_plain_are_refused(string json, string why)
    {
        var scanner = new PlainJsonScanner(Encoding.UTF8.GetBytes(json));
        Assert.IsFalse(scanner.TryReadString(out _), why);
    }

    [TestMethod]
    [DataRow("0,", true, 0L)]
    [DataRow("7}", true, 7L)]
    [DataRow(" 123 ", true, 123L)]
    [DataRow("999999999999999999]", true, 999_999_999_999_999_999L)]
    [DataRow("1000000000000000000]", false, 0L)]
    [DataRow("012,", false, 0L)]
    [DataRow("-1,", false, 0L)]
    [DataRow("1.5,", false, 0L)]
    [DataRow("1e3,", false, 0L)]
    [DataRow("12", false, 0L)]
    [DataRow("12x", false, 0L)]
    [DataRow("\"12\",", false, 0L)]
    [DataRow("null,", false, 0L)]
    public void Integers_are_plain_digits_followed_by_a_delimiter(string json, bool plain, long expected)
    {
        var scanner = new PlainJsonScanner(Encoding.UTF8.GetBytes(json));
        Assert.AreEqual(plain, scanner.TryReadInteger(out var value), json);
        if (plain)
        {
            Assert.AreEqual(expected, value);
        }
    }

    [TestMethod]
    public void Structure_and_end_are_checked()
    {
        var scanner = new PlainJsonScanner(" { \"a\" :\t1 ,\"b\":\"x\"}\r\n"u8);
        Assert.IsTrue(scanner.TryConsume((byte)'{'));
        Assert.IsTrue(scanner.TryReadName(out var a) && a.SequenceEqual("a"u8));
        Assert.IsTrue(scanner.TrySkipScalar());
        Assert.IsFalse(scanner.TryConsume((byte)'}'), "a comma comes first");
        Assert.IsTrue(scanner.TryConsume((byte)','));
        Assert.IsTrue(scanner.TryReadName(out var b) && b.SequenceEqual("b"u8));
        Assert.IsFalse(scanner.IsAtEnd());
        Assert.IsTrue(scanner.TrySkipScalar());
        Assert.IsTrue(scanner.TryConsume((byte)'}'));
        Assert.IsTrue(scanner.IsAtEnd());

        Assert.IsFalse(new PlainJsonScanner("\"a\" 1"u8).TryReadName(out _), "a name needs its colon");
        Assert.IsFalse(new PlainJsonScanner("true,"u8).TrySkipScalar(), "literals are left to the reader");
        Assert.IsFalse(new PlainJsonScanner("[1],"u8).TrySkipScalar(), "arrays are not scalars");
        Assert.IsFalse(new PlainJsonScanner("{},"u8).TrySkipScalar(), "objects are not scalars");
    }

    [TestMethod]
    public void Whatever_the_scanner_accepts_the_reader_reads_as_the_same_value()
    {
        // Values built from bytes that matter to JSON, so that plain, escaped, invalid and odd numbers all come up.
        var alphabet = "\"\\0123456789.-+eE abcu\t\u007F\u00e9\u0001,]}".ToCharArray();
        var anything = Gen.ArrayOf(Gen.Elements(alphabet)).Select(c => new string(c));
        var quoted = Gen.ArrayOf(Gen.Elements(alphabet.Where(c => c != '"').ToArray())).Select(c => "\"" + new string(c) + "\"");
        var digits = Gen.ArrayOf(Gen.Elements("0123456789".ToCharArray())).Select(c => new string(c));
        var gen = Gen.OneOf(anything, quoted, digits);
        var accepted = 0;
        Prop.ForAll(Arb.From(gen), text =>
        {
            var bytes = Encoding.UTF8.GetBytes("[" + text + "]");
            var scanner = new PlainJsonScanner(bytes);
            scanner.TryConsume((byte)'[');
            var isString = text.TrimStart(' ', '\t').StartsWith('"');
            ReadOnlySpan<byte> value = default;
            var number = 0L;
            var ok = isString ? scanner.TryReadString(out value) : scanner.TryReadInteger(out number);
            if (!ok || !scanner.TryConsume((byte)']') || !scanner.IsAtEnd())
            {
                return;
            }

            accepted++;
            var reader = new Utf8JsonReader(bytes);
            reader.Read();
            Assert.IsTrue(reader.Read(), text);
            if (isString)
            {
                Assert.AreEqual(JsonTokenType.String, reader.TokenType, text);
                Assert.IsFalse(reader.ValueIsEscaped, text);
                Assert.IsTrue(reader.ValueSpan.SequenceEqual(value), text);
            }
            else
            {
                Assert.AreEqual(JsonTokenType.Number, reader.TokenType, text);
                Assert.IsTrue(reader.TryGetInt64(out var expected), text);
                Assert.AreEqual(expected, number, text);
            }

            Assert.IsTrue(reader.Read() && reader.TokenType == JsonTokenType.EndArray && !reader.Read(), text);
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(2_000).WithQuietOnSuccess(true));
        Assert.IsTrue(accepted > 100, $"the generator produced plain values ({accepted})");
    }
}
