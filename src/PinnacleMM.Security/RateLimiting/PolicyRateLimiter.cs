using System.Threading.RateLimiting;

namespace PinnacleMM.Security.RateLimiting;

/// <summary>
/// Enforces one <see cref="RateLimitPolicy"/> with a <c>System.Threading.RateLimiting</c> sliding-window or
/// token-bucket limiter, adds the cooldown once the limit is exceeded, and says when a refused call may retry.
/// Never queues: a call is allowed or refused at once. Thread-safe; dispose to stop the limiter's timer.
/// </summary>
/// <remarks>
/// Clocks: the window and bucket are replenished by the library's own timer on the real monotonic clock
/// (its limiters take no <see cref="TimeProvider"/>, and even <c>TryReplenish</c> checks real elapsed time),
/// so windows follow real time. The cooldown and retry times use the <see cref="TimeProvider"/> given here.
/// </remarks>
public sealed class PolicyRateLimiter : IDisposable
{
    private readonly Lock _lock = new();
    private readonly ReplenishingRateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly TimeSpan _period;
    private readonly int _tokensPerPeriod;
    private TimeSpan _cooldownUntil;
    private long _allowed;
    private long _refused;

    /// <summary>Creates the limiter.</summary>
    /// <param name="policy">The policy.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The policy is invalid (see <see cref="RateLimitPolicy.Validate"/>).</exception>
    public PolicyRateLimiter(RateLimitPolicy policy, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        Policy = policy;
        _time = timeProvider ?? TimeProvider.System;
        _origin = _time.GetTimestamp();
        if (policy.Algorithm == RateLimitAlgorithm.TokenBucket)
        {
            // Refill limit per window in whole tokens: with fewer tokens than segments, one token per period.
            var refills = Math.Min(policy.SegmentsPerWindow, policy.Limit);
            _tokensPerPeriod = policy.Limit / refills;
            _period = TimeSpan.FromTicks(policy.Window.Ticks / refills);
            _limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = policy.Limit,
                TokensPerPeriod = _tokensPerPeriod,
                ReplenishmentPeriod = _period,
                AutoReplenishment = true,
                QueueLimit = 0,
            });
        }
        else
        {
            _period = TimeSpan.FromTicks(policy.Window.Ticks / policy.SegmentsPerWindow);
            _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = policy.Limit,
                Window = policy.Window,
                SegmentsPerWindow = policy.SegmentsPerWindow,
                AutoReplenishment = true,
                QueueLimit = 0,
            });
        }
    }

    /// <summary>The enforced policy.</summary>
    public RateLimitPolicy Policy { get; }

    /// <summary>How many calls were allowed so far.</summary>
    public long AllowedCount => Interlocked.Read(ref _allowed);

    /// <summary>How many calls were refused so far (by the limit or the cooldown).</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <summary>Takes <paramref name="weight"/> permits if the policy allows it now; never blocks.</summary>
    /// <param name="weight">The request weight, 1 to <see cref="RateLimitPolicy.Limit"/>.</param>
    /// <returns>Allowed, or refused with how long to wait: the rest of the cooldown, else the library's estimate (token bucket) or one segment (sliding window).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is not positive or exceeds the limit (it could never succeed).</exception>
    /// <exception cref="ObjectDisposedException">The limiter was disposed.</exception>
    public RateLimitDecision TryAcquire(int weight = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(weight);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(weight, Policy.Limit);
        lock (_lock)
        {
            var elapsed = _time.GetElapsedTime(_origin);
            if (elapsed < _cooldownUntil)
            {
                Interlocked.Increment(ref _refused);
                return new RateLimitDecision(false, _cooldownUntil - elapsed, InCooldown: true);
            }

            using var lease = _limiter.AttemptAcquire(weight);
            if (lease.IsAcquired)
            {
                Interlocked.Increment(ref _allowed);
                return RateLimitDecision.Allowed;
            }

            Interlocked.Increment(ref _refused);
            var retry = NextChance(lease, weight);
            if (Policy.Cooldown > TimeSpan.Zero)
            {
                _cooldownUntil = elapsed + Policy.Cooldown;
                retry = retry > Policy.Cooldown ? retry : Policy.Cooldown;
            }

            return new RateLimitDecision(false, retry, InCooldown: false);
        }
    }

    /// <summary>Disposes the underlying limiter.</summary>
    public void Dispose() => _limiter.Dispose();

    /// <summary>The library's own estimate when it gives one (token bucket), else one segment: the window moves on by then.</summary>
    private TimeSpan NextChance(RateLimitLease lease, int weight)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero)
        {
            return retryAfter;
        }

        if (Policy.Algorithm != RateLimitAlgorithm.TokenBucket)
        {
            return _period;
        }

        var available = _limiter.GetStatistics()?.CurrentAvailablePermits ?? 0;
        var periods = Math.Max(1, (weight - available + _tokensPerPeriod - 1) / _tokensPerPeriod);
        return TimeSpan.FromTicks(_period.Ticks * periods);
    }
}
