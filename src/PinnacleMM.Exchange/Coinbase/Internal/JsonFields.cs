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
    /// Whether the current property name is <paramref name="name"/>. An unescaped name (the usual case) is compared
    /// as raw bytes, which rejects a different length at once; an escaped one goes through the reader's unescaping.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool NameIs(ref readonly Utf8JsonReader reader, ReadOnlySpan<byte> name) =>
        reader.ValueIsEscaped ? reader.ValueTextEquals(name) : reader.ValueSpan.SequenceEqual(name);

    /// <summary>
    /// A side as Coinbase writes it: <c>buy</c>/<c>bid</c> or <c>sell</c>/<c>offer</c>/<c>ask</c>, any case. Dispatches
    /// on the length and first letter so that each text is compared with one candidate only.
    /// </summary>
    public static bool TryParseSide(ReadOnlySpan<byte> text, out Side side)
    {
        var candidate = text.Length switch
        {
            3 => (text[0] | 0x20) switch
            {
                'b' => (text[1] | 0x20) == 'i' ? "bid"u8 : "buy"u8,
                'a' => "ask"u8,
                _ => default,
            },
            4 => "sell"u8,
            5 => "offer"u8,
            _ => default,
        };

        if (!candidate.IsEmpty && System.Text.Ascii.EqualsIgnoreCase(text, candidate))
        {
            side = candidate[0] == 'b' ? Side.Buy : Side.Sell;
            return true;
        }

        side = default;
        return false;
    }
}
