using System.Buffers;
using System.Runtime.CompilerServices;

namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>
/// A forward-only reader for the plain subset of JSON that a venue's hot messages are written in: objects,
/// arrays, strings of printable ASCII without escapes, and non-negative integers without sign, fraction or
/// exponent, with any JSON whitespace between tokens. Whatever it does not recognise (an escape, a control
/// or non-ASCII byte, another kind of number, <c>true</c>/<c>false</c>/<c>null</c>, a nested value where a
/// scalar is expected, a syntax error) makes a method return false and leaves the verdict to
/// <see cref="System.Text.Json.Utf8JsonReader"/>, which the caller then runs over the whole message.
/// </summary>
/// <remarks>
/// Why it exists: <c>Utf8JsonReader</c> spends about 13 ns per token, and an Advanced Trade <c>l2_data</c>
/// message carrying one change has about 25 tokens, so the tokenizer alone took 329 ns of the 500 ns budget
/// (measured with BenchmarkDotNet, benchmarks/results/coinbase.md). Strings here are scanned with one
/// vectorized search for the first byte outside printable ASCII, which also proves the text needs no
/// unescaping and is valid UTF-8. Everything this scanner accepts is valid JSON that the reader would
/// tokenize into the same strings and numbers, so a caller that falls back on false decides exactly as
/// the reader-based path would.
/// </remarks>
internal ref struct PlainJsonScanner
{
    /// <summary>Bytes a string may hold without a fallback: printable ASCII except the quote and the backslash.</summary>
    private static readonly SearchValues<byte> PlainStringBytes = SearchValues.Create(
        [.. Enumerable.Range(0x20, 0x7F - 0x20).Where(b => b is not ('"' or '\\')).Select(b => (byte)b)]);

    // 18 digits always fit in a long; a longer number is left to the reader.
    private const int MaxIntegerDigits = 18;

    private readonly ReadOnlySpan<byte> _json;
    private int _position;

    public PlainJsonScanner(ReadOnlySpan<byte> json)
    {
        _json = json;
        _position = 0;
    }

    /// <summary>The index of the next unread byte.</summary>
    public readonly int Position => _position;

    /// <summary>Skips whitespace; if the next byte is <paramref name="structural"/>, consumes it and returns true.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryConsume(byte structural)
    {
        SkipWhitespace();
        if ((uint)_position < (uint)_json.Length && _json[_position] == structural)
        {
            _position++;
            return true;
        }

        return false;
    }

    /// <summary>Reads a property name and the colon after it; false unless both are there and the name is plain.</summary>
    public bool TryReadName(out ReadOnlySpan<byte> name) => TryReadString(out name) && TryConsume((byte)':');

    /// <summary>Reads a string of printable ASCII without escapes and returns its contents (a slice of the message).</summary>
    public bool TryReadString(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryConsume((byte)'"'))
        {
            return false;
        }

        var rest = _json[_position..];
        var end = rest.IndexOfAnyExcept(PlainStringBytes);
        if (end < 0 || rest[end] != '"')
        {
            return false;
        }

        value = rest[..end];
        _position += end + 1;
        return true;
    }

    /// <summary>
    /// Reads a JSON number written as <c>0</c> or a non-zero digit followed by at most 17 more digits, and checks
    /// that a delimiter follows (so <c>12.5</c>, <c>1e3</c>, <c>-1</c> and <c>012</c> are all left to the reader).
    /// </summary>
    public bool TryReadInteger(out long value)
    {
        value = 0;
        SkipWhitespace();
        var start = _position;
        var position = start;
        while ((uint)position < (uint)_json.Length)
        {
            var digit = (uint)(_json[position] - '0');
            if (digit > 9)
            {
                break;
            }

            value = (value * 10) + digit;
            position++;
        }

        var digits = position - start;
        if (digits == 0 || digits > MaxIntegerDigits || (digits > 1 && _json[start] == '0') || !IsDelimiter(position))
        {
            return false;
        }

        _position = position;
        return true;
    }

    /// <summary>Steps over a plain string or a plain integer; false for anything else (literals, arrays, objects, other numbers).</summary>
    public bool TrySkipScalar()
    {
        SkipWhitespace();
        if ((uint)_position >= (uint)_json.Length)
        {
            return false;
        }

        return _json[_position] == '"' ? TryReadString(out _) : TryReadInteger(out _);
    }

    /// <summary>Whether only whitespace is left.</summary>
    public bool IsAtEnd()
    {
        SkipWhitespace();
        return _position == _json.Length;
    }

    /// <summary>Whether the byte at <paramref name="position"/> may follow a number: whitespace, a comma or a closing bracket.</summary>
    private readonly bool IsDelimiter(int position) =>
        (uint)position < (uint)_json.Length && _json[position] is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SkipWhitespace()
    {
        // Compact JSON (what the venues send) has none, so the loop usually exits at once.
        while ((uint)_position < (uint)_json.Length && _json[_position] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            _position++;
        }
    }
}
