using System.Text.Json;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// Decodes Coinbase Exchange WebSocket feed messages (<c>snapshot</c>, <c>l2update</c>, <c>ticker</c>,
/// <c>heartbeat</c>, <c>match</c>/<c>last_match</c>, <c>subscriptions</c>, <c>error</c>; unknown types are
/// ignored) with <see cref="Utf8JsonReader"/> straight into the fixed-point books of a
/// <see cref="CoinbaseProductBooks"/>, and hands tickers, trades and heartbeats to an
/// <see cref="ICoinbaseFeedListener"/>.
/// </summary>
/// <remarks>
/// <para>
/// Fields may come in any order. A message is first read completely (its values copied into reusable
/// buffers), then checked completely against the product's grid, and only then applied: a malformed message
/// or one off-grid value is refused with a message naming the field and the rule, and no book is changed.
/// Once its buffers have grown to the largest message seen, decoding allocates nothing (errors excepted).
/// </para>
/// <para>
/// Exchange level2 carries no sequence numbers, so the books are unsequenced; trouble shows as heartbeat
/// silence, a crossed book or a disconnect (see the synchronizer). Not thread-safe: one thread decodes.
/// </para>
/// </remarks>
public sealed class CoinbaseExchangeDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    private readonly CoinbaseProductBooks _books;
    private readonly TextBuffer _text = new(4096);
    private readonly Scratch<LevelRef> _levels = new(256);
    private readonly Scratch<DepthLevel> _bids = new(256);
    private readonly Scratch<DepthLevel> _asks = new(256);

    private CoinbaseMessageKind _kind;
    private bool _isLastMatch;
    private bool _isChanges;
    private TextRef _productId;
    private TextRef _price;
    private TextRef _size;
    private TextRef _side;
    private TextRef _bestBid;
    private TextRef _bestBidSize;
    private TextRef _bestAsk;
    private TextRef _bestAskSize;
    private TextRef _lastSize;
    private TextRef _message;
    private TextRef _reason;
    private long _sequence;
    private long _tradeId;
    private long _lastTradeId;

    /// <summary>Creates a decoder that applies book messages to <paramref name="books"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="books"/> is null.</exception>
    public CoinbaseExchangeDecoder(CoinbaseProductBooks books)
    {
        ArgumentNullException.ThrowIfNull(books);
        _books = books;
    }

    /// <summary>The books this decoder writes to.</summary>
    public CoinbaseProductBooks Books => _books;

    /// <summary>
    /// Decodes one message (one WebSocket text frame) and applies it: a snapshot replaces the product's book,
    /// an <c>l2update</c> applies all its changes or none, other events go to <paramref name="listener"/>.
    /// </summary>
    /// <param name="utf8Json">The message, UTF-8 JSON.</param>
    /// <param name="listener">Receives tickers, trades and heartbeats; null to drop them.</param>
    /// <returns>What the message was and what was done; refusals carry a message naming the field and the rule.</returns>
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> utf8Json, ICoinbaseFeedListener? listener = null)
    {
        Reset();
        string? error = null;
        try
        {
            Parse(utf8Json, ref error);
        }
        catch (JsonException ex)
        {
            return new(_kind, CoinbaseDecodeStatus.MalformedJson, -1, DepthBookResultCode.Applied, -1, "malformed JSON: " + ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // The reader refuses a value of the wrong token type; the message says which.
            return Invalid(-1, ex.Message);
        }

        if (error is not null)
        {
            return Invalid(-1, error);
        }

        return Apply(listener);
    }

    private void Reset()
    {
        _text.Reset();
        _levels.Clear();
        _kind = CoinbaseMessageKind.Unknown;
        _isLastMatch = false;
        _isChanges = false;
        _productId = _price = _size = _side = _bestBid = _bestBidSize = _bestAsk = _bestAskSize = _lastSize = _message = _reason = TextRef.None;
        _sequence = _tradeId = _lastTradeId = -1;
    }

    private void Parse(ReadOnlySpan<byte> json, ref string? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "message must be a JSON object.";
            return;
        }

        var hasType = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                hasType = true;
                ReadType(ref reader, ref error);
            }
            else if (reader.ValueTextEquals("product_id"u8))
            {
                JsonFields.TryReadText(ref reader, _text, out _productId, "product_id", ref error);
            }
            else if (reader.ValueTextEquals("changes"u8))
            {
                _isChanges = true;
                ReadLevels(ref reader, default, "changes", withSide: true, ref error);
            }
            else if (reader.ValueTextEquals("bids"u8))
            {
                ReadLevels(ref reader, Side.Buy, "bids", withSide: false, ref error);
            }
            else if (reader.ValueTextEquals("asks"u8))
            {
                ReadLevels(ref reader, Side.Sell, "asks", withSide: false, ref error);
            }
            else if (reader.ValueTextEquals("sequence"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _sequence, "sequence", ref error);
            }
            else if (reader.ValueTextEquals("trade_id"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _tradeId, "trade_id", ref error);
            }
            else if (reader.ValueTextEquals("last_trade_id"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _lastTradeId, "last_trade_id", ref error);
            }
            else if (!TryReadScalar(ref reader, ref error))
            {
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            error ??= "message must be a JSON object.";
            return;
        }

        if (reader.Read())
        {
            error ??= "message must be one JSON object with nothing after it.";
        }

        if (!hasType)
        {
            error ??= "type is missing.";
        }
    }

    private bool TryReadScalar(ref Utf8JsonReader reader, ref string? error)
    {
        ref var target = ref _price;
        string field;
        if (reader.ValueTextEquals("price"u8))
        {
            field = "price";
        }
        else if (reader.ValueTextEquals("size"u8))
        {
            target = ref _size;
            field = "size";
        }
        else if (reader.ValueTextEquals("side"u8))
        {
            target = ref _side;
            field = "side";
        }
        else if (reader.ValueTextEquals("best_bid"u8))
        {
            target = ref _bestBid;
            field = "best_bid";
        }
        else if (reader.ValueTextEquals("best_bid_size"u8))
        {
            target = ref _bestBidSize;
            field = "best_bid_size";
        }
        else if (reader.ValueTextEquals("best_ask"u8))
        {
            target = ref _bestAsk;
            field = "best_ask";
        }
        else if (reader.ValueTextEquals("best_ask_size"u8))
        {
            target = ref _bestAskSize;
            field = "best_ask_size";
        }
        else if (reader.ValueTextEquals("last_size"u8))
        {
            target = ref _lastSize;
            field = "last_size";
        }
        else if (reader.ValueTextEquals("message"u8))
        {
            target = ref _message;
            field = "message";
        }
        else if (reader.ValueTextEquals("reason"u8))
        {
            target = ref _reason;
            field = "reason";
        }
        else
        {
            return false;
        }

        JsonFields.TryReadText(ref reader, _text, out target, field, ref error);
        return true;
    }

    private void ReadType(ref Utf8JsonReader reader, ref string? error)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            error ??= $"type must be a string, not {reader.TokenType}.";
            reader.Skip();
            return;
        }

        _kind = reader.ValueTextEquals("l2update"u8) ? CoinbaseMessageKind.BookUpdate
            : reader.ValueTextEquals("snapshot"u8) ? CoinbaseMessageKind.BookSnapshot
            : reader.ValueTextEquals("ticker"u8) ? CoinbaseMessageKind.Ticker
            : reader.ValueTextEquals("heartbeat"u8) ? CoinbaseMessageKind.Heartbeat
            : reader.ValueTextEquals("match"u8) ? CoinbaseMessageKind.Trade
            : reader.ValueTextEquals("subscriptions"u8) ? CoinbaseMessageKind.Subscriptions
            : reader.ValueTextEquals("error"u8) ? CoinbaseMessageKind.Error
            : CoinbaseMessageKind.Unknown;
        if (_kind == CoinbaseMessageKind.Unknown && reader.ValueTextEquals("last_match"u8))
        {
            _kind = CoinbaseMessageKind.Trade;
            _isLastMatch = true;
        }
    }

    /// <summary>Reads <c>[[side, price, size], ...]</c> (changes) or <c>[[price, size, ...], ...]</c> (snapshot sides).</summary>
    private void ReadLevels(ref Utf8JsonReader reader, Side side, string field, bool withSide, ref string? error)
    {
        if (!JsonFields.Expect(ref reader, JsonTokenType.StartArray, field, ref error))
        {
            return;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                error ??= $"{field}[{index}] must be an array {(withSide ? "[side, price, size]" : "[price, size]")}, not {reader.TokenType}.";
                reader.Skip();
                index++;
                continue;
            }

            var depth = reader.CurrentDepth;
            var sideText = TextRef.None;
            var ok = (!withSide || ReadElement(ref reader, depth, out sideText))
                & ReadElement(ref reader, depth, out var price)
                & ReadElement(ref reader, depth, out var size);
            if (!ok)
            {
                error ??= $"{field}[{index}] must be {(withSide ? "[side, price, size]" : "[price, size]")} with string or number elements.";
            }

            // Extra elements (the REST book's order count) are allowed and ignored.
            while (!(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
            {
                reader.Read();
                reader.Skip();
            }

            _levels.Add(new LevelRef(side, sideText, price, size, index, 0));
            index++;
        }
    }

    /// <summary>Reads one element of the level array that started at <paramref name="depth"/>; false when it ended early or the element is not text.</summary>
    private bool ReadElement(ref Utf8JsonReader reader, int depth, out TextRef value)
    {
        value = TextRef.None;
        if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth)
        {
            return false;
        }

        reader.Read();
        if (reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
        {
            value = _text.Append(ref reader);
            return true;
        }

        // A nested array or object: step over it (a bare EndArray here is the level's own end).
        reader.Skip();
        return false;
    }

    private CoinbaseDecodeResult Apply(ICoinbaseFeedListener? listener)
    {
        switch (_kind)
        {
            case CoinbaseMessageKind.Unknown:
                return Result(CoinbaseDecodeStatus.Ignored, -1);
            case CoinbaseMessageKind.Subscriptions:
                return Result(CoinbaseDecodeStatus.Applied, -1);
            case CoinbaseMessageKind.Error:
                var text = _text.ToString(_message);
                return new(_kind, CoinbaseDecodeStatus.VenueError, -1, DepthBookResultCode.Applied, -1, _reason.IsSet ? $"{text}: {_text.ToString(_reason)}" : text);
        }

        if (!_productId.IsSet)
        {
            return Invalid(-1, $"{KindName} message: product_id is missing.");
        }

        var product = _books.IndexOf(_text[_productId]);
        if (product < 0)
        {
            return Result(CoinbaseDecodeStatus.Ignored, -1);
        }

        return _kind switch
        {
            CoinbaseMessageKind.BookSnapshot or CoinbaseMessageKind.BookUpdate => ApplyBook(product, listener),
            CoinbaseMessageKind.Ticker => DeliverTicker(product, listener),
            CoinbaseMessageKind.Trade => DeliverTrade(product, listener),
            _ => DeliverHeartbeat(product, listener),
        };
    }

    private CoinbaseDecodeResult ApplyBook(int product, ICoinbaseFeedListener? listener)
    {
        var isSnapshot = _kind == CoinbaseMessageKind.BookSnapshot;
        if (!isSnapshot && !_isChanges)
        {
            return Invalid(product, $"l2update {ProductName(product)}: changes is missing.");
        }

        _bids.Clear();
        _asks.Clear();
        foreach (ref readonly var level in _levels.Items)
        {
            var side = level.Side;
            var field = isSnapshot ? (side == Side.Buy ? "bids" : "asks") : "changes";
            if (!isSnapshot && !JsonFields.TryParseSide(_text[level.SideText], out side))
            {
                return Invalid(product, $"l2update {ProductName(product)} changes[{level.Index}]: side '{_text.ToString(level.SideText)}' must be buy or sell.");
            }

            if (!_books.TryParsePrice(product, _text[level.Price], allowZero: false, out var price, out var error, "price")
                || !_books.TryParseSize(product, _text[level.Size], out var size, out error, "size"))
            {
                return Invalid(product, $"{KindName} {ProductName(product)} {field}[{level.Index}]: {error}");
            }

            (side == Side.Buy ? _bids : _asks).Add(new DepthLevel(price, size, 0));
        }

        var book = _books.GetBook(product);
        var code = isSnapshot ? book.ApplySnapshot(_bids.Items, _asks.Items) : book.ApplyUpdate(_bids.Items, _asks.Items);
        if (!code.IsAccepted())
        {
            return new(_kind, CoinbaseDecodeStatus.BookRejected, product, code, -1, $"{KindName} {ProductName(product)}: {code.Describe()}");
        }

        listener?.OnBookChanged(product, isSnapshot, _bids.Items, _asks.Items);
        return Result(CoinbaseDecodeStatus.Applied, product);
    }

    private CoinbaseDecodeResult DeliverTicker(int product, ICoinbaseFeedListener? listener)
    {
        if (!TryPrice(product, _price, allowZero: false, "price", out var price, out var error)
            || !TryPrice(product, _bestBid, allowZero: true, "best_bid", out var bestBid, out error)
            || !TrySize(product, _bestBidSize, "best_bid_size", out var bestBidSize, out error)
            || !TryPrice(product, _bestAsk, allowZero: true, "best_ask", out var bestAsk, out error)
            || !TrySize(product, _bestAskSize, "best_ask_size", out var bestAskSize, out error)
            || !TrySize(product, _lastSize, "last_size", out var lastSize, out error))
        {
            return Invalid(product, $"ticker {ProductName(product)}: {error}");
        }

        listener?.OnTicker(new CoinbaseTicker(product, price, bestBid, bestBidSize, bestAsk, bestAskSize, lastSize, _tradeId, _sequence));
        return Result(CoinbaseDecodeStatus.Applied, product);
    }

    private CoinbaseDecodeResult DeliverTrade(int product, ICoinbaseFeedListener? listener)
    {
        var name = _isLastMatch ? "last_match" : "match";
        if (!_price.IsSet || !_size.IsSet || !_side.IsSet || _tradeId < 0)
        {
            return Invalid(product, $"{name} {ProductName(product)}: trade_id, price, size and side are required.");
        }

        if (!JsonFields.TryParseSide(_text[_side], out var side))
        {
            return Invalid(product, $"{name} {ProductName(product)}: side '{_text.ToString(_side)}' must be buy or sell.");
        }

        if (!TryPrice(product, _price, allowZero: false, "price", out var price, out var error)
            || !TrySize(product, _size, "size", out var size, out error))
        {
            return Invalid(product, $"{name} {ProductName(product)}: {error}");
        }

        listener?.OnTrade(new CoinbaseTrade(product, _tradeId, price, size, side, _sequence, _isLastMatch));
        return Result(CoinbaseDecodeStatus.Applied, product);
    }

    private CoinbaseDecodeResult DeliverHeartbeat(int product, ICoinbaseFeedListener? listener)
    {
        listener?.OnHeartbeat(new CoinbaseHeartbeat(product, _sequence, _lastTradeId));
        return Result(CoinbaseDecodeStatus.Applied, product);
    }

    private bool TryPrice(int product, TextRef text, bool allowZero, string field, out Price price, out string? error)
    {
        if (!text.IsSet)
        {
            price = Price.Zero;
            error = allowZero ? null : $"{field} is missing.";
            return allowZero;
        }

        return _books.TryParsePrice(product, _text[text], allowZero, out price, out error, field);
    }

    private bool TrySize(int product, TextRef text, string field, out Quantity size, out string? error)
    {
        if (!text.IsSet)
        {
            size = Quantity.Zero;
            error = null;
            return true;
        }

        return _books.TryParseSize(product, _text[text], out size, out error, field);
    }

    private string KindName => _kind switch
    {
        CoinbaseMessageKind.BookSnapshot => "snapshot",
        CoinbaseMessageKind.BookUpdate => "l2update",
        CoinbaseMessageKind.Ticker => "ticker",
        CoinbaseMessageKind.Heartbeat => "heartbeat",
        CoinbaseMessageKind.Trade => _isLastMatch ? "last_match" : "match",
        _ => _kind.ToString(),
    };

    private string ProductName(int product) => _books.GetInstrument(product).Symbol;

    private CoinbaseDecodeResult Result(CoinbaseDecodeStatus status, int product) =>
        new(_kind, status, product, DepthBookResultCode.Applied, _sequence, null);

    private CoinbaseDecodeResult Invalid(int product, string message) =>
        new(_kind, CoinbaseDecodeStatus.InvalidMessage, product, DepthBookResultCode.Applied, _sequence, message);
}
