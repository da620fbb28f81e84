using System.Runtime.CompilerServices;

namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// One side's waiting room in a ring (the consumer waiting for items, or producers waiting for space),
/// implementing the three <see cref="WaitStrategy"/> values. A ring owns one instance per side, so
/// blocking state is never shared between rings.
/// </summary>
/// <remarks>
/// <para>The blocking strategy must not lose a wake-up: a waiter that decides to park must be woken by
/// the publish that makes its condition true, even when the two race. It is Dekker's pattern:</para>
/// <code>
/// waiter (under _gate)                          signaller (after publishing)
///   W1  Interlocked.Increment(_waiters)   // fence   S1  Volatile.Write(cursor)
///   W2  if (!condition) Monitor.Wait(_gate)        S2  Interlocked.MemoryBarrier()   // fence
///                                                  S3  if (_waiters != 0) lock(_gate) PulseAll
/// </code>
/// <para>Each side stores then loads, with a full fence in between, so the two loads cannot both miss
/// the other side's store (without the fences x86 may satisfy each load before its own store leaves the
/// store buffer — the one reordering x86 allows — and both threads would proceed as if alone). Hence
/// either W2 sees the new cursor and the waiter does not park, or S3 sees the waiter and pulses. The
/// pulse cannot fall between W2 and <see cref="Monitor.Wait(object)"/>: the waiter holds <c>_gate</c>
/// from before W1 until <c>Monitor.Wait</c> atomically releases it, and the signaller must take
/// <c>_gate</c> to pulse. <c>_waiters</c> is a count, not a flag, because several producers of an
/// <see cref="MpscRing{T}"/> may park at once.</para>
/// <para>Busy-spin and yielding rings never call <see cref="Signal"/>, so their publishes pay no fence.</para>
/// </remarks>
internal sealed class RingWaiter
{
    private const int SpinIterations = 64;

    // Blocking yields this many times after spinning before it parks: parking costs a futex round trip
    // on both sides, which dominates when the ring hovers around empty or full.
    private const int YieldIterations = 32;

    private readonly object _gate = new();
    private readonly WaitStrategy _strategy;
    private PaddedLong _waiters;

    public RingWaiter(WaitStrategy strategy) => _strategy = strategy;

    /// <summary>Waits, according to the strategy, until <paramref name="condition"/> holds.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public void WaitUntil<TCondition>(ref TCondition condition, CancellationToken cancellationToken)
        where TCondition : struct, IRingWaitCondition
    {
        var iteration = 0;
        var registered = false;
        CancellationTokenRegistration registration = default;
        try
        {
            while (!condition.IsSatisfied())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (_strategy == WaitStrategy.BusySpin || iteration < SpinIterations)
                {
                    Thread.SpinWait(1);
                }
                else if (_strategy == WaitStrategy.Yielding || iteration < SpinIterations + YieldIterations)
                {
                    Thread.Yield();
                }
                else
                {
                    if (!registered && cancellationToken.CanBeCanceled)
                    {
                        // Cold path: we are about to park anyway. The callback wakes us on cancellation.
                        registration = cancellationToken.UnsafeRegister(static s => ((RingWaiter)s!).WakeAll(), this);
                        registered = true;
                    }

                    Park(ref condition, cancellationToken);
                }

                iteration++;
            }
        }
        finally
        {
            if (registered)
            {
                registration.Dispose();
            }
        }
    }

    /// <summary>
    /// Called by the other side right after it published a cursor (blocking strategy only): wakes the
    /// waiters, if any. See the class remarks for why the fence is needed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Signal()
    {
        // S2: order the caller's cursor store before the load of the waiter count (StoreLoad).
        Interlocked.MemoryBarrier();
        if (Volatile.Read(ref _waiters.Value) != 0)
        {
            WakeAll();
        }
    }

    /// <summary>Wakes every parked waiter unconditionally (completion, cancellation).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WakeAll()
    {
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }
    }

    private void Park<TCondition>(ref TCondition condition, CancellationToken cancellationToken)
        where TCondition : struct, IRingWaitCondition
    {
        lock (_gate)
        {
            // W1: announce the waiter; the locked increment is a full fence before the re-check (W2).
            Interlocked.Increment(ref _waiters.Value);
            try
            {
                if (!condition.IsSatisfied() && !cancellationToken.IsCancellationRequested)
                {
                    Monitor.Wait(_gate);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _waiters.Value);
            }
        }
    }
}
