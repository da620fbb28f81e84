namespace PinnacleMM.Security.RateLimiting;

/// <summary>Which <c>System.Threading.RateLimiting</c> limiter enforces a policy.</summary>
public enum RateLimitAlgorithm
{
    /// <summary><c>SlidingWindowRateLimiter</c>: at most the limit within any window, counted in segments.</summary>
    SlidingWindow,

    /// <summary><c>TokenBucketRateLimiter</c>: a bucket of the limit, refilled at limit per window; allows bursts and weights.</summary>
    TokenBucket,
}
