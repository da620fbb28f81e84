using System.Formats.Asn1;
using System.Security.Cryptography;
using PinnacleMM.Security.Internal;

namespace PinnacleMM.Security.Credentials;

/// <summary>
/// Signs with an Ed25519 private key (RFC 8032, pure Ed25519), e.g. for EdDSA JWTs. The 32-byte seed lives in a
/// pinned array that <see cref="Dispose"/> zeroes. Create it from the seed, from the 64-byte seed-and-public-key
/// form, or from a PKCS#8 key (DER or PEM <c>PRIVATE KEY</c>, RFC 8410). Thread-safe.
/// </summary>
public sealed class Ed25519Signer : IDisposable
{
    /// <summary>Length of the private key seed.</summary>
    public const int SeedSize = 32;

    /// <summary>Length of the public key.</summary>
    public const int PublicKeySize = 32;

    /// <summary>Length of a signature.</summary>
    public const int SignatureSize = 64;

    /// <summary>The Ed25519 algorithm identifier, id-Ed25519 (RFC 8410).</summary>
    private const string Ed25519Oid = "1.3.101.112";

    private readonly byte[] _seed;
    private readonly byte[] _publicKey;
    private volatile bool _disposed;

    private Ed25519Signer(byte[] pinnedSeed)
    {
        _seed = pinnedSeed;
        _publicKey = new byte[PublicKeySize];
        BouncyCastleAdapter.Ed25519PublicKey(_seed, _publicKey);
    }

    /// <summary>The 32-byte public key.</summary>
    public ReadOnlySpan<byte> PublicKey => _publicKey;

    /// <summary>Creates a signer from a 32-byte seed, or the 64-byte seed-then-public-key form (libsodium, some exchanges).</summary>
    /// <param name="key">32 or 64 bytes; copied, so the caller may zero its buffer.</param>
    /// <returns>The signer; dispose it to zero the key.</returns>
    /// <exception cref="ArgumentException">The length is not 32 or 64, or the second half of a 64-byte key is not the public key of the first.</exception>
    public static Ed25519Signer FromSeed(ReadOnlySpan<byte> key)
    {
        if (key.Length is not (SeedSize or SeedSize + PublicKeySize))
        {
            throw new ArgumentException($"an Ed25519 private key must be {SeedSize} bytes (seed) or {SeedSize + PublicKeySize} bytes (seed then public key), not {key.Length}", nameof(key));
        }

        var seed = GC.AllocateUninitializedArray<byte>(SeedSize, pinned: true);
        key[..SeedSize].CopyTo(seed);
        var signer = new Ed25519Signer(seed);
        if (key.Length > SeedSize && !CryptographicOperations.FixedTimeEquals(signer._publicKey, key[SeedSize..]))
        {
            signer.Dispose();
            throw new ArgumentException("the last 32 bytes of the 64-byte Ed25519 key are not the public key of its first 32 bytes", nameof(key));
        }

        return signer;
    }

    /// <summary>Creates a signer from an unencrypted PKCS#8 <c>PrivateKeyInfo</c> with the Ed25519 algorithm (RFC 8410).</summary>
    /// <param name="pkcs8">The DER bytes; not kept.</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentException">The DER is malformed, not version 0/1, names another algorithm, or the key is not 32 bytes.</exception>
    public static Ed25519Signer FromPkcs8(ReadOnlySpan<byte> pkcs8)
    {
        // Every copy of the key material is ours to zero: the DER copy the reader needs and both octet strings.
        var der = GC.AllocateUninitializedArray<byte>(pkcs8.Length, pinned: true);
        pkcs8.CopyTo(der);
        byte[]? curvePrivateKey = null;
        byte[]? seed = null;
        try
        {
            var reader = new AsnReader(der, AsnEncodingRules.DER);
            var info = reader.ReadSequence();
            reader.ThrowIfNotEmpty();
            if (!info.TryReadInt32(out var version) || version is not (0 or 1))
            {
                throw new ArgumentException("the PKCS#8 version must be 0 or 1", nameof(pkcs8));
            }

            var algorithm = info.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (oid != Ed25519Oid || algorithm.HasData)
            {
                throw new ArgumentException($"the PKCS#8 key is not an Ed25519 key (algorithm {oid}, expected {Ed25519Oid} without parameters)", nameof(pkcs8));
            }

            // privateKey is an OCTET STRING holding the CurvePrivateKey, itself an OCTET STRING of the seed.
            curvePrivateKey = info.ReadOctetString();
            var inner = new AsnReader(curvePrivateKey, AsnEncodingRules.DER);
            seed = inner.ReadOctetString();
            inner.ThrowIfNotEmpty();
            return seed.Length == SeedSize
                ? FromSeed(seed)
                : throw new ArgumentException($"the Ed25519 private key must be {SeedSize} bytes, not {seed.Length}", nameof(pkcs8));
        }
        catch (AsnContentException ex)
        {
            throw new ArgumentException("the PKCS#8 key is not valid DER", nameof(pkcs8), ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(der);
            CryptographicOperations.ZeroMemory(curvePrivateKey);
            CryptographicOperations.ZeroMemory(seed);
        }
    }

    /// <summary>Creates a signer from PEM text with a <c>-----BEGIN PRIVATE KEY-----</c> block holding an Ed25519 PKCS#8 key.</summary>
    /// <param name="pem">The PEM text (other blocks are ignored).</param>
    /// <returns>The signer.</returns>
    /// <exception cref="ArgumentException">No <c>PRIVATE KEY</c> block, bad base64, or not an Ed25519 key. The message never contains key material.</exception>
    public static Ed25519Signer FromPem(ReadOnlySpan<char> pem)
    {
        var rest = pem;
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (rest[fields.Label].SequenceEqual("PRIVATE KEY"))
            {
                var der = GC.AllocateUninitializedArray<byte>(fields.DecodedDataLength, pinned: true);
                try
                {
                    if (!Convert.TryFromBase64Chars(rest[fields.Base64Data], der, out var written))
                    {
                        throw new ArgumentException("the PRIVATE KEY block is not valid base64", nameof(pem));
                    }

                    return FromPkcs8(der.AsSpan(0, written));
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(der);
                }
            }

            rest = rest[fields.Location.End..];
        }

        throw new ArgumentException("no -----BEGIN PRIVATE KEY----- block (an unencrypted PKCS#8 Ed25519 key) was found", nameof(pem));
    }

    /// <summary>Signs <paramref name="data"/>.</summary>
    /// <param name="data">The data (for a JWT: the ASCII of <c>header.payload</c>).</param>
    /// <param name="signature">Receives the signature; at least <see cref="SignatureSize"/> bytes.</param>
    /// <returns>The number of bytes written: <see cref="SignatureSize"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is shorter than 64 bytes.</exception>
    /// <exception cref="ObjectDisposedException">The signer was disposed.</exception>
    public int Sign(ReadOnlySpan<byte> data, Span<byte> signature)
    {
        if (signature.Length < SignatureSize)
        {
            throw new ArgumentException($"the signature buffer must hold {SignatureSize} bytes, not {signature.Length}", nameof(signature));
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        BouncyCastleAdapter.Ed25519Sign(_seed, _publicKey, data, signature);
        return SignatureSize;
    }

    /// <summary>Whether <paramref name="signature"/> is a valid signature of <paramref name="data"/> by this key.</summary>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">The signature; any length other than 64 is invalid.</param>
    /// <returns>Whether it verifies.</returns>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) => Verify(_publicKey, data, signature);

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="data"/> by <paramref name="publicKey"/>.</summary>
    /// <param name="publicKey">32 bytes; any other length is invalid.</param>
    /// <param name="data">The signed data.</param>
    /// <param name="signature">64 bytes; any other length is invalid.</param>
    /// <returns>Whether it verifies.</returns>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        BouncyCastleAdapter.Ed25519Verify(publicKey, data, signature);

    /// <summary>The public key as a DER <c>SubjectPublicKeyInfo</c> (RFC 8410).</summary>
    /// <returns>44 bytes.</returns>
    public byte[] ExportSubjectPublicKeyInfo()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Ed25519Oid);
            }

            writer.WriteBitString(_publicKey);
        }

        return writer.Encode();
    }

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>).</summary>
    /// <returns>The PEM text.</returns>
    public string ExportPublicKeyPem() => PemEncoding.WriteString("PUBLIC KEY", ExportSubjectPublicKeyInfo());

    /// <summary>Zeroes the private key; later <see cref="Sign"/> calls throw.</summary>
    public void Dispose()
    {
        _disposed = true;
        CryptographicOperations.ZeroMemory(_seed);
    }

    /// <summary>Names the algorithm and the public key only.</summary>
    public override string ToString() => $"Ed25519Signer(public key {Convert.ToHexStringLower(_publicKey)})";
}
