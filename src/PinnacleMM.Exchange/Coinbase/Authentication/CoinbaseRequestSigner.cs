using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Coinbase.Authentication;

/// <summary>
/// Signs Coinbase Exchange requests with HMAC-SHA256: <c>CB-ACCESS-SIGN = base64(HMAC-SHA256(key =
/// base64decode(secret), message = timestamp + METHOD + requestPath + body))</c>, for REST calls and for the
/// WebSocket feed's authenticated subscribe (the signature of <c>timestamp + "GET" + "/users/self/verify"</c>).
/// </summary>
/// <remarks>
/// The credential comes from the Security vault (<see cref="CredentialVault"/>): an
/// <see cref="CredentialKind.ApiKeySecret"/> whose secret is the base64 text Coinbase shows and whose passphrase
/// is the API passphrase. The decoded key is kept in a pinned array that <see cref="Dispose"/> zeroes.
/// Wall time comes from the <see cref="TimeProvider"/>. Thread-safe.
/// </remarks>
public sealed class CoinbaseRequestSigner : IDisposable
{
    /// <summary>The request path the feed's subscribe signature is computed over.</summary>
    public const string FeedVerifyPath = "/users/self/verify";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];

    private readonly byte[] _key;
    private readonly string _apiKey;
    private readonly string _passphrase;
    private readonly TimeProvider _time;
    private bool _disposed;

    /// <summary>Creates a signer from a vault credential.</summary>
    /// <param name="credential">An API key with its base64 secret and passphrase; it is copied, so the caller may dispose it.</param>
    /// <param name="timeProvider">The wall clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="credential"/> is null.</exception>
    /// <exception cref="ArgumentException">The credential is not an API key secret, its secret is not base64, or it has no passphrase.</exception>
    public CoinbaseRequestSigner(ExchangeCredential credential, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(credential);
        if (credential.Kind != CredentialKind.ApiKeySecret)
        {
            throw new ArgumentException($"credential must be an ApiKeySecret (key, base64 secret, passphrase), not {credential.Kind}.", nameof(credential));
        }

        if (credential.Passphrase.IsEmpty)
        {
            throw new ArgumentException("credential must have the API passphrase: Coinbase Exchange requires CB-ACCESS-PASSPHRASE.", nameof(credential));
        }

        var secret = credential.Secret;
        var decoded = GC.AllocateUninitializedArray<byte>(secret.Length, pinned: true);
        if (System.Buffers.Text.Base64.DecodeFromUtf8(secret, decoded, out _, out var written) != System.Buffers.OperationStatus.Done || written == 0)
        {
            CryptographicOperations.ZeroMemory(decoded);
            throw new ArgumentException("credential secret must be the base64 text Coinbase shows for the API key.", nameof(credential));
        }

        _key = GC.AllocateUninitializedArray<byte>(written, pinned: true);
        decoded.AsSpan(0, written).CopyTo(_key);
        CryptographicOperations.ZeroMemory(decoded);
        _apiKey = credential.ApiKey;
        _passphrase = Encoding.UTF8.GetString(credential.Passphrase);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The API key (not secret).</summary>
    public string ApiKey => _apiKey;

    /// <summary>Computes <c>base64(HMAC-SHA256(secret, timestamp + method + requestPath + body))</c>.</summary>
    /// <param name="timestamp">Seconds since the Unix epoch, as sent in <c>CB-ACCESS-TIMESTAMP</c>.</param>
    /// <param name="method">The HTTP method, upper case: GET, POST, PUT, DELETE or PATCH.</param>
    /// <param name="requestPath">The path with its query string, starting with '/', e.g. <c>/orders?product_id=BTC-USD</c>.</param>
    /// <param name="body">The exact request body; empty when there is none.</param>
    /// <returns>The base64 signature.</returns>
    /// <exception cref="ArgumentException">A part breaks its rule; the message names it.</exception>
    /// <exception cref="ObjectDisposedException">The signer was disposed.</exception>
    public string Sign(string timestamp, string method, string requestPath, string body = "")
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestPath);
        ArgumentNullException.ThrowIfNull(body);
        if (timestamp.Length == 0 || timestamp.AsSpan().ContainsAnyExcept("0123456789."))
        {
            throw new ArgumentException($"timestamp '{timestamp}' must be seconds since the Unix epoch (digits, optionally a decimal point).", nameof(timestamp));
        }

        if (Array.IndexOf(Methods, method) < 0)
        {
            throw new ArgumentException($"method '{method}' must be one of {string.Join(", ", Methods)} (upper case).", nameof(method));
        }

        if (!requestPath.StartsWith('/'))
        {
            throw new ArgumentException($"requestPath '{requestPath}' must start with '/' (the path and query string, without the host).", nameof(requestPath));
        }

        var message = Encoding.UTF8.GetBytes(timestamp + method + requestPath + body);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, message, mac);
        return Convert.ToBase64String(mac);
    }

    /// <summary>Signs a request at the current time and returns the four header values.</summary>
    /// <param name="method">The HTTP method, upper case.</param>
    /// <param name="requestPath">The path with its query string, starting with '/'.</param>
    /// <param name="body">The exact request body; empty when there is none.</param>
    /// <exception cref="ArgumentException">A part breaks its rule; the message names it.</exception>
    public CoinbaseSignature SignRequest(string method, string requestPath, string body = "")
    {
        var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return new CoinbaseSignature(_apiKey, Sign(timestamp, method, requestPath, body), timestamp, _passphrase);
    }

    /// <summary>The values for an authenticated feed subscribe: the signature of <c>timestamp + "GET" + "/users/self/verify"</c>.</summary>
    public CoinbaseSignature SignFeedSubscribe() => SignRequest("GET", FeedVerifyPath);

    /// <summary>Adds the four <c>CB-ACCESS-*</c> headers to <paramref name="request"/>, signing its method, path, query and body.</summary>
    /// <param name="request">The request; its URI must be absolute. Its content, if any, must already be set.</param>
    /// <param name="cancellationToken">Cancels reading the body.</param>
    /// <exception cref="ArgumentException">The request URI is not absolute.</exception>
    public async Task SignAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.RequestUri is not { IsAbsoluteUri: true } uri)
        {
            throw new ArgumentException("request.RequestUri must be an absolute URI.", nameof(request));
        }

        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var signature = SignRequest(request.Method.Method.ToUpperInvariant(), uri.PathAndQuery, body);
        request.Headers.Remove("CB-ACCESS-KEY");
        request.Headers.Remove("CB-ACCESS-SIGN");
        request.Headers.Remove("CB-ACCESS-TIMESTAMP");
        request.Headers.Remove("CB-ACCESS-PASSPHRASE");
        request.Headers.Add("CB-ACCESS-KEY", signature.Key);
        request.Headers.Add("CB-ACCESS-SIGN", signature.Signature);
        request.Headers.Add("CB-ACCESS-TIMESTAMP", signature.Timestamp);
        request.Headers.Add("CB-ACCESS-PASSPHRASE", signature.Passphrase);
    }

    /// <summary>Zeroes the decoded key; later signing throws <see cref="ObjectDisposedException"/>.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            CryptographicOperations.ZeroMemory(_key);
        }
    }
}
