namespace PinnacleMM.Core.Time;

/// <summary>
/// A <see cref="MonotonicClock"/> that moves only when told to, for deterministic tests and simulations.
/// It refuses to go backwards. Safe to read from any thread; advance it from one thread.
/// </summary>
public sealed class ManualMonotonicClock : MonotonicClock
{
    private long _now;

    /// <summary>Creates a clock that reads <paramref name="startNanoseconds"/> until advanced.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="startNanoseconds"/> is negative.</exception>
    public ManualMonotonicClock(long startNanoseconds = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startNanoseconds);
        _now = startNanoseconds;
    }

    /// <inheritdoc />
    public override long NowNanoseconds => Volatile.Read(ref _now);

    /// <summary>Moves the clock forward by <paramref name="nanoseconds"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nanoseconds"/> is negative: a monotonic clock never goes back.</exception>
    public void Advance(long nanoseconds)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(nanoseconds);
        Volatile.Write(ref _now, checked(_now + nanoseconds));
    }

    /// <summary>Sets the clock to <paramref name="nanoseconds"/>, which must not be earlier than now.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="nanoseconds"/> is earlier than the current reading.</exception>
    public void Set(long nanoseconds)
    {
        if (nanoseconds < _now)
        {
            throw new ArgumentOutOfRangeException(nameof(nanoseconds), nanoseconds, $"nanoseconds {nanoseconds} is earlier than the current reading {_now}: a monotonic clock never goes back.");
        }

        Volatile.Write(ref _now, nanoseconds);
    }
}
