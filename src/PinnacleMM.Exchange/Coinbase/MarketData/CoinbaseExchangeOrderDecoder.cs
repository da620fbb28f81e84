using System.Buffers.Text;
using System.Text.Json;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// Decodes the Coinbase Exchange order channels (<c>user</c>, <c>full</c>): <c>received</c>, <c>open</c>,
/// <c>match</c>, <c>done</c>, <c>change</c>, <c>activate</c> with <see cref="Utf8JsonReader"/> into
/// <see cref="CoinbaseOrderMessage"/> structs for <see cref="ICoinbaseFeedListener.OnExchangeOrder"/>; every other
/// message (heartbeat, subscriptions, error, book channels) goes to an inner <see cref="CoinbaseExchangeDecoder"/>.
/// </summary>
/// <remarks>
/// A message is read completely and every value checked against the product's grid before anything is delivered:
/// a malformed message is refused with a message naming the field and the rule, and nothing is delivered.
/// Allocates nothing per message once its buffer has grown (errors excepted). Not thread-safe: one thread decodes.
/// </remarks>
public sealed class CoinbaseExchangeOrderDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private readonly CoinbaseExchangeDecoder _other;
    private readonly TextBuffer _text = new(1024);

    private CoinbaseOrderMessageType _type;
    private TextRef _productId;
    private TextRef _orderId;
    private TextRef _clientOid;
    private TextRef _side;
    private TextRef _price;
    private TextRef _size;
    private TextRef _remaining;
    private TextRef _newSize;
    private TextRef _reason;
    private TextRef _maker;
    private TextRef _taker;
    private TextRef _makerFee;
    private TextRef _takerFee;
    private long _sequence;
    private long _tradeId;
    private long _time;

    /// <summary>Creates a decoder for the products of <paramref name="books"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="books"/> is null.</exception>
    public CoinbaseExchangeOrderDecoder(CoinbaseProductBooks books)
    {
        ArgumentNullException.ThrowIfNull(books);
        _other = new CoinbaseExchangeDecoder(books);
    }

    /// <summary>The products (their books are only written by book channel messages, if subscribed on the same connection).</summary>
    public CoinbaseProductBooks Books => _other.Books;

    /// <summary>Decodes one message; order messages go to <paramref name="listener"/>'s <see cref="ICoinbaseFeedListener.OnExchangeOrder"/>.</summary>
    /// <param name="utf8Json">The message, UTF-8 JSON.</param>
    /// <param name="listener">Receives the order messages (and, through the inner decoder, heartbeats); null to drop them.</param>
    /// <returns>Order messages: kind <see cref="CoinbaseMessageKind.User"/>; others as <see cref="CoinbaseExchangeDecoder.Decode"/>.</returns>
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> utf8Json, ICoinbaseFeedListener? listener = null)
    {
        if (!TryPeekOrderType(utf8Json, out _type))
        {
            return _other.Decode(utf8Json, listener);
        }

        _text.Reset();
        _productId = _orderId = _clientOid = _side = _price = _size = _remaining = _newSize = _reason = _maker = _taker = _makerFee = _takerFee = TextRef.None;
        _sequence = _tradeId = -1;
        _time = 0;
        string? error = null;
        try
        {
            Parse(utf8Json, ref error);
        }
        catch (JsonException ex)
        {
            return new(CoinbaseMessageKind.User, CoinbaseDecodeStatus.MalformedJson, -1, DepthBookResultCode.Applied, -1, "malformed JSON: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            error ??= ex.Message;
        }

        if (error is not null)
        {
            return Invalid(-1, error);
        }

        if (!_productId.IsSet)
        {
            return Invalid(-1, $"{TypeName} message: product_id is missing.");
        }

        var product = Books.IndexOf(_text[_productId]);
        if (product < 0)
        {
            return new(CoinbaseMessageKind.User, CoinbaseDecodeStatus.Ignored, -1, DepthBookResultCode.Applied, _sequence, null);
        }

        var message = Convert(product, out error);
        if (error is not null)
        {
            return Invalid(product, $"{TypeName} {Books.GetInstrument(product).Symbol}: {error}");
        }

        listener?.OnExchangeOrder(message);
        return new(CoinbaseMessageKind.User, CoinbaseDecodeStatus.Applied, product, DepthBookResultCode.Applied, _sequence, null);
    }

    /// <summary>Finds the <c>type</c> property at the top level; true when it names an order message.</summary>
    private static bool TryPeekOrderType(ReadOnlySpan<byte> json, out CoinbaseOrderMessageType type)
    {
        type = default;
        try
        {
            var reader = new Utf8JsonReader(json, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    return false;
                }

                return reader.ValueTextEquals("received"u8) ? Set(CoinbaseOrderMessageType.Received, out type)
                    : reader.ValueTextEquals("open"u8) ? Set(CoinbaseOrderMessageType.Open, out type)
                    : reader.ValueTextEquals("match"u8) ? Set(CoinbaseOrderMessageType.Match, out type)
                    : reader.ValueTextEquals("done"u8) ? Set(CoinbaseOrderMessageType.Done, out type)
                    : reader.ValueTextEquals("change"u8) ? Set(CoinbaseOrderMessageType.Change, out type)
                    : reader.ValueTextEquals("activate"u8) && Set(CoinbaseOrderMessageType.Activate, out type);
            }
        }
        catch (JsonException)
        {
            // The inner decoder reports malformed JSON.
        }

        return false;
    }

    private static bool Set(CoinbaseOrderMessageType value, out CoinbaseOrderMessageType type)
    {
        type = value;
        return true;
    }

    private void Parse(ReadOnlySpan<byte> json, ref string? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("sequence"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _sequence, "sequence", ref error);
            }
            else if (reader.ValueTextEquals("trade_id"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _tradeId, "trade_id", ref error);
            }
            else if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time))
                {
                    _time = (time - DateTimeOffset.UnixEpoch).Ticks * 100;
                }
                else
                {
                    error ??= "time must be an ISO 8601 date and time.";
                }
            }
            else if (Target(ref reader, out var field) is { } target)
            {
                JsonFields.TryReadText(ref reader, _text, out var value, field, ref error);
                SetField(target, value);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            error ??= "message must be one JSON object with nothing after it.";
        }
    }

    private static int? Target(ref Utf8JsonReader reader, out string field)
    {
        (int? target, field) = reader.ValueTextEquals("product_id"u8) ? (0, "product_id")
            : reader.ValueTextEquals("order_id"u8) ? (1, "order_id")
            : reader.ValueTextEquals("client_oid"u8) ? (2, "client_oid")
            : reader.ValueTextEquals("side"u8) ? (3, "side")
            : reader.ValueTextEquals("price"u8) ? (4, "price")
            : reader.ValueTextEquals("size"u8) ? (5, "size")
            : reader.ValueTextEquals("remaining_size"u8) ? (6, "remaining_size")
            : reader.ValueTextEquals("new_size"u8) ? (7, "new_size")
            : reader.ValueTextEquals("reason"u8) ? (8, "reason")
            : reader.ValueTextEquals("maker_order_id"u8) ? (9, "maker_order_id")
            : reader.ValueTextEquals("taker_order_id"u8) ? (10, "taker_order_id")
            : reader.ValueTextEquals("maker_fee_rate"u8) ? (11, "maker_fee_rate")
            : reader.ValueTextEquals("taker_fee_rate"u8) ? (12, "taker_fee_rate")
            : ((int?)null, "");
        return target;
    }

    private void SetField(int? target, TextRef value)
    {
        switch (target)
        {
            case 0: _productId = value; break;
            case 1: _orderId = value; break;
            case 2: _clientOid = value; break;
            case 3: _side = value; break;
            case 4: _price = value; break;
            case 5: _size = value; break;
            case 6: _remaining = value; break;
            case 7: _newSize = value; break;
            case 8: _reason = value; break;
            case 9: _maker = value; break;
            case 10: _taker = value; break;
            case 11: _makerFee = value; break;
            default: _takerFee = value; break;
        }
    }

    private CoinbaseOrderMessage Convert(int product, out string? error)
    {
        error = null;
        var side = Side.Buy;
        if (_side.IsSet && !JsonFields.TryParseSide(_text[_side], out side))
        {
            error = $"side '{_text.ToString(_side)}' must be buy or sell.";
            return default;
        }

        if (!TryGuid(_orderId, "order_id", _type != CoinbaseOrderMessageType.Match, out var orderId, ref error)
            || !TryGuid(_clientOid, "client_oid", false, out var clientOid, ref error)
            || !TryGuid(_maker, "maker_order_id", _type == CoinbaseOrderMessageType.Match, out var maker, ref error)
            || !TryGuid(_taker, "taker_order_id", _type == CoinbaseOrderMessageType.Match, out var taker, ref error))
        {
            return default;
        }

        var price = Price.Zero;
        var size = Quantity.Zero;
        var remaining = Quantity.Zero;
        if ((_price.IsSet && !Books.TryParsePrice(product, _text[_price], allowZero: true, out price, out error, "price"))
            || (_size.IsSet && !Books.TryParseSize(product, _text[_size], out size, out error, "size"))
            || (_newSize.IsSet && !Books.TryParseSize(product, _text[_newSize], out size, out error, "new_size"))
            || (_remaining.IsSet && !Books.TryParseSize(product, _text[_remaining], out remaining, out error, "remaining_size")))
        {
            return default;
        }

        if (_type == CoinbaseOrderMessageType.Match && (!_price.IsSet || !_size.IsSet || size.Lots <= 0))
        {
            error = "price and a positive size are required.";
            return default;
        }

        if (!TryRate(_makerFee, "maker_fee_rate", out var makerFee, ref error) || !TryRate(_takerFee, "taker_fee_rate", out var takerFee, ref error))
        {
            return default;
        }

        var canceled = _reason.IsSet && _text[_reason].SequenceEqual("canceled"u8);
        return new CoinbaseOrderMessage(_type, product, _sequence, orderId, clientOid, side, price, size, remaining, canceled, maker, taker, _tradeId, makerFee, takerFee, _time);
    }

    private bool TryGuid(TextRef text, string field, bool required, out Guid value, ref string? error)
    {
        value = Guid.Empty;
        if (!text.IsSet)
        {
            if (required)
            {
                error = $"{field} is missing.";
                return false;
            }

            return true;
        }

        var span = _text[text];
        if (Utf8Parser.TryParse(span, out value, out var consumed, 'D') && consumed == span.Length)
        {
            return true;
        }

        error = $"{field} '{_text.ToString(text)}' must be a UUID (8-4-4-4-12 hex digits).";
        return false;
    }

    private bool TryRate(TextRef text, string field, out decimal value, ref string? error)
    {
        value = 0m;
        if (!text.IsSet)
        {
            return true;
        }

        if (Utf8Parser.TryParse(_text[text], out value, out var consumed) && consumed == text.Length && value >= 0m && value < 1m)
        {
            return true;
        }

        error = $"{field} '{_text.ToString(text)}' must be a decimal fee rate from 0 to below 1.";
        return false;
    }

    private string TypeName => _type switch
    {
        CoinbaseOrderMessageType.Received => "received",
        CoinbaseOrderMessageType.Open => "open",
        CoinbaseOrderMessageType.Match => "match",
        CoinbaseOrderMessageType.Done => "done",
        CoinbaseOrderMessageType.Change => "change",
        _ => "activate",
    };

    private CoinbaseDecodeResult Invalid(int product, string message) =>
        new(CoinbaseMessageKind.User, CoinbaseDecodeStatus.InvalidMessage, product, DepthBookResultCode.Applied, _sequence, message);
}
