using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// EdDSA (Ed25519, RFC 8037) JWT signing for Coinbase Advanced Trade keys of type Ed25519, over the Security
/// package's <see cref="Ed25519Signer"/> (which keeps the key in a pinned array and zeroes it on dispose).
/// Thread-safe. Pick the signer for a vault credential with <see cref="CoinbaseJwtSigners.FromCredential"/>.
/// </summary>
public sealed class Ed25519JwtSigner : IJwtSigner
{
    private readonly Ed25519Signer _signer;

    /// <summary>Creates a JWT signer that owns <paramref name="signer"/> (disposing this disposes it).</summary>
    /// <param name="signer">The Ed25519 key.</param>
    /// <exception cref="ArgumentNullException"><paramref name="signer"/> is null.</exception>
    public Ed25519JwtSigner(Ed25519Signer signer)
    {
        ArgumentNullException.ThrowIfNull(signer);
        _signer = signer;
    }

    /// <inheritdoc />
    public string Algorithm => "EdDSA";

    /// <summary>The 32-byte public key, e.g. to register with a verifier.</summary>
    public ReadOnlySpan<byte> PublicKey => _signer.PublicKey;

    /// <summary>Signs <paramref name="signingInput"/>: the 64-byte Ed25519 signature.</summary>
    /// <exception cref="ObjectDisposedException">The signer was disposed.</exception>
    public byte[] Sign(ReadOnlySpan<byte> signingInput)
    {
        var signature = new byte[Ed25519Signer.SignatureSize];
        _signer.Sign(signingInput, signature);
        return signature;
    }

    /// <summary>Zeroes the key.</summary>
    public void Dispose() => _signer.Dispose();
}
