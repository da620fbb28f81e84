using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>What <see cref="CoinbaseMarketDataConnector"/> follows and how it connects. <see cref="Validate"/> names the first bad setting.</summary>
public sealed class CoinbaseMarketDataOptions
{
    /// <summary>The Coinbase Exchange public feed.</summary>
    public static readonly Uri ExchangeEndpoint = new("wss://ws-feed.exchange.coinbase.com");

    /// <summary>The Coinbase Advanced Trade market data feed.</summary>
    public static readonly Uri AdvancedTradeEndpoint = new("wss://advanced-trade-ws.coinbase.com");

    /// <summary>The API. Default <see cref="CoinbaseApi.Exchange"/>.</summary>
    public CoinbaseApi Api { get; set; } = CoinbaseApi.Exchange;

    /// <summary>The product ids (e.g. <c>BTC-USD</c>), each registered in the connector's <c>InstrumentRegistry</c>; at least one.</summary>
    public IList<string> Products { get; set; } = [];

    /// <summary>
    /// The name of a <see cref="CredentialVault"/> entry: Exchange, an HMAC API key (needed for the <c>level2</c> book
    /// channel); Advanced Trade, a JWT key (EC or Ed25519). Null for public market data.
    /// </summary>
    public string? CredentialName { get; set; }

    /// <summary>Exchange only: <c>level2_batch</c> (public, default), <c>level2_50</c>, or <c>level2</c> (needs <see cref="CredentialName"/>).</summary>
    public string BookChannel { get; set; } = "level2_batch";

    /// <summary>Levels per side each book preallocates. Default 256.</summary>
    public int LevelCapacity { get; set; } = 256;

    /// <summary>Connection settings; when its <see cref="CoinbaseFeedClientOptions.Endpoint"/> is null, the API's production feed is used.</summary>
    public CoinbaseFeedClientOptions Feed { get; set; } = new();

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        if (!Enum.IsDefined(Api))
        {
            throw new ArgumentException($"Api {Api} must be Exchange or AdvancedTrade.", nameof(Api));
        }

        ValidateProducts(Products, nameof(Products));
        if (CredentialName is not null && !CredentialVault.IsValidName(CredentialName))
        {
            throw new ArgumentException($"CredentialName '{CredentialName}' is not a valid vault entry name.", nameof(CredentialName));
        }

        if (Api == CoinbaseApi.Exchange && BookChannel is not ("level2_batch" or "level2_50" or "level2"))
        {
            throw new ArgumentException($"BookChannel '{BookChannel}' must be level2_batch, level2_50 or level2.", nameof(BookChannel));
        }

        if (Api == CoinbaseApi.Exchange && BookChannel == "level2" && CredentialName is null)
        {
            throw new ArgumentException("BookChannel level2 requires CredentialName (an authenticated subscribe); use level2_batch for public data.", nameof(BookChannel));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LevelCapacity, nameof(LevelCapacity));
        ArgumentNullException.ThrowIfNull(Feed, nameof(Feed));
        ResolveFeed().Validate();
    }

    /// <summary>The feed options with the API's production endpoint filled in when none is set (a copy; these options are not changed).</summary>
    internal CoinbaseFeedClientOptions ResolveFeed() => Feed.Endpoint is not null ? Feed : CopyWithEndpoint(Feed, Api == CoinbaseApi.Exchange ? ExchangeEndpoint : AdvancedTradeEndpoint);

    internal static CoinbaseFeedClientOptions CopyWithEndpoint(CoinbaseFeedClientOptions feed, Uri endpoint) => new()
    {
        Endpoint = endpoint,
        AllowInsecureLoopback = feed.AllowInsecureLoopback,
        InitialBackoff = feed.InitialBackoff,
        MaxBackoff = feed.MaxBackoff,
        StablePeriod = feed.StablePeriod,
        ConnectTimeout = feed.ConnectTimeout,
        CheckInterval = feed.CheckInterval,
        MaxMessageBytes = feed.MaxMessageBytes,
        Sync = feed.Sync,
    };

    internal static void ValidateProducts(IList<string>? products, string field)
    {
        if (products is null || products.Count == 0)
        {
            throw new ArgumentException($"{field} must name at least one product.", field);
        }

        for (var i = 0; i < products.Count; i++)
        {
            InputValidator.Symbol(products[i], $"{field}[{i}]").ThrowIfInvalid();
        }
    }
}
