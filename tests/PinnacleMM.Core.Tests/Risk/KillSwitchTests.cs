using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;

namespace PinnacleMM.Core.Tests.Risk;

[TestClass]
public sealed class KillSwitchTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);
    private static readonly DateTimeOffset Day1 = new(2025, 3, 4, 23, 0, 0, TimeSpan.Zero);

    // Long 1.0 BTC bought at 10000.00: equity at a mark of m USD is (m − 10000) × 1.
    private static PositionTracker LongOne()
    {
        var p = new PositionTracker(Btc);
        p.ApplyFill(Side.Buy, new Price(1_000_000), new Quantity(1_000), Liquidity.Maker);
        return p;
    }

    private static Price Usd(decimal usd) => Btc.GetPrice(usd);

    [TestMethod]
    public void Drawdown_from_the_peak_latches_a_halt_until_rebased_from_the_equity_then()
    {
        var p = LongOne();
        var k = new KillSwitch(new KillSwitchOptions { MaxDrawdown = 500 });
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(10_300), Day1));   // peak 300
        Assert.AreEqual(300m, k.EquityPeak);
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(9_800.01m), Day1)); // 499.99 below
        Assert.AreEqual(KillSwitchReason.MaxDrawdown, k.CheckEquity(p, Usd(9_800), Day1)); // exactly 500 below
        Assert.AreEqual(KillSwitchReason.MaxDrawdown, k.CheckEquity(p, Usd(10_400), Day1)); // latched even on recovery
        Assert.AreEqual(1L, k.TripCount(KillSwitchReason.MaxDrawdown));

        k.Rebase(); // from the last equity, 400
        Assert.AreEqual((KillSwitchReason.None, 400m), (k.Halt, k.EquityPeak));
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(9_900.01m), Day1));
        Assert.AreEqual(KillSwitchReason.MaxDrawdown, k.CheckEquity(p, Usd(9_900), Day1));
        Assert.AreEqual(2L, k.TripCount(KillSwitchReason.MaxDrawdown));
    }

    [TestMethod]
    public void Daily_loss_halts_until_the_next_UTC_day_measured_from_the_last_equity_before_midnight()
    {
        var p = LongOne();
        var k = new KillSwitch(new KillSwitchOptions { DailyLossLimit = 200 });
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(10_100), Day1)); // day reference 0 (start)
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(9_800.01m), Day1.AddMinutes(30)));
        Assert.AreEqual(KillSwitchReason.DailyLoss, k.CheckEquity(p, Usd(9_800), Day1.AddMinutes(59)));
        Assert.AreEqual(KillSwitchReason.DailyLoss, k.CheckEquity(p, Usd(9_850), Day1.AddMinutes(59.9)));

        // 00:00:01 UTC next day: lifted; the reference is the last equity of the day before (-150).
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(9_800), Day1.AddMinutes(60).AddSeconds(1)));
        Assert.AreEqual(-150m, k.DayStartEquity);
        Assert.AreEqual(KillSwitchReason.None, k.CheckEquity(p, Usd(9_650.01m), Day1.AddHours(2)));
        Assert.AreEqual(KillSwitchReason.DailyLoss, k.CheckEquity(p, Usd(9_650), Day1.AddHours(3)));
        Assert.AreEqual(2L, k.TripCount(KillSwitchReason.DailyLoss));
    }

    [TestMethod]
    public void Stop_loss_and_take_profit_hold_while_the_condition_does_and_count_each_start()
    {
        var k = new KillSwitch(new KillSwitchOptions { StopLossPercent = 3, TakeProfitPercent = 5 });
        const double Entry = 1_000_000;
        var r = k.CheckPosition(1_000, Entry, 2 * 970_000, KillSwitchReason.None);                 // long, -3 %
        Assert.AreEqual(KillSwitchReason.StopLoss, r);
        Assert.AreEqual(KillSwitchReason.StopLoss, r = k.CheckPosition(1_000, Entry, 2 * 960_000, r));
        Assert.AreEqual(KillSwitchReason.None, r = k.CheckPosition(1_000, Entry, 2 * 970_001, r));   // -2.9999 %
        Assert.AreEqual(KillSwitchReason.TakeProfit, r = k.CheckPosition(-1_000, Entry, 2 * 950_000, r)); // short, +5 %
        Assert.AreEqual(KillSwitchReason.None, k.CheckPosition(0, Entry, 2 * 500_000, r));            // flat never trips
        Assert.AreEqual((1L, 1L), (k.TripCount(KillSwitchReason.StopLoss), k.TripCount(KillSwitchReason.TakeProfit)));

        var off = new KillSwitch(new KillSwitchOptions());
        Assert.AreEqual(KillSwitchReason.None, off.CheckPosition(1_000, Entry, 2, KillSwitchReason.None));
        Assert.AreEqual(KillSwitchReason.None, off.CheckEquity(LongOne(), new Price(1), Day1));
    }

    [TestMethod]
    public void Bad_options_are_refused_naming_every_field()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new KillSwitch(new KillSwitchOptions { MaxDrawdown = -1, StopLossPercent = 101, TakeProfitPercent = double.NaN }));
        Assert.AreEqual(
            "MaxDrawdown: -1 must not be negative." + Environment.NewLine + "StopLossPercent: 101 must be between 0 and 100." + Environment.NewLine
            + "TakeProfitPercent: NaN must be between 0 and 1000. (Parameter 'options')",
            e.Message);
        Assert.AreEqual("DailyLossLimit: -0.01 must not be negative.", new KillSwitchOptions { DailyLossLimit = -0.01m }.Validate().Single());
    }
}
