using System.Collections.Concurrent;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The system clock, recording the due time of every one-shot timer created through it (what
/// <c>Task.Delay(delay, timeProvider)</c> asks for), so a test can check the waits a client chose
/// exactly instead of measuring them with the wall clock, which a loaded machine makes unreliable.
/// </summary>
internal sealed class DelayRecordingTimeProvider : TimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>The one-shot delays requested so far, in order.</summary>
    public TimeSpan[] Delays => [.. _delays];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        if (period == Timeout.InfiniteTimeSpan)
        {
            _delays.Enqueue(dueTime);
        }

        return System.CreateTimer(callback, state, dueTime, period);
    }
}
