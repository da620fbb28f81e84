using PinnacleMM.Exchange.Coinbase.WebSockets;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class ReconnectBackoffTests
{
    [TestMethod]
    public void Delays_double_up_to_the_cap_with_jitter_in_the_upper_half_and_reset()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), new Random(3));
        var ceilings = new[] { 1, 2, 4, 8, 16, 30, 30, 30 };
        var delays = new List<TimeSpan>();
        foreach (var ceiling in ceilings)
        {
            var delay = backoff.NextDelay();
            delays.Add(delay);
            Assert.IsTrue(delay >= TimeSpan.FromSeconds(ceiling / 2.0) && delay <= TimeSpan.FromSeconds(ceiling), $"{delay} for ceiling {ceiling} s");
        }

        Assert.IsTrue(delays.Distinct().Count() > 5, "jitter varies the delays");
        backoff.Reset();
        Assert.AreEqual(0, backoff.Attempt);
        Assert.IsTrue(backoff.NextDelay() <= TimeSpan.FromSeconds(1));
    }

    [TestMethod]
    public void Many_attempts_never_overflow()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1));
        for (var i = 0; i < 1_000; i++)
        {
            Assert.IsTrue(backoff.NextDelay() <= TimeSpan.FromDays(1));
        }
    }

    [TestMethod]
    public void Bad_settings_are_refused_naming_them()
    {
        Assert.AreEqual("initial", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.Zero, TimeSpan.FromSeconds(1))).ParamName);
        Assert.AreEqual("maximum", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new ReconnectBackoff(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1))).ParamName);

        var options = new CoinbaseFeedClientOptions { Endpoint = new Uri("https://example.invalid/") };
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(options.Validate).Message, "Endpoint 'https://example.invalid/' must be an absolute ws:// or wss:// URI.");
        options.Endpoint = new Uri("ws://example.com/");
        Assert.AreEqual("Endpoint must use https or wss (rule: scheme) (Parameter 'Endpoint')", Assert.ThrowsExactly<ArgumentException>(options.Validate).Message);
        options.AllowInsecureLoopback = true;
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(options.Validate).Message, "Endpoint must use https or wss (plain http/ws is allowed only for loopback)");
        options.Endpoint = new Uri("ws://127.0.0.1:1234/");
        options.Validate();
        options.Endpoint = new Uri("wss://example.invalid/");
        options.Validate();
        options.MaxBackoff = TimeSpan.FromMilliseconds(10);
        Assert.AreEqual("MaxBackoff", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
        options.MaxBackoff = TimeSpan.FromSeconds(30);
        options.MaxMessageBytes = 10;
        Assert.AreEqual("MaxMessageBytes", Assert.ThrowsExactly<ArgumentOutOfRangeException>(options.Validate).ParamName);
    }
}
