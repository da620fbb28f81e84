namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// The four values that authenticate a Coinbase Exchange request: as the <c>CB-ACCESS-*</c> headers of a REST
/// call, or as the <c>key</c>, <c>signature</c>, <c>timestamp</c> and <c>passphrase</c> fields of a feed subscribe message.
/// </summary>
/// <param name="Key">The API key (<c>CB-ACCESS-KEY</c>).</param>
/// <param name="Signature">base64(HMAC-SHA256(secret, timestamp + METHOD + requestPath + body)) (<c>CB-ACCESS-SIGN</c>).</param>
/// <param name="Timestamp">Seconds since the Unix epoch (<c>CB-ACCESS-TIMESTAMP</c>).</param>
/// <param name="Passphrase">The API passphrase (<c>CB-ACCESS-PASSPHRASE</c>).</param>
public sealed record CoinbaseSignature(string Key, string Signature, string Timestamp, string Passphrase)
{
    /// <summary>Shows the key and timestamp only: the signature and passphrase are credentials.</summary>
    public override string ToString() => $"CoinbaseSignature(key {Key}, timestamp {Timestamp})";
}
