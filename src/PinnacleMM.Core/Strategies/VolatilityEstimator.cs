namespace PinnacleMM.Core.Strategies;

/// <summary>
/// An online estimate of recent volatility from mid-price returns: the mid is sampled at most once per
/// sample interval, and an exponentially weighted mean of squared simple returns gives the variance.
/// </summary>
/// <remarks>
/// Units: <see cref="VolatilityBps"/> is the standard deviation of the mid's return over one sample
/// interval, in basis points (a ratio, so <see cref="double"/> is fine here). The mid itself comes in
/// as whole half-ticks (<c>bid + ask</c> in ticks) and is never stored as a floating-point price.
/// Allocation-free; not thread-safe.
/// </remarks>
public sealed class VolatilityEstimator
{
    private readonly double _alpha;
    private long _lastMidHalfTicks;
    private long _nextSampleNanoseconds;
    private double _variance;

    /// <summary>Creates an estimator.</summary>
    /// <param name="sampleIntervalNanoseconds">The least time between two samples of the mid; positive.</param>
    /// <param name="halfLifeSamples">After this many samples an old return weighs half; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter breaks its rule; the message names it.</exception>
    public VolatilityEstimator(long sampleIntervalNanoseconds, double halfLifeSamples)
    {
        if (sampleIntervalNanoseconds <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(sampleIntervalNanoseconds), sampleIntervalNanoseconds, $"sampleIntervalNanoseconds {sampleIntervalNanoseconds} must be positive.");
        }

        if (!(halfLifeSamples >= 1) || double.IsInfinity(halfLifeSamples))
        {
            throw new ArgumentOutOfRangeException(nameof(halfLifeSamples), halfLifeSamples, $"halfLifeSamples {halfLifeSamples} must be a finite number of at least 1.");
        }

        SampleIntervalNanoseconds = sampleIntervalNanoseconds;
        _alpha = 1 - Math.Pow(0.5, 1 / halfLifeSamples);
    }

    /// <summary>The least time between two samples.</summary>
    public long SampleIntervalNanoseconds { get; }

    /// <summary>How many returns have been folded in.</summary>
    public long ReturnCount { get; private set; }

    /// <summary>The estimated standard deviation of the mid's return per sample interval, in basis points; 0 before the first return.</summary>
    public double VolatilityBps => Math.Sqrt(_variance);

    /// <summary>The estimated variance of the mid's return per sample interval, as a fraction squared (bps² / 10⁸).</summary>
    public double VariancePerSample => _variance * 1e-8;

    /// <summary>
    /// Offers the current mid (in half-ticks: best bid + best ask, in ticks). It is sampled when a sample
    /// interval has passed since the last sample; the first sample only sets the reference.
    /// </summary>
    /// <returns>Whether the mid was sampled.</returns>
    public bool Update(long nowNanoseconds, long midHalfTicks)
    {
        if (midHalfTicks <= 0 || (_lastMidHalfTicks != 0 && nowNanoseconds < _nextSampleNanoseconds))
        {
            return false;
        }

        if (_lastMidHalfTicks != 0)
        {
            var r = (double)(midHalfTicks - _lastMidHalfTicks) / _lastMidHalfTicks * 10_000.0;
            _variance = ReturnCount == 0 ? r * r : _variance + (_alpha * ((r * r) - _variance));
            ReturnCount++;
        }

        _lastMidHalfTicks = midHalfTicks;
        _nextSampleNanoseconds = nowNanoseconds + SampleIntervalNanoseconds;
        return true;
    }

    /// <summary>Forgets every sample.</summary>
    public void Reset()
    {
        _lastMidHalfTicks = 0;
        _nextSampleNanoseconds = 0;
        _variance = 0;
        ReturnCount = 0;
    }
}
