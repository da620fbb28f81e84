using PinnacleMM.Core.Risk;

namespace PinnacleMM.Core.Tests.Risk;

[TestClass]
public sealed class CircuitBreakerTests
{
    [TestMethod]
    public void Widens_while_volatility_or_the_market_spread_is_beyond_its_threshold_and_for_the_cooldown_after()
    {
        var b = new CircuitBreaker(new CircuitBreakerOptions { VolatilityThresholdBps = 3, SpreadThresholdBps = 20, WidenFactor = 2.5, Cooldown = TimeSpan.FromSeconds(1) });
        Assert.IsFalse(b.Evaluate(0, 3, 20)); // at the thresholds: not beyond
        Assert.AreEqual(1.0, b.SpreadMultiplier);
        Assert.IsTrue(b.Evaluate(10, 3.01, 0));
        Assert.AreEqual(2.5, b.SpreadMultiplier);
        Assert.IsTrue(b.Evaluate(1_000_000_009, 0, 5));   // within the cooldown of the last breach
        Assert.IsFalse(b.Evaluate(1_000_000_010, 0, 5));  // cooldown over
        Assert.AreEqual(1.0, b.SpreadMultiplier);
        Assert.IsTrue(b.Evaluate(2_000_000_000, 0, 20.5)); // spread breach
        Assert.IsFalse(b.IsPaused);
        Assert.AreEqual(2L, b.TripCount);
    }

    [TestMethod]
    public void Pause_action_pauses_instead_of_widening()
    {
        var b = new CircuitBreaker(new CircuitBreakerOptions { SpreadThresholdBps = 20, Action = CircuitBreakerAction.Pause });
        Assert.IsTrue(b.Evaluate(1, 100, 25));
        Assert.AreEqual((true, 1.0), (b.IsPaused, b.SpreadMultiplier));
        Assert.IsFalse(b.Evaluate(2, 100, 15)); // volatility threshold is off (0)
        Assert.IsFalse(b.IsPaused);
    }

    [TestMethod]
    public void Bad_options_are_refused_naming_every_field()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new CircuitBreaker(new CircuitBreakerOptions { WidenFactor = 0.5, Cooldown = TimeSpan.FromSeconds(-1), SpreadThresholdBps = double.PositiveInfinity }));
        Assert.AreEqual(
            "SpreadThresholdBps: Infinity must be a finite number, not negative." + Environment.NewLine + "WidenFactor: 0.5 must be between 1 and 100." + Environment.NewLine
            + "Cooldown: -00:00:01 must be between 0 and 365 days. (Parameter 'options')",
            e.Message);
    }

    [TestMethod]
    public void A_cooldown_whose_nanoseconds_would_overflow_is_refused_naming_it()
    {
        var options = new CircuitBreakerOptions { SpreadThresholdBps = 20, Cooldown = TimeSpan.MaxValue };
        Assert.AreEqual("Cooldown: 10675199.02:48:05.4775807 must be between 0 and 365 days.", string.Join("|", options.Validate()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new CircuitBreaker(options));
        Assert.AreEqual("Cooldown: 10675199.02:48:05.4775807 must be between 0 and 365 days. (Parameter 'options')", e.Message);

        // The longest cooldown allowed keeps the breaker tripped for all of it: its end did not wrap around.
        options.Cooldown = TimeSpan.FromDays(365);
        var b = new CircuitBreaker(options);
        const long Year = 365L * 86_400 * 1_000_000_000;
        Assert.IsTrue(b.Evaluate(1_000, 0, 25));
        Assert.IsTrue(b.Evaluate(1_000 + Year - 1, 0, 5));
        Assert.IsFalse(b.Evaluate(1_000 + Year, 0, 5));
    }
}
