using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.MarketData;

namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// The Coinbase Exchange feed (<c>wss://ws-feed.exchange.coinbase.com</c>): one subscribe message for all
/// products and channels, signed with <see cref="CoinbaseRequestSigner.SignFeedSubscribe"/> when a signer is given
/// (required for <c>level2</c>, <c>full</c> and <c>user</c>). A product's book is fetched again by unsubscribing
/// and subscribing its book channel, after which the feed sends a new snapshot.
/// </summary>
public sealed class CoinbaseExchangeFeedProtocol : ICoinbaseFeedProtocol
{
    private readonly CoinbaseExchangeDecoder _decoder;
    private readonly CoinbaseRequestSigner? _signer;
    private readonly string _bookChannel;
    private readonly string[] _otherChannels;

    /// <summary>Creates the protocol.</summary>
    /// <param name="decoder">Decodes into the books.</param>
    /// <param name="signer">Signs the subscribe; null for public channels only.</param>
    /// <param name="bookChannel"><c>level2_batch</c> (public, the default), <c>level2_50</c>, or <c>level2</c> (needs <paramref name="signer"/>).</param>
    /// <param name="otherChannels">The other channels; <c>heartbeat</c> (needed for silence detection), <c>ticker</c> and <c>matches</c> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="bookChannel"/> is not a level2 channel, or <c>level2</c> lacks a signer.</exception>
    public CoinbaseExchangeFeedProtocol(CoinbaseExchangeDecoder decoder, CoinbaseRequestSigner? signer = null, string bookChannel = "level2_batch", IEnumerable<string>? otherChannels = null)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        if (bookChannel is not ("level2_batch" or "level2_50" or "level2"))
        {
            throw new ArgumentException($"bookChannel '{bookChannel}' must be level2_batch, level2_50 or level2.", nameof(bookChannel));
        }

        if (bookChannel == "level2" && signer is null)
        {
            throw new ArgumentException("bookChannel level2 requires authentication: pass a signer, or use level2_batch.", nameof(signer));
        }

        _decoder = decoder;
        _signer = signer;
        _bookChannel = bookChannel;
        _otherChannels = [.. otherChannels ?? ["heartbeat", "ticker", "matches"]];
    }

    /// <inheritdoc />
    public CoinbaseProductBooks Books => _decoder.Books;

    /// <inheritdoc />
    public bool PerProductHeartbeats => true;

    /// <inheritdoc />
    public void OnNewConnection()
    {
    }

    /// <inheritdoc />
    public CoinbaseDecodeResult Decode(ReadOnlySpan<byte> message, ICoinbaseFeedListener? listener) => _decoder.Decode(message, listener);

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateSubscribeMessages()
    {
        var products = Books.ProductIds.ToArray();
        return [Message("subscribe", products, [_bookChannel, .. _otherChannels])];
    }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> CreateResubscribeMessages(ReadOnlySpan<int> products)
    {
        var ids = new string[products.Length];
        for (var i = 0; i < products.Length; i++)
        {
            ids[i] = Books.GetInstrument(products[i]).Symbol;
        }

        return [Message("unsubscribe", ids, [_bookChannel]), Message("subscribe", ids, [_bookChannel])];
    }

    private byte[] Message(string type, string[] products, string[] channels) => ExchangeSubscribeMessage.Create(type, products, channels, _signer);
}
