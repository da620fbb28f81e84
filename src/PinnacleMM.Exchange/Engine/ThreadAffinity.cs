using System.Runtime.InteropServices;

namespace PinnacleMM.Exchange.Engine;

/// <summary>Pins the calling thread to one CPU (Linux <c>sched_setaffinity</c>; .NET has no managed API for a thread's affinity).</summary>
internal static partial class ThreadAffinity
{
    /// <summary>The most CPUs a pin can name: the size of the mask passed to the kernel.</summary>
    public const int MaxCpus = 64;

    /// <summary>Pins the calling thread to <paramref name="cpu"/>.</summary>
    /// <exception cref="PlatformNotSupportedException">Not Linux.</exception>
    /// <exception cref="InvalidOperationException">The kernel refused (the CPU is offline or outside the process's own affinity).</exception>
    public static void PinCurrentThread(int cpu)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("StrategyThreadCpu: pinning a thread is supported on Linux only.");
        }

        var mask = 1UL << cpu;
        if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
        {
            throw new InvalidOperationException($"StrategyThreadCpu: sched_setaffinity to CPU {cpu} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int pid, nuint size, ref ulong mask);
}
