using System.Text;
using System.Text.Json;

namespace PinnacleMM.Exchange.Coinbase.Internal;

/// <summary>
/// The text values of one message (product ids, prices, sizes, ids), copied out of the JSON, unescaped,
/// into one reusable buffer. Copying lets a decoder read fields in any order (a price can come before the
/// product that gives its grid) and costs a few bytes per value; the buffer only grows, so after warm-up
/// decoding allocates nothing.
/// </summary>
internal sealed class TextBuffer(int capacity)
{
    private byte[] _bytes = new byte[capacity];
    private int _length;

    public void Reset() => _length = 0;

    /// <summary>Copies the reader's current string or number token.</summary>
    public TextRef Append(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan.Length;
        if (_length + raw > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + raw));
        }

        var written = reader.TokenType == JsonTokenType.String && reader.ValueIsEscaped
            ? reader.CopyString(_bytes.AsSpan(_length))
            : Copy(reader.ValueSpan);
        var text = new TextRef(_length, written);
        _length += written;
        return text;
    }

    /// <summary>Copies text that needs no unescaping (a plain string read by <see cref="PlainJsonScanner"/>).</summary>
    public TextRef Append(ReadOnlySpan<byte> plain)
    {
        if (_length + plain.Length > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _length + plain.Length));
        }

        var text = new TextRef(_length, Copy(plain));
        _length += plain.Length;
        return text;
    }

    public ReadOnlySpan<byte> this[TextRef text] => text.IsSet ? _bytes.AsSpan(text.Start, text.Length) : default;

    /// <summary>The text as a string, for error messages only.</summary>
    public string ToString(TextRef text) => text.IsSet ? Encoding.UTF8.GetString(this[text]) : "";

    private int Copy(ReadOnlySpan<byte> source)
    {
        source.CopyTo(_bytes.AsSpan(_length));
        return source.Length;
    }
}
