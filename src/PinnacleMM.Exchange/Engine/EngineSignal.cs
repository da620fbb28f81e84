using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// How the strategy thread waits when both of its input rings are empty: a ring's own waiting covers one
/// ring, this covers two (and the timer). Producers call <see cref="Signal"/> after writing; it costs a fence
/// and a flag read, and a kernel call only when the consumer is asleep (blocking strategy).
/// </summary>
internal sealed class EngineSignal(WaitStrategy strategy) : IDisposable
{
    private const int SpinsBeforeYield = 64;
    private const int YieldsBeforeSleep = 32;
    private readonly ManualResetEventSlim _event = new(false, spinCount: 0);
    private int _sleeping;

    /// <summary>Producer: wakes the consumer if it sleeps.</summary>
    public void Signal()
    {
        if (strategy != WaitStrategy.Blocking)
        {
            return;
        }

        // Full fence: the ring write before this must be visible before we read the flag (store-load order).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _sleeping) != 0)
        {
            _event.Set();
        }
    }

    /// <summary>
    /// Consumer: waits a little according to the strategy, at most until <paramref name="maxWait"/> for the
    /// blocking strategy. <paramref name="idleRounds"/> counts the consecutive idle calls (reset it on work).
    /// </summary>
    /// <param name="idleRounds">Consecutive idle rounds so far; incremented.</param>
    /// <param name="hasWork">Checked after announcing sleep, so that a write racing the announcement is not missed.</param>
    /// <param name="maxWait">The longest sleep (until the next timer).</param>
    public void Idle(ref int idleRounds, Func<bool> hasWork, TimeSpan maxWait)
    {
        idleRounds++;
        switch (strategy)
        {
            case WaitStrategy.BusySpin:
                // One normalized pause (about 40 ns here; SpinWait(8) is about 250-300 ns): the round of polling is
                // then short, and an event waits less for the next look (ring-hop benchmark).
                Thread.SpinWait(1);
                return;
            case WaitStrategy.Yielding:
                if (idleRounds < SpinsBeforeYield)
                {
                    Thread.SpinWait(8);
                }
                else
                {
                    Thread.Yield();
                }

                return;
            default:
                if (idleRounds < SpinsBeforeYield)
                {
                    Thread.SpinWait(8);
                    return;
                }

                if (idleRounds < SpinsBeforeYield + YieldsBeforeSleep)
                {
                    Thread.Yield();
                    return;
                }

                _event.Reset();
                Volatile.Write(ref _sleeping, 1);
                Interlocked.MemoryBarrier();
                if (!hasWork())
                {
                    _event.Wait(maxWait);
                }

                Volatile.Write(ref _sleeping, 0);
                return;
        }
    }

    /// <summary>Wakes the consumer whatever the strategy (stop, control requests).</summary>
    public void WakeNow() => _event.Set();

    public void Dispose() => _event.Dispose();
}
