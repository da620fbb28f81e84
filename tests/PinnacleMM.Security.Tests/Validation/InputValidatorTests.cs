using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security.Tests.Validation;

[TestClass]
public sealed partial class InputValidatorTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(500).WithQuietOnSuccess(true);

    /// <summary>Arbitrary strings (including null, control and non-ASCII characters) mixed with strings over an alphabet where valid values are common.</summary>
    private static Arbitrary<string?> Strings(string alphabet, int maxLength = 80)
    {
        var focused = Gen.Choose(0, maxLength).SelectMany(n => Gen.Elements(alphabet.ToCharArray()).ArrayOf(n)).Select(a => (string?)new string(a));
        var any = ArbMap.Default.ArbFor<string>().Generator.Select(s => (string?)s);
        return Arb.From(Gen.Frequency((1, any), (2, focused)));
    }

    private static void AssertWellFormed(ValidationResult result, string field, string? value, bool secret)
    {
        if (result.IsValid)
        {
            Assert.IsNull(result.Rule);
            return;
        }

        Assert.AreEqual(field, result.Field);
        Assert.IsFalse(string.IsNullOrEmpty(result.Rule));
        Assert.IsFalse(string.IsNullOrEmpty(result.Message));
        StringAssert.Contains(result.Message, field);
        if (secret && value is { Length: >= 6 })
        {
            Assert.IsFalse(result.Message!.Contains(value, StringComparison.Ordinal), "the message echoes the value");
        }
    }

    [GeneratedRegex("^[A-Z0-9]+([-/_][A-Z0-9]+)*\\z")]
    private static partial Regex SymbolModel();

    [GeneratedRegex("^([0-9]+\\.?[0-9]*|\\.[0-9]+)\\z")]
    private static partial Regex PlainDecimalModel();

    [GeneratedRegex("^[A-Za-z0-9_:.-]+\\z")]
    private static partial Regex ClientOrderIdModel();

    [TestMethod]
    public void Symbol_never_throws_and_agrees_with_a_regex_model() =>
        Prop.ForAll(Strings("ABCXYZ019-/_a. "), s =>
        {
            var result = InputValidator.Symbol(s);
            AssertWellFormed(result, "symbol", s, secret: false);
            var expected = s is { Length: > 0 and <= 32 } && SymbolModel().IsMatch(s);
            Assert.AreEqual(expected, result.IsValid, $"'{s}': {result}");
        }).Check(Quick);

    [TestMethod]
    [DataRow("BTC-USD", null)]
    [DataRow("BTC/USDT", null)]
    [DataRow("ETHUSDT", null)]
    [DataRow("", "required")]
    [DataRow("btc-usd", "charset")]
    [DataRow("BTC--USD", "format")]
    [DataRow("-BTC", "format")]
    [DataRow("BTC-", "format")]
    [DataRow("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "max-length")]
    public void Symbol_examples(string value, string? rule) => Assert.AreEqual(rule, InputValidator.Symbol(value).Rule);

    [TestMethod]
    public void Client_order_id_never_throws_and_agrees_with_a_regex_model() =>
        Prop.ForAll(Strings("abcXYZ019-_:. /\u00e9", 80), s =>
        {
            var result = InputValidator.ClientOrderId(s);
            AssertWellFormed(result, "clientOrderId", s, secret: false);
            Assert.AreEqual(s is { Length: > 0 and <= 64 } && ClientOrderIdModel().IsMatch(s), result.IsValid, $"'{s}'");
        }).Check(Quick);

    [TestMethod]
    public void Api_key_and_secret_validators_never_throw_nor_echo_the_value() =>
        Prop.ForAll(Strings("abcdefABCDEF0123456789+/=-_ \n\t", 120), s =>
        {
            AssertWellFormed(InputValidator.ApiKey(s), "apiKey", s, secret: true);
            AssertWellFormed(InputValidator.ApiSecret(s), "apiSecret", s, secret: true);
        }).Check(Quick);

    [TestMethod]
    [DataRow("c2VjcmV0LXNlY3JldC1zZWNyZXQ=", null)]
    [DataRow("0123456789abcdef0123456789abcdef", null)]
    [DataRow("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA\n-----END EC PRIVATE KEY-----\n", null)]
    [DataRow("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIA", "shape")]
    [DataRow("short", "min-length")]
    [DataRow(" c2VjcmV0LXNlY3JldC1zZWNyZXQ=", "whitespace")]
    [DataRow("c2VjcmV0 LXNlY3JldC1zZWNyZXQ", "shape")]
    [DataRow("c2VjcmV0LXNlY3JldC1zZWNyZXQ===", "shape")]
    public void Api_secret_examples(string value, string? rule) => Assert.AreEqual(rule, InputValidator.ApiSecret(value).Rule);

    [TestMethod]
    public void Api_key_examples()
    {
        Assert.IsTrue(InputValidator.ApiKey("organizations/abc/apiKeys/def").IsValid);
        Assert.AreEqual("min-length", InputValidator.ApiKey("abc").Rule);
        Assert.AreEqual("charset", InputValidator.ApiKey("abc defgh").Rule);
        Assert.AreEqual("required", InputValidator.ApiKey(null).Rule);
        Assert.AreEqual("max-length", InputValidator.ApiKey(new string('a', 513)).Rule);
    }

    [TestMethod]
    public void Prices_on_the_grid_are_valid_and_off_grid_prices_are_rejected() =>
        Prop.ForAll(Gen.Choose(1, 1_000_000).ToArbitrary(), Gen.Elements(0.01m, 0.5m, 1m, 0.00001m).ToArbitrary(), (ticks, tick) =>
        {
            var max = 1_000_000m;
            var on = ticks * tick;
            Assert.IsTrue(InputValidator.Price(on, tick, tick, max).IsValid, $"{on} on {tick}");
            var off = InputValidator.Price(on + (tick / 2), tick, tick, max);
            Assert.AreEqual("tick", off.Rule);
            Assert.AreEqual("price", off.Field);
            Assert.AreEqual("lot", InputValidator.Quantity(on + (tick / 3), tick, tick, max).Rule);
        }).Check(Quick);

    [TestMethod]
    [DataRow(double.NaN, "finite")]
    [DataRow(double.PositiveInfinity, "finite")]
    [DataRow(double.NegativeInfinity, "finite")]
    [DataRow(1e300, "max")]
    [DataRow(-1.0, "positive")]
    [DataRow(0.0, "positive")]
    [DataRow(0.25, "min")]
    [DataRow(2000.0, "max")]
    [DataRow(10.005, "tick")]
    [DataRow(10.5, null)]
    public void Double_prices(double value, string? rule) =>
        Assert.AreEqual(rule, InputValidator.Price(value, 0.01m, 0.5m, 1000m).Rule);

    [TestMethod]
    public void Bad_instrument_numbers_are_reported_on_their_own_field()
    {
        var result = InputValidator.Price(1m, 0m, 0m, 10m);
        Assert.AreEqual(("tickSize", "positive"), (result.Field, result.Rule));
        Assert.AreEqual(("lotSize", "positive"), (InputValidator.Quantity(1m, -1m, 0m, 10m).Field, InputValidator.Quantity(1m, -1m, 0m, 10m).Rule));
        Assert.AreEqual("limits", InputValidator.Quantity(1m, 1m, 5m, 2m).Rule);
    }

    [TestMethod]
    public void Decimal_text_never_throws_and_parses_plain_numbers_only() =>
        Prop.ForAll(Strings("0123456789.-+eE, ", 45), s =>
        {
            var result = InputValidator.DecimalText(s, out var value);
            AssertWellFormed(result, "value", s, secret: false);
            var plain = s is { Length: > 0 and <= 28 } && PlainDecimalModel().IsMatch(s);
            if (plain)
            {
                Assert.IsTrue(result.IsValid, $"'{s}': {result}");
                Assert.AreEqual(decimal.Parse(s!, System.Globalization.CultureInfo.InvariantCulture), value);
            }
            else if (result.IsValid)
            {
                Assert.IsTrue(PlainDecimalModel().IsMatch(s!) && s!.Length <= 40, $"'{s}' accepted");
            }
            else
            {
                Assert.AreEqual(0m, value);
            }
        }).Check(Quick);

    [TestMethod]
    public void Decimal_text_examples()
    {
        Assert.IsTrue(InputValidator.DecimalText("123.45", out var v).IsValid);
        Assert.AreEqual(123.45m, v);
        Assert.AreEqual("format", InputValidator.DecimalText("1e5", out _).Rule);
        Assert.AreEqual("format", InputValidator.DecimalText("-1", out _).Rule);
        Assert.AreEqual("format", InputValidator.DecimalText("1.2.3", out _).Rule);
        Assert.AreEqual("format", InputValidator.DecimalText(".", out _).Rule);
        Assert.AreEqual("format", InputValidator.DecimalText(new string('9', 35), out _).Rule);
    }

    [TestMethod]
    public void Endpoint_and_host_validators_never_throw() =>
        Prop.ForAll(Strings("wsshtp:/.[]@#?%abc0129-_:x", 60), s =>
        {
            AssertWellFormed(InputValidator.ExchangeEndpoint(s), "endpoint", s, secret: false);
            AssertWellFormed(InputValidator.ExchangeEndpoint(s, allowInsecureLoopback: true), "endpoint", s, secret: false);
            AssertWellFormed(InputValidator.HostName(s), "host", s, secret: false);
        }).Check(Quick);

    [TestMethod]
    [DataRow("wss://advanced-trade-ws.coinbase.com", false, null)]
    [DataRow("https://api.coinbase.com/api/v3/brokerage", false, null)]
    [DataRow("https://[2001:db8::1]:8443/x", false, null)]
    [DataRow("http://api.coinbase.com", false, "scheme")]
    [DataRow("ws://api.coinbase.com", false, "scheme")]
    [DataRow("ftp://api.coinbase.com", false, "scheme")]
    [DataRow("ws://127.0.0.1:9000/feed", false, "scheme")]
    [DataRow("ws://127.0.0.1:9000/feed", true, null)]
    [DataRow("http://localhost:8080", true, null)]
    [DataRow("http://api.coinbase.com", true, "scheme")]
    [DataRow("https://user:pass@api.coinbase.com", false, "userinfo")]
    [DataRow("https://api.coinbase.com/#x", false, "fragment")]
    [DataRow("api.coinbase.com", false, "absolute-url")]
    [DataRow("/etc/passwd", false, "absolute-url")]
    [DataRow("https://bad_host.com", false, "host")]
    [DataRow("", false, "required")]
    public void Endpoint_examples(string url, bool loopback, string? rule) =>
        Assert.AreEqual(rule, InputValidator.ExchangeEndpoint(url, loopback).Rule, url);

    [TestMethod]
    [DataRow("api.coinbase.com", null)]
    [DataRow("localhost", null)]
    [DataRow("10.0.0.1", null)]
    [DataRow("::1", null)]
    [DataRow("-bad.com", "hostname")]
    [DataRow("a..b", "hostname")]
    [DataRow("1.2.3", "hostname")]
    [DataRow("300.1.1.1", "hostname")]
    [DataRow("exa mple.com", "hostname")]
    public void Host_examples(string host, string? rule) => Assert.AreEqual(rule, InputValidator.HostName(host).Rule, host);

    [TestMethod]
    public void Ports()
    {
        Assert.IsTrue(InputValidator.Port(1).IsValid);
        Assert.IsTrue(InputValidator.Port(65535).IsValid);
        Assert.AreEqual("range", InputValidator.Port(0).Rule);
        Assert.AreEqual("range", InputValidator.Port(65536).Rule);
        Assert.AreEqual("range", InputValidator.Port(-1).Rule);
    }

    [TestMethod]
    public void Config_sizes()
    {
        Assert.IsTrue(InputValidator.ConfigSize(1).IsValid);
        Assert.IsTrue(InputValidator.ConfigSize(InputValidator.DefaultMaxConfigBytes).IsValid);
        Assert.AreEqual("max-size", InputValidator.ConfigSize(InputValidator.DefaultMaxConfigBytes + 1).Rule);
        Assert.AreEqual("empty", InputValidator.ConfigSize(0).Rule);
        Assert.AreEqual("max-size", InputValidator.ConfigSize(11, maxBytes: 10, field: "strategy.json").Rule);
    }
}
