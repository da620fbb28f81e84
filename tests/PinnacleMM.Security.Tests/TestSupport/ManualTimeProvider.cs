namespace PinnacleMM.Security.Tests;

/// <summary>
/// A clock the test moves by hand (timestamps in TimeSpan ticks), safe to read and advance from many threads.
/// (Microsoft.Extensions.TimeProvider.Testing's FakeTimeProvider is not on this machine's feed.) The code under
/// test creates no timers, so timestamps and the wall clock are all it needs.
/// </summary>
internal sealed class ManualTimeProvider : TimeProvider
{
    private readonly DateTimeOffset _epoch;
    private long _ticks = TimeSpan.FromDays(1).Ticks;

    /// <summary>Starts at 2026-01-02T00:00:00Z, or at <paramref name="start"/>.</summary>
    public ManualTimeProvider(DateTimeOffset? start = null)
    {
        _epoch = (start ?? new DateTimeOffset(2026, 1, 2, 0, 0, 0, TimeSpan.Zero)) - TimeSpan.FromTicks(_ticks);
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => _epoch.AddTicks(GetTimestamp());

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        throw new NotSupportedException("the code under test was expected to use no timers");
}
