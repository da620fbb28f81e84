namespace PinnacleMM.Testing;

/// <summary>
/// The one way the test projects check that warmed-up code allocates nothing: the bytes this thread allocates
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/>) across several measured windows of the same work.
/// </summary>
/// <remarks>
/// The runtime can charge a one-off allocation to the measuring thread at a moment no test controls: a method's
/// promotion to tier 1 or an on-stack replacement lands when the call counts and the background compiler say so,
/// and later on a loaded machine (the suite runs two test classes at once on two cores). Code that allocates per
/// operation allocates in every window, so the check passes when at least one window allocated nothing, and a
/// failure lists every window's bytes. Every window always runs, so the work done (and what a test counts
/// afterwards) does not depend on the outcome.
/// </remarks>
internal static class SteadyState
{
    /// <summary>How many times <see cref="AssertAllocatesNothing"/> runs and measures the window.</summary>
    public const int Windows = 3;

    /// <summary>
    /// Runs <paramref name="window"/> <see cref="Windows"/> times, each measured on its own, and fails unless at least
    /// one run allocated no byte on this thread. The caller warms the work up first (JIT, pools, first-use tables).
    /// </summary>
    /// <param name="what">The measured work, for the failure message (e.g. "20,000 recorded events").</param>
    /// <param name="window">One measured window of the work; it must not allocate its own closure or state.</param>
    public static void AssertAllocatesNothing(string what, Action window)
    {
        Span<long> bytes = stackalloc long[Windows];
        for (var i = 0; i < Windows; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            window();
            bytes[i] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        foreach (var b in bytes)
        {
            if (b == 0)
            {
                return;
            }
        }

        Assert.Fail($"{what}: every window allocated ({string.Join(", ", bytes.ToArray())} bytes in {Windows} windows); warmed-up code that allocates nothing allocates 0 in at least one.");
    }
}
