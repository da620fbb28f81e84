namespace PinnacleMM.Exchange.Diagnostics;

/// <summary>Latency percentiles in nanoseconds, from a <see cref="LatencyHistogram"/>.</summary>
/// <param name="Count">How many values were recorded.</param>
/// <param name="P50">The median.</param>
/// <param name="P90">The 90th percentile.</param>
/// <param name="P99">The 99th percentile.</param>
/// <param name="P999">The 99.9th percentile.</param>
/// <param name="Max">The largest value.</param>
public readonly record struct LatencyPercentiles(long Count, long P50, long P90, long P99, long P999, long Max)
{
    /// <summary>Formats the percentiles in microseconds, e.g. <c>p50 1.2 µs, p99 8.4 µs, p99.9 15.0 µs, max 40.1 µs (n = 1000)</c>.</summary>
    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"p50 {P50 / 1000.0:F1} µs, p90 {P90 / 1000.0:F1} µs, p99 {P99 / 1000.0:F1} µs, p99.9 {P999 / 1000.0:F1} µs, max {Max / 1000.0:F1} µs (n = {Count})");
}
