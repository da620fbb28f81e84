using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>
/// Random markets, random configs and random fills of the strategy's own quotes: after every decision
/// bid &lt; ask, nothing crosses the opposite best, prices and sizes are on the grid and within the
/// limits, and the position never exceeds the maximum.
/// </summary>
[TestClass]
public sealed class BasicMarketMakerPropertyTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m, maxQuantity: 100m);

    private sealed record Step(int MidMove, int Width, int BidLots, int AskLots, int FillLevel, bool FillBid, int FillPercent);

    [TestMethod]
    public void Quotes_obey_every_rule_and_own_fills_never_exceed_the_maximum_position()
    {
        var stepGen = from move in Gen.Choose(-300, 300)
                      from width in Gen.Choose(1, 4_000)
                      from bidLots in Gen.Choose(1, 5_000)
                      from askLots in Gen.Choose(1, 5_000)
                      from level in Gen.Choose(0, 4)
                      from fillBid in Gen.Elements(true, false)
                      from pct in Gen.Choose(0, 100)
                      select new Step(move, width, bidLots, askLots, level, fillBid, pct);
        var optionsGen = from spread in Gen.Choose(1, 40)
                         from skew in Gen.Choose(0, 10)
                         from maxPos in Gen.Choose(5, 100)
                         from qty in Gen.Choose(1, 30)
                         from levels in Gen.Choose(1, 5)
                         from postOnly in Gen.Elements(true, false)
                         select new BasicMarketMakerOptions
                         {
                             BaseSpreadBps = spread,
                             MinSpreadBps = Math.Min(spread, 2),
                             InventorySkewFactor = skew / 10.0,
                             MaxPosition = maxPos / 1_000m,
                             OrderQuantity = qty / 1_000m,
                             MaxLevels = levels,
                             PostOnly = postOnly,
                             QuoteUpdateInterval = TimeSpan.Zero,
                             MaxDrawdownPercent = 100,
                         };
        var gen = from options in optionsGen
                  from steps in Gen.ArrayOf(stepGen, 40)
                  select (options, steps);

        long fills = 0, quotesSeen = 0;
        Prop.ForAll(Arb.From(gen), c =>
        {
            var clock = new ManualMonotonicClock(1);
            var s = new BasicMarketMaker(Btc, c.options, clock);
            var maxLots = (long)(c.options.MaxPosition * 1_000);
            long mid = 1_000_000;
            foreach (var step in c.steps)
            {
                clock.Advance(50_000_000);
                mid += step.MidMove;
                var bestBid = mid - (step.Width / 2) - 1;
                var bestAsk = bestBid + step.Width;
                s.Book.ApplySnapshot([new DepthLevel(new Price(bestBid), new Quantity(step.BidLots), 0)], [new DepthLevel(new Price(bestAsk), new Quantity(step.AskLots), 0)]);
                s.OnBookUpdated();
                var q = s.Quotes;
                quotesSeen += q.BidCount + q.AskCount;
                long buys = 0, sells = 0;
                foreach (var l in q.Bids)
                {
                    Assert.IsTrue(!c.options.PostOnly || l.Price.Ticks < bestAsk);
                    Assert.IsTrue(l.Quantity.Lots >= 1 && l.Quantity.Lots <= (long)(c.options.MaxOrderQuantity * 1_000));
                    buys += l.Quantity.Lots;
                }

                foreach (var l in q.Asks)
                {
                    Assert.IsTrue(!c.options.PostOnly || l.Price.Ticks > bestBid);
                    Assert.IsTrue(l.Quantity.Lots >= 1 && l.Quantity.Lots <= (long)(c.options.MaxOrderQuantity * 1_000));
                    sells += l.Quantity.Lots;
                }

                Assert.IsTrue(q.BidCount == 0 || q.AskCount == 0 || q.Bids[0].Price < q.Asks[0].Price);
                Assert.IsTrue(s.Position.PositionLots + buys <= maxLots && s.Position.PositionLots - sells >= -maxLots);

                // Fill part of one of our own quotes.
                var levels = step.FillBid ? q.Bids : q.Asks;
                if (step.FillLevel < levels.Length && step.FillPercent > 0)
                {
                    var lots = Math.Max(1, levels[step.FillLevel].Quantity.Lots * step.FillPercent / 100);
                    s.OnOrderEvent(OrderEvent.Fill(1, step.FillBid ? Side.Buy : Side.Sell, levels[step.FillLevel].Price, new Quantity(lots), Liquidity.Maker, clock.NowNanoseconds));
                    fills++;
                }

                Assert.IsTrue(Math.Abs(s.Position.PositionLots) <= maxLots, $"position {s.Position.PositionLots} max {maxLots}");
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));
        Assert.IsTrue(fills > 2_000, $"fills {fills}");
        Assert.IsTrue(quotesSeen > 10_000, $"quotes {quotesSeen}");
    }
}
