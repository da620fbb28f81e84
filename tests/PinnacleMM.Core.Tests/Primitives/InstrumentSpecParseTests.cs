using System.Text;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Primitives;

/// <summary>
/// TryParsePrice / TryParseQuantity, for text and for UTF-8 bytes: both overloads accept and reject
/// exactly the same inputs with the same message (plain invariant decimals: no exponent, no spaces,
/// no thousands separators), then apply the grid rules.
/// </summary>
[TestClass]
public sealed class InstrumentSpecParseTests
{
    private static readonly InstrumentSpec Spec = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 100m, maxPrice: 100000m);

    [TestMethod]
    [DataRow("100.01", 10001L, null)]
    [DataRow("+5", 500L, null)]
    [DataRow(".5", 50L, null)]
    [DataRow("5.", 500L, null)]
    [DataRow("100.010", 10001L, null)]
    [DataRow("100000", 10000000L, null)]
    [DataRow("1e2", 0L, "price '1e2' is not a decimal number.")]
    [DataRow("1E2", 0L, "price '1E2' is not a decimal number.")]
    [DataRow("1.0e1", 0L, "price '1.0e1' is not a decimal number.")]
    [DataRow("abc", 0L, "price 'abc' is not a decimal number.")]
    [DataRow("", 0L, "price '' is not a decimal number.")]
    [DataRow(" 1", 0L, "price ' 1' is not a decimal number.")]
    [DataRow("1 ", 0L, "price '1 ' is not a decimal number.")]
    [DataRow("1,000", 0L, "price '1,000' is not a decimal number.")]
    [DataRow("0x10", 0L, "price '0x10' is not a decimal number.")]
    [DataRow("NaN", 0L, "price 'NaN' is not a decimal number.")]
    [DataRow("-0", 0L, "price 0 must be positive.")]
    [DataRow("-1.50", 0L, "price -1.50 must be positive.")]
    [DataRow("100.005", 0L, "price 100.005 is not a multiple of the tick size 0.01 of BTC-USD.")]
    [DataRow("100000.01", 0L, "price 100000.01 is above the maximum price 100000.00 of BTC-USD.")]
    public void TryParsePrice_text_and_utf8_agree(string text, long ticks, string? error)
    {
        var charOk = Spec.TryParsePrice(text.AsSpan(), out var charPrice, out var charError);
        var utf8Ok = Spec.TryParsePrice(Encoding.UTF8.GetBytes(text), out var utf8Price, out var utf8Error);
        Assert.AreEqual((error is null, new Price(ticks), error), (charOk, charPrice, charError), "text");
        Assert.AreEqual((error is null, new Price(ticks), error), (utf8Ok, utf8Price, utf8Error), "utf-8");
    }

    [TestMethod]
    [DataRow("0.002", false, 2L, null)]
    [DataRow("100", false, 100000L, null)]
    [DataRow("2e-3", false, 0L, "quantity '2e-3' is not a decimal number.")]
    [DataRow("1E1", false, 0L, "quantity '1E1' is not a decimal number.")]
    [DataRow("x", true, 0L, "quantity 'x' is not a decimal number.")]
    [DataRow("0", false, 0L, "quantity 0 must be positive.")]
    [DataRow("0", true, 0L, null)]
    [DataRow("-0.001", false, 0L, "quantity -0.001 must be positive.")]
    [DataRow("-0.001", true, 0L, "quantity -0.001 must not be negative.")]
    [DataRow("0.0015", true, 0L, "quantity 0.0015 is not a multiple of the lot size 0.001 of BTC-USD.")]
    [DataRow("0.001", false, 0L, "quantity 0.001 is below the minimum quantity 0.002 of BTC-USD.")]
    [DataRow("0.001", true, 1L, null)]
    [DataRow("100.001", false, 0L, "quantity 100.001 is above the maximum quantity 100.000 of BTC-USD.")]
    [DataRow("100.001", true, 100001L, null)]
    public void TryParseQuantity_text_and_utf8_agree(string text, bool allowZero, long lots, string? error)
    {
        var charOk = Spec.TryParseQuantity(text.AsSpan(), out var charQuantity, out var charError, allowZero: allowZero);
        var utf8Ok = Spec.TryParseQuantity(Encoding.UTF8.GetBytes(text), out var utf8Quantity, out var utf8Error, allowZero: allowZero);
        Assert.AreEqual((error is null, new Quantity(lots), error), (charOk, charQuantity, charError), "text");
        Assert.AreEqual((error is null, new Quantity(lots), error), (utf8Ok, utf8Quantity, utf8Error), "utf-8");
    }

    [TestMethod]
    public void Parse_errors_use_the_given_field_name()
    {
        Assert.IsFalse(Spec.TryParsePrice("1e2".AsSpan(), out _, out var error, "bids[0].price"));
        Assert.AreEqual("bids[0].price '1e2' is not a decimal number.", error);
        Assert.IsFalse(Spec.TryParsePrice("0"u8, out _, out error, "ask"));
        Assert.AreEqual("ask 0 must be positive.", error);
        Assert.IsFalse(Spec.TryParseQuantity("1e2"u8, out _, out error, "size"));
        Assert.AreEqual("size '1e2' is not a decimal number.", error);
        Assert.IsFalse(Spec.TryParseQuantity("0.0001".AsSpan(), out _, out error, "size"));
        Assert.AreEqual("size 0.0001 is not a multiple of the lot size 0.001 of BTC-USD.", error);
    }
}
