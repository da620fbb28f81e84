using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>How <see cref="CoinbaseOrderEntryConnector"/> trades on Coinbase Exchange or Advanced Trade. <see cref="Validate"/> names the first bad setting.</summary>
public sealed class CoinbaseOrderEntryOptions
{
    /// <summary>The Advanced Trade WebSocket for authenticated user channels.</summary>
    public static readonly Uri AdvancedTradeUserEndpoint = new("wss://advanced-trade-ws-user.coinbase.com");

    /// <summary>The API: <see cref="CoinbaseApi.Exchange"/> (default) or <see cref="CoinbaseApi.AdvancedTrade"/>.</summary>
    public CoinbaseApi Api { get; set; } = CoinbaseApi.Exchange;

    /// <summary>
    /// The name of the <see cref="CredentialVault"/> entry. Required. Coinbase Exchange: an API key with its base64 secret
    /// and passphrase. Advanced Trade: the key name (<c>organizations/.../apiKeys/...</c>) with an EC P-256 PEM or an
    /// Ed25519 secret (see <see cref="Authentication.CoinbaseJwtSigners.FromCredential"/>).
    /// </summary>
    public string CredentialName { get; set; } = "";

    /// <summary>The product ids traded (e.g. <c>BTC-USD</c>), each registered in the connector's <c>InstrumentRegistry</c>; at least one.</summary>
    public IList<string> Products { get; set; } = [];

    /// <summary>
    /// This application's 48-bit tag inside every <c>client_oid</c> (see <see cref="CoinbaseClientOids"/>): orders of the
    /// account without it are not ours. Keep it the same across restarts. Default 0x504D4D ("PMM").
    /// </summary>
    public long ClientOidPrefix { get; set; } = 0x504D4D;

    /// <summary>The REST API settings (endpoint, rate limit, 429 handling); a null endpoint or limit takes the API's documented one.</summary>
    public CoinbaseRestOptions Rest { get; set; } = new();

    /// <summary>Coinbase Exchange's authenticated order channel: <c>user</c> (our orders only, the default) or <c>full</c>. Advanced Trade always uses <c>user</c>.</summary>
    public string Channel { get; set; } = "user";

    /// <summary>
    /// The order channel's connection; when its endpoint is null the production feed of the API is used
    /// (<see cref="AdvancedTradeUserEndpoint"/> for Advanced Trade). Its
    /// <see cref="CoinbaseSyncOptions.SnapshotTimeout"/> must be infinite: the order channel sends no snapshot.
    /// </summary>
    public CoinbaseFeedClientOptions Feed { get; set; } = new() { Sync = new CoinbaseSyncOptions { SnapshotTimeout = Timeout.InfiniteTimeSpan } };

    /// <summary>
    /// Advanced Trade only: how much earlier than asked <see cref="CoinbaseOrderEntryConnector.GetFillsAsync"/> lists
    /// fills, 0 to 1 day (default 1 minute). Its <c>user</c> channel gives no fill times, so a fill carries the time of the
    /// message that reported it, a little after the trade; a fill missed just before the last one seen would otherwise
    /// fall before the asked time. The fills listed again are recognised by their order's cumulative size. Coinbase
    /// Exchange's fills carry the trade's own time and are listed exactly from the asked time.
    /// </summary>
    public TimeSpan FillHistoryLookback { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        if (!CredentialVault.IsValidName(CredentialName))
        {
            throw new ArgumentException($"CredentialName '{CredentialName}' must name a vault entry (order entry needs credentials).", nameof(CredentialName));
        }

        if (!Enum.IsDefined(Api))
        {
            throw new ArgumentOutOfRangeException(nameof(Api), Api, "Api must be Exchange or AdvancedTrade.");
        }

        CoinbaseMarketDataOptions.ValidateProducts(Products, nameof(Products));
        if (ClientOidPrefix is < 0 or > CoinbaseClientOids.MaxPrefix)
        {
            throw new ArgumentOutOfRangeException(nameof(ClientOidPrefix), ClientOidPrefix, $"ClientOidPrefix must be from 0 to {CoinbaseClientOids.MaxPrefix} (48 bits).");
        }

        ArgumentNullException.ThrowIfNull(Rest, nameof(Rest));
        Rest.Validate();
        if (Api == CoinbaseApi.Exchange && Channel is not ("user" or "full"))
        {
            throw new ArgumentException($"Channel '{Channel}' must be user or full.", nameof(Channel));
        }

        if (FillHistoryLookback < TimeSpan.Zero || FillHistoryLookback > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(FillHistoryLookback), FillHistoryLookback, $"FillHistoryLookback: {FillHistoryLookback} must be from 0 to 1 day.");
        }

        ArgumentNullException.ThrowIfNull(Feed, nameof(Feed));
        if (Feed.Sync?.SnapshotTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("Feed.Sync.SnapshotTimeout must be Timeout.InfiniteTimeSpan: the order channel sends no snapshot.", nameof(Feed));
        }
    }
}
