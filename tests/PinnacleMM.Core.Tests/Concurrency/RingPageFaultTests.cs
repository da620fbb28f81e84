using System.Runtime.InteropServices;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// A ring's memory is touched when it is built, so that its first lap takes no page faults on the producer's hot
/// path: a fresh multi-megabyte array is untouched memory, and its first write to each 4 KiB page faults (about
/// 1-2 µs each). Counted with the kernel's own per-thread minor-fault counter (Linux <c>getrusage(RUSAGE_THREAD)</c>).
/// </summary>
[TestClass]
public sealed partial class RingPageFaultTests
{
    // 65,536 slots of 32 bytes: 2 MiB, 512 pages.
    private const int Capacity = 65_536;

    /// <summary>Faults the writing thread may take for reasons of its own (a stack page, the runtime).</summary>
    private const long Slack = 16;

    [TestMethod]
    public void SpscRing_first_lap_takes_no_page_faults()
    {
        var warm = new SpscRing<SequencedItem>(64);
        AssertFirstLapTakesNoFaults(i => warm.TryWrite(SequencedItem.Create(0, i)) && warm.TryRead(out _), () =>
        {
            var ring = new SpscRing<SequencedItem>(Capacity);
            return (i => ring.TryWrite(SequencedItem.Create(0, i)), () => ring.Count);
        });
    }

    [TestMethod]
    public void MpscRing_first_lap_takes_no_page_faults()
    {
        var warm = new MpscRing<SequencedItem>(64);
        AssertFirstLapTakesNoFaults(i => warm.TryWrite(SequencedItem.Create(0, i)) && warm.TryRead(out _), () =>
        {
            var ring = new MpscRing<SequencedItem>(Capacity);
            return (i => ring.TryWrite(SequencedItem.Create(0, i)), () => ring.Count);
        });
    }

    /// <summary>Warms the write path up (JIT), builds a ring, then counts the faults of writing its first lap.</summary>
    private static void AssertFirstLapTakesNoFaults(Func<int, bool> warmUp, Func<(Func<int, bool> Write, Func<int> Count)> build)
    {
        RequireLinux();
        Assert.IsTrue(warmUp(0), "the warm-up write and read");
        var (write, count) = build();
        var faults = MinorFaults(() =>
        {
            for (var i = 0; i < Capacity; i++)
            {
                Assert.IsTrue(write(i));
            }
        });

        Assert.AreEqual(Capacity, count(), "items written (proves the writes ran)");
        Assert.IsTrue(faults <= Slack, $"{faults} page faults writing the first lap of {Capacity} slots (at most {Slack} allowed)");
    }

    private static void RequireLinux()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The per-thread page-fault counter is read with Linux getrusage(RUSAGE_THREAD).");
        }
    }

    private static long MinorFaults(Action action)
    {
        var before = ThreadMinorFaults();
        action();
        return ThreadMinorFaults() - before;
    }

    private static long ThreadMinorFaults()
    {
        const int RusageThread = 1;
        if (GetRusage(RusageThread, out var usage) != 0)
        {
            Assert.Fail($"getrusage failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return usage.MinorFaults;
    }

    [LibraryImport("libc", EntryPoint = "getrusage", SetLastError = true)]
    private static partial int GetRusage(int who, out Rusage usage);

    /// <summary>Linux <c>struct rusage</c> on 64-bit: two <c>timeval</c>s, then fourteen <c>long</c>s.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Rusage
    {
        public long UserSeconds;
        public long UserMicroseconds;
        public long SystemSeconds;
        public long SystemMicroseconds;
        public long MaxResidentSet;
        public long SharedMemory;
        public long UnsharedData;
        public long UnsharedStack;
        public long MinorFaults;
        public long MajorFaults;
        public long Swaps;
        public long BlockInputs;
        public long BlockOutputs;
        public long MessagesSent;
        public long MessagesReceived;
        public long Signals;
        public long VoluntarySwitches;
        public long InvoluntarySwitches;
    }
}
