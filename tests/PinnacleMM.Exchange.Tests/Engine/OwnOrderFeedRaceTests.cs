using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// The race between the feed and the order-entry answers, end to end: in a market where nothing happens but our own
/// orders, the strategy must settle after its first quotes. If it takes its own quote for someone else's liquidity (the
/// feed shows the order before its acknowledgement) or sees a hole where its quote still shows (the cancel's answer
/// before the feed), every requote moves the book it quotes against and the engine amends without end.
/// </summary>
[TestClass]
public sealed class OwnOrderFeedRaceTests
{
    [TestMethod]
    public void A_grace_period_outside_1_ms_to_1_minute_is_refused_naming_the_field()
    {
        Assert.AreEqual(0, new TradingEngineOptions { OwnOrderFeedGrace = TimeSpan.FromMilliseconds(1) }.Validate().Count);
        Assert.AreEqual(0, new TradingEngineOptions { OwnOrderFeedGrace = TimeSpan.FromMinutes(1) }.Validate().Count);
        CollectionAssert.AreEqual(
            new[] { "OwnOrderFeedGrace: 00:00:00 must be from 1 ms to 1 minute." },
            new TradingEngineOptions { OwnOrderFeedGrace = TimeSpan.Zero }.Validate().ToArray());
        CollectionAssert.AreEqual(
            new[] { "OwnOrderFeedGrace: 00:01:00.0010000 must be from 1 ms to 1 minute." },
            new TradingEngineOptions { OwnOrderFeedGrace = TimeSpan.FromMilliseconds(60_001) }.Validate().ToArray());
    }

    [TestMethod]
    [DataRow(1.0, 1.0, DisplayName = "feed and answers at the same time")]
    [DataRow(0.2, 5.0, DisplayName = "the feed shows our orders long before the answers")]
    [DataRow(5.0, 0.2, DisplayName = "the answers come long before the feed")]
    public async Task A_quiet_market_settles_after_the_first_quotes(double marketDataMs, double orderEntryMs)
    {
        await using var run = await EngineRun.StartAsync(7, EngineThreading.Inline, configure: o =>
        {
            var quiet = SimulatorTestKit.Quiet(7);
            o.Takers = quiet.Takers;
            o.Makers = quiet.Makers;
            o.NoiseTraders = quiet.NoiseTraders;
            o.InformedTraders = quiet.InformedTraders;
            o.PriceProcess = quiet.PriceProcess;
            o.Latency.MarketData = TimeSpan.FromMilliseconds(marketDataMs);
            o.Latency.OrderEntry = TimeSpan.FromMilliseconds(orderEntryMs);
        });

        run.Simulator.RunFor(TimeSpan.FromSeconds(1));
        var afterFirstQuotes = run.Engine.Status.OrdersSent;
        Assert.IsTrue(afterFirstQuotes >= 4, $"the strategy quotes two levels a side ({afterFirstQuotes} commands)");

        run.Simulator.RunFor(TimeSpan.FromSeconds(10));
        var later = run.Engine.Status.OrdersSent - afterFirstQuotes;

        // Nothing moves but the order-age refresh: EngineRun's OrderTimeout (2 s) replaces each of the 4 quotes
        // (cancel + place) about every 2 s, 40 commands in 10 s. Before the fix this was 3,000 to 40,000.
        Assert.IsTrue(later <= 60, $"{later} commands in 10 s of a market where nothing else happens");
        Assert.AreEqual(0, run.Strategy.Position.FillCount, "nobody trades with us in a quiet market");

        // The strategy's book is the venue's without our orders: at each of our prices, the venue's level less ours.
        var open = await run.VenueOpenOrdersAsync();
        Assert.AreEqual(4, open.Count);
        var venue = ResilienceKit.VenueLevels(run.Simulator);
        foreach (var order in open)
        {
            var level = venue.SingleOrDefault(l => l.Side == order.Side && l.Price == order.Price.Ticks).Lots;
            var ours = open.Where(o => o.Side == order.Side && o.Price == order.Price).Sum(o => o.LeavesQuantity.Lots);
            var strategyLots = run.Strategy.Book.GetQuantity(order.Side, order.Price).Lots;
            Assert.AreEqual(level - ours, strategyLots, $"at {order.Side} {order.Price} the venue shows {level} lots, {ours} of them ours");
        }
    }
}
