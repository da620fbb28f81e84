namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// Signs a JWT's signing input (<c>base64url(header) + "." + base64url(claims)</c>) for <see cref="CoinbaseJwtBuilder"/>.
/// Implementations exist per key type: <see cref="EcdsaJwtSigner"/> (ES256, EC P-256) and <see cref="Ed25519JwtSigner"/>
/// (EdDSA); <see cref="CoinbaseJwtSigners.FromCredential"/> picks the one a vault credential's key needs.
/// Disposing a signer releases (and where possible zeroes) its key.
/// </summary>
public interface IJwtSigner : IDisposable
{
    /// <summary>The JWS <c>alg</c> header value, e.g. <c>ES256</c> or <c>EdDSA</c>.</summary>
    string Algorithm { get; }

    /// <summary>Signs <paramref name="signingInput"/> and returns the raw signature (ES256: r || s, 64 bytes; EdDSA: 64 bytes).</summary>
    byte[] Sign(ReadOnlySpan<byte> signingInput);
}
