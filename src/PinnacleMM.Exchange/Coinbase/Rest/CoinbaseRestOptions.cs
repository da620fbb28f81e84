using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>Where and how <see cref="CoinbaseRestClient"/> calls the Coinbase Exchange REST API. <see cref="Validate"/> names the first bad setting.</summary>
public sealed class CoinbaseRestOptions
{
    /// <summary>The production REST API.</summary>
    public static readonly Uri ProductionEndpoint = new("https://api.exchange.coinbase.com");

    /// <summary>The API's base address; <c>https</c> (plain <c>http</c> only to a loopback host with <see cref="AllowInsecureLoopback"/>). Default <see cref="ProductionEndpoint"/>.</summary>
    public Uri? Endpoint { get; set; } = ProductionEndpoint;

    /// <summary>Accept <c>http</c> to <c>localhost</c>/127.0.0.0/8/::1 (a local test server). Default false.</summary>
    public bool AllowInsecureLoopback { get; set; }

    /// <summary>
    /// The client-side limit on private endpoints. Default: Coinbase's documented 15 requests/s per profile with bursts
    /// of 30, as a token bucket of 30 refilled one token every 1/15 s (<see cref="PrivateEndpointLimit"/>).
    /// </summary>
    public RateLimitPolicy RateLimit { get; set; } = PrivateEndpointLimit;

    /// <summary>How often a request answered with HTTP 429 is retried before it fails with <c>RateLimited</c>. Default 5.</summary>
    public int MaxRateLimitRetries { get; set; } = 5;

    /// <summary>The first wait after a 429 without <c>Retry-After</c>; doubles per retry. Default 500 ms.</summary>
    public TimeSpan RateLimitBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait after a 429, whatever <c>Retry-After</c> says. Default 60 s.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one HTTP request may take. Default 10 s.</summary>
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

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting breaks its rule; the message names it.</exception>
    public void Validate()
    {
        InputValidator.ExchangeEndpoint(Endpoint?.OriginalString, AllowInsecureLoopback, nameof(Endpoint)).ThrowIfInvalid();
        if (Endpoint!.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"Endpoint '{Endpoint}' must be an https URL (the REST API), not {Endpoint.Scheme}.", nameof(Endpoint));
        }

        ArgumentNullException.ThrowIfNull(RateLimit, nameof(RateLimit));
        RateLimit.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRateLimitRetries, nameof(MaxRateLimitRetries));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RateLimitBackoff, TimeSpan.Zero, nameof(RateLimitBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryAfter, RateLimitBackoff, nameof(MaxRetryAfter));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RequestTimeout, TimeSpan.Zero, nameof(RequestTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(PageSize, 1, nameof(PageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PageSize, 1000, nameof(PageSize));
    }
}
