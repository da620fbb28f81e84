using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class InlineEngineTests
{
    private static async Task<(string Fills, decimal Realized, decimal Fees, long Position, long Sent)> RunAsync(long seed, TimeSpan duration)
    {
        await using var run = await EngineRun.StartInlineAsync(seed);
        run.Simulator.RunFor(duration);
        var p = run.Strategy.Position;
        var fills = string.Join(";", run.Engine.Orders.Tracker.GetOpenOrders().Select(o => $"{o.ClientOrderId}:{o.Price.Ticks}:{o.LeavesQuantity.Lots}"));
        return ($"{p.FillCount}/{p.TradedQuantity.Lots}/{p.TradedNotional}/{fills}", p.RealizedPnlAverageCost, p.Fees, p.PositionLots, run.Engine.Orders.PlacesSent);
    }

    [TestMethod]
    public async Task Same_seed_gives_the_same_fills_and_pnl_and_another_seed_does_not()
    {
        var duration = TimeSpan.FromSeconds(20);
        var first = await RunAsync(11, duration);
        var second = await RunAsync(11, duration);
        var other = await RunAsync(12, duration);
        Assert.IsTrue(first.Sent >= 4, $"the strategy quoted ({first.Sent} places)");
        Assert.IsTrue(int.Parse(first.Fills.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture) >= 3, $"fills happened: {first.Fills}");
        Assert.AreEqual(first, second);
        Assert.AreNotEqual(first, other);
    }

    [TestMethod]
    public async Task Position_and_cash_match_the_venue_balances_and_stop_leaves_no_order_anywhere()
    {
        await using var run = await EngineRun.StartInlineAsync(5);
        run.Simulator.RunFor(TimeSpan.FromSeconds(15));
        Assert.IsTrue(run.Engine.Orders.Tracker.OpenCount > 0, "quotes rest while running");
        await run.StopAsync();

        Assert.IsFalse(run.Engine.IsRunning);
        Assert.AreEqual(0, run.Engine.Orders.Tracker.OpenCount, "no order left in our books");
        Assert.AreEqual(0, (await run.VenueOpenOrdersAsync()).Count, "no order left at the venue");
        var position = run.Strategy.Position;
        Assert.IsTrue(position.FillCount > 0);
        Assert.AreEqual(await run.VenuePositionLotsAsync(), position.PositionLots);

        // Cash: what the venue debited equals what the position says the fills cost, fees included.
        var mark = new Core.Primitives.Price(10_000);
        var equityFromVenue = await run.VenueQuoteChangeAsync() + (position.Position * SimulatorTestKit.Instrument.ToDecimal(mark));
        Assert.AreEqual(equityFromVenue, position.Equity(mark));
        Assert.AreEqual(0, run.Engine.Orders.Tracker.DuplicateCount + run.Engine.Orders.Tracker.UnknownCount + run.Engine.Orders.Tracker.InvalidCount);
    }

    [TestMethod]
    public async Task Tick_to_quote_latency_and_status_are_published()
    {
        await using var run = await EngineRun.StartInlineAsync(3);
        run.Simulator.RunFor(TimeSpan.FromSeconds(5));
        Assert.IsTrue(run.Engine.TickToQuote.Count > 0);
        var status = run.Engine.Status;
        Assert.IsTrue(status.BookSynced);
        Assert.IsNotNull(status.BestBid);
        Assert.IsTrue(status.BestBid < status.BestAsk);
        Assert.AreEqual(run.Engine.Orders.Tracker.OpenCount, status.OpenOrders.Count);
        Assert.IsTrue(status.MarketEvents > 0 && status.OrdersSent > 0);

        // At stop the last picture is published: it matches the final state.
        await run.StopAsync();
        status = run.Engine.Status;
        Assert.AreEqual(run.Strategy.Position.Position, status.Position);
        Assert.AreEqual(run.Strategy.Position.FillCount, status.FillCount);
        Assert.AreEqual(0, status.OpenOrders.Count);
    }
}
