using System.Buffers.Text;
using System.Text.Json;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// Decodes Coinbase Advanced Trade WebSocket messages (<c>l2_data</c> snapshot and update events,
/// <c>ticker</c>/<c>ticker_batch</c>, <c>heartbeats</c>, <c>market_trades</c>, <c>user</c>, <c>subscriptions</c>,
/// <c>error</c>; unknown channels are ignored) with <see cref="Utf8JsonReader"/> straight into the fixed-point
/// books of a <see cref="CoinbaseProductBooks"/>, checking each message's <c>sequence_num</c>.
/// </summary>
/// <remarks>
/// <para>
/// Fields may come in any order. A message is read completely, every value of every event is checked against
/// its product's grid, and only then are the events applied: a malformed message or one off-grid value is
/// refused with a message naming the field and the rule, and no book changes. Once its buffers have grown to
/// the largest message seen, decoding allocates nothing (errors excepted).
/// </para>
/// <para>
/// An <c>l2_data</c> message in plain JSON (no escapes, integer <c>sequence_num</c>: what the venue sends) is
/// read without <see cref="Utf8JsonReader"/>, whose tokenizing alone was two thirds of a one-change message's
/// time; anything else, malformed messages included, is read by the reader, so the results are the same.
/// </para>
/// <para>
/// Sequence numbers follow <see cref="SequenceScope"/>. With <see cref="AdvancedTradeSequenceScope.Connection"/>
/// the first message after <see cref="ResetSequence"/> sets the baseline; a lower number later is stale and
/// ignored, a skipped number marks every book out of sync and is reported as
/// <see cref="CoinbaseDecodeStatus.SequenceGap"/> (the message itself is still applied, so a snapshot in it
/// counts). Not thread-safe: one thread decodes.
/// </para>
/// </remarks>
public sealed class AdvancedTradeDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 16 };

    // Field layouts of the objects inside events: each object contributes one TextRef per name, in this order.
    private static readonly byte[][] UpdateFields = [.. new[] { "side", "price_level", "new_quantity" }.Select(System.Text.Encoding.UTF8.GetBytes)];
    private static readonly byte[][] TickerFields = [.. new[] { "product_id", "price", "best_bid", "best_bid_quantity", "best_ask", "best_ask_quantity" }.Select(System.Text.Encoding.UTF8.GetBytes)];
    private static readonly byte[][] TradeFields = [.. new[] { "product_id", "trade_id", "price", "size", "side" }.Select(System.Text.Encoding.UTF8.GetBytes)];
    private static readonly byte[][] OrderFields = [.. new[] { "product_id", "order_id", "client_order_id", "status", "order_side", "cumulative_quantity", "leaves_quantity", "avg_price", "total_fees" }.Select(System.Text.Encoding.UTF8.GetBytes)];

    private readonly CoinbaseProductBooks _books;
    private readonly TextBuffer _text = new(4096);
    private readonly Scratch<EventRef> _events = new(8);
    private readonly Scratch<TextRef> _fields = new(1024);
    private readonly Scratch<DepthLevel> _bids = new(256);
    private readonly Scratch<DepthLevel> _asks = new(256);

    private CoinbaseMessageKind _kind;
    private bool _isErrorType;
    private TextRef _message;
    private long _sequenceNum;
    private long _timestamp;
    private long _expectedSequence = -1;

    /// <summary>Creates a decoder that applies <c>l2_data</c> to <paramref name="books"/>.</summary>
    /// <param name="books">The products and their books.</param>
    /// <param name="sequenceScope">What <c>sequence_num</c> counts; see <see cref="AdvancedTradeSequenceScope"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="books"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequenceScope"/> is not a defined value.</exception>
    public AdvancedTradeDecoder(CoinbaseProductBooks books, AdvancedTradeSequenceScope sequenceScope = AdvancedTradeSequenceScope.Connection)
    {
        ArgumentNullException.ThrowIfNull(books);
        if (!Enum.IsDefined(sequenceScope))
        {
            throw new ArgumentOutOfRangeException(nameof(sequenceScope), sequenceScope, "sequenceScope must be Connection or Product.");
        }

        _books = books;
        SequenceScope = sequenceScope;
    }

    /// <summary>The books this decoder writes to.</summary>
    public CoinbaseProductBooks Books => _books;

    /// <summary>What <c>sequence_num</c> counts.</summary>
    public AdvancedTradeSequenceScope SequenceScope { get; }

    /// <summary>The <c>sequence_num</c> the next message should carry on this connection, or -1 before the first.</summary>
    public long ExpectedSequence => _expectedSequence;

    /// <summary>Forgets the connection's sequence: call on every new connection, whose numbering starts afresh.</summary>
    public void ResetSequence() => _expectedSequence = -1;

    /// <summary>
    /// Decodes one message (one WebSocket text frame) and applies it: snapshot events replace books, update
    /// events apply all their changes or none, other events go to <paramref name="listener"/>.
    /// </summary>
    /// <param name="utf8Json">The message, UTF-8 JSON.</param>
    /// <param name="listener">Receives tickers, trades, heartbeats and user order updates; null to drop them.</param>
    /// <returns>What the message was and what was done; refusals carry a message naming the field and the rule.</returns>
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> utf8Json, ICoinbaseFeedListener? listener = null)
    {
        Reset();
        LastDecodeWasPlain = UsePlainPath && TryParsePlainL2Data(utf8Json);
        if (!LastDecodeWasPlain)
        {
            // Anything the plain path does not recognise, including every malformed message, is read again from
            // the start by Utf8JsonReader, which gives the verdict and its message.
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
                return Invalid(-1, ex.Message);
            }

            if (error is not null)
            {
                return Invalid(-1, error);
            }
        }

        if (_isErrorType)
        {
            return new(CoinbaseMessageKind.Error, CoinbaseDecodeStatus.VenueError, -1, DepthBookResultCode.Applied, _sequenceNum, _text.ToString(_message));
        }

        // Check every value before changing anything.
        var failure = Convert(out var failedProduct);
        if (failure is not null)
        {
            return Invalid(failedProduct, failure);
        }

        var gap = false;
        var expected = _expectedSequence;
        if (SequenceScope == AdvancedTradeSequenceScope.Connection && _sequenceNum >= 0)
        {
            if (_expectedSequence >= 0 && _sequenceNum < _expectedSequence)
            {
                return new(_kind, CoinbaseDecodeStatus.Stale, -1, DepthBookResultCode.Stale, _sequenceNum, $"sequence_num {_sequenceNum} is below the expected {_expectedSequence}: an old message, ignored.");
            }

            gap = _expectedSequence >= 0 && _sequenceNum > _expectedSequence;
            if (gap)
            {
                for (var i = 0; i < _books.Count; i++)
                {
                    _books.GetBook(i).MarkOutOfSync();
                }
            }

            _expectedSequence = _sequenceNum + 1;
        }

        var result = Deliver(listener);
        return gap
            ? result with { Status = CoinbaseDecodeStatus.SequenceGap, Message = $"sequence_num {_sequenceNum} where {expected} was expected: {_sequenceNum - expected} message(s) lost, books are out of sync." }
            : result;
    }

    private void Reset()
    {
        _text.Reset();
        _events.Clear();
        _fields.Clear();
        _bids.Clear();
        _asks.Clear();
        _kind = CoinbaseMessageKind.Unknown;
        _isErrorType = false;
        _message = TextRef.None;
        _sequenceNum = -1;
        _timestamp = 0;
    }

    /// <summary>
    /// Whether <see cref="Decode"/> first tries the plain <c>l2_data</c> path (<see cref="PlainJsonScanner"/>); true
    /// unless a test turns it off to compare both paths.
    /// </summary>
    internal bool UsePlainPath { get; set; } = true;

    /// <summary>Whether the last message was read by the plain path (for tests: which path a message took).</summary>
    internal bool LastDecodeWasPlain { get; private set; }

    /// <summary>
    /// Reads an <c>l2_data</c> message written in plain JSON (see <see cref="PlainJsonScanner"/>) into the same
    /// events, fields and text as <see cref="Parse"/> would, without <see cref="Utf8JsonReader"/>. Returns false
    /// on anything else — another channel, a top-level <c>type</c> or <c>message</c>, an event carrying other
    /// objects than <c>updates</c>, a value the scanner does not take — and the caller starts again with
    /// <see cref="Parse"/>. Duplicate names behave as in <see cref="Parse"/>: the last value wins, a repeated
    /// <c>events</c> adds its events.
    /// </summary>
    private bool TryParsePlainL2Data(ReadOnlySpan<byte> json)
    {
        var scanner = new PlainJsonScanner(json);
        if (!scanner.TryConsume((byte)'{'))
        {
            return false;
        }

        var isL2Data = false;
        do
        {
            if (!scanner.TryReadName(out var name))
            {
                return false;
            }

            if (name.SequenceEqual("channel"u8))
            {
                // Every channel but l2_data goes to the general path, so a later "channel" cannot change the kind.
                if (!scanner.TryReadString(out var channel) || !channel.SequenceEqual("l2_data"u8))
                {
                    return false;
                }

                isL2Data = true;
            }
            else if (name.SequenceEqual("sequence_num"u8))
            {
                if (!scanner.TryReadInteger(out _sequenceNum))
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("events"u8))
            {
                if (!TryReadPlainEvents(ref scanner))
                {
                    return false;
                }
            }
            else if (name.SequenceEqual("type"u8) || name.SequenceEqual("message"u8) || !scanner.TrySkipScalar())
            {
                // "type" may say error and "message" carries its text: the general path handles both.
                return false;
            }
        }
        while (scanner.TryConsume((byte)','));

        if (!scanner.TryConsume((byte)'}') || !scanner.IsAtEnd() || !isL2Data)
        {
            return false;
        }

        _kind = CoinbaseMessageKind.BookUpdate;
        return true;
    }

    private bool TryReadPlainEvents(ref PlainJsonScanner scanner)
    {
        if (!scanner.TryConsume((byte)'['))
        {
            return false;
        }

        if (scanner.TryConsume((byte)']'))
        {
            return true;
        }

        var index = 0;
        do
        {
            if (!scanner.TryConsume((byte)'{'))
            {
                return false;
            }

            var item = new EventRef { Index = index, Product = TextRef.None, ProductIndex = -1, Counter = -1 };
            if (!scanner.TryConsume((byte)'}'))
            {
                do
                {
                    if (!scanner.TryReadName(out var name))
                    {
                        return false;
                    }

                    if (name.SequenceEqual("type"u8))
                    {
                        if (!scanner.TryReadString(out var type))
                        {
                            return false;
                        }

                        item.IsSnapshot = type.SequenceEqual("snapshot"u8);
                        item.IsUpdate = type.SequenceEqual("update"u8);
                    }
                    else if (name.SequenceEqual("product_id"u8))
                    {
                        if (!scanner.TryReadString(out var product))
                        {
                            return false;
                        }

                        item.Product = _text.Append(product);
                    }
                    else if (name.SequenceEqual("updates"u8))
                    {
                        item.FieldStart = _fields.Count;
                        item.Objects = TryReadPlainUpdates(ref scanner);
                        item.Layout = Layout.Updates;
                        if (item.Objects < 0)
                        {
                            return false;
                        }
                    }
                    else if (name.SequenceEqual("tickers"u8) || name.SequenceEqual("trades"u8) || name.SequenceEqual("orders"u8)
                        || name.SequenceEqual("heartbeat_counter"u8) || !scanner.TrySkipScalar())
                    {
                        // Names that Parse reads (and may refuse) are left to it.
                        return false;
                    }
                }
                while (scanner.TryConsume((byte)','));

                if (!scanner.TryConsume((byte)'}'))
                {
                    return false;
                }
            }

            _events.Add(item);
            index++;
        }
        while (scanner.TryConsume((byte)','));

        return scanner.TryConsume((byte)']');
    }

    /// <summary>Reads the <c>updates</c> array into <see cref="UpdateFields"/> rows; the number of objects, or -1 to fall back.</summary>
    private int TryReadPlainUpdates(ref PlainJsonScanner scanner)
    {
        if (!scanner.TryConsume((byte)'['))
        {
            return -1;
        }

        if (scanner.TryConsume((byte)']'))
        {
            return 0;
        }

        var count = 0;
        do
        {
            if (!scanner.TryConsume((byte)'{'))
            {
                return -1;
            }

            var start = _fields.Count;
            _fields.Add(TextRef.None);
            _fields.Add(TextRef.None);
            _fields.Add(TextRef.None);
            if (!scanner.TryConsume((byte)'}'))
            {
                do
                {
                    if (!scanner.TryReadName(out var name))
                    {
                        return -1;
                    }

                    // The slot of UpdateFields: side, price_level, new_quantity.
                    var slot = name.SequenceEqual("side"u8) ? 0
                        : name.SequenceEqual("price_level"u8) ? 1
                        : name.SequenceEqual("new_quantity"u8) ? 2
                        : -1;
                    if (slot < 0)
                    {
                        if (!scanner.TrySkipScalar())
                        {
                            return -1;
                        }

                        continue;
                    }

                    if (!scanner.TryReadString(out var value))
                    {
                        return -1;
                    }

                    _fields.Items[start + slot] = _text.Append(value);
                }
                while (scanner.TryConsume((byte)','));

                if (!scanner.TryConsume((byte)'}'))
                {
                    return -1;
                }
            }

            count++;
        }
        while (scanner.TryConsume((byte)','));

        return scanner.TryConsume((byte)']') ? count : -1;
    }

    private void Parse(ReadOnlySpan<byte> json, ref string? error)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = "message must be a JSON object.";
            return;
        }

        var hasChannel = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // Most names are none of ours (client_id): a length check rejects them before any comparison.
            var length = reader.ValueIsEscaped ? -1 : reader.ValueSpan.Length;
            if (length is not (-1 or 4 or 6 or 7 or 9 or 12))
            {
                reader.Skip();
            }
            else if (JsonFields.NameIs(in reader, "channel"u8))
            {
                hasChannel = true;
                ReadChannel(ref reader, ref error);
            }
            else if (JsonFields.NameIs(in reader, "sequence_num"u8))
            {
                JsonFields.TryReadInt64(ref reader, out _sequenceNum, "sequence_num", ref error);
                if (_sequenceNum < -1)
                {
                    error ??= $"sequence_num {_sequenceNum} must not be negative.";
                }
            }
            else if (JsonFields.NameIs(in reader, "events"u8))
            {
                ReadEvents(ref reader, ref error);
            }
            else if (JsonFields.NameIs(in reader, "timestamp"u8))
            {
                // The user channel's only venue time. Not needed to apply anything, so a missing or odd one is 0
                // rather than a refusal that would lose the order update it came with.
                reader.Read();
                _timestamp = reader.TokenType == JsonTokenType.String && reader.TryGetDateTimeOffset(out var time) && time > DateTimeOffset.UnixEpoch
                    ? (time - DateTimeOffset.UnixEpoch).Ticks * 100
                    : 0;
                reader.Skip();
            }
            else if (JsonFields.NameIs(in reader, "type"u8))
            {
                reader.Read();
                _isErrorType = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("error"u8);
                reader.Skip();
            }
            else if (JsonFields.NameIs(in reader, "message"u8))
            {
                JsonFields.TryReadText(ref reader, _text, out _message, "message", ref error);
            }
            else
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

        if (!hasChannel && !_isErrorType)
        {
            error ??= "channel is missing.";
        }
    }

    private void ReadChannel(ref Utf8JsonReader reader, ref string? error)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.String)
        {
            error ??= $"channel must be a string, not {reader.TokenType}.";
            reader.Skip();
            return;
        }

        _kind = reader.ValueTextEquals("l2_data"u8) ? CoinbaseMessageKind.BookUpdate
            : reader.ValueTextEquals("ticker"u8) || reader.ValueTextEquals("ticker_batch"u8) ? CoinbaseMessageKind.Ticker
            : reader.ValueTextEquals("heartbeats"u8) ? CoinbaseMessageKind.Heartbeat
            : reader.ValueTextEquals("market_trades"u8) ? CoinbaseMessageKind.Trade
            : reader.ValueTextEquals("user"u8) ? CoinbaseMessageKind.User
            : reader.ValueTextEquals("subscriptions"u8) ? CoinbaseMessageKind.Subscriptions
            : CoinbaseMessageKind.Unknown;
    }

    private void ReadEvents(ref Utf8JsonReader reader, ref string? error)
    {
        if (!JsonFields.Expect(ref reader, JsonTokenType.StartArray, "events", ref error))
        {
            return;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= $"events[{index}] must be an object, not {reader.TokenType}.";
                reader.Skip();
                index++;
                continue;
            }

            var item = new EventRef { Index = index, Product = TextRef.None, ProductIndex = -1, Counter = -1 };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (JsonFields.NameIs(in reader, "type"u8))
                {
                    reader.Read();
                    item.IsSnapshot = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("snapshot"u8);
                    item.IsUpdate = reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("update"u8);
                    reader.Skip();
                }
                else if (JsonFields.NameIs(in reader, "product_id"u8))
                {
                    JsonFields.TryReadText(ref reader, _text, out item.Product, "product_id", ref error);
                }
                else if (JsonFields.NameIs(in reader, "updates"u8))
                {
                    item.FieldStart = _fields.Count;
                    item.Objects = ReadObjects(ref reader, UpdateFields, index, "updates", ref error);
                    item.Layout = Layout.Updates;
                }
                else if (JsonFields.NameIs(in reader, "tickers"u8))
                {
                    item.FieldStart = _fields.Count;
                    item.Objects = ReadObjects(ref reader, TickerFields, index, "tickers", ref error);
                    item.Layout = Layout.Tickers;
                }
                else if (JsonFields.NameIs(in reader, "trades"u8))
                {
                    item.FieldStart = _fields.Count;
                    item.Objects = ReadObjects(ref reader, TradeFields, index, "trades", ref error);
                    item.Layout = Layout.Trades;
                }
                else if (JsonFields.NameIs(in reader, "orders"u8))
                {
                    item.FieldStart = _fields.Count;
                    item.Objects = ReadObjects(ref reader, OrderFields, index, "orders", ref error);
                    item.Layout = Layout.Orders;
                }
                else if (JsonFields.NameIs(in reader, "heartbeat_counter"u8))
                {
                    JsonFields.TryReadInt64(ref reader, out item.Counter, "heartbeat_counter", ref error);
                }
                else
                {
                    reader.Skip();
                }
            }

            _events.Add(item);
            index++;
        }
    }

    /// <summary>Reads an array of objects, keeping the values of <paramref name="names"/> (one TextRef each, None when absent).</summary>
    private int ReadObjects(ref Utf8JsonReader reader, byte[][] names, int eventIndex, string field, ref string? error)
    {
        if (!JsonFields.Expect(ref reader, JsonTokenType.StartArray, field, ref error))
        {
            return 0;
        }

        var count = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= $"events[{eventIndex}].{field}[{count}] must be an object, not {reader.TokenType}.";
                reader.Skip();
                count++;
                continue;
            }

            var start = _fields.Count;
            for (var i = 0; i < names.Length; i++)
            {
                _fields.Add(TextRef.None);
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var slot = -1;
                for (var i = 0; i < names.Length; i++)
                {
                    if (JsonFields.NameIs(in reader, names[i]))
                    {
                        slot = i;
                        break;
                    }
                }

                if (slot < 0)
                {
                    reader.Skip();
                    continue;
                }

                JsonFields.TryReadText(ref reader, _text, out var value, field, ref error);
                _fields.Items[start + slot] = value;
            }

            count++;
        }

        return count;
    }

    /// <summary>Checks and converts every book level of every event; returns why the first bad value is bad, or null.</summary>
    private string? Convert(out int failedProduct)
    {
        failedProduct = -1;
        foreach (ref var item in _events.Items)
        {
            if (_kind != CoinbaseMessageKind.BookUpdate || item.Layout != Layout.Updates || !(item.IsSnapshot || item.IsUpdate))
            {
                continue;
            }

            if (!item.Product.IsSet)
            {
                return $"l2_data events[{item.Index}]: product_id is missing.";
            }

            item.ProductIndex = _books.IndexOf(_text[item.Product]);
            if (item.ProductIndex < 0)
            {
                continue;
            }

            var product = item.ProductIndex;
            item.BidStart = _bids.Count;
            item.AskStart = _asks.Count;
            var fields = _fields.Items.Slice(item.FieldStart, item.Objects * UpdateFields.Length);
            for (var i = 0; i < item.Objects; i++)
            {
                var row = fields.Slice(i * UpdateFields.Length, UpdateFields.Length);
                if (!row[0].IsSet || !row[1].IsSet || !row[2].IsSet)
                {
                    failedProduct = product;
                    return $"{Where(product, item.Index, i)}: side, price_level and new_quantity are required.";
                }

                if (!JsonFields.TryParseSide(_text[row[0]], out var side))
                {
                    failedProduct = product;
                    return $"{Where(product, item.Index, i)}: side '{_text.ToString(row[0])}' must be bid or offer.";
                }

                if (!_books.TryParsePrice(product, _text[row[1]], allowZero: false, out var price, out var error, "price_level")
                    || !_books.TryParseSize(product, _text[row[2]], out var size, out error, "new_quantity"))
                {
                    failedProduct = product;
                    return $"{Where(product, item.Index, i)}: {error}";
                }

                (side == Side.Buy ? _bids : _asks).Add(new DepthLevel(price, size, 0));
            }

            item.BidCount = _bids.Count - item.BidStart;
            item.AskCount = _asks.Count - item.AskStart;
        }

        return null;
    }

    private string Where(int product, int eventIndex, int update) => $"l2_data {_books.GetInstrument(product).Symbol} events[{eventIndex}].updates[{update}]";

    private CoinbaseDecodeResult Deliver(ICoinbaseFeedListener? listener)
    {
        switch (_kind)
        {
            case CoinbaseMessageKind.Unknown:
                return Result(CoinbaseDecodeStatus.Ignored, -1);
            case CoinbaseMessageKind.Subscriptions:
                return Result(CoinbaseDecodeStatus.Applied, -1);
            case CoinbaseMessageKind.BookUpdate:
                return ApplyBooks(listener);
            case CoinbaseMessageKind.Heartbeat:
                foreach (ref readonly var item in _events.Items)
                {
                    listener?.OnHeartbeat(new CoinbaseHeartbeat(-1, item.Counter, -1));
                }

                return Result(CoinbaseDecodeStatus.Applied, -1);
            default:
                return DeliverObjects(listener);
        }
    }

    private CoinbaseDecodeResult ApplyBooks(ICoinbaseFeedListener? listener)
    {
        var status = CoinbaseDecodeStatus.Ignored;
        var lastProduct = -1;
        foreach (ref readonly var item in _events.Items)
        {
            if (item.Layout != Layout.Updates || !(item.IsSnapshot || item.IsUpdate) || item.ProductIndex < 0)
            {
                continue;
            }

            var book = _books.GetBook(item.ProductIndex);
            var bids = _bids.Items.Slice(item.BidStart, item.BidCount);
            var asks = _asks.Items.Slice(item.AskStart, item.AskCount);
            DepthBookResultCode code;
            if (SequenceScope == AdvancedTradeSequenceScope.Product)
            {
                if (_sequenceNum < 0)
                {
                    return Invalid(item.ProductIndex, $"l2_data {_books.GetInstrument(item.ProductIndex).Symbol}: sequence_num is missing (needed for per-product sequences).");
                }

                code = item.IsSnapshot ? book.ApplySnapshot(_sequenceNum, bids, asks) : book.ApplyUpdate(_sequenceNum, bids, asks);
            }
            else
            {
                code = item.IsSnapshot ? book.ApplySnapshot(bids, asks) : book.ApplyUpdate(bids, asks);
            }

            var kind = item.IsSnapshot ? CoinbaseMessageKind.BookSnapshot : CoinbaseMessageKind.BookUpdate;
            if (!code.IsAccepted())
            {
                var failed = code switch
                {
                    DepthBookResultCode.Gap => CoinbaseDecodeStatus.SequenceGap,
                    DepthBookResultCode.Stale => CoinbaseDecodeStatus.Stale,
                    _ => CoinbaseDecodeStatus.BookRejected,
                };
                return new(kind, failed, item.ProductIndex, code, _sequenceNum, $"l2_data {_books.GetInstrument(item.ProductIndex).Symbol} {(item.IsSnapshot ? "snapshot" : "update")}: {code.Describe()}");
            }

            _kind = kind;
            status = CoinbaseDecodeStatus.Applied;
            lastProduct = item.ProductIndex;
            listener?.OnBookChanged(item.ProductIndex, item.IsSnapshot, bids, asks);
        }

        return Result(status, lastProduct);
    }

    private CoinbaseDecodeResult DeliverObjects(ICoinbaseFeedListener? listener)
    {
        // Convert everything first so that one bad value delivers nothing.
        var delivered = -1;
        for (var pass = 0; pass < 2; pass++)
        {
            foreach (ref readonly var item in _events.Items)
            {
                var width = item.Layout switch
                {
                    Layout.Tickers => TickerFields.Length,
                    Layout.Trades => TradeFields.Length,
                    Layout.Orders => OrderFields.Length,
                    _ => 0,
                };
                if (width == 0 || !IsLayoutOf(item.Layout))
                {
                    continue;
                }

                for (var i = 0; i < item.Objects; i++)
                {
                    var row = _fields.Items.Slice(item.FieldStart + (i * width), width);
                    var product = row[0].IsSet ? _books.IndexOf(_text[row[0]]) : -1;
                    if (product < 0)
                    {
                        continue;
                    }

                    var error = item.Layout switch
                    {
                        Layout.Tickers => Ticker(row, product, pass == 1 ? listener : null),
                        Layout.Trades => Trade(row, product, item.IsSnapshot, pass == 1 ? listener : null),
                        _ => Order(row, product, pass == 1 ? listener : null),
                    };
                    if (error is not null)
                    {
                        return Invalid(product, $"{ChannelName} {_books.GetInstrument(product).Symbol} events[{item.Index}][{i}]: {error}");
                    }

                    delivered = product;
                }
            }
        }

        return Result(delivered >= 0 ? CoinbaseDecodeStatus.Applied : CoinbaseDecodeStatus.Ignored, delivered);
    }

    private bool IsLayoutOf(Layout layout) => (_kind, layout) switch
    {
        (CoinbaseMessageKind.Ticker, Layout.Tickers) => true,
        (CoinbaseMessageKind.Trade, Layout.Trades) => true,
        (CoinbaseMessageKind.User, Layout.Orders) => true,
        _ => false,
    };

    private string? Ticker(ReadOnlySpan<TextRef> row, int product, ICoinbaseFeedListener? listener)
    {
        if (!TryPrice(product, row[1], allowZero: false, "price", out var price, out var error)
            || !TryPrice(product, row[2], allowZero: true, "best_bid", out var bestBid, out error)
            || !TrySize(product, row[3], "best_bid_quantity", out var bestBidSize, out error)
            || !TryPrice(product, row[4], allowZero: true, "best_ask", out var bestAsk, out error)
            || !TrySize(product, row[5], "best_ask_quantity", out var bestAskSize, out error))
        {
            return error;
        }

        listener?.OnTicker(new CoinbaseTicker(product, price, bestBid, bestBidSize, bestAsk, bestAskSize, Quantity.Zero, -1, _sequenceNum));
        return null;
    }

    private string? Trade(ReadOnlySpan<TextRef> row, int product, bool isSnapshot, ICoinbaseFeedListener? listener)
    {
        if (!row[1].IsSet || !Utf8Parser.TryParse(_text[row[1]], out long tradeId, out var consumed) || consumed != row[1].Length)
        {
            return $"trade_id '{_text.ToString(row[1])}' must be an integer.";
        }

        if (!row[4].IsSet || !JsonFields.TryParseSide(_text[row[4]], out var side))
        {
            return $"side '{_text.ToString(row[4])}' must be BUY or SELL.";
        }

        if (!TryPrice(product, row[2], allowZero: false, "price", out var price, out var error)
            || !row[3].IsSet
            || !TrySize(product, row[3], "size", out var size, out error))
        {
            return error ?? "size is missing.";
        }

        listener?.OnTrade(new CoinbaseTrade(product, tradeId, price, size, side, _sequenceNum, isSnapshot));
        return null;
    }

    private string? Order(ReadOnlySpan<TextRef> row, int product, ICoinbaseFeedListener? listener)
    {
        if (!row[1].IsSet || row[1].Length == 0)
        {
            return "order_id is missing.";
        }

        if (!row[4].IsSet || !JsonFields.TryParseSide(_text[row[4]], out var side))
        {
            return $"order_side '{_text.ToString(row[4])}' must be BUY or SELL.";
        }

        if (!TrySize(product, row[5], "cumulative_quantity", out var cumulative, out var error)
            || !TrySize(product, row[6], "leaves_quantity", out var leaves, out error))
        {
            return error;
        }

        var average = 0m;
        var consumed = 0;
        if (row[7].IsSet && row[7].Length > 0 && (!Utf8Parser.TryParse(_text[row[7]], out average, out consumed, 'F') || consumed != row[7].Length))
        {
            return $"avg_price '{_text.ToString(row[7])}' is not a decimal number.";
        }

        var fees = 0m;
        if (row[8].IsSet && row[8].Length > 0 && (!Utf8Parser.TryParse(_text[row[8]], out fees, out consumed, 'F') || consumed != row[8].Length))
        {
            return $"total_fees '{_text.ToString(row[8])}' is not a decimal number.";
        }

        listener?.OnUserOrder(new CoinbaseUserOrder(product, _text[row[1]], _text[row[2]], _text[row[3]], side, cumulative, leaves, average, fees, _timestamp));
        return null;
    }

    private bool TryPrice(int product, TextRef text, bool allowZero, string field, out Price price, out string? error)
    {
        if (!text.IsSet || (allowZero && text.Length == 0))
        {
            price = Price.Zero;
            error = allowZero ? null : $"{field} is missing.";
            return allowZero;
        }

        return _books.TryParsePrice(product, _text[text], allowZero, out price, out error, field);
    }

    private bool TrySize(int product, TextRef text, string field, out Quantity size, out string? error)
    {
        if (!text.IsSet || text.Length == 0)
        {
            size = Quantity.Zero;
            error = null;
            return true;
        }

        return _books.TryParseSize(product, _text[text], out size, out error, field);
    }

    private string ChannelName => _kind switch
    {
        CoinbaseMessageKind.Ticker => "ticker",
        CoinbaseMessageKind.Trade => "market_trades",
        CoinbaseMessageKind.User => "user",
        _ => _kind.ToString(),
    };

    private CoinbaseDecodeResult Result(CoinbaseDecodeStatus status, int product) =>
        new(_kind, status, product, DepthBookResultCode.Applied, _sequenceNum, null);

    private CoinbaseDecodeResult Invalid(int product, string message) =>
        new(_kind, CoinbaseDecodeStatus.InvalidMessage, product, DepthBookResultCode.Applied, _sequenceNum, message);

    private enum Layout : byte
    {
        None,
        Updates,
        Tickers,
        Trades,
        Orders,
    }

    /// <summary>One event of a message as read: its type, product and where its objects' fields are.</summary>
    private struct EventRef
    {
        public int Index;
        public bool IsSnapshot;
        public bool IsUpdate;
        public TextRef Product;
        public int ProductIndex;
        public Layout Layout;
        public int FieldStart;
        public int Objects;
        public long Counter;
        public int BidStart;
        public int BidCount;
        public int AskStart;
        public int AskCount;
    }
}
