namespace PinnacleMM.Security.RateLimiting;

/// <summary>Which <c>System.Threading.RateLimiting</c> limiter enforces a policy.</summary>
public enum RateLimitAlgorithm
{
    /// <summary><c>SlidingWindowRateLimiter</c>: at most the limit within any window, counted in segments.</summary>
    SlidingWindow,

    /// <summary>A token bucket of the limit, refilled at limit per window (in <see cref="RateLimitPolicy.SegmentsPerWindow"/> steps); allows bursts and weights. The bucket is a <c>ConcurrencyLimiter</c> whose held permits are the tokens taken (see <see cref="PolicyRateLimiter"/>).</summary>
    TokenBucket,
}
