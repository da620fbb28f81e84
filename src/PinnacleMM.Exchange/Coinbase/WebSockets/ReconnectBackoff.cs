namespace PinnacleMM.Exchange.Coinbase.WebSockets;

/// <summary>
/// Exponential backoff with jitter for reconnecting: attempt n waits a random time between half and all of
/// min(<see cref="Initial"/> * 2^n, <see cref="Maximum"/>), so that many clients cut off together do not
/// reconnect in lockstep. <see cref="Reset"/> after a connection has been stable. Not thread-safe.
/// </summary>
public sealed class ReconnectBackoff
{
    private readonly Random _random;
    private int _attempt;

    /// <summary>Creates a backoff.</summary>
    /// <param name="initial">The first delay's upper bound; positive.</param>
    /// <param name="maximum">The cap on every delay; at least <paramref name="initial"/>.</param>
    /// <param name="random">The jitter source; <see cref="Random.Shared"/> when null (pass a seeded one for reproducible tests).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="initial"/> is not positive or <paramref name="maximum"/> is below it.</exception>
    public ReconnectBackoff(TimeSpan initial, TimeSpan maximum, Random? random = null)
    {
        if (initial <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(initial), initial, $"initial {initial} must be positive.");
        }

        if (maximum < initial)
        {
            throw new ArgumentOutOfRangeException(nameof(maximum), maximum, $"maximum {maximum} must be at least initial {initial}.");
        }

        Initial = initial;
        Maximum = maximum;
        _random = random ?? Random.Shared;
    }

    /// <summary>The first delay's upper bound.</summary>
    public TimeSpan Initial { get; }

    /// <summary>The cap on every delay.</summary>
    public TimeSpan Maximum { get; }

    /// <summary>How many delays were handed out since the last <see cref="Reset"/>.</summary>
    public int Attempt => _attempt;

    /// <summary>The delay before the next attempt; each call doubles the bound until <see cref="Maximum"/>.</summary>
    public TimeSpan NextDelay()
    {
        var ceiling = Initial.Ticks;
        for (var i = 0; i < _attempt && ceiling < Maximum.Ticks; i++)
        {
            ceiling *= 2;
        }

        ceiling = Math.Min(ceiling, Maximum.Ticks);
        _attempt = Math.Min(_attempt + 1, 62);
        var half = ceiling / 2;
        return TimeSpan.FromTicks(half + (long)(_random.NextDouble() * (ceiling - half)));
    }

    /// <summary>Starts again from <see cref="Initial"/>.</summary>
    public void Reset() => _attempt = 0;
}
