using System.Diagnostics;
using System.Globalization;

namespace PinnacleMM.Benchmarks.Engine;

/// <summary>
/// How often this machine stops a busy thread, with nothing of ours running: one thread per CPU, each pinned, spins
/// reading the clock and notes every gap between two reads over the threshold (a pause: an interrupt, the kernel
/// running something else, the hypervisor not running the virtual CPU). This is the floor under any tick-to-quote tail:
/// an event that arrives while the strategy's CPU is paused waits for the pause to end, whatever the engine does.
/// A pause that overlaps one on the other CPU (the whole machine paused) also holds the producer, so it only delays
/// events already in flight; a pause of one CPU alone delays whatever arrives during it.
/// Usage: <c>pauses [seconds] [threshold µs] [rounds]</c>, e.g. <c>pauses 4 10 3</c>.
/// </summary>
public static class MachinePauseHarness
{
    private const int MaxPauses = 1 << 20;

    /// <summary>Runs the harness; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var seconds = args.Length > 0 ? double.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        var thresholdMicros = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
        var rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
        var cpus = Environment.ProcessorCount;
        if (!(seconds > 0) || thresholdMicros <= 0 || rounds <= 0 || cpus < 2 || !OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("usage: pauses [seconds > 0] [threshold µs > 0] [rounds > 0]; Linux, 2 CPUs or more");
            return 2;
        }

        Console.WriteLine($"nproc {cpus}; a pause is a gap over {thresholdMicros} µs between two clock reads of a pinned, spinning thread");
        Console.WriteLine("| round | CPU | pauses/s | time paused | overlapping a pause of another CPU | this CPU alone: time paused | this CPU alone: P(wait > 20 µs) | longest |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var round = 1; round <= rounds; round++)
        {
            var pauses = Measure(cpus, seconds, thresholdMicros);
            for (var cpu = 0; cpu < cpus; cpu++)
            {
                Console.WriteLine(Row(round, cpu, pauses, seconds));
            }
        }

        return 0;
    }

    private static string Row(int round, int cpu, List<(long Start, long End)>[] pauses, double seconds)
    {
        var mine = pauses[cpu];
        long total = 0, alone = 0, aloneOver20 = 0, longest = 0;
        var overlapping = 0;
        foreach (var (start, end) in mine)
        {
            var length = end - start;
            total += length;
            longest = Math.Max(longest, length);
            var shared = false;
            for (var other = 0; other < pauses.Length && !shared; other++)
            {
                shared = other != cpu && pauses[other].Exists(p => p.Start < end && p.End > start);
            }

            if (shared)
            {
                overlapping++;
                continue;
            }

            // An event arriving at a random instant of this pause waits for the rest of it: more than 20 µs during
            // its first (length - 20 µs).
            alone += length;
            aloneOver20 += Math.Max(0, length - Ticks(20_000));
        }

        var span = seconds * Stopwatch.Frequency;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"| {round} | {cpu} | {mine.Count / seconds:N0} | {100 * total / span:F2} % | {(mine.Count == 0 ? 0 : 100.0 * overlapping / mine.Count):F0} % | {100 * alone / span:F3} % | {100 * aloneOver20 / span:F3} % | {longest * 1e6 / Stopwatch.Frequency:N0} µs |");
    }

    private static long Ticks(long nanoseconds) => nanoseconds * Stopwatch.Frequency / 1_000_000_000;

    private static List<(long Start, long End)>[] Measure(int cpus, double seconds, int thresholdMicros)
    {
        var threshold = Ticks(thresholdMicros * 1_000L);
        var results = new List<(long, long)>[cpus];
        var ready = new CountdownEvent(cpus);
        var go = new ManualResetEventSlim();
        var threads = new Thread[cpus];
        for (var cpu = 0; cpu < cpus; cpu++)
        {
            var index = cpu;
            threads[cpu] = new Thread(() =>
            {
                EngineLatencyHarness.PinToCpu(index);
                var starts = new long[MaxPauses];
                var ends = new long[MaxPauses];
                // Touched before the run, so that no first write to a page faults during it.
                starts.AsSpan().Fill(0);
                ends.AsSpan().Fill(0);
                var count = 0;
                ready.Signal();
                go.Wait();
                var last = Stopwatch.GetTimestamp();
                var stop = last + (long)(seconds * Stopwatch.Frequency);
                while (last < stop)
                {
                    var now = Stopwatch.GetTimestamp();
                    if (now - last > threshold && count < MaxPauses)
                    {
                        starts[count] = last;
                        ends[count] = now;
                        count++;
                    }

                    last = now;
                }

                var list = new List<(long, long)>(count);
                for (var i = 0; i < count; i++)
                {
                    list.Add((starts[i], ends[i]));
                }

                results[index] = list;
            })
            { Name = $"pause meter CPU {cpu}", IsBackground = true };
            threads[cpu].Start();
        }

        ready.Wait();
        go.Set();
        foreach (var thread in threads)
        {
            thread.Join();
        }

        return results;
    }
}
