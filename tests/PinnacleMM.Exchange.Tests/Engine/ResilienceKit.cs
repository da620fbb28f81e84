using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>Checks shared by the resilience tests: the engine's picture against the venue's truth.</summary>
internal static class ResilienceKit
{
    /// <summary>
    /// The tracked orders equal the venue's open orders (same ids, sides, prices and open sizes), except orders whose
    /// place is still on its way (pending new, not at the venue yet); no venue order is untracked.
    /// </summary>
    public static async Task AssertOrdersMatchVenueAsync(EngineRun run)
    {
        var venue = (await run.Simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).ToDictionary(o => o.ClientOrderId.Value);
        var tracked = run.Engine.Orders.Tracker.GetOpenOrders();
        foreach (var order in tracked)
        {
            if (!venue.TryGetValue(order.ClientOrderId.Value, out var atVenue))
            {
                Assert.AreEqual(OrderState.PendingNew, order.State, $"order {order.ClientOrderId} is open in our books ({order.State}) but not at the venue");
                continue;
            }

            Assert.AreEqual(atVenue.Side, order.Side, $"side of {order.ClientOrderId}");
            Assert.AreEqual(atVenue.Price, order.Price, $"price of {order.ClientOrderId}");
            Assert.AreEqual(atVenue.LeavesQuantity, order.LeavesQuantity, $"open size of {order.ClientOrderId}");
            Assert.AreEqual(atVenue.FilledQuantity, order.FilledQuantity, $"filled size of {order.ClientOrderId}");
        }

        var trackedIds = tracked.Select(o => o.ClientOrderId.Value).ToHashSet();
        foreach (var id in venue.Keys)
        {
            Assert.IsTrue(trackedIds.Contains(id), $"venue order {id} is an orphan: not open in our books");
        }
    }

    /// <summary>The position is the sum of the venue's fills, and the cash the venue's balance change.</summary>
    public static async Task AssertPositionIsTheVenuesAsync(EngineRun run)
    {
        var fills = await run.Simulator.GetFillsAsync(SimulatorTestKit.Id, 0);
        var lots = fills.Sum(f => f.Side.Sign() * f.Quantity.Lots);
        var fees = fills.Sum(f => f.Fee);
        var position = run.Strategy.Position;
        Assert.AreEqual(lots, position.PositionLots, "position = sum of the venue's fills");
        Assert.AreEqual(fees, position.Fees, "fees = the venue's");
        Assert.AreEqual(fills.Count, position.FillCount, "every venue fill applied once");
        Assert.AreEqual(await run.VenuePositionLotsAsync(), position.PositionLots, "position = venue balance");
        var mark = new Price(10_000);
        Assert.AreEqual(await run.VenueQuoteChangeAsync() + (position.Position * SimulatorTestKit.Instrument.ToDecimal(mark)), position.Equity(mark), "cash = venue");
    }

    /// <summary>The simulator's book levels, as a depth book of the venue sees them.</summary>
    public static List<(Side Side, long Price, long Lots)> VenueLevels(ExchangeSimulator simulator)
    {
        var book = simulator.Book;
        var levels = new Core.Books.DepthLevel[Math.Max(1, Math.Max(book.BidLevelCount, book.AskLevelCount))];
        var list = new List<(Side, long, long)>();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var n = book.GetDepth(side, levels);
            for (var i = 0; i < n; i++)
            {
                list.Add((side, levels[i].Price.Ticks, levels[i].Quantity.Lots));
            }
        }

        return list;
    }

    /// <summary>The engine's book of the venue's levels.</summary>
    public static List<(Side Side, long Price, long Lots)> EngineLevels(Exchange.Engine.TradingEngine engine)
    {
        var book = engine.VenueBook;
        var levels = new Core.Books.DepthLevel[Math.Max(1, Math.Max(book.BidLevelCount, book.AskLevelCount))];
        var list = new List<(Side, long, long)>();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var n = book.GetDepth(side, levels);
            for (var i = 0; i < n; i++)
            {
                list.Add((side, levels[i].Price.Ticks, levels[i].Quantity.Lots));
            }
        }

        return list;
    }
}
