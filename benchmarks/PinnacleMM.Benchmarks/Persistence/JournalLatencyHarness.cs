using System.Globalization;
using System.Text;
using PinnacleMM.Benchmarks.Latency;
using PinnacleMM.Core.Time;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Benchmarks.Persistence;

/// <summary>
/// Issue 3 §8: the latency of one journal append (64-byte records, Interval sync policy) at a paced
/// rate, by default 100,000 records/s. Each record has a scheduled start (one every 1/rate seconds);
/// the appending thread spins until then, appends and records two latencies with the monotonic clock:
/// the append itself (service time) and the end of the append measured from its scheduled start
/// (response time, which also counts the wait behind a slow earlier append, so that a stall is not
/// hidden by coordinated omission). Runs once with the page prefaulter on (the default) and once with
/// it off. Usage: <c>journal-latency [records] [rate]</c>.
/// </summary>
public static class JournalLatencyHarness
{
    private const int PayloadSize = 64;

    public static int Run(string[] args)
    {
        var records = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var rate = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
        if (records <= 0 || rate <= 0 || rate > 10_000_000)
        {
            Console.Error.WriteLine("usage: journal-latency [records > 0] [rate 1..10000000 records/s]");
            return 2;
        }

        var root = Path.Combine(Path.GetTempPath(), "pinnaclemm-journal-latency", Guid.NewGuid().ToString("N"));
        try
        {
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"{records:N0} appends of {PayloadSize}-byte records at {rate:N0} records/s, SyncPolicy.Interval (10 ms group commit), 64 MiB segments, after {Warmup(records):N0} unmeasured appends.");
            report.AppendLine();
            report.AppendLine("| configuration | latency | p50 (ns) | p90 (ns) | p99 (ns) | p99.9 (ns) | p99.99 (ns) | max (ns) |");
            report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
            var notes = new StringBuilder();
            foreach (var prefault in new[] { JournalOptions.DefaultPrefaultBytes, 0L })
            {
                var name = prefault > 0 ? $"prefault {prefault / (1024 * 1024)} MiB" : "prefault off";
                var result = Measure(Path.Combine(root, prefault.ToString(CultureInfo.InvariantCulture)), records, rate, prefault);
                Row(report, name, "append (service)", result.Service);
                Row(report, name, "from schedule (response)", result.Response);
                notes.AppendLine(CultureInfo.InvariantCulture, $"- {name}: achieved {result.AchievedRate:N0} records/s; {result.Allocated:N0} bytes allocated and {result.Gen0} gen-0 collections on the appending thread during the measured appends; {result.Late:N0} appends started more than 1 µs after their schedule.");
            }

            var clock = new LatencyHistogram();
            for (var i = 0; i < 100_000; i++)
            {
                var start = MonotonicClock.System.NowNanoseconds;
                clock.Record(MonotonicClock.System.NowNanoseconds - start);
            }

            report.AppendLine();
            report.Append(notes);
            report.AppendLine(CultureInfo.InvariantCulture, $"- Both latencies include one pair of MonotonicClock.System reads: p50 {clock.ValueAtPercentile(50)} ns, p99 {clock.ValueAtPercentile(99)} ns by themselves.");
            Console.WriteLine(report.ToString());
            return 0;
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static int Warmup(int records) => Math.Min(records, 200_000);

    private static void Row(StringBuilder report, string configuration, string kind, LatencyHistogram h) =>
        report.AppendLine(CultureInfo.InvariantCulture, $"| {configuration} | {kind} | {h.ValueAtPercentile(50)} | {h.ValueAtPercentile(90)} | {h.ValueAtPercentile(99)} | {h.ValueAtPercentile(99.9)} | {h.ValueAtPercentile(99.99)} | {h.Max} |");

    private static Result Measure(string directory, int records, int rate, long prefaultBytes)
    {
        var payload = new byte[PayloadSize];
        new Random(1).NextBytes(payload);
        var service = new LatencyHistogram();
        var response = new LatencyHistogram();
        var clock = MonotonicClock.System;
        using var writer = JournalWriter.Open(directory, new JournalOptions
        {
            SyncPolicy = JournalSyncPolicy.Interval,
            SegmentSize = JournalOptions.DefaultSegmentSize,
            PrefaultBytes = prefaultBytes,
        });

        // Unpaced warm-up: tiered compilation reaches optimized code and the flusher is running.
        for (var i = 0; i < Warmup(records); i++)
        {
            writer.Append(JournalRecordType.ApplicationBase, i, payload);
        }

        var periodNs = 1_000_000_000.0 / rate;
        var late = 0L;
        var gen0 = GC.CollectionCount(0);
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var origin = clock.NowNanoseconds + 1_000_000;
        for (var i = 0; i < records; i++)
        {
            var scheduled = origin + (long)(i * periodNs);
            var start = clock.NowNanoseconds;
            while (start < scheduled)
            {
                start = clock.NowNanoseconds;
            }

            writer.Append(JournalRecordType.ApplicationBase, start, payload);
            var end = clock.NowNanoseconds;
            service.Record(end - start);
            response.Record(end - scheduled);
            if (start - scheduled > 1_000)
            {
                late++;
            }
        }

        var elapsed = clock.NowNanoseconds - origin;
        return new Result(
            service,
            response,
            records / (elapsed / 1e9),
            GC.GetAllocatedBytesForCurrentThread() - allocated,
            GC.CollectionCount(0) - gen0,
            late);
    }

    private sealed record Result(LatencyHistogram Service, LatencyHistogram Response, double AchievedRate, long Allocated, int Gen0, long Late);
}
