namespace PinnacleMM.Security.RateLimiting;

/// <summary>One <see cref="PolicyRateLimiter"/> per <see cref="RateLimitCategory"/>, with the default policies unless overridden. Thread-safe.</summary>
public sealed class RateLimiterSet : IDisposable
{
    private readonly Dictionary<RateLimitCategory, PolicyRateLimiter> _limiters = [];

    /// <summary>Creates a limiter for every category.</summary>
    /// <param name="overrides">Policies replacing the defaults for some categories; null for all defaults.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">
    /// An override's key is not a <see cref="RateLimitCategory"/>, its policy is null or invalid (see
    /// <see cref="RateLimitPolicy.Validate"/>); the message starts with <c>rateLimits.&lt;Category&gt;</c>, as in
    /// <see cref="SecurityOptions.Validate"/>. Every override is checked before any limiter is created.
    /// </exception>
    public RateLimiterSet(IReadOnlyDictionary<RateLimitCategory, RateLimitPolicy>? overrides = null, TimeProvider? timeProvider = null)
    {
        foreach (var (category, policy) in overrides ?? new Dictionary<RateLimitCategory, RateLimitPolicy>())
        {
            CheckOverride(category, policy);
        }

        foreach (var category in Enum.GetValues<RateLimitCategory>())
        {
            var policy = overrides is not null && overrides.TryGetValue(category, out var custom) ? custom : RateLimitPolicy.Default(category);
            _limiters[category] = new PolicyRateLimiter(policy, timeProvider);
        }
    }

    /// <summary>The limiter of a category.</summary>
    /// <param name="category">The category.</param>
    /// <exception cref="KeyNotFoundException">Unknown category.</exception>
    public PolicyRateLimiter this[RateLimitCategory category] => _limiters[category];

    /// <summary>Takes permits from the category's limiter; never blocks.</summary>
    /// <param name="category">The category.</param>
    /// <param name="weight">The request weight, 1 to the category's limit.</param>
    /// <returns>Allowed, or refused with when to retry.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The weight is not positive or exceeds the limit.</exception>
    public RateLimitDecision TryAcquire(RateLimitCategory category, int weight = 1) => this[category].TryAcquire(weight);

    private static void CheckOverride(RateLimitCategory category, RateLimitPolicy? policy)
    {
        var field = $"rateLimits.{category}";
        if (!Enum.IsDefined(category))
        {
            throw new ArgumentException($"{field} is not a rate-limit category (one of {string.Join(", ", Enum.GetNames<RateLimitCategory>())})", "overrides");
        }

        if (policy is null)
        {
            throw new ArgumentException($"{field} is null: set a policy or leave the category out for its default", "overrides");
        }

        try
        {
            policy.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            // The field as SecurityOptions.Validate names it (rateLimits.OrderSubmit.limit), so both read the same.
            var name = ex.ParamName is { Length: > 0 } p ? $"{field}.{char.ToLowerInvariant(p[0])}{p[1..]}" : field;
            throw new ArgumentException($"{name}: {ex.Message.Split(" (Parameter", 2)[0]}", "overrides", ex);
        }
    }

    /// <summary>Disposes every limiter.</summary>
    public void Dispose()
    {
        foreach (var limiter in _limiters.Values)
        {
            limiter.Dispose();
        }
    }
}
