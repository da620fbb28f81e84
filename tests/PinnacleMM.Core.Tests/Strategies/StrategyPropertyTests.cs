using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>
/// Every built-in strategy over random configs and random markets, run as the engine will run it: decide, reconcile
/// against a live-order list, risk-check each place and amend, fill random live orders. After every step: bid &lt; ask,
/// no quote at or through the opposite best (post-only), prices and sizes on the grid and within the limits, the
/// position plus every open order on a side filled within the maximum, and whenever the strategy is halted (kill switch,
/// circuit breaker or operator) no order is left open.
/// </summary>
[TestClass]
public sealed class StrategyPropertyTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 0.05m);

    private sealed record Step(int MidMove, int Width, int BidLots, int AskLots, int FillPick, int FillPercent, bool Trade, int Operator);

    private sealed class Counters
    {
        public long Steps;
        public long Halted;
        public long HaltedWithOrdersBefore;
        public long Fills;
        public long Quotes;
    }

    private static readonly Gen<Step> StepGen =
        from move in Gen.Choose(-400, 400)
        from width in Gen.Choose(1, 3_000)
        from bidLots in Gen.Choose(1, 5_000)
        from askLots in Gen.Choose(1, 5_000)
        from pick in Gen.Choose(0, 20)
        from pct in Gen.Choose(0, 100)
        from trade in Gen.Elements(true, false)
        from op in Gen.Frequency((20, Gen.Constant(0)), (1, Gen.Constant(1)), (1, Gen.Constant(2)), (2, Gen.Constant(3)))
        select new Step(move, width, bidLots, askLots, pick, pct, trade, op);

    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(120).WithQuietOnSuccess(true);

    [TestMethod]
    public void Property_basic_market_maker_obeys_every_rule_in_random_markets()
    {
        var optionsGen = from spread in Gen.Choose(1, 40)
                         from skew in Gen.Choose(0, 10)
                         from maxPos in Gen.Choose(5, 100)
                         from qty in Gen.Choose(2, 30)
                         from levels in Gen.Choose(1, 5)
                         from postOnly in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
                         from drawdownCents in Gen.Choose(1, 200)
                         select (maxPos, new BasicMarketMakerOptions
                         {
                             BaseSpreadBps = spread,
                             MinSpreadBps = Math.Min(spread, 2),
                             InventorySkewFactor = skew / 10.0,
                             MaxPosition = maxPos / 1_000m,
                             OrderQuantity = qty / 1_000m,
                             MinOrderQuantity = 0.002m,
                             MaxOrderQuantity = 0.05m,
                             MaxLevels = levels,
                             PostOnly = postOnly,
                             QuoteUpdateInterval = TimeSpan.Zero,
                             Capital = 100m,
                             MaxDrawdownPercent = drawdownCents / 100m,
                             StopLossPercent = 1,
                             TakeProfitPercent = 1,
                         });
        var counters = new Counters();
        Prop.ForAll(Arb.From(from o in optionsGen from steps in Gen.ArrayOf(StepGen, 50) select (o, steps)), c =>
        {
            var clock = new ManualMonotonicClock(1);
            var risk = new PreTradeRisk(new RiskLimits { MaxPositionLots = c.o.maxPos, PriceBandBps = 0 });
            Run(new BasicMarketMaker(Btc, c.o.Item2, clock, risk: risk), clock, c.o.maxPos, c.o.Item2.PostOnly, c.steps, counters);
        }).Check(Quick);
        AssertExercised(counters);
    }

    [TestMethod]
    public void Property_avellaneda_stoikov_market_maker_obeys_every_rule_in_random_markets()
    {
        var optionsGen = from gamma in Gen.Choose(1, 100)
                         from kappa in Gen.Choose(1, 50)
                         from sigma in Gen.Choose(0, 20)
                         from finite in Gen.Elements(true, false)
                         from eta in Gen.Choose(0, 50)
                         from maxPos in Gen.Choose(5, 100)
                         from qty in Gen.Choose(2, 30)
                         from minSpread in Gen.Choose(0, 5)
                         from postOnly in Gen.Frequency((4, Gen.Constant(true)), (1, Gen.Constant(false)))
                         from pause in Gen.Elements(true, false)
                         from drawdownCents in Gen.Choose(1, 200)
                         select (maxPos, new AvellanedaStoikovOptions
                         {
                             RiskAversion = gamma / 100.0,
                             Kappa = kappa / 10.0,
                             EstimateKappa = kappa % 2 == 0,
                             KappaMinTrades = 5,
                             Volatility = sigma / 10.0,
                             HorizonMode = finite ? HorizonMode.Finite : HorizonMode.Infinite,
                             SizeShapingFactor = eta / 100.0,
                             MaxPosition = maxPos / 1_000m,
                             OrderQuantity = qty / 1_000m,
                             MinSpreadBps = minSpread,
                             PostOnly = postOnly,
                             QuoteUpdateInterval = TimeSpan.Zero,
                             KillSwitch = new KillSwitchOptions { MaxDrawdown = drawdownCents / 100m, StopLossPercent = 1 },
                             CircuitBreaker = new CircuitBreakerOptions { SpreadThresholdBps = 25, Action = pause ? CircuitBreakerAction.Pause : CircuitBreakerAction.Widen },
                         });
        var counters = new Counters();
        Prop.ForAll(Arb.From(from o in optionsGen from steps in Gen.ArrayOf(StepGen, 50) select (o, steps)), c =>
        {
            var clock = new ManualMonotonicClock(1);
            var risk = new PreTradeRisk(new RiskLimits { MaxPositionLots = c.o.maxPos, PriceBandBps = 0 });
            Run(new AvellanedaStoikovMarketMaker(Btc, c.o.Item2, clock, risk: risk), clock, c.o.maxPos, c.o.Item2.PostOnly, c.steps, counters);
        }).Check(Quick);
        AssertExercised(counters);
    }

    private static void AssertExercised(Counters c)
    {
        Assert.IsTrue(c.Fills > 500, $"fills {c.Fills}");
        Assert.IsTrue(c.Quotes > 5_000, $"quotes {c.Quotes}");
        Assert.IsTrue(c.HaltedWithOrdersBefore > 50, $"halts with open orders {c.HaltedWithOrdersBefore} of {c.Halted} halted steps, {c.Steps} steps");
    }

    private static void Run(MarketMakerStrategy s, ManualMonotonicClock clock, long maxLots, bool postOnly, Step[] steps, Counters counters)
    {
        var reconciler = new QuoteReconciler(new QuoteReconcilerOptions());
        var live = new List<LiveOrder>();
        var actions = new QuoteAction[64];
        long mid = 1_000_000, nextId = 1;
        foreach (var step in steps)
        {
            counters.Steps++;
            clock.Advance(100_000_000);
            mid += step.MidMove;
            var bestBid = mid - (step.Width / 2) - 1;
            var bestAsk = bestBid + step.Width;
            Assert.AreEqual(DepthBookResultCode.Applied, s.Book.ApplySnapshot([new DepthLevel(new Price(bestBid), new Quantity(step.BidLots), 0)], [new DepthLevel(new Price(bestAsk), new Quantity(step.AskLots), 0)]));
            s.OnBookUpdated();
            if (step.Trade)
            {
                s.OnTrade(new MarketTrade(new Price(step.MidMove > 0 ? bestAsk + (step.FillPick % 5) : bestBid - (step.FillPick % 5)), new Quantity(1), step.MidMove > 0 ? Side.Buy : Side.Sell, clock.NowNanoseconds));
            }

            s.OnTimer();
            switch (step.Operator)
            {
                case 1: s.Pause("operator"); break;
                case 2: s.Reduce("operator"); break;
                case 3: s.Resume("operator"); break;
            }

            s.Requote();
            var q = s.Quotes;
            counters.Quotes += q.BidCount + q.AskCount;
            long bids = 0, asks = 0;
            foreach (var l in q.Bids)
            {
                Assert.IsTrue(!postOnly || l.Price.Ticks < bestAsk, $"bid {l.Price.Ticks} at or through best ask {bestAsk}");
                Assert.IsTrue(l.Price.Ticks > 0 && l.Quantity.Lots >= Btc.MinQuantity.Lots && l.Quantity.Lots <= Btc.MaxQuantity.Lots, $"bid {l}");
                bids += l.Quantity.Lots;
            }

            foreach (var l in q.Asks)
            {
                Assert.IsTrue(!postOnly || l.Price.Ticks > bestBid, $"ask {l.Price.Ticks} at or through best bid {bestBid}");
                Assert.IsTrue(l.Price.Ticks > 0 && l.Quantity.Lots >= Btc.MinQuantity.Lots && l.Quantity.Lots <= Btc.MaxQuantity.Lots, $"ask {l}");
                asks += l.Quantity.Lots;
            }

            Assert.IsTrue(q.BidCount == 0 || q.AskCount == 0 || q.Bids[0].Price < q.Asks[0].Price, "bid >= ask");
            var position = s.Position.PositionLots;
            Assert.IsTrue(position + bids <= maxLots && position - asks >= -maxLots, $"desired quotes could take position {position} past {maxLots}");

            // The engine: cancels first, then amends and places, each risk-checked against the worst case of what is open.
            var hadOrders = live.Count > 0;
            var now = clock.NowNanoseconds;
            var n = reconciler.Reconcile(q, live.ToArray(), now, actions);
            foreach (var a in actions[..n])
            {
                var index = live.FindIndex(o => o.OrderId == a.OrderId);
                var others = live.Where(o => o.OrderId != a.OrderId).ToList();
                var verdict = s.Risk.Check(a, position, others.Where(o => o.Side == Side.Buy).Sum(o => o.Quantity.Lots), others.Where(o => o.Side == Side.Sell).Sum(o => o.Quantity.Lots), others.Count, s.MidHalfTicks, now);
                if (a.Kind == QuoteActionKind.Cancel)
                {
                    Assert.AreEqual(RiskRejectReason.None, verdict, "a cancel was refused");
                    live.RemoveAt(index);
                }
                else if (verdict == RiskRejectReason.None)
                {
                    if (a.Kind == QuoteActionKind.Amend)
                    {
                        live[index] = new LiveOrder(a.OrderId, a.Side, a.Price, a.Quantity, now);
                    }
                    else
                    {
                        live.Add(new LiveOrder(nextId++, a.Side, a.Price, a.Quantity, now));
                    }
                }
            }

            if (s.State == TradingState.Halted)
            {
                counters.Halted++;
                counters.HaltedWithOrdersBefore += hadOrders ? 1 : 0;
                Assert.AreEqual(0, live.Count, "halted with orders still open");
            }

            var openBuy = live.Where(o => o.Side == Side.Buy).Sum(o => o.Quantity.Lots);
            var openSell = live.Where(o => o.Side == Side.Sell).Sum(o => o.Quantity.Lots);
            Assert.IsTrue(position + openBuy <= maxLots && position - openSell >= -maxLots, $"open orders could take position {position} past {maxLots}");

            // A fill of one live order, in part or in full.
            if (live.Count > 0 && step.FillPercent > 0)
            {
                var i = step.FillPick % live.Count;
                var o = live[i];
                var lots = Math.Max(1, o.Quantity.Lots * step.FillPercent / 100);
                var complete = lots == o.Quantity.Lots;
                s.OnOrderEvent(OrderEvent.Fill(o.OrderId, o.Side, o.Price, new Quantity(lots), Liquidity.Maker, clock.NowNanoseconds, complete));
                counters.Fills++;
                if (complete)
                {
                    live.RemoveAt(i);
                }
                else
                {
                    live[i] = o with { Quantity = new Quantity(o.Quantity.Lots - lots) };
                }

                Assert.IsTrue(Math.Abs(s.Position.PositionLots) <= maxLots, $"position {s.Position.PositionLots} past {maxLots}");
            }
        }
    }
}
