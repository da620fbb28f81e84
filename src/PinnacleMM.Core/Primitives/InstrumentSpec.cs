using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace PinnacleMM.Core.Primitives;

/// <summary>
/// The grid an instrument trades on: its tick size (price step), lot size (quantity step), minimum and
/// maximum order quantity, maximum price and display decimals. It converts <see cref="decimal"/> values
/// and text into fixed-point <see cref="Price"/> and <see cref="Quantity"/> and back, and it
/// <b>rejects</b> — never rounds — a value that is off the grid, negative, zero where zero is not
/// allowed, above the maximum, or that would overflow. Every rejection message names the field, the
/// value and the rule.
/// </summary>
/// <remarks>Immutable and thread-safe.</remarks>
public sealed class InstrumentSpec
{
    private const int MaxSymbolLength = 32;
    private const int MaxDecimals = 18;

    /// <summary>
    /// Creates an instrument specification.
    /// </summary>
    /// <param name="symbol">The instrument symbol, e.g. <c>BTC-USD</c>: 1 to 32 characters of A–Z, a–z, 0–9, '-', '_', '/', '.'.</param>
    /// <param name="tickSize">The price step in quote currency; positive.</param>
    /// <param name="lotSize">The quantity step in base currency; positive.</param>
    /// <param name="minQuantity">The smallest order quantity; a positive multiple of <paramref name="lotSize"/>. Defaults to one lot.</param>
    /// <param name="maxQuantity">The largest order quantity; a multiple of <paramref name="lotSize"/>. Defaults to the largest representable.</param>
    /// <param name="maxPrice">The highest price; a multiple of <paramref name="tickSize"/>. Defaults to the largest representable.</param>
    /// <param name="priceDecimals">Decimals shown for prices; at least the decimals of <paramref name="tickSize"/>, at most 18. Defaults to those of the tick size.</param>
    /// <param name="quantityDecimals">Decimals shown for quantities; at least the decimals of <paramref name="lotSize"/>, at most 18. Defaults to those of the lot size.</param>
    /// <exception cref="ArgumentException">A parameter breaks its rule; the message names it.</exception>
    public InstrumentSpec(
        string symbol,
        decimal tickSize,
        decimal lotSize,
        decimal? minQuantity = null,
        decimal? maxQuantity = null,
        decimal? maxPrice = null,
        int? priceDecimals = null,
        int? quantityDecimals = null)
    {
        if (!IsValidSymbol(symbol, out var symbolError))
        {
            throw new ArgumentException(symbolError, nameof(symbol));
        }

        if (tickSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(tickSize), tickSize, $"tickSize {Invariant(tickSize)} must be positive.");
        }

        if (lotSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lotSize), lotSize, $"lotSize {Invariant(lotSize)} must be positive.");
        }

        Symbol = symbol;
        TickSize = tickSize;
        LotSize = lotSize;
        PriceDecimals = ResolveDecimals(priceDecimals, tickSize, nameof(priceDecimals), nameof(tickSize));
        QuantityDecimals = ResolveDecimals(quantityDecimals, lotSize, nameof(quantityDecimals), nameof(lotSize));

        MaxPrice = new Price(long.MaxValue);
        MaxQuantity = new Quantity(long.MaxValue);
        MinQuantity = new Quantity(1);

        if (maxPrice is { } mp)
        {
            MaxPrice = TryGetPrice(mp, out var p, out var error, nameof(maxPrice)) ? p : throw new ArgumentException(error, nameof(maxPrice));
        }

        if (maxQuantity is { } mq)
        {
            MaxQuantity = TryGetQuantity(mq, out var q, out var error, nameof(maxQuantity)) ? q : throw new ArgumentException(error, nameof(maxQuantity));
        }

        if (minQuantity is { } mn)
        {
            MinQuantity = TryGetQuantity(mn, out var q, out var error, nameof(minQuantity)) ? q : throw new ArgumentException(error, nameof(minQuantity));
        }
    }

    /// <summary>The instrument symbol.</summary>
    public string Symbol { get; }

    /// <summary>The price step in quote currency: one tick.</summary>
    public decimal TickSize { get; }

    /// <summary>The quantity step in base currency: one lot.</summary>
    public decimal LotSize { get; }

    /// <summary>The smallest order quantity accepted by the order book.</summary>
    public Quantity MinQuantity { get; }

    /// <summary>The largest order quantity accepted by the order book.</summary>
    public Quantity MaxQuantity { get; }

    /// <summary>The highest price accepted.</summary>
    public Price MaxPrice { get; }

    /// <summary>Decimals used when formatting prices.</summary>
    public int PriceDecimals { get; }

    /// <summary>Decimals used when formatting quantities.</summary>
    public int QuantityDecimals { get; }

    /// <summary>
    /// Converts a price in quote currency to ticks. Rejects a value that is zero or negative, not a
    /// multiple of <see cref="TickSize"/>, above <see cref="MaxPrice"/>, or too large for 64-bit ticks.
    /// </summary>
    /// <param name="value">The price in quote currency.</param>
    /// <param name="price">The price in ticks when accepted.</param>
    /// <param name="error">Why the value was rejected, naming <paramref name="field"/>, the value and the rule.</param>
    /// <param name="field">The name of the field the value came from, used in <paramref name="error"/>.</param>
    /// <returns><see langword="true"/> when the value is on the grid and in range.</returns>
    public bool TryGetPrice(decimal value, out Price price, [NotNullWhen(false)] out string? error, string field = "price")
    {
        price = default;
        if (value <= 0)
        {
            error = $"{field} {Invariant(value)} must be positive.";
            return false;
        }

        if (!TryToSteps(value, TickSize, out var ticks))
        {
            error = decimal.Remainder(value, TickSize) != 0
                ? $"{field} {Invariant(value)} is not a multiple of the tick size {Invariant(TickSize)} of {Symbol}."
                : $"{field} {Invariant(value)} overflows: it is more than {long.MaxValue} ticks of {Invariant(TickSize)}.";
            return false;
        }

        if (ticks > MaxPrice.Ticks)
        {
            error = $"{field} {Invariant(value)} is above the maximum price {Format(MaxPrice)} of {Symbol}.";
            return false;
        }

        price = new Price(ticks);
        error = null;
        return true;
    }

    /// <summary>Converts a price in quote currency to ticks, throwing when it is rejected (see <see cref="TryGetPrice(decimal, out Price, out string?, string)"/>).</summary>
    /// <exception cref="ArgumentException">The value is off the grid or out of range; the message says why.</exception>
    public Price GetPrice(decimal value, string field = "price") =>
        TryGetPrice(value, out var price, out var error, field) ? price : throw new ArgumentException(error, field);

    /// <summary>
    /// Converts a quantity in base currency to lots. Rejects a value that is negative, not a multiple of
    /// <see cref="LotSize"/>, too large for 64-bit lots, and — unless <paramref name="allowZero"/> — zero,
    /// below <see cref="MinQuantity"/> or above <see cref="MaxQuantity"/>. With <paramref name="allowZero"/>
    /// (book sizes from a market data feed, where zero removes a level) only the grid and overflow rules apply.
    /// </summary>
    /// <param name="value">The quantity in base currency.</param>
    /// <param name="quantity">The quantity in lots when accepted.</param>
    /// <param name="error">Why the value was rejected, naming <paramref name="field"/>, the value and the rule.</param>
    /// <param name="field">The name of the field the value came from, used in <paramref name="error"/>.</param>
    /// <param name="allowZero">Accept any size on the grid, including zero (not an order quantity).</param>
    /// <returns><see langword="true"/> when the value is accepted.</returns>
    public bool TryGetQuantity(decimal value, out Quantity quantity, [NotNullWhen(false)] out string? error, string field = "quantity", bool allowZero = false)
    {
        quantity = default;
        if (value < 0 || (value == 0 && !allowZero))
        {
            error = allowZero ? $"{field} {Invariant(value)} must not be negative." : $"{field} {Invariant(value)} must be positive.";
            return false;
        }

        if (!TryToSteps(value, LotSize, out var lots))
        {
            error = decimal.Remainder(value, LotSize) != 0
                ? $"{field} {Invariant(value)} is not a multiple of the lot size {Invariant(LotSize)} of {Symbol}."
                : $"{field} {Invariant(value)} overflows: it is more than {long.MaxValue} lots of {Invariant(LotSize)}.";
            return false;
        }

        if (!allowZero)
        {
            if (lots < MinQuantity.Lots)
            {
                error = $"{field} {Invariant(value)} is below the minimum quantity {Format(MinQuantity)} of {Symbol}.";
                return false;
            }

            if (lots > MaxQuantity.Lots)
            {
                error = $"{field} {Invariant(value)} is above the maximum quantity {Format(MaxQuantity)} of {Symbol}.";
                return false;
            }
        }

        quantity = new Quantity(lots);
        error = null;
        return true;
    }

    /// <summary>Converts a quantity in base currency to lots, throwing when it is rejected (see <see cref="TryGetQuantity(decimal, out Quantity, out string?, string, bool)"/>).</summary>
    /// <exception cref="ArgumentException">The value is off the grid or out of range; the message says why.</exception>
    public Quantity GetQuantity(decimal value, string field = "quantity") =>
        TryGetQuantity(value, out var quantity, out var error, field) ? quantity : throw new ArgumentException(error, field);

    /// <summary>
    /// Parses a price written in invariant culture (e.g. <c>"10101.10"</c>, no exponent, no thousands
    /// separators) and converts it to ticks with the rules of <see cref="TryGetPrice(decimal, out Price, out string?, string)"/>.
    /// </summary>
    public bool TryParsePrice(ReadOnlySpan<char> text, out Price price, [NotNullWhen(false)] out string? error, string field = "price")
    {
        price = default;
        return TryParseDecimal(text, field, out var value, out error) && TryGetPrice(value, out price, out error, field);
    }

    /// <summary>Parses a UTF-8 price (as found in exchange JSON) and converts it to ticks; see <see cref="TryParsePrice(ReadOnlySpan{char}, out Price, out string?, string)"/>.</summary>
    public bool TryParsePrice(ReadOnlySpan<byte> utf8Text, out Price price, [NotNullWhen(false)] out string? error, string field = "price")
    {
        price = default;
        return TryParseDecimal(utf8Text, field, out var value, out error) && TryGetPrice(value, out price, out error, field);
    }

    /// <summary>
    /// Parses a quantity written in invariant culture and converts it to lots with the rules of
    /// <see cref="TryGetQuantity(decimal, out Quantity, out string?, string, bool)"/>.
    /// </summary>
    public bool TryParseQuantity(ReadOnlySpan<char> text, out Quantity quantity, [NotNullWhen(false)] out string? error, string field = "quantity", bool allowZero = false)
    {
        quantity = default;
        return TryParseDecimal(text, field, out var value, out error) && TryGetQuantity(value, out quantity, out error, field, allowZero);
    }

    /// <summary>Parses a UTF-8 quantity (as found in exchange JSON) and converts it to lots; see <see cref="TryParseQuantity(ReadOnlySpan{char}, out Quantity, out string?, string, bool)"/>.</summary>
    public bool TryParseQuantity(ReadOnlySpan<byte> utf8Text, out Quantity quantity, [NotNullWhen(false)] out string? error, string field = "quantity", bool allowZero = false)
    {
        quantity = default;
        return TryParseDecimal(utf8Text, field, out var value, out error) && TryGetQuantity(value, out quantity, out error, field, allowZero);
    }

    /// <summary>The price in quote currency.</summary>
    public decimal ToDecimal(Price price) => price.Ticks * TickSize;

    /// <summary>The quantity in base currency.</summary>
    public decimal ToDecimal(Quantity quantity) => quantity.Lots * LotSize;

    /// <summary>A price given in (possibly fractional) ticks, such as a mid or an average price, in quote currency.</summary>
    public decimal TicksToDecimal(decimal ticks) => ticks * TickSize;

    /// <summary>Formats a price in quote currency with <see cref="PriceDecimals"/> decimals, invariant culture.</summary>
    public string Format(Price price) => ToDecimal(price).ToString("F" + PriceDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>Formats a quantity in base currency with <see cref="QuantityDecimals"/> decimals, invariant culture.</summary>
    public string Format(Quantity quantity) => ToDecimal(quantity).ToString("F" + QuantityDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    /// <summary>The symbol and grid, e.g. <c>BTC-USD (tick 0.01, lot 0.00000001)</c>.</summary>
    public override string ToString() => $"{Symbol} (tick {Invariant(TickSize)}, lot {Invariant(LotSize)})";

    private static bool TryParseDecimal(ReadOnlySpan<char> text, string field, out decimal value, [NotNullWhen(false)] out string? error)
    {
        if (decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value))
        {
            error = null;
            return true;
        }

        error = $"{field} '{text}' is not a decimal number.";
        return false;
    }

    // 'F' format: plain decimal notation, like the text overload (no exponent).
    private static bool TryParseDecimal(ReadOnlySpan<byte> utf8Text, string field, out decimal value, [NotNullWhen(false)] out string? error)
    {
        if (Utf8Parser.TryParse(utf8Text, out value, out var consumed, 'F') && consumed == utf8Text.Length)
        {
            error = null;
            return true;
        }

        error = $"{field} '{System.Text.Encoding.UTF8.GetString(utf8Text)}' is not a decimal number.";
        return false;
    }

    private static bool TryToSteps(decimal value, decimal step, out long steps)
    {
        steps = 0;
        decimal quotient;
        try
        {
            quotient = value / step;
        }
        catch (OverflowException)
        {
            return false;
        }

        if (decimal.Remainder(value, step) != 0 || quotient != decimal.Truncate(quotient) || quotient > long.MaxValue)
        {
            return false;
        }

        steps = (long)quotient;
        return true;
    }

    private static int ResolveDecimals(int? requested, decimal step, string field, string stepField)
    {
        var stepDecimals = step.Scale;
        var normalized = step / 1.000000000000000000000000000000000m;
        stepDecimals = Math.Min(stepDecimals, normalized.Scale);
        if (requested is not { } d)
        {
            return stepDecimals;
        }

        if (d < stepDecimals || d > MaxDecimals)
        {
            throw new ArgumentOutOfRangeException(field, d, $"{field} {d} must be between the decimals of {stepField} ({stepDecimals}) and {MaxDecimals}.");
        }

        return d;
    }

    private static bool IsValidSymbol(string? symbol, [NotNullWhen(false)] out string? error)
    {
        if (string.IsNullOrEmpty(symbol))
        {
            error = "symbol must not be empty.";
            return false;
        }

        if (symbol.Length > MaxSymbolLength)
        {
            error = $"symbol '{symbol}' is longer than {MaxSymbolLength} characters.";
            return false;
        }

        foreach (var c in symbol)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '/' or '.'))
            {
                error = $"symbol '{symbol}' contains '{c}': only A-Z, a-z, 0-9, '-', '_', '/' and '.' are allowed.";
                return false;
            }
        }

        error = null;
        return true;
    }

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
