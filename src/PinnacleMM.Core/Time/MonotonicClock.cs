using System.Diagnostics;

namespace PinnacleMM.Core.Time;

/// <summary>
/// A monotonic nanosecond clock for event timestamps, ordering and latency measurement. It never goes
/// backwards and is unrelated to the wall clock; for wall-clock time use <see cref="TimeProvider"/>.
/// Use <see cref="System"/> in production and <see cref="ManualMonotonicClock"/> where a test or a
/// simulation must control time.
/// </summary>
public abstract class MonotonicClock
{
    /// <summary>The machine's monotonic clock (<see cref="Stopwatch"/>), in nanoseconds.</summary>
    public static MonotonicClock System { get; } = new SystemMonotonicClock();

    /// <summary>The current reading in nanoseconds since an arbitrary origin.</summary>
    public abstract long NowNanoseconds { get; }

    private sealed class SystemMonotonicClock : MonotonicClock
    {
        private static readonly long Frequency = Stopwatch.Frequency;
        private static readonly bool IsNanosecondFrequency = Frequency == 1_000_000_000;
        private static readonly long WholeMultiplier = 1_000_000_000 % Frequency == 0 ? 1_000_000_000 / Frequency : 0;

        public override long NowNanoseconds
        {
            get
            {
                var timestamp = Stopwatch.GetTimestamp();
                if (IsNanosecondFrequency)
                {
                    return timestamp;
                }

                return WholeMultiplier != 0
                    ? timestamp * WholeMultiplier
                    : (long)((Int128)timestamp * 1_000_000_000 / Frequency);
            }
        }
    }
}
