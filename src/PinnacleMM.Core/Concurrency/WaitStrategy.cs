namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// How a ring's waiting operations (<c>Write</c> when the ring is full, <c>Read</c> and <c>WaitToRead</c>
/// when it is empty) wait for the other side. The choice trades latency against CPU use; the
/// non-waiting operations (<c>TryWrite</c>, <c>TryRead</c>, batches, <c>Drain</c>) never wait.
/// </summary>
public enum WaitStrategy
{
    /// <summary>
    /// Spins on the other side's cursor with a CPU pause between checks. Lowest latency, but a waiting
    /// thread burns a whole core: use it only when each ring thread has a dedicated core.
    /// </summary>
    BusySpin = 0,

    /// <summary>
    /// Spins briefly, then gives up the rest of its time slice with <see cref="Thread.Yield"/> between
    /// checks. Good latency while leaving the core to other runnable threads; still never sleeps.
    /// </summary>
    Yielding = 1,

    /// <summary>
    /// Spins and yields briefly, then parks the thread on a monitor until the other side signals. Uses no CPU
    /// while idle, at the price of a wake-up latency and a full memory fence on every publish (so the
    /// other side can tell whether anybody needs waking). Each ring holds its own signalling state.
    /// </summary>
    Blocking = 2,
}
