using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// Where and how a Coinbase REST client calls its API: <see cref="CoinbaseRestClient"/> (Coinbase Exchange) or
/// <see cref="AdvancedTradeRestClient"/> (Advanced Trade). Settings left null take the documented value of the API the
/// client speaks. <see cref="Validate"/> names the first bad setting.
/// </summary>
public sealed class CoinbaseRestOptions
{
    /// <summary>The production Coinbase Exchange REST API.</summary>
    public static readonly Uri ProductionEndpoint = new("https://api.exchange.coinbase.com");

    /// <summary>The production Coinbase Advanced Trade REST API (paths under <c>/api/v3/brokerage</c>).</summary>
    public static readonly Uri AdvancedTradeEndpoint = new("https://api.coinbase.com");

    /// <summary>
    /// The API's base address; <c>https</c> (plain <c>http</c> only to a loopback host with <see cref="AllowInsecureLoopback"/>).
    /// Default null: <see cref="ProductionEndpoint"/> for Coinbase Exchange, <see cref="AdvancedTradeEndpoint"/> for Advanced Trade.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Accept <c>http</c> to <c>localhost</c>/127.0.0.0/8/::1 (a local test server). Default false.</summary>
    public bool AllowInsecureLoopback { get; set; }

    /// <summary>
    /// The client-side limit on private endpoints. Default null: the documented limit of the API, <see cref="PrivateEndpointLimit"/>
    /// for Coinbase Exchange (15 requests/s per profile, bursts of 30) and <see cref="AdvancedTradePrivateEndpointLimit"/>
    /// for Advanced Trade (30 requests/s per user).
    /// </summary>
    public RateLimitPolicy? RateLimit { get; set; }

    /// <summary>How often a request answered with HTTP 429 is retried before it fails with <c>RateLimited</c>. Default 5.</summary>
    public int MaxRateLimitRetries { get; set; } = 5;

    /// <summary>The first wait after a 429 without <c>Retry-After</c>; doubles per retry. Default 500 ms.</summary>
    public TimeSpan RateLimitBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait after a 429, whatever <c>Retry-After</c> says; at most 1 hour. Default 60 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one HTTP request may take; at most 10 minutes. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Orders per page when listing open orders (Coinbase allows 1 to 1000). Default 1000.</summary>
    public int PageSize { get; set; } = 1000;

    /// <summary>Coinbase Exchange private endpoints: 15 requests/s, burst 30 (token bucket of 30, one token back every 66.7 ms).</summary>
    public static RateLimitPolicy PrivateEndpointLimit { get; } = new()
    {
        Limit = 30,
        Window = TimeSpan.FromSeconds(2),
        Algorithm = RateLimitAlgorithm.TokenBucket,
        SegmentsPerWindow = 30,
    };

    /// <summary>Coinbase Advanced Trade private endpoints: 30 requests/s per user (token bucket of 30, one token back every 33.3 ms).</summary>
    public static RateLimitPolicy AdvancedTradePrivateEndpointLimit { get; } = new()
    {
        Limit = 30,
        Window = TimeSpan.FromSeconds(1),
        Algorithm = RateLimitAlgorithm.TokenBucket,
        SegmentsPerWindow = 30,
    };

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        if (Endpoint is not null)
        {
            InputValidator.ExchangeEndpoint(Endpoint.OriginalString, AllowInsecureLoopback, nameof(Endpoint)).ThrowIfInvalid();
            if (Endpoint.Scheme is not ("https" or "http"))
            {
                throw new ArgumentException($"Endpoint '{Endpoint}' must be an https URL (the REST API), not {Endpoint.Scheme}.", nameof(Endpoint));
            }
        }

        RateLimit?.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRateLimitRetries, nameof(MaxRateLimitRetries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RateLimitBackoff, TimeSpan.Zero, nameof(RateLimitBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryAfter, RateLimitBackoff, nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxRetryAfter, TimeSpan.FromHours(1), nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RequestTimeout, TimeSpan.FromMinutes(10), nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1, nameof(PageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PageSize, 1000, nameof(PageSize));
    }
}
