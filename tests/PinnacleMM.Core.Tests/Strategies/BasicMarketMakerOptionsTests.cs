using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Core.Tests.Strategies;

[TestClass]
public sealed class BasicMarketMakerOptionsTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    [TestMethod]
    public void Defaults_are_valid_and_those_of_the_original_design()
    {
        var o = new BasicMarketMakerOptions();
        Assert.AreEqual(0, o.Validate().Count);
        Assert.AreEqual((10.0, 5.0, 50.0), (o.BaseSpreadBps, o.MinSpreadBps, o.MaxSpreadBps));
        Assert.AreEqual((0.01m, 0.001m, 1.0m, 0m, 10m), (o.OrderQuantity, o.MinOrderQuantity, o.MaxOrderQuantity, o.TargetPosition, o.MaxPosition));
        Assert.AreEqual((0.5, 0.1, 3, 0.5, 0.3, 0.5), (o.InventorySkewFactor, o.PriceLevelSpacingBps, o.MaxLevels, o.VolumeDepthFactor, o.ImbalanceThreshold, o.VolumeWeightFactor));
        Assert.AreEqual((5m, 3.0, 5.0), (o.MaxDrawdownPercent, o.StopLossPercent, o.TakeProfitPercent));
        Assert.AreEqual((100.0, 5000.0, 100.0), (o.QuoteUpdateInterval.TotalMilliseconds, o.OrderTimeout.TotalMilliseconds, o.CancelRetryInterval.TotalMilliseconds));
        Assert.AreEqual((0.5, 2.0, true), (o.VolatilityThreshold, o.SpreadWidenFactor, o.PostOnly));
    }

    [TestMethod]
    [DataRow("MinSpreadBps", "12", "MinSpreadBps: 12 must not be above BaseSpreadBps 10.")]
    [DataRow("MaxSpreadBps", "8", "BaseSpreadBps: 10 must not be above MaxSpreadBps 8.")]
    [DataRow("BaseSpreadBps", "0", "BaseSpreadBps: 0 must be a positive number.|MinSpreadBps: 5 must not be above BaseSpreadBps 0.")]
    [DataRow("OrderQuantity", "2", "OrderQuantity: 2 must not be above MaxOrderQuantity 1.0.")]
    [DataRow("MinOrderQuantity", "0.02", "MinOrderQuantity: 0.02 must not be above OrderQuantity 0.01.")]
    [DataRow("OrderQuantity", "-1", "OrderQuantity: -1 must be positive.|MinOrderQuantity: 0.001 must not be above OrderQuantity -1.")]
    [DataRow("MaxPosition", "0", "MaxPosition: 0 must be positive.")]
    [DataRow("TargetPosition", "-11", "TargetPosition: -11 must be within ±MaxPosition 10.")]
    [DataRow("InventorySkewFactor", "1.5", "InventorySkewFactor: 1.5 must be between 0 and 1.")]
    [DataRow("PriceLevelSpacingBps", "0", "PriceLevelSpacingBps: 0 must be a positive number.")]
    [DataRow("MaxLevels", "0", "MaxLevels: 0 must be between 1 and 64.")]
    [DataRow("VolumeDepthFactor", "-0.1", "VolumeDepthFactor: -0.1 must be between 0 and 10.")]
    [DataRow("ImbalanceThreshold", "1.2", "ImbalanceThreshold: 1.2 must be between 0 and 1.")]
    [DataRow("VolumeWeightFactor", "-1", "VolumeWeightFactor: -1 must be between 0 and 1.")]
    [DataRow("Capital", "0", "Capital: 0 must be positive and at most 1000000000000000000.")]
    [DataRow("Capital", "1000000000000000000.01", "Capital: 1000000000000000000.01 must be positive and at most 1000000000000000000.")]
    [DataRow("Capital", "79228162514264337593543950335", "Capital: 79228162514264337593543950335 must be positive and at most 1000000000000000000.")]
    [DataRow("MaxDrawdownPercent", "0", "MaxDrawdownPercent: 0 must be above 0 and at most 100.")]
    [DataRow("DailyLossLimitPercent", "101", "DailyLossLimitPercent: 101 must be between 0 and 100.")]
    [DataRow("StopLossPercent", "0", "StopLossPercent: 0 must be above 0 and at most 100.")]
    [DataRow("TakeProfitPercent", "NaN", "TakeProfitPercent: NaN must be above 0 and at most 1000.")]
    [DataRow("QuoteUpdateInterval", "-00:00:01", "QuoteUpdateInterval: -00:00:01 must be between 0 and 365 days.")]
    [DataRow("QuoteUpdateInterval", "10675199.02:48:05.4775807", "QuoteUpdateInterval: 10675199.02:48:05.4775807 must be between 0 and 365 days.")]
    [DataRow("OrderTimeout", "00:00:00", "OrderTimeout: 00:00:00 must be positive and at most 365 days.")]
    [DataRow("OrderTimeout", "10675199.02:48:05.4775807", "OrderTimeout: 10675199.02:48:05.4775807 must be positive and at most 365 days.")]
    [DataRow("OrderTimeout", "365.00:00:00.0000001", "OrderTimeout: 365.00:00:00.0000001 must be positive and at most 365 days.")]
    [DataRow("CancelRetryInterval", "00:00:00", "CancelRetryInterval: 00:00:00 must be positive and at most 365 days.")]
    [DataRow("CancelRetryInterval", "10675199.02:48:05.4775807", "CancelRetryInterval: 10675199.02:48:05.4775807 must be positive and at most 365 days.")]
    [DataRow("RefreshToleranceTicks", "-1", "RefreshToleranceTicks: -1 must not be negative.")]
    [DataRow("VolatilityThreshold", "-0.5", "VolatilityThreshold: -0.5 must be between 0 and 1.7976931348623157E+308.")]
    [DataRow("SpreadWidenFactor", "0.5", "SpreadWidenFactor: 0.5 must be between 1 and 100.")]
    public void A_broken_rule_is_reported_naming_the_field(string field, string value, string expected)
    {
        var o = new BasicMarketMakerOptions();
        var property = typeof(BasicMarketMakerOptions).GetProperty(field)!;
        object parsed = property.PropertyType == typeof(TimeSpan)
            ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
        property.SetValue(o, parsed);
        Assert.AreEqual(expected, string.Join("|", o.Validate()));

        // The strategy refuses it with the same message.
        var e = Assert.ThrowsExactly<ArgumentException>(() => new BasicMarketMaker(Btc, o));
        Assert.AreEqual(expected.Replace("|", Environment.NewLine, StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    public void Time_spans_up_to_365_days_reach_the_reconciler_in_exact_nanoseconds()
    {
        var o = new BasicMarketMakerOptions { QuoteUpdateInterval = TimeSpan.FromDays(365), OrderTimeout = TimeSpan.FromDays(365), CancelRetryInterval = TimeSpan.FromTicks(1) };
        Assert.AreEqual(0, o.Validate().Count);
        var reconciler = o.ToReconcilerOptions();
        Assert.AreEqual((365L * 86_400 * 1_000_000_000, 100L), (reconciler.MaxOrderAgeNanoseconds, reconciler.CancelRetryNanoseconds));
        Assert.IsNull(reconciler.Validate());
        _ = new BasicMarketMaker(Btc, o);
    }

    [TestMethod]
    public void The_largest_capital_sets_the_kill_switch_limits_to_its_percentages()
    {
        var s = new BasicMarketMaker(Btc, new BasicMarketMakerOptions { Capital = 1_000_000_000_000_000_000m, MaxDrawdownPercent = 100, DailyLossLimitPercent = 100 });
        Assert.AreEqual((1_000_000_000_000_000_000m, 1_000_000_000_000_000_000m), (s.KillSwitch!.Options.MaxDrawdown, s.KillSwitch.Options.DailyLossLimit));
    }

    [TestMethod]
    public void ToReconcilerOptions_refuses_a_time_span_beyond_its_rule_naming_the_option()
    {
        // Without Validate first: the conversion applies the same rule instead of wrapping to a negative age.
        var e = Assert.ThrowsExactly<ArgumentException>(() => new BasicMarketMakerOptions { OrderTimeout = TimeSpan.MaxValue }.ToReconcilerOptions());
        Assert.AreEqual("OrderTimeout: 10675199.02:48:05.4775807 must be positive and at most 365 days. (Parameter 'OrderTimeout')", e.Message);
        e = Assert.ThrowsExactly<ArgumentException>(() => new BasicMarketMakerOptions { CancelRetryInterval = TimeSpan.MaxValue }.ToReconcilerOptions());
        Assert.AreEqual("CancelRetryInterval: 10675199.02:48:05.4775807 must be positive and at most 365 days. (Parameter 'CancelRetryInterval')", e.Message);
    }

    [TestMethod]
    public void A_quantity_off_the_instruments_lot_grid_is_refused_naming_the_field()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new BasicMarketMaker(Btc, new BasicMarketMakerOptions { OrderQuantity = 0.0105m }));
        Assert.AreEqual("OrderQuantity 0.0105 is not a multiple of the lot size 0.001 of BTC-USD. (Parameter 'OrderQuantity')", e.Message);
    }
}
