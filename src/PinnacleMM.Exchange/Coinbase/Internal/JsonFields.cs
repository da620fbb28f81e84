using System.Buffers.Text;
using System.Text.Json;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>Small reading helpers shared by the Coinbase decoders. Each returns false with a message naming the field on a wrong shape.</summary>
internal static class JsonFields
{
    /// <summary>Reads the value after a property name as text (a string, or a bare number).</summary>
    public static bool TryReadText(ref Utf8JsonReader reader, TextBuffer text, out TextRef value, string field, ref string? error)
    {
        reader.Read();
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            value = text.Append(ref reader);
            return true;
        }

        value = TextRef.None;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        error ??= $"{field} must be a string, not {reader.TokenType}.";
        reader.Skip();
        return false;
    }

    /// <summary>Reads an integer that may be written as a number or as a string of digits (Coinbase uses both).</summary>
    public static bool TryReadInt64(ref Utf8JsonReader reader, out long value, string field, ref string? error)
    {
        reader.Read();
        value = -1;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value))
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped
            && Utf8Parser.TryParse(reader.ValueSpan, out value, out var consumed) && consumed == reader.ValueSpan.Length && reader.ValueSpan.Length > 0)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            value = -1;
            return true;
        }

        value = -1;
        error ??= $"{field} must be an integer (a number or a string of digits).";
        reader.Skip();
        return false;
    }

    /// <summary>Moves to the next token and checks it is <paramref name="expected"/>.</summary>
    public static bool Expect(ref Utf8JsonReader reader, JsonTokenType expected, string field, ref string? error)
    {
        reader.Read();
        if (reader.TokenType == expected)
        {
            return true;
        }

        error ??= $"{field} must be {(expected == JsonTokenType.StartArray ? "an array" : expected == JsonTokenType.StartObject ? "an object" : expected.ToString())}, not {reader.TokenType}.";
        reader.Skip();
        return false;
    }

    /// <summary>
    /// A side as Coinbase writes it: <c>buy</c>/<c>bid</c> or <c>sell</c>/<c>offer</c>/<c>ask</c>, any case.
    /// </summary>
    public static bool TryParseSide(ReadOnlySpan<byte> text, out Side side)
    {
        if (System.Text.Ascii.EqualsIgnoreCase(text, "buy"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "bid"u8))
        {
            side = Side.Buy;
            return true;
        }

        if (System.Text.Ascii.EqualsIgnoreCase(text, "sell"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "offer"u8) || System.Text.Ascii.EqualsIgnoreCase(text, "ask"u8))
        {
            side = Side.Sell;
            return true;
        }

        side = default;
        return false;
    }
}
