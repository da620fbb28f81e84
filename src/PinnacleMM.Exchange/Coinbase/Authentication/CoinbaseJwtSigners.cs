using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// Chooses the JWT signer a Coinbase Advanced Trade key needs from the vault credential's key type: ES256 for EC
/// P-256 keys, EdDSA for Ed25519 keys.
/// </summary>
public static class CoinbaseJwtSigners
{
    private const string Ed25519Oid = "1.3.101.112";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";

    /// <summary>
    /// The signer for <paramref name="credential"/>:
    /// <list type="bullet">
    /// <item><see cref="CredentialKind.PemPrivateKey"/> with <c>-----BEGIN EC PRIVATE KEY-----</c>, or a PKCS#8
    /// <c>-----BEGIN PRIVATE KEY-----</c> whose algorithm is id-ecPublicKey: <see cref="EcdsaJwtSigner"/> (ES256, P-256 only).</item>
    /// <item><see cref="CredentialKind.PemPrivateKey"/> with a PKCS#8 key whose algorithm is id-Ed25519 (RFC 8410):
    /// <see cref="Ed25519JwtSigner"/> (EdDSA).</item>
    /// <item><see cref="CredentialKind.ApiKeySecret"/> without passphrase whose secret is the base64 of an Ed25519 key
    /// as Coinbase shows it (64 bytes: seed then public key, checked; or a 32-byte seed): <see cref="Ed25519JwtSigner"/>.</item>
    /// </list>
    /// The key name is the credential's <see cref="ExchangeCredential.ApiKey"/>. The caller owns (and disposes) the signer.
    /// </summary>
    /// <param name="credential">The credential; only read, so the caller may dispose it afterwards.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="credential"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The key is none of the above (an HMAC key with a passphrase, a PKCS#8 key of another algorithm, an EC key not on
    /// P-256, a 64-byte secret whose second half is not the public key of the first, bad base64); the message names the
    /// field and the rule and never contains key material.
    /// </exception>
    public static IJwtSigner FromCredential(ExchangeCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return credential.Kind switch
        {
            CredentialKind.PemPrivateKey => FromPemCredential(credential),
            CredentialKind.ApiKeySecret => FromRawEd25519(credential),
            _ => throw new ArgumentException($"credential: kind {credential.Kind} is not a JWT signing key.", nameof(credential)),
        };
    }

    private static IJwtSigner FromPemCredential(ExchangeCredential credential)
    {
        var chars = new char[Encoding.UTF8.GetCharCount(credential.Secret)];
        try
        {
            Encoding.UTF8.GetChars(credential.Secret, chars);
            return PrivateKeyAlgorithm(chars) == Ed25519Oid
                ? new Ed25519JwtSigner(Ed25519Signer.FromPem(chars))
                : EcdsaJwtSigner.FromPem(chars);
        }
        finally
        {
            Array.Clear(chars);
        }
    }

    /// <summary>The algorithm OID of the first PKCS#8 <c>PRIVATE KEY</c> block; <see cref="EcPublicKeyOid"/> for an <c>EC PRIVATE KEY</c> block.</summary>
    private static string PrivateKeyAlgorithm(ReadOnlySpan<char> pem)
    {
        var rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            var label = rest[fields.Label];
            if (label.SequenceEqual("EC PRIVATE KEY"))
            {
                return EcPublicKeyOid;
            }

            if (label.SequenceEqual("PRIVATE KEY"))
            {
                var der = GC.AllocateUninitializedArray<byte>(fields.DecodedDataLength, pinned: true);
                try
                {
                    if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                    {
                        throw new ArgumentException("credential secret: the PRIVATE KEY block is not valid base64.", "credential");
                    }

                    var info = new AsnReader(der.AsMemory(0, written), AsnEncodingRules.DER).ReadSequence();
                    info.ReadInteger();
                    var oid = info.ReadSequence().ReadObjectIdentifier();
                    return oid is Ed25519Oid or EcPublicKeyOid
                        ? oid
                        : throw new ArgumentException($"credential secret: the PKCS#8 key's algorithm {oid} is neither EC (id-ecPublicKey, for ES256) nor Ed25519 (id-Ed25519, for EdDSA).", "credential");
                }
                catch (AsnContentException ex)
                {
                    throw new ArgumentException("credential secret: the PRIVATE KEY block is not valid PKCS#8 DER.", "credential", ex);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }
            }

            rest = rest[fields.Location.End..];
        }

        throw new ArgumentException("credential secret: no -----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block was found.", "credential");
    }

    private static Ed25519JwtSigner FromRawEd25519(ExchangeCredential credential)
    {
        if (!credential.Passphrase.IsEmpty)
        {
            throw new ArgumentException("credential: an API key with a passphrase is a Coinbase Exchange HMAC key; Advanced Trade JWTs need an EC (PEM) or Ed25519 key.", nameof(credential));
        }

        var secret = credential.Secret;
        var decoded = GC.AllocateUninitializedArray<byte>(secret.Length, pinned: true);
        try
        {
            if (System.Buffers.Text.Base64.DecodeFromUtf8(secret, decoded, out _, out var written) != System.Buffers.OperationStatus.Done)
            {
                throw new ArgumentException("credential secret: an Ed25519 key must be base64 text.", nameof(credential));
            }

            if (written is not (Ed25519Signer.SeedSize or Ed25519Signer.SeedSize + Ed25519Signer.PublicKeySize))
            {
                throw new ArgumentException($"credential secret: an Ed25519 key must decode to {Ed25519Signer.SeedSize} bytes (seed) or {Ed25519Signer.SeedSize + Ed25519Signer.PublicKeySize} bytes (seed then public key), not {written}.", nameof(credential));
            }

            try
            {
                return new Ed25519JwtSigner(Ed25519Signer.FromSeed(decoded.AsSpan(0, written)));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException("credential secret: " + ex.Message.Split(" (Parameter", 2)[0] + " (an HMAC secret is not an Ed25519 key).", nameof(credential), ex);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decoded);
        }
    }
}
