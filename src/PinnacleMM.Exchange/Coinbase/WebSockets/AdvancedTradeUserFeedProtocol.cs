using System.Buffers;
using System.Text.Json;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// The Coinbase Advanced Trade authenticated <c>user</c> channel (our orders: a snapshot of the open ones on subscribe,
/// then an update per change, each with cumulative, leaves and average-price state) with <c>heartbeats</c>, for
/// <see cref="CoinbaseFeedClient"/>; every subscribe carries a fresh JWT. Order updates are decoded by
/// <see cref="AdvancedTradeDecoder"/> into <see cref="ICoinbaseFeedListener.OnUserOrder"/>. A lost message (a
/// <c>sequence_num</c> gap) is repaired by subscribing <c>user</c> again, which makes the venue send a fresh snapshot
/// of the open orders; use it with <see cref="Sync.CoinbaseSyncOptions.SnapshotTimeout"/> set to
/// <see cref="Timeout.InfiniteTimeSpan"/> since no book snapshot comes.
/// </summary>
public sealed class AdvancedTradeUserFeedProtocol : ICoinbaseFeedProtocol
{
    private const string UserChannel = "user";

    private readonly AdvancedTradeDecoder _decoder;
    private readonly CoinbaseJwtBuilder _jwt;
    private bool _confirmed;

    /// <summary>Creates the protocol.</summary>
    /// <param name="decoder">Decodes the messages (its books give the product ids).</param>
    /// <param name="jwt">Builds the JWT of each subscribe (the channel requires authentication).</param>
    public AdvancedTradeUserFeedProtocol(AdvancedTradeDecoder decoder, CoinbaseJwtBuilder jwt)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(jwt);
        _decoder = decoder;
        _jwt = jwt;
    }

    /// <summary>
    /// Raised on the decoding thread once per connection when the venue confirmed the subscription: its
    /// <c>subscriptions</c> reply, a <c>user</c> message or the first heartbeat (both flow only once the authenticated
    /// subscribe holds; this covers a lost reply).
    /// </summary>
    public event Action? Subscribed;

    /// <inheritdoc />
    public CoinbaseProductBooks Books => _decoder.Books;

    /// <inheritdoc />
    public bool PerProductHeartbeats => false;

    /// <inheritdoc />
    public void OnNewConnection()
    {
        _confirmed = false;
        _decoder.ResetSequence();
    }

    /// <inheritdoc />
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> message, ICoinbaseFeedListener? listener)
    {
        var result = _decoder.Decode(message, listener);
        if (!_confirmed && result.Status is CoinbaseDecodeStatus.Applied or CoinbaseDecodeStatus.Ignored
            && result.Kind is CoinbaseMessageKind.Subscriptions or CoinbaseMessageKind.Heartbeat or CoinbaseMessageKind.User)
        {
            _confirmed = true;
            Subscribed?.Invoke();
        }

        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateSubscribeMessages()
    {
        var products = Books.ProductIds.ToArray();
        return [Message("subscribe", products, UserChannel), Message("subscribe", products, "heartbeats")];
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateResubscribeMessages(ReadOnlySpan<int> products)
    {
        var all = Books.ProductIds.ToArray();
        return [Message("unsubscribe", all, UserChannel), Message("subscribe", all, UserChannel)];
    }

    private byte[] Message(string type, string[] products, string channel)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
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
            writer.WriteString("jwt", _jwt.CreateWebSocketToken());
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
