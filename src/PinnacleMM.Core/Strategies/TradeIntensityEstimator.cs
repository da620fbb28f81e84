namespace PinnacleMM.Core.Strategies;

/// <summary>
/// Estimates the order-book liquidity parameter κ of the Avellaneda–Stoikov model from observed trades:
/// the intensity λ(δ) = A·e^(−κδ) at which market orders reach a distance δ from the mid is counted per
/// distance bucket, and κ is minus the slope of a least-squares line through ln λ against δ.
/// </summary>
/// <remarks>
/// <para>
/// A trade printed at distance d from the mid shows that a market order reached at least d, so the
/// intensity at bucket b is the (exponentially decayed) number of trades at distance ≥ b × bucket width:
/// a tail count, which is monotone and uses every trade for every shallower bucket. Trades beyond the last
/// bucket count in the last one. Distances are in ticks, so κ comes out per tick; divide by the tick size
/// for κ per unit of quote currency. Counts decay by a factor per recorded trade so that old trading
/// regimes fade out (half-life in trades).
/// </para>
/// <para>Allocation-free after construction; not thread-safe (the strategy thread owns it).</para>
/// </remarks>
public sealed class TradeIntensityEstimator
{
    private readonly double[] _counts;
    private readonly double _decay;

    /// <summary>Creates an empty estimator.</summary>
    /// <param name="bucketTicks">The width of one distance bucket in ticks; at least 1.</param>
    /// <param name="bucketCount">The number of buckets; 2 to 1024.</param>
    /// <param name="halfLifeTrades">After this many later trades a trade counts half; at least 1.</param>
    /// <param name="minTrades">Trades needed before <see cref="TryGetKappaPerTick"/> answers; at least 2.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter breaks its rule; the message names it.</exception>
    public TradeIntensityEstimator(long bucketTicks, int bucketCount, double halfLifeTrades, int minTrades)
    {
        if (bucketTicks < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketTicks), bucketTicks, $"bucketTicks {bucketTicks} must be at least 1.");
        }

        if (bucketCount is < 2 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(bucketCount), bucketCount, $"bucketCount {bucketCount} must be between 2 and 1024.");
        }

        if (!(halfLifeTrades >= 1) || double.IsInfinity(halfLifeTrades))
        {
            throw new ArgumentOutOfRangeException(nameof(halfLifeTrades), halfLifeTrades, $"halfLifeTrades {halfLifeTrades} must be a finite number of at least 1.");
        }

        if (minTrades < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(minTrades), minTrades, $"minTrades {minTrades} must be at least 2.");
        }

        BucketTicks = bucketTicks;
        MinTrades = minTrades;
        _counts = new double[bucketCount];
        _decay = Math.Pow(0.5, 1 / halfLifeTrades);
    }

    /// <summary>The width of one distance bucket in ticks.</summary>
    public long BucketTicks { get; }

    /// <summary>The number of distance buckets.</summary>
    public int BucketCount => _counts.Length;

    /// <summary>Trades needed before an estimate is given.</summary>
    public int MinTrades { get; }

    /// <summary>How many trades have been recorded.</summary>
    public long TradeCount { get; private set; }

    /// <summary>Records a trade at <paramref name="priceTicks"/> while the mid was <paramref name="midHalfTicks"/> (best bid + best ask, in ticks).</summary>
    /// <returns><see langword="false"/> (nothing recorded) when the price or the mid is not positive.</returns>
    public bool Record(long priceTicks, long midHalfTicks)
    {
        if (priceTicks <= 0 || midHalfTicks <= 0)
        {
            return false;
        }

        // Distance in half-ticks, so a mid between two ticks is exact.
        var halfTicks = Math.Abs((2 * priceTicks) - midHalfTicks);
        var bucket = (int)Math.Min(halfTicks / (2 * BucketTicks), _counts.Length - 1);
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] *= _decay;
        }

        _counts[bucket] += 1;
        TradeCount++;
        return true;
    }

    /// <summary>
    /// κ per tick: minus the slope of the least-squares line through ln(tail count) against the bucket's
    /// distance (its lower edge, in ticks), over the buckets reached by at least one trade.
    /// </summary>
    /// <returns>
    /// <see langword="false"/> (and 0) with fewer than <see cref="MinTrades"/> trades, fewer than two buckets
    /// reached, or a slope that is not negative (intensity not falling with distance).
    /// </returns>
    public bool TryGetKappaPerTick(out double kappa)
    {
        kappa = 0;
        if (TradeCount < MinTrades)
        {
            return false;
        }

        // Tail counts from the deepest bucket up, accumulated into sums for the regression.
        double tail = 0, n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var b = _counts.Length - 1; b >= 0; b--)
        {
            tail += _counts[b];
            if (tail <= 0)
            {
                continue;
            }

            var x = (double)b * BucketTicks;
            var y = Math.Log(tail);
            n++;
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }

        var denominator = (n * sxx) - (sx * sx);
        if (n < 2 || denominator <= 0)
        {
            return false;
        }

        var slope = ((n * sxy) - (sx * sy)) / denominator;
        if (!(slope < 0))
        {
            return false;
        }

        kappa = -slope;
        return true;
    }

    /// <summary>Forgets every trade.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        TradeCount = 0;
    }
}
