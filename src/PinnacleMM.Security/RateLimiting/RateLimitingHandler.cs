using System.Net;
using System.Net.Http.Headers;

namespace PinnacleMM.Security.RateLimiting;

/// <summary>
/// An <see cref="HttpClient"/> handler that asks a rate limiter before sending. A refused request is not sent:
/// the handler answers <c>429 Too Many Requests</c> with a <c>Retry-After</c> header (whole seconds, rounded up),
/// so retry policies that honour the header work unchanged.
/// </summary>
public sealed class RateLimitingHandler : DelegatingHandler
{
    private readonly Func<HttpRequestMessage, (PolicyRateLimiter Limiter, int Weight)> _select;

    /// <summary>Limits every request with one limiter.</summary>
    /// <param name="limiter">The limiter.</param>
    /// <param name="weightOf">The weight of a request; 1 when null.</param>
    public RateLimitingHandler(PolicyRateLimiter limiter, Func<HttpRequestMessage, int>? weightOf = null)
    {
        ArgumentNullException.ThrowIfNull(limiter);
        _select = request => (limiter, weightOf?.Invoke(request) ?? 1);
    }

    /// <summary>Limits each request by the category it belongs to.</summary>
    /// <param name="limiters">The per-category limiters.</param>
    /// <param name="categoryOf">The category of a request (e.g. order submit for POST /orders).</param>
    public RateLimitingHandler(RateLimiterSet limiters, Func<HttpRequestMessage, RateLimitCategory> categoryOf)
    {
        ArgumentNullException.ThrowIfNull(limiters);
        ArgumentNullException.ThrowIfNull(categoryOf);
        _select = request => (limiters[categoryOf(request)], 1);
    }

    /// <summary>Sends the request if allowed; otherwise returns a 429 response without sending.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>The response, or the local 429.</returns>
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (limiter, weight) = _select(request);
        var decision = limiter.TryAcquire(weight);
        if (decision.IsAllowed)
        {
            return base.SendAsync(request, cancellationToken);
        }

        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            RequestMessage = request,
            ReasonPhrase = decision.InCooldown ? "Client-side rate limit cooldown" : "Client-side rate limit exceeded",
        };
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(Math.Ceiling(decision.RetryAfter.TotalSeconds)));
        return Task.FromResult(response);
    }
}
