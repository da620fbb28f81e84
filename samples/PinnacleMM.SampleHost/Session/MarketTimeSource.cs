using PinnacleMM.Exchange.Paper;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// Market time since the session started: the simulator's clock; for paper trading the feed's (the paper exchange's
/// clock, the events' receive times, measured from the first event, so that a replay counts recorded time); otherwise
/// wall-clock time from <see cref="TimeProvider"/>.
/// </summary>
internal sealed class MarketTimeSource(ExchangeSimulator? simulator, PaperExchange? paper, TimeProvider time)
{
    private long _simulatorStart;
    private long _feedStart = -1;
    private long _wallStart;

    /// <summary>Takes the starting points (after the engine started).</summary>
    public void Start()
    {
        _simulatorStart = simulator?.NowNanoseconds ?? 0;
        _wallStart = time.GetTimestamp();
    }

    /// <summary>Market time since <see cref="Start"/>, in nanoseconds.</summary>
    public long ElapsedNanoseconds
    {
        get
        {
            if (simulator is not null)
            {
                return simulator.NowNanoseconds - _simulatorStart;
            }

            if (paper is not null)
            {
                var now = paper.NowNanoseconds;
                if (now == 0)
                {
                    return 0; // No event yet.
                }

                var start = Volatile.Read(ref _feedStart);
                if (start < 0)
                {
                    start = Interlocked.CompareExchange(ref _feedStart, now, -1) is var previous && previous < 0 ? now : previous;
                }

                return now - start;
            }

            return time.GetElapsedTime(_wallStart).Ticks * TimeSpan.NanosecondsPerTick;
        }
    }

    /// <summary>Market time since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(ElapsedNanoseconds / TimeSpan.NanosecondsPerTick);
}
