using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Threading.RateLimiting;

namespace PinnacleMM.Security.RateLimiting;

/// <summary>
/// Enforces one <see cref="RateLimitPolicy"/> with a <c>System.Threading.RateLimiting</c> sliding-window or
/// token-bucket limiter, adds the cooldown once the limit is exceeded, and says exactly when a refused call may
/// retry. Time comes only from the <see cref="TimeProvider"/>, so a fake clock drives windows, refills and
/// cooldowns alike. Never queues: a call is allowed or refused at once. Thread-safe.
/// </summary>
/// <remarks>
/// The library's replenishing limiters take no <see cref="TimeProvider"/>: they refill on a timer of their own, and
/// even with <c>AutoReplenishment = false</c> they measure real time (the sliding window ignores a
/// <c>TryReplenish</c> less than one period of real time after the last; the token bucket adds tokens in
/// proportion to the real time elapsed). So the period boundaries come from the <see cref="TimeProvider"/> here,
/// and the library does the counting:
/// <list type="bullet">
/// <item>Sliding window: a <see cref="SlidingWindowRateLimiter"/> told the shortest period it accepts (one 100 ns
/// tick), so each <c>TryReplenish</c> moves the window one segment; it is called once per segment that has passed
/// on the <see cref="TimeProvider"/>, when the next call arrives.</item>
/// <item>Token bucket: a <see cref="ConcurrencyLimiter"/> of <see cref="RateLimitPolicy.Limit"/> permits is the
/// bucket: taking tokens acquires a lease that is kept, and each refill period that passes on the
/// <see cref="TimeProvider"/> releases (disposes) held leases worth the refill.</item>
/// </list>
/// Catching up lazily on the next call is exact, needs no timer thread, and never lets permits back early.
/// </remarks>
public sealed class PolicyRateLimiter : IDisposable
{
    /// <summary>The period the library limiters are told: its shortest (they refuse zero).</summary>
    private static readonly TimeSpan LibraryPeriod = TimeSpan.FromTicks(1);

    private readonly Lock _lock = new();
    private readonly RateLimiter _limiter;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long _periodTicks;
    private readonly int _tokensPerPeriod;
    private readonly long _usefulReplenishments;

    // Sliding window only: the weight granted in each segment, mirrored to compute the exact retry time
    // (the library reports none when it is replenished by hand). Index = replenishments % segments, as in the library.
    private readonly int[]? _segmentWeights;

    // Token bucket only: the leases holding the tokens taken and not yet refilled, oldest first, with their weight.
    private readonly Queue<(RateLimitLease Lease, int Weight)>? _held;
    private long _periodsElapsed;
    private long _lastReplenishTimestamp;
    private long _replenishments;
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
            _periodTicks = policy.Window.Ticks / refills;
            _usefulReplenishments = (policy.Limit + _tokensPerPeriod - 1) / _tokensPerPeriod;
            _held = new Queue<(RateLimitLease, int)>();
            _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = policy.Limit, QueueLimit = 0 });
        }
        else
        {
            _periodTicks = policy.Window.Ticks / policy.SegmentsPerWindow;
            _usefulReplenishments = policy.SegmentsPerWindow;
            _segmentWeights = new int[policy.SegmentsPerWindow];
            _limiter = new SlidingWindowRateLimiter(new SlidingWindowRateLimiterOptions
            {
                PermitLimit = policy.Limit,
                Window = LibraryPeriod * policy.SegmentsPerWindow,
                SegmentsPerWindow = policy.SegmentsPerWindow,
                AutoReplenishment = false,
                QueueLimit = 0,
            });
        }

        // Not before the library limiter exists: it starts its own real-time count at construction.
        _lastReplenishTimestamp = Stopwatch.GetTimestamp();
    }

    /// <summary>The enforced policy.</summary>
    public RateLimitPolicy Policy { get; }

    /// <summary>How many calls were allowed so far.</summary>
    public long AllowedCount => Interlocked.Read(ref _allowed);

    /// <summary>How many calls were refused so far (by the limit or the cooldown).</summary>
    public long RefusedCount => Interlocked.Read(ref _refused);

    /// <summary>Takes <paramref name="weight"/> permits if the policy allows it now; never blocks.</summary>
    /// <param name="weight">The request weight, 1 to <see cref="RateLimitPolicy.Limit"/>.</param>
    /// <returns>
    /// Allowed, or refused with how long to wait: the longer of the rest of the cooldown (a refusal by the limit
    /// starts it) and the time until enough permits come back (sliding window: the segments holding them leave the
    /// window; token bucket: enough refills). Retrying after exactly that long succeeds if nobody else took them.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="weight"/> is not positive or exceeds the limit (it could never succeed); nothing is counted.</exception>
    /// <exception cref="ObjectDisposedException">The limiter was disposed.</exception>
    public RateLimitDecision TryAcquire(int weight = 1)
    {
        if (weight <= 0 || weight > Policy.Limit)
        {
            ThrowBadWeight(weight);
        }

        lock (_lock)
        {
            var elapsed = _time.GetElapsedTime(_origin);
            CatchUp(elapsed);
            if (elapsed < _cooldownUntil)
            {
                Interlocked.Increment(ref _refused);
                var rest = _cooldownUntil - elapsed;
                var untilAvailable = TimeUntilAvailable(elapsed, weight);
                return new RateLimitDecision(false, rest > untilAvailable ? rest : untilAvailable, InCooldown: true);
            }

            var lease = _limiter.AttemptAcquire(weight);
            if (lease.IsAcquired)
            {
                if (_segmentWeights is not null)
                {
                    _segmentWeights[_replenishments % _segmentWeights.Length] += weight;
                    lease.Dispose(); // the sliding window counts permits itself; its lease holds nothing
                }
                else
                {
                    _held!.Enqueue((lease, weight)); // the tokens stay taken until a refill releases them
                }

                Interlocked.Increment(ref _allowed);
                return RateLimitDecision.Allowed;
            }

            lease.Dispose();

            Interlocked.Increment(ref _refused);
            var retry = TimeUntilAvailable(elapsed, weight);
            if (Policy.Cooldown > TimeSpan.Zero)
            {
                _cooldownUntil = elapsed + Policy.Cooldown;
                retry = retry > Policy.Cooldown ? retry : Policy.Cooldown;
            }

            return new RateLimitDecision(false, retry, InCooldown: false);
        }
    }

    /// <summary>Disposes the underlying limiter.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            while (_held is not null && _held.TryDequeue(out var held))
            {
                held.Lease.Dispose();
            }

            _limiter.Dispose();
        }
    }

    [DoesNotReturn]
    private void ThrowBadWeight(int weight) =>
        throw new ArgumentOutOfRangeException(nameof(weight), $"weight {weight} must be 1 to the policy's Limit {Policy.Limit}.");

    /// <summary>Replenishes once per period that passed since the last call (beyond a full window or bucket, more changes nothing).</summary>
    private void CatchUp(TimeSpan elapsed)
    {
        var due = elapsed.Ticks / _periodTicks;
        var missing = due - _periodsElapsed;
        if (missing <= 0)
        {
            return;
        }

        _periodsElapsed = due;
        if (_held is not null)
        {
            Refill(Math.Min(missing, _usefulReplenishments) * _tokensPerPeriod);
            return;
        }

        for (var i = Math.Min(missing, _usefulReplenishments); i > 0; i--)
        {
            // The library skips a replenish less than one tick (100 ns) of real time after the previous one.
            while (Stopwatch.GetElapsedTime(_lastReplenishTimestamp) < LibraryPeriod)
            {
                Thread.SpinWait(8);
            }

            ((SlidingWindowRateLimiter)_limiter).TryReplenish();
            _lastReplenishTimestamp = Stopwatch.GetTimestamp();
            _replenishments++;

            // The library frees the permits of the segment it moves into.
            _segmentWeights![_replenishments % _segmentWeights.Length] = 0;
        }
    }

    /// <summary>Gives back <paramref name="tokens"/> taken tokens (fewer when fewer are taken), oldest leases first.</summary>
    private void Refill(long tokens)
    {
        while (tokens > 0 && _held!.TryDequeue(out var held))
        {
            held.Lease.Dispose();
            tokens -= held.Weight;
        }

        if (tokens < 0)
        {
            // The last lease held more than the refill: take the excess again. It cannot fail: the permits were
            // released just now under the same lock, and every acquisition takes that lock.
            var excess = (int)-tokens;
            var again = _limiter.AttemptAcquire(excess);
            Debug.Assert(again.IsAcquired, "re-taking just-released permits under the lock cannot fail");
            _held!.Enqueue((again, excess));
        }
    }

    private TimeSpan TimeUntilAvailable(TimeSpan elapsed, int weight)
    {
        var available = (int)(_limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
        var needed = weight - available;
        if (needed <= 0)
        {
            return TimeSpan.Zero;
        }

        var toNextBoundary = ((_periodsElapsed + 1) * _periodTicks) - elapsed.Ticks;
        long periods;
        if (_segmentWeights is null)
        {
            periods = (needed + _tokensPerPeriod - 1) / _tokensPerPeriod;
        }
        else
        {
            // The segments leave the window oldest first; find the first boundary that frees enough.
            periods = _segmentWeights.Length;
            var freed = 0;
            for (var k = 1; k <= _segmentWeights.Length; k++)
            {
                freed += _segmentWeights[(_replenishments + k) % _segmentWeights.Length];
                if (freed >= needed)
                {
                    periods = k;
                    break;
                }
            }
        }

        return TimeSpan.FromTicks(toNextBoundary + ((Math.Max(periods, 1) - 1) * _periodTicks));
    }
}
