using System.Text.Json;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

[TestClass]
public sealed class StrategyStateTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    private static BasicMarketMaker Create(ManualTimeProvider time)
    {
        var s = new BasicMarketMaker(Btc, new BasicMarketMakerOptions { StopLossPercent = 50 }, new ManualMonotonicClock(1), time);
        s.Book.ApplySnapshot([new DepthLevel(new Price(999_000), new Quantity(1_000), 0)], [new DepthLevel(new Price(1_001_000), new Quantity(1_000), 0)]);
        return s;
    }

    [TestMethod]
    public void A_restarted_strategy_keeps_its_position_kill_switch_halt_and_operator_state()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));
        var s = Create(time);
        s.OnOrderEvent(OrderEvent.Fill(1, Side.Buy, new Price(1_000_000), new Quantity(1_000), Liquidity.Maker, 1));
        s.Book.ApplySnapshot([new DepthLevel(new Price(938_000), new Quantity(1_000), 0)], [new DepthLevel(new Price(942_000), new Quantity(1_000), 0)]);
        s.OnTimer(); // 600 drawdown: halted
        s.Reduce("operator: wind down");
        var json = JsonSerializer.Serialize(s.CaptureState());

        var restarted = Create(time);
        restarted.RestoreState(JsonSerializer.Deserialize<StrategyState>(json)!);
        restarted.Requote();
        Assert.AreEqual((TradingState.Halted, 1_000L, 1, -600m), (restarted.State, restarted.Position.PositionLots, restarted.Position.FillCount, restarted.KillSwitch!.CaptureState().LastEquity));
        Assert.AreEqual((TradingState.Reducing, "operator: wind down"), (restarted.Risk.ManualState, restarted.Risk.ManualReason));
        Assert.AreEqual(json, JsonSerializer.Serialize(restarted.CaptureState()));

        restarted.Resume("operator");
        restarted.Requote();
        Assert.AreEqual("Active: 3 bids, 3 asks", $"{restarted.State}: {restarted.Quotes.BidCount} bids, {restarted.Quotes.AskCount} asks");
    }

    [TestMethod]
    public void A_bad_state_is_refused_naming_the_field_and_changes_nothing()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero));
        var s = Create(time);
        s.OnOrderEvent(OrderEvent.Fill(1, Side.Buy, new Price(1_000_000), new Quantity(10), Liquidity.Maker, 1));
        var good = s.CaptureState();
        var json = JsonSerializer.Serialize(good);

        var e1 = Assert.ThrowsExactly<ArgumentException>(() => s.RestoreState(good with { ManualState = (TradingState)9 }));
        Assert.AreEqual("ManualState 9 is not Active, Reducing or Halted. (Parameter 'state')", e1.Message);
        var e2 = Assert.ThrowsExactly<ArgumentException>(() => s.RestoreState(good with { KillSwitch = good.KillSwitch! with { Halt = KillSwitchReason.StopLoss } }));
        Assert.AreEqual("KillSwitch.Halt StopLoss must be None, MaxDrawdown or DailyLoss: only those latch. (Parameter 'state')", e2.Message);
        var e3 = Assert.ThrowsExactly<ArgumentException>(() => s.RestoreState(good with { ManualState = TradingState.Halted, Position = good.Position with { PositionLots = 11 } }));
        Assert.AreEqual("FifoLots add up to 10 lots, not PositionLots 11. (Parameter 'state')", e3.Message);
        Assert.AreEqual(json, JsonSerializer.Serialize(s.CaptureState()));
        Assert.AreEqual(TradingState.Active, s.Risk.ManualState);
    }
}
