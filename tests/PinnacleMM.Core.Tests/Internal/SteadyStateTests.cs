using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Internal;

/// <summary>The shared allocation check fails on code that allocates in every window, and only then.</summary>
[TestClass]
public sealed class SteadyStateTests
{
    [TestMethod]
    public void Work_that_allocates_in_every_window_fails_with_each_windows_bytes()
    {
        object? kept = null;
        var e = Assert.ThrowsExactly<AssertFailedException>(() => SteadyState.AssertAllocatesNothing("new arrays", () => kept = new byte[1000]));
        StringAssert.Contains(e.Message, "new arrays: every window allocated (1024, 1024, 1024 bytes in 3 windows)");
        Assert.IsNotNull(kept);
    }

    [TestMethod]
    public void A_one_off_allocation_in_one_window_passes_and_every_window_runs()
    {
        var runs = 0;
        object? kept = null;
        SteadyState.AssertAllocatesNothing("a one-off", () =>
        {
            if (++runs == 2)
            {
                kept = new byte[1000];
            }
        });
        Assert.AreEqual(SteadyState.Windows, runs);
        Assert.IsNotNull(kept);
    }
}
