using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// ES256 (ECDSA on P-256 with SHA-256) JWT signing with .NET's <see cref="ECDsa"/>, for Coinbase Advanced Trade
/// keys given as PEM (<c>-----BEGIN EC PRIVATE KEY-----</c> or PKCS#8 <c>-----BEGIN PRIVATE KEY-----</c>).
/// Thread-safe.
/// </summary>
public sealed class EcdsaJwtSigner : IJwtSigner
{
    private readonly ECDsa _key;

    private EcdsaJwtSigner(ECDsa key) => _key = key;

    /// <inheritdoc />
    public string Algorithm => "ES256";

    /// <summary>Creates a signer from a vault credential holding a PEM private key.</summary>
    /// <param name="credential">A <see cref="CredentialKind.PemPrivateKey"/> credential.</param>
    /// <exception cref="ArgumentException">The credential is not a PEM key, or the key is not an EC P-256 private key.</exception>
    public static EcdsaJwtSigner FromCredential(ExchangeCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.Kind != CredentialKind.PemPrivateKey)
        {
            throw new ArgumentException($"credential must be a PemPrivateKey, not {credential.Kind}.", nameof(credential));
        }

        var chars = new char[Encoding.UTF8.GetCharCount(credential.Secret)];
        try
        {
            Encoding.UTF8.GetChars(credential.Secret, chars);
            return FromPem(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>Creates a signer from PEM text.</summary>
    /// <param name="pem">The PEM private key.</param>
    /// <exception cref="ArgumentException">The text holds no EC private key, or the key is not on P-256.</exception>
    public static EcdsaJwtSigner FromPem(ReadOnlySpan<char> pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new ArgumentException("pem must hold an EC private key (-----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY-----): " + ex.Message, nameof(pem), ex);
        }

        var parameters = key.ExportParameters(includePrivateParameters: false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            key.Dispose();
            throw new ArgumentException($"pem must hold a P-256 key for ES256, not {parameters.Curve.Oid?.FriendlyName ?? "an unnamed curve"}.", nameof(pem));
        }

        return new EcdsaJwtSigner(key);
    }

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> signingInput) =>
        _key.SignData(signingInput, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Releases the key.</summary>
    public void Dispose() => _key.Dispose();
}
