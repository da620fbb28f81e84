using System.Globalization;
using System.Runtime.InteropServices;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Benchmarks.Persistence;

/// <summary>
/// The two operations of <see cref="RecoveryBenchmarks"/> (same data), timed by wall clock and by the
/// CPU time of the recovering thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>). On a shared machine the
/// wall time mostly measures how long the thread waited for a core; its CPU time is what recovery costs
/// and what it would take on an idle core. Usage: <c>recovery-cpu [rounds]</c>.
/// </summary>
public static partial class RecoveryCpuHarness
{
    private const int ThreadCpuClock = 3;

    // Keeps the results alive without boxing them inside the timed region.
    private static long _sink;

    public static int Run(string[] args)
    {
        var rounds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
        if (rounds <= 0 || !OperatingSystem.IsLinux())
        {
            Console.Error.WriteLine("usage: recovery-cpu [rounds > 0] (Linux only)");
            return 2;
        }

        var benchmarks = new RecoveryBenchmarks { Orders = 1_000_000 };
        Console.WriteLine("building a 1,000,000-order snapshot and 1,000,000 journal records...");
        benchmarks.GlobalSetup();
        try
        {
            Console.WriteLine("| round | load snapshot: wall (ms) | CPU (ms) | snapshot + replay: wall (ms) | CPU (ms) | allocated (MB) |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
            for (var round = 1; round <= rounds; round++)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var (loadWall, loadCpu, _) = Time(() => benchmarks.LoadSnapshotOnly());
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                var (wall, cpu, allocated) = Time(() => benchmarks.SnapshotPlusJournalReplay());
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"| {round} | {loadWall / 1e6:F0} | {loadCpu / 1e6:F0} | {wall / 1e6:F0} | {cpu / 1e6:F0} | {allocated / 1e6:F0} |"));
            }
        }
        finally
        {
            benchmarks.GlobalCleanup();
        }

        return 0;
    }

    private static (long WallNs, long CpuNs, long Allocated) Time(Func<long> operation)
    {
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var wall = MonotonicClock.System.NowNanoseconds;
        var cpu = ThreadCpuNanoseconds();
        _sink += operation();
        var cpuNs = ThreadCpuNanoseconds() - cpu;
        return (MonotonicClock.System.NowNanoseconds - wall, cpuNs, GC.GetAllocatedBytesForCurrentThread() - allocated);
    }

    private static long ThreadCpuNanoseconds()
    {
        if (clock_gettime(ThreadCpuClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        }

        return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
    }

    [LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
