using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;

namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// Builds the short-lived JWTs Coinbase Advanced Trade requires, a fresh one per request or subscription:
/// header <c>{"alg":..,"kid":keyName,"nonce":random hex,"typ":"JWT"}</c>, claims
/// <c>{"sub":keyName,"iss":"cdp","nbf":now,"exp":now+lifetime}</c>, plus <c>"uri":"METHOD host/path"</c> for REST.
/// The signature comes from a pluggable <see cref="IJwtSigner"/>, so ES256 and EdDSA keys share this code.
/// </summary>
/// <remarks>Wall time comes from the <see cref="TimeProvider"/>; the nonce from <see cref="RandomNumberGenerator"/>. Thread-safe if the signer is.</remarks>
public sealed class CoinbaseJwtBuilder
{
    /// <summary>The lifetime Coinbase documents: two minutes.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(120);

    private readonly string _keyName;
    private readonly IJwtSigner _signer;
    private readonly TimeProvider _time;
    private readonly long _lifetimeSeconds;

    /// <summary>Creates a builder.</summary>
    /// <param name="keyName">The API key name (<c>organizations/{org}/apiKeys/{id}</c>), used as <c>kid</c> and <c>sub</c>; not empty.</param>
    /// <param name="signer">Signs the token.</param>
    /// <param name="timeProvider">The wall clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="lifetime">From <c>nbf</c> to <c>exp</c>; 1 s to 10 min, <see cref="DefaultLifetime"/> when null.</param>
    /// <exception cref="ArgumentException"><paramref name="keyName"/> is empty, or <paramref name="lifetime"/> is out of range.</exception>
    public CoinbaseJwtBuilder(string keyName, IJwtSigner signer, TimeProvider? timeProvider = null, TimeSpan? lifetime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        ArgumentNullException.ThrowIfNull(signer);
        var span = lifetime ?? DefaultLifetime;
        if (span < TimeSpan.FromSeconds(1) || span > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), span, $"lifetime {span} must be between 1 second and 10 minutes.");
        }

        _keyName = keyName;
        _signer = signer;
        _time = timeProvider ?? TimeProvider.System;
        _lifetimeSeconds = (long)span.TotalSeconds;
    }

    /// <summary>Builds a JWT for a WebSocket subscription (no <c>uri</c> claim).</summary>
    public string CreateWebSocketToken() => Create(null);

    /// <summary>Builds a JWT for one REST request.</summary>
    /// <param name="method">The HTTP method, upper case, e.g. <c>POST</c>.</param>
    /// <param name="host">The host, e.g. <c>api.coinbase.com</c>.</param>
    /// <param name="path">The path, starting with '/', e.g. <c>/api/v3/brokerage/orders</c>.</param>
    /// <exception cref="ArgumentException">A part is empty, the method is not upper case, or the path does not start with '/'.</exception>
    public string CreateRestToken(string method, string host, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentException.ThrowIfNullOrEmpty(host);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (method != method.ToUpperInvariant())
        {
            throw new ArgumentException($"method '{method}' must be upper case.", nameof(method));
        }

        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"path '{path}' must start with '/'.", nameof(path));
        }

        return Create($"{method} {host}{path}");
    }

    private string Create(string? uri)
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        Span<byte> nonce = stackalloc byte[16];
        RandomNumberGenerator.Fill(nonce);

        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("alg", _signer.Algorithm);
            writer.WriteString("kid", _keyName);
            writer.WriteString("nonce", Convert.ToHexStringLower(nonce));
            writer.WriteString("typ", "JWT");
            writer.WriteEndObject();
        }

        var header = Base64Url.EncodeToString(buffer.WrittenSpan);
        buffer.Clear();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("sub", _keyName);
            writer.WriteString("iss", "cdp");
            writer.WriteNumber("nbf", now);
            writer.WriteNumber("exp", now + _lifetimeSeconds);
            if (uri is not null)
            {
                writer.WriteString("uri", uri);
            }

            writer.WriteEndObject();
        }

        var signingInput = header + "." + Base64Url.EncodeToString(buffer.WrittenSpan);
        var signature = _signer.Sign(System.Text.Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }
}
