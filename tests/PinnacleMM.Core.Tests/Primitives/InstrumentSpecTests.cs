using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Primitives;

/// <summary>Every rejection rule of the constructor, TryGetPrice and TryGetQuantity, with its exact message; conversions and formatting.</summary>
[TestClass]
public sealed class InstrumentSpecTests
{
    private static readonly InstrumentSpec Spec = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 100m, maxPrice: 100000m);
    private static readonly InstrumentSpec Unbounded = new("X", 0.01m, 1m);

    // ------------------------------------------------------------------ constructor

    [TestMethod]
    public void Constructor_sets_the_grid_and_defaults()
    {
        Assert.AreEqual(("BTC-USD", 0.01m, 0.001m, 2, 3), (Spec.Symbol, Spec.TickSize, Spec.LotSize, Spec.PriceDecimals, Spec.QuantityDecimals));
        Assert.AreEqual((new Quantity(2), new Quantity(100000), new Price(10000000)), (Spec.MinQuantity, Spec.MaxQuantity, Spec.MaxPrice));
        Assert.AreEqual((new Quantity(1), new Quantity(long.MaxValue), new Price(long.MaxValue)), (Unbounded.MinQuantity, Unbounded.MaxQuantity, Unbounded.MaxPrice));
        var trailingZeros = new InstrumentSpec("X", 0.010m, 1.00m);
        Assert.AreEqual((2, 0), (trailingZeros.PriceDecimals, trailingZeros.QuantityDecimals), "decimals of a step ignore trailing zeros");
        var explicitDecimals = new InstrumentSpec("a-Z_0/9.x", 0.5m, 10m, priceDecimals: 18, quantityDecimals: 0);
        Assert.AreEqual((18, 0), (explicitDecimals.PriceDecimals, explicitDecimals.QuantityDecimals));
        Assert.AreEqual("BTC-USD (tick 0.01, lot 0.001)", Spec.ToString());
    }

    [TestMethod]
    [DataRow(null, "symbol must not be empty. (Parameter 'symbol')")]
    [DataRow("", "symbol must not be empty. (Parameter 'symbol')")]
    [DataRow("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", "symbol 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456' is longer than 32 characters. (Parameter 'symbol')")]
    [DataRow("BTC USD", "symbol 'BTC USD' contains ' ': only A-Z, a-z, 0-9, '-', '_', '/' and '.' are allowed. (Parameter 'symbol')")]
    [DataRow("BTC:USD", "symbol 'BTC:USD' contains ':': only A-Z, a-z, 0-9, '-', '_', '/' and '.' are allowed. (Parameter 'symbol')")]
    [DataRow("ÉTH", "symbol 'ÉTH' contains 'É': only A-Z, a-z, 0-9, '-', '_', '/' and '.' are allowed. (Parameter 'symbol')")]
    public void Constructor_rejects_bad_symbols(string? symbol, string message)
    {
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new InstrumentSpec(symbol!, 0.01m, 1m));
        Assert.AreEqual((message, "symbol"), (ex.Message, ex.ParamName));
    }

    [TestMethod]
    public void Constructor_accepts_a_32_character_symbol()
    {
        var symbol = new string('A', 32);
        Assert.AreEqual(symbol, new InstrumentSpec(symbol, 1m, 1m).Symbol);
    }

    [TestMethod]
    [DataRow("0", "1", "tickSize", "tickSize 0 must be positive. (Parameter 'tickSize')\nActual value was 0.")]
    [DataRow("-0.01", "1", "tickSize", "tickSize -0.01 must be positive. (Parameter 'tickSize')\nActual value was -0.01.")]
    [DataRow("0.01", "0", "lotSize", "lotSize 0 must be positive. (Parameter 'lotSize')\nActual value was 0.")]
    [DataRow("0.01", "-1", "lotSize", "lotSize -1 must be positive. (Parameter 'lotSize')\nActual value was -1.")]
    public void Constructor_rejects_non_positive_steps(string tick, string lot, string param, string message)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new InstrumentSpec("X", decimal.Parse(tick, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(lot, System.Globalization.CultureInfo.InvariantCulture)));
        Assert.AreEqual((message, param), (ex.Message.ReplaceLineEndings("\n"), ex.ParamName));
    }

    [TestMethod]
    [DataRow(1, null, "priceDecimals", "priceDecimals 1 must be between the decimals of tickSize (2) and 18. (Parameter 'priceDecimals')\nActual value was 1.")]
    [DataRow(19, null, "priceDecimals", "priceDecimals 19 must be between the decimals of tickSize (2) and 18. (Parameter 'priceDecimals')\nActual value was 19.")]
    [DataRow(null, 2, "quantityDecimals", "quantityDecimals 2 must be between the decimals of lotSize (3) and 18. (Parameter 'quantityDecimals')\nActual value was 2.")]
    [DataRow(null, -1, "quantityDecimals", "quantityDecimals -1 must be between the decimals of lotSize (3) and 18. (Parameter 'quantityDecimals')\nActual value was -1.")]
    public void Constructor_rejects_decimals_out_of_range(int? priceDecimals, int? quantityDecimals, string param, string message)
    {
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new InstrumentSpec("X", 0.01m, 0.001m, priceDecimals: priceDecimals, quantityDecimals: quantityDecimals));
        Assert.AreEqual((message, param), (ex.Message.ReplaceLineEndings("\n"), ex.ParamName));
    }

    [TestMethod]
    [DataRow("maxPrice", "0", "maxPrice 0 must be positive. (Parameter 'maxPrice')")]
    [DataRow("maxPrice", "100.005", "maxPrice 100.005 is not a multiple of the tick size 0.01 of BTC-USD. (Parameter 'maxPrice')")]
    [DataRow("maxQuantity", "-1", "maxQuantity -1 must be positive. (Parameter 'maxQuantity')")]
    [DataRow("maxQuantity", "0.0005", "maxQuantity 0.0005 is not a multiple of the lot size 0.001 of BTC-USD. (Parameter 'maxQuantity')")]
    [DataRow("minQuantity", "0", "minQuantity 0 must be positive. (Parameter 'minQuantity')")]
    [DataRow("minQuantity", "0.0025", "minQuantity 0.0025 is not a multiple of the lot size 0.001 of BTC-USD. (Parameter 'minQuantity')")]
    [DataRow("minQuantity", "5", "minQuantity 5 is above the maximum quantity 2.000 of BTC-USD. (Parameter 'minQuantity')")]
    public void Constructor_rejects_limits_off_the_grid_or_inconsistent(string param, string value, string message)
    {
        var v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => param switch
        {
            "maxPrice" => new InstrumentSpec("BTC-USD", 0.01m, 0.001m, maxPrice: v),
            "maxQuantity" => new InstrumentSpec("BTC-USD", 0.01m, 0.001m, maxQuantity: v),
            _ => new InstrumentSpec("BTC-USD", 0.01m, 0.001m, minQuantity: v, maxQuantity: 2m),
        });
        Assert.AreEqual((message, param), (ex.Message, ex.ParamName));
    }

    // ------------------------------------------------------------------ prices

    [TestMethod]
    [DataRow("0.01", 1L)]
    [DataRow("100.01", 10001L)]
    [DataRow("100.0100", 10001L)]
    [DataRow("100000", 10000000L)]
    public void TryGetPrice_accepts_prices_on_the_grid(string value, long ticks)
    {
        Assert.IsTrue(Spec.TryGetPrice(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), out var price, out var error));
        Assert.AreEqual((new Price(ticks), (string?)null), (price, error));
        Assert.AreEqual(price, Spec.GetPrice(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [TestMethod]
    [DataRow("0", "price 0 must be positive.")]
    [DataRow("-0.01", "price -0.01 must be positive.")]
    [DataRow("100.005", "price 100.005 is not a multiple of the tick size 0.01 of BTC-USD.")]
    [DataRow("0.001", "price 0.001 is not a multiple of the tick size 0.01 of BTC-USD.")]
    [DataRow("100000.01", "price 100000.01 is above the maximum price 100000.00 of BTC-USD.")]
    public void TryGetPrice_rejects_with_a_message_naming_field_value_and_rule(string value, string message)
    {
        var v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsFalse(Spec.TryGetPrice(v, out var price, out var error));
        Assert.AreEqual((default(Price), message), (price, error));
        Assert.IsFalse(Spec.TryGetPrice(v, out _, out error, "limitPrice"));
        Assert.AreEqual("limitPrice" + message["price".Length..], error);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => Spec.GetPrice(v, "px"));
        Assert.AreEqual(("px" + message["price".Length..] + " (Parameter 'px')", "px"), (ex.Message, ex.ParamName));
    }

    [TestMethod]
    public void TryGetPrice_rejects_overflow_of_64_bit_ticks()
    {
        Assert.IsTrue(Unbounded.TryGetPrice(92233720368547758.07m, out var max, out _));
        Assert.AreEqual(new Price(long.MaxValue), max);
        Assert.IsFalse(Unbounded.TryGetPrice(92233720368547758.08m, out _, out var error));
        Assert.AreEqual("price 92233720368547758.08 overflows: it is more than 9223372036854775807 ticks of 0.01.", error);
        Assert.IsFalse(Unbounded.TryGetPrice(decimal.MaxValue, out _, out error));
        Assert.AreEqual("price 79228162514264337593543950335 overflows: it is more than 9223372036854775807 ticks of 0.01.", error);
    }

    // ------------------------------------------------------------------ quantities

    [TestMethod]
    [DataRow("0", false, "quantity 0 must be positive.")]
    [DataRow("-0.001", false, "quantity -0.001 must be positive.")]
    [DataRow("-0.001", true, "quantity -0.001 must not be negative.")]
    [DataRow("0.0015", false, "quantity 0.0015 is not a multiple of the lot size 0.001 of BTC-USD.")]
    [DataRow("0.0015", true, "quantity 0.0015 is not a multiple of the lot size 0.001 of BTC-USD.")]
    [DataRow("0.001", false, "quantity 0.001 is below the minimum quantity 0.002 of BTC-USD.")]
    [DataRow("100.001", false, "quantity 100.001 is above the maximum quantity 100.000 of BTC-USD.")]
    public void TryGetQuantity_rejects_with_a_message_naming_field_value_and_rule(string value, bool allowZero, string message)
    {
        var v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsFalse(Spec.TryGetQuantity(v, out var quantity, out var error, allowZero: allowZero));
        Assert.AreEqual((default(Quantity), message), (quantity, error));
        Assert.IsFalse(Spec.TryGetQuantity(v, out _, out error, "size", allowZero));
        Assert.AreEqual("size" + message["quantity".Length..], error);
        if (!allowZero)
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => Spec.GetQuantity(v, "qty"));
            Assert.AreEqual(("qty" + message["quantity".Length..] + " (Parameter 'qty')", "qty"), (ex.Message, ex.ParamName));
        }
    }

    [TestMethod]
    [DataRow("0", true, 0L)]
    [DataRow("0.001", true, 1L)]
    [DataRow("100.001", true, 100001L)]
    [DataRow("0.002", false, 2L)]
    [DataRow("100", false, 100000L)]
    public void TryGetQuantity_accepts(string value, bool allowZero, long lots)
    {
        Assert.IsTrue(Spec.TryGetQuantity(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), out var quantity, out var error, allowZero: allowZero));
        Assert.AreEqual((new Quantity(lots), (string?)null), (quantity, error));
    }

    [TestMethod]
    public void TryGetQuantity_rejects_overflow_of_64_bit_lots()
    {
        Assert.IsTrue(Unbounded.TryGetQuantity(9223372036854775807m, out var max, out _));
        Assert.AreEqual(new Quantity(long.MaxValue), max);
        Assert.IsFalse(Unbounded.TryGetQuantity(9223372036854775808m, out _, out var error, allowZero: true));
        Assert.AreEqual("quantity 9223372036854775808 overflows: it is more than 9223372036854775807 lots of 1.", error);
    }

    // ------------------------------------------------------------------ conversions

    [TestMethod]
    public void Conversions_and_formatting_round_trip()
    {
        Assert.AreEqual(100.01m, Spec.ToDecimal(new Price(10001)));
        Assert.AreEqual(0.25m, Spec.ToDecimal(new Quantity(250)));
        Assert.AreEqual(100.005m, Spec.TicksToDecimal(10000.5m));
        Assert.AreEqual("100.10", Spec.Format(new Price(10010)));
        Assert.AreEqual("0.250", Spec.Format(new Quantity(250)));
        Assert.AreEqual("1.000000", new InstrumentSpec("X", 0.5m, 1m, priceDecimals: 6).Format(new Price(2)));
        foreach (var ticks in new long[] { 1, 99, 10001, 10000000 })
        {
            Assert.AreEqual(new Price(ticks), Spec.GetPrice(Spec.ToDecimal(new Price(ticks))));
        }
    }
}
