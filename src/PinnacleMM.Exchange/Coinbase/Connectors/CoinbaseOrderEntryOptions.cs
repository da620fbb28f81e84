using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>How <see cref="CoinbaseOrderEntryConnector"/> trades on Coinbase Exchange. <see cref="Validate"/> names the first bad setting.</summary>
public sealed class CoinbaseOrderEntryOptions
{
    /// <summary>The name of the <see cref="CredentialVault"/> entry: a Coinbase Exchange API key with its base64 secret and passphrase. Required.</summary>
    public string CredentialName { get; set; } = "";

    /// <summary>The product ids traded (e.g. <c>BTC-USD</c>), each registered in the connector's <c>InstrumentRegistry</c>; at least one.</summary>
    public IList<string> Products { get; set; } = [];

    /// <summary>
    /// This application's 48-bit tag inside every <c>client_oid</c> (see <see cref="CoinbaseClientOids"/>): orders of the
    /// account without it are not ours. Keep it the same across restarts. Default 0x504D4D ("PMM").
    /// </summary>
    public long ClientOidPrefix { get; set; } = 0x504D4D;

    /// <summary>The REST API settings (endpoint, rate limit, 429 handling).</summary>
    public CoinbaseRestOptions Rest { get; set; } = new();

    /// <summary>The authenticated order channel: <c>user</c> (our orders only, the default) or <c>full</c>.</summary>
    public string Channel { get; set; } = "user";

    /// <summary>
    /// The order channel's connection; when its endpoint is null the production feed is used. Its
    /// <see cref="CoinbaseSyncOptions.SnapshotTimeout"/> must be infinite: the order channel sends no snapshot.
    /// </summary>
    public CoinbaseFeedClientOptions Feed { get; set; } = new() { Sync = new CoinbaseSyncOptions { SnapshotTimeout = Timeout.InfiniteTimeSpan } };

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        if (!CredentialVault.IsValidName(CredentialName))
        {
            throw new ArgumentException($"CredentialName '{CredentialName}' must name a vault entry (order entry needs credentials).", nameof(CredentialName));
        }

        CoinbaseMarketDataOptions.ValidateProducts(Products, nameof(Products));
        if (ClientOidPrefix is < 0 or > CoinbaseClientOids.MaxPrefix)
        {
            throw new ArgumentOutOfRangeException(nameof(ClientOidPrefix), ClientOidPrefix, $"ClientOidPrefix must be from 0 to {CoinbaseClientOids.MaxPrefix} (48 bits).");
        }

        ArgumentNullException.ThrowIfNull(Rest, nameof(Rest));
        Rest.Validate();
        if (Channel is not ("user" or "full"))
        {
            throw new ArgumentException($"Channel '{Channel}' must be user or full.", nameof(Channel));
        }

        ArgumentNullException.ThrowIfNull(Feed, nameof(Feed));
        if (Feed.Sync?.SnapshotTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException("Feed.Sync.SnapshotTimeout must be Timeout.InfiniteTimeSpan: the order channel sends no snapshot.", nameof(Feed));
        }
    }
}
