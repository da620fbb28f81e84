namespace PinnacleMM.Security.Tests;

/// <summary>
/// A clock the test moves by hand (timestamps in TimeSpan ticks), safe to read and advance from many threads.
/// (Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider is not on this machine's feed.) The code under
/// test creates no timers, so timestamps and the wall clock are all it needs.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private long _ticks = TimeSpan.FromDays(1).Ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => Epoch.AddTicks(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("the code under test was expected to use no timers");
}
