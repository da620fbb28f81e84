using System.Buffers;
using System.Text.Json;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// The Coinbase Advanced Trade feed (<c>wss://advanced-trade-ws.coinbase.com</c>): one subscribe message per
/// channel (<c>level2</c>, <c>heartbeats</c> and the others), each carrying a fresh JWT when a
/// <see cref="CoinbaseJwtBuilder"/> is given (required for <c>user</c>). A new connection restarts the
/// decoder's sequence numbering. A product's book is fetched again by unsubscribing and subscribing <c>level2</c>.
/// </summary>
public sealed class AdvancedTradeFeedProtocol : ICoinbaseFeedProtocol
{
    private const string BookChannel = "level2";

    private readonly AdvancedTradeDecoder _decoder;
    private readonly CoinbaseJwtBuilder? _jwt;
    private readonly string[] _otherChannels;

    /// <summary>Creates the protocol.</summary>
    /// <param name="decoder">Decodes into the books.</param>
    /// <param name="jwt">Builds a JWT per subscribe; null for public channels only.</param>
    /// <param name="otherChannels">Channels besides <c>level2</c>; <c>heartbeats</c> (keeps the connection open and feeds silence detection), <c>ticker</c> and <c>market_trades</c> when null.</param>
    /// <exception cref="ArgumentException"><c>user</c> is asked for without <paramref name="jwt"/>.</exception>
    public AdvancedTradeFeedProtocol(AdvancedTradeDecoder decoder, CoinbaseJwtBuilder? jwt = null, IEnumerable<string>? otherChannels = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        _decoder = decoder;
        _jwt = jwt;
        _otherChannels = [.. otherChannels ?? ["heartbeats", "ticker", "market_trades"]];
        if (_jwt is null && _otherChannels.Contains("user"))
        {
            throw new ArgumentException("the user channel requires authentication: pass a CoinbaseJwtBuilder.", nameof(jwt));
        }
    }

    /// <inheritdoc />
    public CoinbaseProductBooks Books => _decoder.Books;

    /// <inheritdoc />
    public bool PerProductHeartbeats => false;

    /// <inheritdoc />
    public void OnNewConnection() => _decoder.ResetSequence();

    /// <inheritdoc />
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> message, ICoinbaseFeedListener? listener) => _decoder.Decode(message, listener);

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateSubscribeMessages()
    {
        var products = Books.ProductIds.ToArray();
        return [.. new[] { BookChannel }.Concat(_otherChannels).Select(channel => Message("subscribe", products, channel))];
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateResubscribeMessages(ReadOnlySpan<int> products)
    {
        var ids = new string[products.Length];
        for (var i = 0; i < products.Length; i++)
        {
            ids[i] = Books.GetInstrument(products[i]).Symbol;
        }

        return [Message("unsubscribe", ids, BookChannel), Message("subscribe", ids, BookChannel)];
    }

    private byte[] Message(string type, string[] products, string channel)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WriteStartArray("product_ids");
            foreach (var product in products)
            {
                writer.WriteStringValue(product);
            }

            writer.WriteEndArray();
            writer.WriteString("channel", channel);
            if (_jwt is not null)
            {
                writer.WriteString("jwt", _jwt.CreateWebSocketToken());
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
