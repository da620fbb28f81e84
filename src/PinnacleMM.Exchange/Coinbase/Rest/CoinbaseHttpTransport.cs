using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// The HTTP part both Coinbase REST clients share: one <see cref="HttpClient"/> (certificate pins enforced when given),
/// the client-side limit as a Security <see cref="PolicyRateLimiter"/> (a request waits for its permit), and the
/// retry after HTTP 429 once the venue's <c>Retry-After</c> has passed (exponential backoff when it sent none). What
/// differs per API is passed in: how a request is authenticated (HMAC headers or a fresh JWT) and how an error body
/// maps to a <see cref="RejectReason"/>.
/// </summary>
internal sealed class CoinbaseHttpTransport : IDisposable
{
    private readonly CoinbaseRestOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly PolicyRateLimiter _limiter;
    private readonly ILogger _logger;
    private long _rateLimited;

    public CoinbaseHttpTransport(CoinbaseRestOptions options, Uri endpoint, RateLimitPolicy limit, CertificatePinValidator? pinValidator, TimeProvider time, ILogger? logger)
    {
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _time = time;
        BaseAddress = endpoint;
        _limiter = new PolicyRateLimiter(limit, _time);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        pinValidator?.Configure(handler);
        _http = new HttpClient(handler) { Timeout = options.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("PinnacleMM", "0.1"));
    }

    /// <summary>The API's base address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>How many HTTP 429 answers the venue sent so far.</summary>
    public long RateLimitedResponses => Interlocked.Read(ref _rateLimited);

    /// <summary>How many requests waited for the client-side rate limit.</summary>
    public long ThrottledRequests => _limiter.RefusedCount;

    /// <summary>Sends one request: waits for a rate-limit permit, authenticates, sends, and after 429 waits and starts over.</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="pathAndQuery">The path (with its query) relative to <see cref="BaseAddress"/>.</param>
    /// <param name="body">The JSON body, or null.</param>
    /// <param name="authenticate">Adds the credentials to each attempt (a fresh signature or token every time).</param>
    /// <param name="mapError">Maps a non-2xx status and body other than 429 to a reason and a message.</param>
    /// <param name="cancellationToken">Abandons waiting or the request.</param>
    public async Task<CoinbaseHttpResponse> SendAsync(
        HttpMethod method,
        string pathAndQuery,
        string? body,
        Func<HttpRequestMessage, CancellationToken, Task> authenticate,
        Func<int, string, (RejectReason Reason, string Message)> mapError,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            await AcquirePermitAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(method, new Uri(BaseAddress, pathAndQuery));
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            }

            await authenticate(request, cancellationToken).ConfigureAwait(false);
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                // No answer (refused connection, TLS or pin failure, reset): nothing is known to have reached the venue.
                var why = Describe(ex);
                ExchangeLog.RestNoResponse(_logger, method, pathAndQuery, BaseAddress.Host, why);
                return new CoinbaseHttpResponse(0, "", null, RejectReason.NotConnected, $"{method} {pathAndQuery}: no response from {BaseAddress.Host}: {why}");
            }
            catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                var why = $"none within {_options.RequestTimeout}: {ex.Message}";
                ExchangeLog.RestNoResponse(_logger, method, pathAndQuery, BaseAddress.Host, why);
                return new CoinbaseHttpResponse(0, "", null, RejectReason.NotConnected, $"{method} {pathAndQuery}: no response from {BaseAddress.Host} within {_options.RequestTimeout}: {ex.Message}");
            }

            using (response)
            {
                var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    if (response.IsSuccessStatusCode)
                    {
                        var after = response.Headers.TryGetValues("CB-AFTER", out var values) ? values.FirstOrDefault() : null;
                        return new CoinbaseHttpResponse(status, text, after, RejectReason.None, null);
                    }

                    var (reason, message) = mapError(status, text);
                    ExchangeLog.RestRefused(_logger, method, pathAndQuery, status, reason, message);
                    return new CoinbaseHttpResponse(status, text, null, reason, $"{method} {pathAndQuery}: {status} {message}");
                }

                Interlocked.Increment(ref _rateLimited);
                if (attempt >= _options.MaxRateLimitRetries)
                {
                    ExchangeLog.RestRateLimitGaveUp(_logger, method, pathAndQuery, attempt + 1);
                    return new CoinbaseHttpResponse(status, text, null, RejectReason.RateLimited, $"{method} {pathAndQuery}: still rate limited (429) after {attempt + 1} attempts: {Shorten(text)}");
                }

                var delay = RetryDelay(response.Headers.RetryAfter, attempt);
                ExchangeLog.RestRateLimited(_logger, method, pathAndQuery, attempt + 1, delay);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Releases the HTTP connections and the rate limiter.</summary>
    public void Dispose()
    {
        _http.Dispose();
        _limiter.Dispose();
    }

    /// <summary>At most 200 characters of a body, for messages.</summary>
    public static string Shorten(string body) => body.Length > 200 ? body[..200] : body;

    /// <summary>Waits (on the <see cref="TimeProvider"/>) until the rate limiter grants a permit.</summary>
    private async ValueTask AcquirePermitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var decision = _limiter.TryAcquire();
            if (decision.IsAllowed)
            {
                return;
            }

            await Task.Delay(decision.RetryAfter > TimeSpan.Zero ? decision.RetryAfter : TimeSpan.FromMilliseconds(1), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The venue's <c>Retry-After</c> (seconds or a date), else exponential backoff; capped at <see cref="CoinbaseRestOptions.MaxRetryAfter"/>.</summary>
    private TimeSpan RetryDelay(RetryConditionHeaderValue? retryAfter, int attempt)
    {
        var delay = retryAfter?.Delta
            ?? (retryAfter?.Date is { } date ? date - _time.GetUtcNow() : (TimeSpan?)null)
            ?? _options.RateLimitBackoff * Math.Pow(2, Math.Min(attempt, 16));
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryAfter ? _options.MaxRetryAfter : delay;
    }

    private static string Describe(Exception ex)
    {
        var text = new StringBuilder(ex.Message);
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            text.Append(" -> ").Append(inner.Message);
        }

        return text.ToString();
    }
}

/// <summary>One answer of <see cref="CoinbaseHttpTransport.SendAsync"/>: the status, the body, the <c>CB-AFTER</c> cursor, or why it failed.</summary>
internal readonly record struct CoinbaseHttpResponse(int Status, string Body, string? After, RejectReason Reason, string? Message)
{
    public bool IsSuccess => Reason == RejectReason.None;

    public CoinbaseRestResult<T> Failure<T>() => CoinbaseRestResult<T>.Failure(Reason, Status, Message!);
}
