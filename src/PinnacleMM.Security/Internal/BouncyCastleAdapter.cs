using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Math.EC.Rfc8032;

namespace PinnacleMM.Security.Internal;

/// <summary>
/// The only place that calls BouncyCastle (scrypt and Ed25519, which .NET lacks). Switching from
/// Portable.BouncyCastle to BouncyCastle.Cryptography or another library touches this file only.
/// </summary>
internal static class BouncyCastleAdapter
{
    /// <summary>Derives <paramref name="output"/>.Length bytes with scrypt (RFC 7914).</summary>
    public static void Scrypt(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int n, int r, int p, Span<byte> output)
    {
        // BouncyCastle takes arrays: copy into arrays we own and zero them afterwards.
        var passwordCopy = password.ToArray();
        var saltCopy = salt.ToArray();
        byte[]? derived = null;
        try
        {
            derived = SCrypt.Generate(passwordCopy, saltCopy, n, r, p, output.Length);
            derived.CopyTo(output);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(passwordCopy);
            if (derived is not null)
            {
                CryptographicOperations.ZeroMemory(derived);
            }
        }
    }

    /// <summary>The 32-byte Ed25519 public key of a 32-byte seed (RFC 8032 private key).</summary>
    /// <param name="seed">A pinned array of 32 bytes, passed as is (no copy to zero).</param>
    /// <param name="publicKey">Receives 32 bytes.</param>
    public static void Ed25519PublicKey(byte[] seed, Span<byte> publicKey)
    {
        var output = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed, 0, output, 0);
        output.CopyTo(publicKey);
    }

    /// <summary>A 64-byte Ed25519 signature (RFC 8032, pure Ed25519) of <paramref name="message"/>.</summary>
    /// <param name="seed">A pinned array of 32 bytes.</param>
    /// <param name="publicKey">The matching public key (saves recomputing it).</param>
    /// <param name="message">The data to sign.</param>
    /// <param name="signature">Receives 64 bytes.</param>
    public static void Ed25519Sign(byte[] seed, byte[] publicKey, ReadOnlySpan<byte> message, Span<byte> signature)
    {
        var data = message.ToArray();
        var output = new byte[Ed25519.SignatureSize];
        Ed25519.Sign(seed, 0, publicKey, 0, data, 0, data.Length, output, 0);
        output.CopyTo(signature);
    }

    /// <summary>Whether <paramref name="signature"/> is a valid Ed25519 signature of <paramref name="message"/> by <paramref name="publicKey"/>.</summary>
    public static bool Ed25519Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        var data = message.ToArray();
        return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, data, 0, data.Length);
    }
}
