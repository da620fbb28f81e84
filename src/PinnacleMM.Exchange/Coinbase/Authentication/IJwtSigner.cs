namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// Signs a JWT's signing input (<c>base64url(header) + "." + base64url(claims)</c>) for <see cref="CoinbaseJwtBuilder"/>.
/// Implementations exist per key type: <see cref="EcdsaJwtSigner"/> (ES256, EC P-256); an EdDSA (Ed25519) signer
/// plugs in the same way.
/// </summary>
public interface IJwtSigner
{
    /// <summary>The JWS <c>alg</c> header value, e.g. <c>ES256</c> or <c>EdDSA</c>.</summary>
    string Algorithm { get; }

    /// <summary>Signs <paramref name="signingInput"/> and returns the raw signature (for ES256: r || s, 64 bytes).</summary>
    byte[] Sign(ReadOnlySpan<byte> signingInput);
}
