using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// The Coinbase Exchange authenticated order channel (<c>user</c>: our orders only; or <c>full</c>) with
/// <c>heartbeat</c>, for <see cref="CoinbaseFeedClient"/>: the subscribe is signed afresh on every connection, and order
/// messages are decoded by <see cref="CoinbaseExchangeOrderDecoder"/> into
/// <see cref="ICoinbaseFeedListener.OnExchangeOrder"/>. There is no book to rebuild, so a resync asks for nothing:
/// after a reconnect the order state is reconciled through REST (the connector reports the reconnect). Use it with
/// <see cref="Sync.CoinbaseSyncOptions.SnapshotTimeout"/> set to <see cref="Timeout.InfiniteTimeSpan"/>: no snapshot comes.
/// </summary>
public sealed class CoinbaseExchangeUserFeedProtocol : ICoinbaseFeedProtocol
{
    private readonly CoinbaseExchangeOrderDecoder _decoder;
    private readonly CoinbaseRequestSigner _signer;
    private readonly string _channel;

    /// <summary>Creates the protocol.</summary>
    /// <param name="decoder">Decodes the order messages.</param>
    /// <param name="signer">Signs the subscribe (the channel requires authentication).</param>
    /// <param name="channel"><c>user</c> (default) or <c>full</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is neither.</exception>
    public CoinbaseExchangeUserFeedProtocol(CoinbaseExchangeOrderDecoder decoder, CoinbaseRequestSigner signer, string channel = "user")
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(signer);
        if (channel is not ("user" or "full"))
        {
            throw new ArgumentException($"channel '{channel}' must be user or full.", nameof(channel));
        }

        _decoder = decoder;
        _signer = signer;
        _channel = channel;
    }

    private bool _confirmed;

    /// <summary>
    /// Raised on the decoding thread once per connection when the venue confirmed the subscription: its
    /// <c>subscriptions</c> reply, or the first heartbeat (the heartbeat channel is part of the same authenticated
    /// subscribe, so it flows only once the subscription holds; this covers a lost reply).
    /// </summary>
    public event Action? Subscribed;

    /// <inheritdoc />
    public CoinbaseProductBooks Books => _decoder.Books;

    /// <inheritdoc />
    public bool PerProductHeartbeats => true;

    /// <inheritdoc />
    public void OnNewConnection() => _confirmed = false;

    /// <inheritdoc />
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> message, ICoinbaseFeedListener? listener)
    {
        var result = _decoder.Decode(message, listener);
        if (!_confirmed && result.IsApplied && result.Kind is CoinbaseMessageKind.Subscriptions or CoinbaseMessageKind.Heartbeat)
        {
            _confirmed = true;
            Subscribed?.Invoke();
        }

        return result;
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateSubscribeMessages() =>
        [ExchangeSubscribeMessage.Create("subscribe", [.. Books.ProductIds], [_channel, "heartbeat"], _signer)];

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateResubscribeMessages(ReadOnlySpan<int> products) => [];
}
