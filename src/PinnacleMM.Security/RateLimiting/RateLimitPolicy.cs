namespace PinnacleMM.Security.RateLimiting;

/// <summary>
/// A rate-limit policy: at most <see cref="Limit"/> permits (request weight) per <see cref="Window"/>, and once
/// exceeded every call is refused for <see cref="Cooldown"/>.
/// </summary>
public sealed record RateLimitPolicy
{
    /// <summary>The permits (or total request weight) allowed per window; must be positive.</summary>
    public required int Limit { get; init; }

    /// <summary>The window; must be positive.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>How long every call is refused after the limit was exceeded; zero for none, at most <see cref="MaxCooldown"/>.</summary>
    public TimeSpan Cooldown { get; init; }

    /// <summary>The limiter; sliding window unless set.</summary>
    public RateLimitAlgorithm Algorithm { get; init; } = RateLimitAlgorithm.SlidingWindow;

    /// <summary>Segments per window (sliding window) or refills per window (token bucket); 1 to 1000, default 10.</summary>
    public int SegmentsPerWindow { get; init; } = 10;

    /// <summary>
    /// The default policy of a category, from the original implementation: general API 1000 / 1 min / 60 s;
    /// market data 5000 / 1 min / 30 s; authentication 5 / 15 min / 5 min; order submit 100 / 1 min / 30 s;
    /// order cancel 500 / 1 min / 15 s; order modify 200 / 1 min / 30 s; config reads 100 / 1 min / none;
    /// config writes 10 / 5 min / 1 min; WebSocket connections 50 / 5 min / 2 min (limit / window / cooldown).
    /// </summary>
    /// <param name="category">The category.</param>
    /// <returns>A sliding-window policy.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Unknown category.</exception>
    public static RateLimitPolicy Default(RateLimitCategory category) => category switch
    {
        RateLimitCategory.GeneralApi => Of(1000, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(60)),
        RateLimitCategory.MarketData => Of(5000, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)),
        RateLimitCategory.Authentication => Of(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5)),
        RateLimitCategory.OrderSubmit => Of(100, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)),
        RateLimitCategory.OrderCancel => Of(500, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15)),
        RateLimitCategory.OrderModify => Of(200, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(30)),
        RateLimitCategory.ConfigRead => Of(100, TimeSpan.FromMinutes(1), TimeSpan.Zero),
        RateLimitCategory.ConfigWrite => Of(10, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1)),
        RateLimitCategory.WebSocketConnect => Of(50, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2)),
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "unknown rate-limit category"),
    };

    /// <summary>A token-bucket policy for exchanges that count request weight (e.g. 1200 weight per minute).</summary>
    /// <param name="weightLimit">Total weight per window.</param>
    /// <param name="window">The window.</param>
    /// <param name="cooldown">Refusal period once exceeded.</param>
    /// <returns>The policy.</returns>
    public static RateLimitPolicy Weighted(int weightLimit, TimeSpan window, TimeSpan cooldown = default) =>
        new() { Limit = weightLimit, Window = window, Cooldown = cooldown, Algorithm = RateLimitAlgorithm.TokenBucket };

    /// <summary>Longest accepted <see cref="Cooldown"/>: one day.</summary>
    public static TimeSpan MaxCooldown { get; } = TimeSpan.FromDays(1);

    /// <summary>Throws when a field is out of range, naming the field, its value and the rule.</summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="Limit"/> or <see cref="Window"/> not positive, <see cref="Cooldown"/> negative or above <see cref="MaxCooldown"/>,
    /// <see cref="Algorithm"/> not a defined <see cref="RateLimitAlgorithm"/>, <see cref="SegmentsPerWindow"/> not 1 to 1000,
    /// or the window shorter than one tick per segment. The parameter name is the field's.
    /// </exception>
    public void Validate()
    {
        if (Limit <= 0)
        {
            throw Invalid(nameof(Limit), $"Limit {Limit} must be positive.");
        }

        if (Window <= TimeSpan.Zero)
        {
            throw Invalid(nameof(Window), $"Window {Window} must be positive.");
        }

        if (Cooldown < TimeSpan.Zero)
        {
            throw Invalid(nameof(Cooldown), $"Cooldown {Cooldown} must not be negative.");
        }

        if (Cooldown > MaxCooldown)
        {
            // Also keeps "now + cooldown" far from TimeSpan.MaxValue, which would overflow when a refusal starts it.
            throw Invalid(nameof(Cooldown), $"Cooldown {Cooldown} must be at most {MaxCooldown}.");
        }

        if (!Enum.IsDefined(Algorithm))
        {
            throw Invalid(nameof(Algorithm), $"Algorithm {(int)Algorithm} must be SlidingWindow or TokenBucket.");
        }

        if (SegmentsPerWindow is < 1 or > 1000)
        {
            throw Invalid(nameof(SegmentsPerWindow), $"SegmentsPerWindow {SegmentsPerWindow} must be 1 to 1000.");
        }

        if (Window.Ticks < SegmentsPerWindow)
        {
            throw Invalid(nameof(Window), $"Window {Window} must be at least one tick (100 ns) per segment (SegmentsPerWindow {SegmentsPerWindow}).");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string field, string message) => new(field, message);

    private static RateLimitPolicy Of(int limit, TimeSpan window, TimeSpan cooldown) => new() { Limit = limit, Window = window, Cooldown = cooldown };
}
