namespace PinnacleMM.Security.RateLimiting;

/// <summary>The outcome of asking for permits: allowed, or refused with the earliest time a retry may succeed.</summary>
/// <param name="IsAllowed">Whether the call may proceed.</param>
/// <param name="RetryAfter">When refused, how long to wait before retrying: the exact rest of a cooldown, otherwise the estimated time until the window or bucket has room; zero when allowed.</param>
/// <param name="InCooldown">When refused, whether it was by the cooldown that follows exceeding the limit.</param>
public readonly record struct RateLimitDecision(bool IsAllowed, TimeSpan RetryAfter, bool InCooldown)
{
    /// <summary>An allowed decision.</summary>
    public static RateLimitDecision Allowed => new(true, TimeSpan.Zero, false);
}
