using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Tests.DependencyInjection;

/// <summary>
/// Every time setting has a maximum its use can hold: converted to nanoseconds, to an <c>HttpClient</c> timeout, a
/// <c>CancelAfter</c> or a timer. <see cref="TimeSpan.MaxValue"/> (a common "never") is refused by name, not wrapped
/// into a negative time that cancels every order or resyncs forever.
/// </summary>
[TestClass]
public sealed class TimeSpanBoundsTests
{
    [TestMethod]
    public void Order_manager_and_engine_times_over_their_maximum_are_refused_naming_the_field()
    {
        CollectionAssert.AreEqual(new[] { "AcknowledgementTimeout: 10675199.02:48:05.4775807 must be positive and at most 1 hour." }, new OrderManagerOptions { AcknowledgementTimeout = TimeSpan.MaxValue }.Validate().ToArray());
        Assert.AreEqual(0, new OrderManagerOptions { AcknowledgementTimeout = TimeSpan.FromHours(1) }.Validate().Count);
        CollectionAssert.Contains(new TradingEngineOptions { SnapshotInterval = TimeSpan.MaxValue }.Validate().ToArray(), "SnapshotInterval: 10675199.02:48:05.4775807 must be from 0 (only the final snapshot) to 1 day.");
        Assert.IsFalse(new TradingEngineOptions { SnapshotInterval = TimeSpan.FromDays(1) }.Validate().Any(e => e.StartsWith("SnapshotInterval", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Coinbase_times_over_their_maximum_are_refused_naming_the_field()
    {
        Assert.AreEqual("RequestTimeout ('00:10:00.0010000') must be less than or equal to '00:10:00'. (Parameter 'RequestTimeout')\nActual value was 00:10:00.0010000.",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseRestOptions { RequestTimeout = TimeSpan.FromMinutes(10) + TimeSpan.FromMilliseconds(1) }.Validate()).Message.ReplaceLineEndings("\n"));
        Assert.AreEqual("MaxRetryAfter", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseRestOptions { MaxRetryAfter = TimeSpan.FromDays(2) }.Validate()).ParamName);
        new CoinbaseRestOptions { RequestTimeout = TimeSpan.FromMinutes(10), MaxRetryAfter = TimeSpan.FromHours(1) }.Validate();

        foreach (var (feed, name) in new (CoinbaseFeedClientOptions, string)[]
        {
            (new() { ConnectTimeout = TimeSpan.FromDays(60) }, "ConnectTimeout"),
            (new() { CheckInterval = TimeSpan.FromDays(60) }, "CheckInterval"),
            (new() { StablePeriod = TimeSpan.MaxValue }, "StablePeriod"),
            (new() { InitialBackoff = TimeSpan.FromHours(2), MaxBackoff = TimeSpan.FromHours(3) }, "InitialBackoff"),
            (new() { MaxBackoff = TimeSpan.MaxValue }, "MaxBackoff"),
            (new() { Sync = new CoinbaseSyncOptions { MessageTimeout = TimeSpan.MaxValue } }, "MessageTimeout"),
            (new() { Sync = new CoinbaseSyncOptions { SnapshotTimeout = TimeSpan.FromHours(1) + TimeSpan.FromTicks(1) } }, "SnapshotTimeout"),
        })
        {
            // Through the market data options, as the connector and the sample host validate them at start.
            var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = feed }.Validate(), name);
            Assert.AreEqual(name, e.ParamName);
            StringAssert.StartsWith(e.Message, name + " ");
            StringAssert.Contains(e.Message, " must be ");
        }

        new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = new() { Sync = new CoinbaseSyncOptions { HeartbeatTimeout = Timeout.InfiniteTimeSpan, MessageTimeout = TimeSpan.FromHours(1) } } }.Validate();
        Assert.AreEqual("BookChannel 'level3' must be level2_batch, level2_50 or level2. (Parameter 'BookChannel')",
            Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseMarketDataOptions { Products = ["BTC-USD"], BookChannel = "level3" }.Validate()).Message);
    }
}
