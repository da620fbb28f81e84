using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Time;

[TestClass]
public sealed class MonotonicClockTests
{
    [TestMethod]
    public void System_clock_never_goes_back_and_counts_nanoseconds()
    {
        var clock = MonotonicClock.System;
        var previous = clock.NowNanoseconds;
        for (var i = 0; i < 100_000; i++)
        {
            var now = clock.NowNanoseconds;
            Assert.IsGreaterThanOrEqualTo(previous, now);
            previous = now;
        }

        // A 20 ms sleep must read as at least 20 ms (sleep never returns early) and as nanoseconds, not ticks.
        var before = clock.NowNanoseconds;
        Thread.Sleep(20);
        var elapsed = clock.NowNanoseconds - before;
        Assert.IsGreaterThanOrEqualTo(20_000_000L, elapsed);
    }

    [TestMethod]
    public void Manual_clock_moves_only_when_told()
    {
        var clock = new ManualMonotonicClock(1_000);
        Assert.AreEqual(1_000, clock.NowNanoseconds);
        clock.Advance(500);
        Assert.AreEqual(1_500, clock.NowNanoseconds);
        clock.Set(2_000);
        Assert.AreEqual(2_000, clock.NowNanoseconds);
        clock.Set(2_000);
        Assert.AreEqual(2_000, clock.NowNanoseconds);
    }

    [TestMethod]
    public void Manual_clock_refuses_to_go_back_and_keeps_its_reading()
    {
        var clock = new ManualMonotonicClock(5_000);
        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => clock.Set(4_999));
        Assert.AreEqual("nanoseconds", ex.ParamName);
        StringAssert.Contains(ex.Message, "nanoseconds 4999 is earlier than the current reading 5000");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => clock.Advance(-1));
        Assert.AreEqual(5_000, clock.NowNanoseconds);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ManualMonotonicClock(-1));
    }
}
