using System.Numerics;

namespace PinnacleMM.Benchmarks.Latency;

/// <summary>
/// A small log-linear histogram of non-negative values (nanoseconds): exact below 128, then 64
/// sub-buckets per power of two, so any recorded value is reported within 1/64 (1.6 %) of itself.
/// Recording is a few instructions and never allocates.
/// </summary>
public sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[(64 - SubBucketBits) * SubBuckets + 2 * SubBuckets];

    public long Count { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }

        _counts[IndexOf(value)]++;
        Count++;
        if (value < Min)
        {
            Min = value;
        }

        if (value > Max)
        {
            Max = value;
        }
    }

    /// <summary>The smallest value such that at least <paramref name="percentile"/> % of recorded values are at or below it (reported as its bucket's upper bound).</summary>
    public long ValueAtPercentile(double percentile)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(percentile / 100.0 * Count);
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Min(UpperBound(i), Max);
            }
        }

        return Max;
    }

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
