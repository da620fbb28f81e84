using System.Numerics;

namespace PinnacleMM.Exchange.Diagnostics;

/// <summary>
/// A small log-linear histogram of non-negative latencies in nanoseconds for dashboards: exact below 128 ns,
/// then 64 sub-buckets per power of two, so a percentile is reported within 1/64 (1.6 %) of the true value.
/// Recording is a few instructions and never allocates. (HdrHistogram is the same idea; it is not used to
/// keep the package free of dependencies.)
/// </summary>
/// <remarks>
/// One thread records; any thread may read percentiles at any time and gets a consistent-enough view (each
/// bucket is read atomically; a read racing a record may miss that one value).
/// </remarks>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[((64 - SubBucketBits) * SubBuckets) + (2 * SubBuckets)];
    private long _count;
    private long _max;
    private long _sum;

    /// <summary>How many values were recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The largest value recorded; 0 when none.</summary>
    public long Max => Volatile.Read(ref _max);

    /// <summary>The mean of the recorded values; 0 when none.</summary>
    public double Mean => Count == 0 ? 0 : (double)Volatile.Read(ref _sum) / Count;

    /// <summary>Records one value; negative values count as 0. Call from one thread.</summary>
    public void Record(long nanoseconds)
    {
        if (nanoseconds < 0)
        {
            nanoseconds = 0;
        }

        ref var bucket = ref _counts[IndexOf(nanoseconds)];
        Volatile.Write(ref bucket, bucket + 1);
        Volatile.Write(ref _sum, _sum + nanoseconds);
        if (nanoseconds > _max)
        {
            Volatile.Write(ref _max, nanoseconds);
        }

        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>
    /// The smallest bucket bound at or below which at least <paramref name="percentile"/> % of the values lie
    /// (never above <see cref="Max"/>); 0 when nothing was recorded.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="percentile"/> is not from 0 to 100.</exception>
    public long ValueAtPercentile(double percentile)
    {
        if (!(percentile >= 0 && percentile <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile: must be from 0 to 100.");
        }

        long total = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            total += Volatile.Read(ref _counts[i]);
        }

        if (total == 0)
        {
            return 0;
        }

        var rank = Math.Clamp((long)Math.Ceiling(percentile / 100.0 * total), 1, total);
        long seen = 0;
        var max = Max;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Volatile.Read(ref _counts[i]);
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), max);
            }
        }

        return max;
    }

    /// <summary>p50, p90, p99, p99.9 and the maximum, for a dashboard.</summary>
    public LatencyPercentiles GetPercentiles() =>
        new(Count, ValueAtPercentile(50), ValueAtPercentile(90), ValueAtPercentile(99), ValueAtPercentile(99.9), Max);

    internal static int IndexOf(long value)
    {
        var magnitude = Math.Max(0, BitOperations.Log2((ulong)value | 1) - SubBucketBits);
        return (magnitude * SubBuckets) + (int)(value >> magnitude);
    }

    internal static long UpperBound(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return index;
        }

        var magnitude = (index / SubBuckets) - 1;
        var sub = (index % SubBuckets) + SubBuckets;
        return ((long)(sub + 1) << magnitude) - 1;
    }
}
