using System.Security.Cryptography;

namespace PinnacleMM.Security.Credentials;

/// <summary>
/// One exchange credential: an API key with a secret (and optional passphrase), or an API key name with a
/// PEM private key. The secret and passphrase live in pinned byte arrays that <see cref="Dispose"/> zeroes;
/// <see cref="ToString"/> shows only the kind and the lengths.
/// </summary>
public sealed class ExchangeCredential : IDisposable
{
    /// <summary>Longest API key or key name accepted, in characters.</summary>
    public const int MaxApiKeyLength = 512;

    /// <summary>Longest secret, private key or passphrase accepted, in bytes.</summary>
    public const int MaxSecretLength = 64 * 1024;

    private readonly byte[] _secret;
    private readonly byte[] _passphrase;
    private bool _disposed;

    private ExchangeCredential(CredentialKind kind, string apiKey, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> passphrase)
    {
        Kind = kind;
        ApiKey = apiKey;
        _secret = PinnedCopy(secret);
        _passphrase = PinnedCopy(passphrase);
    }

    /// <summary>What the credential holds.</summary>
    public CredentialKind Kind { get; }

    /// <summary>The API key (or, for <see cref="CredentialKind.PemPrivateKey"/>, the key name). Not treated as secret, but never printed by <see cref="ToString"/>.</summary>
    public string ApiKey { get; }

    /// <summary>The HMAC secret, or the PEM private key text (UTF-8).</summary>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public ReadOnlySpan<byte> Secret
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _secret;
        }
    }

    /// <summary>The passphrase; empty when there is none.</summary>
    /// <exception cref="ObjectDisposedException">The credential was disposed.</exception>
    public ReadOnlySpan<byte> Passphrase
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _passphrase;
        }
    }

    /// <summary>An API key with its secret and optional passphrase; the buffers are copied, so the caller may zero its own.</summary>
    /// <param name="apiKey">The API key: 1 to <see cref="MaxApiKeyLength"/> characters, no control characters.</param>
    /// <param name="secret">The secret: 1 to <see cref="MaxSecretLength"/> bytes.</param>
    /// <param name="passphrase">The passphrase, empty when the exchange uses none; at most <see cref="MaxSecretLength"/> bytes.</param>
    /// <returns>The credential; dispose it to zero its copies.</returns>
    /// <exception cref="ArgumentException">A part is empty, too long or (the key) contains control characters.</exception>
    public static ExchangeCredential FromApiKey(string apiKey, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> passphrase = default) =>
        Create(CredentialKind.ApiKeySecret, apiKey, secret, passphrase);

    /// <summary>An API key name with a PEM private key (for JWT signing); the buffer is copied.</summary>
    /// <param name="keyName">The key name: 1 to <see cref="MaxApiKeyLength"/> characters, no control characters.</param>
    /// <param name="privateKeyPem">The PEM text as UTF-8: must contain a <c>-----BEGIN</c> line; at most <see cref="MaxSecretLength"/> bytes.</param>
    /// <returns>The credential; dispose it to zero its copy.</returns>
    /// <exception cref="ArgumentException">A part is empty, too long, or the key is not PEM.</exception>
    public static ExchangeCredential FromPrivateKeyPem(string keyName, ReadOnlySpan<byte> privateKeyPem)
    {
        if (privateKeyPem.IndexOf("-----BEGIN "u8) < 0)
        {
            throw new ArgumentException("privateKeyPem must be PEM text with a -----BEGIN line", nameof(privateKeyPem));
        }

        return Create(CredentialKind.PemPrivateKey, keyName, privateKeyPem, default);
    }

    internal static ExchangeCredential Create(CredentialKind kind, string apiKey, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> passphrase)
    {
        ArgumentNullException.ThrowIfNull(apiKey);
        if (kind is not (CredentialKind.ApiKeySecret or CredentialKind.PemPrivateKey))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), "unknown credential kind");
        }

        if (apiKey.Length is 0 or > MaxApiKeyLength || apiKey.AsSpan().ContainsAnyInRange('\0', '\u001f') || apiKey.Contains('\u007f', StringComparison.Ordinal))
        {
            throw new ArgumentException($"apiKey must be 1 to {MaxApiKeyLength} characters without control characters", nameof(apiKey));
        }

        if (secret.IsEmpty || secret.Length > MaxSecretLength)
        {
            throw new ArgumentException($"secret must be 1 to {MaxSecretLength} bytes", nameof(secret));
        }

        if (passphrase.Length > MaxSecretLength)
        {
            throw new ArgumentException($"passphrase must be at most {MaxSecretLength} bytes", nameof(passphrase));
        }

        return new ExchangeCredential(kind, apiKey, secret, passphrase);
    }

    /// <summary>An independent copy (its own buffers), for handing out while the vault keeps the original.</summary>
    internal ExchangeCredential Clone()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new ExchangeCredential(Kind, ApiKey, _secret, _passphrase);
    }

    /// <summary>Zeroes the secret and passphrase; later reads throw <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CryptographicOperations.ZeroMemory(_secret);
        CryptographicOperations.ZeroMemory(_passphrase);
    }

    /// <summary>The kind and the lengths, never the key or secret, e.g. <c>ExchangeCredential(ApiKeySecret, secret: 64 bytes, passphrase: none)</c>.</summary>
    public override string ToString() =>
        _disposed
            ? $"ExchangeCredential({Kind}, disposed)"
            : $"ExchangeCredential({Kind}, secret: {_secret.Length} bytes, passphrase: {(_passphrase.Length == 0 ? "none" : "set")})";

    private static byte[] PinnedCopy(ReadOnlySpan<byte> source)
    {
        // Pinned so the GC never leaves an unzeroed copy behind when it compacts.
        var copy = GC.AllocateUninitializedArray<byte>(source.Length, pinned: true);
        source.CopyTo(copy);
        return copy;
    }
}
