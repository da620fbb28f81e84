using System.Globalization;
using System.Text;
using PinnacleMM.Benchmarks.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Benchmarks.Latency;

/// <summary>
/// Replays the mixed order flow once and times every operation with the monotonic clock, into one
/// histogram per operation type; prints p50 / p99 / p99.9 / max and the clock's own overhead.
/// Usage: <c>latency [operations]</c>.
/// </summary>
public static class LatencyHarness
{
    public static int Run(string[] args)
    {
        var operations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000_000;
        Console.WriteLine($"generating {operations:N0} operations...");
        var flow = OrderFlow.Generate(operations);

        // Two unmeasured passes so that tiered compilation has produced optimized code.
        for (var pass = 0; pass < 2; pass++)
        {
            var warm = flow.CreateWarmBook();
            foreach (var command in flow.Commands)
            {
                command.ApplyTo(warm);
            }
        }

        // Throughput: the same replay without per-operation timing.
        var throughputBook = flow.CreateWarmBook();
        var throughputStart = MonotonicClock.System.NowNanoseconds;
        foreach (var command in flow.Commands)
        {
            command.ApplyTo(throughputBook);
        }

        var throughputNanoseconds = MonotonicClock.System.NowNanoseconds - throughputStart;

        var names = new[] { "limit GTC", "limit IOC", "market", "cancel", "modify", "all", "(clock overhead)" };
        var histograms = names.Select(_ => new LatencyHistogram()).ToArray();
        var book = flow.CreateWarmBook();
        var commands = flow.Commands;
        var clock = MonotonicClock.System;
        var gcBefore = GC.CollectionCount(0);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < commands.Length; i++)
        {
            ref readonly var command = ref commands[i];
            var start = clock.NowNanoseconds;
            command.ApplyTo(book);
            var elapsed = clock.NowNanoseconds - start;
            histograms[KindOf(command)].Record(elapsed);
            histograms[5].Record(elapsed);

            var emptyStart = clock.NowNanoseconds;
            histograms[6].Record(clock.NowNanoseconds - emptyStart);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        var collections = GC.CollectionCount(0) - gcBefore;

        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"| operation | count | p50 (ns) | p99 (ns) | p99.9 (ns) | max (ns) |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|");
        for (var i = 0; i < names.Length; i++)
        {
            var h = histograms[i];
            report.AppendLine(CultureInfo.InvariantCulture, $"| {names[i]} | {h.Count:N0} | {h.ValueAtPercentile(50)} | {h.ValueAtPercentile(99)} | {h.ValueAtPercentile(99.9)} | {h.Max} |");
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Measured pass: {allocated:N0} bytes allocated on the replay thread (histograms preallocated), {collections} gen-0 collections; {book.OrderCount} orders resting at the end.");
        report.AppendLine(CultureInfo.InvariantCulture, $"Throughput without per-operation timing: {operations / (throughputNanoseconds / 1e9):N0} operations/s ({(double)throughputNanoseconds / operations:F1} ns/operation) on one thread.");
        report.AppendLine("Times include one pair of MonotonicClock.System reads; the clock-overhead row measures that pair alone.");
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static int KindOf(in BookCommand command) => command.Kind switch
    {
        BookCommandKind.Cancel => 3,
        BookCommandKind.Modify => 4,
        _ when command.Order.Type == OrderType.Market => 2,
        _ when command.Order.TimeInForce == TimeInForce.ImmediateOrCancel => 1,
        _ => 0,
    };
}
