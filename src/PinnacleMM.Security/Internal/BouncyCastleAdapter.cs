using System.Security.Cryptography;
using Org.BouncyCastle.Crypto.Generators;

namespace PinnacleMM.Security.Internal;

/// <summary>
/// The only place that calls BouncyCastle (scrypt, which .NET lacks). Switching from
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
}
