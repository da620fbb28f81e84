using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class ExchangeSimulatorOptionsTests
{
    public static IEnumerable<object[]> BrokenOptions() =>
    [
        [(Action<ExchangeSimulatorOptions>)(o => o.Instrument = null), "Instrument: is required."],
        [(Action<ExchangeSimulatorOptions>)(o => o.InstrumentId = default), "InstrumentId: 0 must be positive."],
        [(Action<ExchangeSimulatorOptions>)(o => o.InitialPrice = 100.005m), "InitialPrice: InitialPrice 100.005 is not a multiple of the tick size"],
        [(Action<ExchangeSimulatorOptions>)(o => o.InitialDepthLevels = -1), "InitialDepthLevels: -1 must be from 0 to 10000."],
        [(Action<ExchangeSimulatorOptions>)(o => o.MaxRestingOrders = 3), "MaxRestingOrders: 3 must be from 16 to 1000000."],
        [(Action<ExchangeSimulatorOptions>)(o => o.PriceProcess.StepInterval = TimeSpan.Zero), "PriceProcess.StepInterval: 00:00:00 must be positive and at most 1 hour."],
        [(Action<ExchangeSimulatorOptions>)(o => o.PriceProcess.StepInterval = TimeSpan.MaxValue), "PriceProcess.StepInterval: 10675199.02:48:05.4775807 must be positive and at most 1 hour."],
        [(Action<ExchangeSimulatorOptions>)(o => o.PriceProcess.VolatilityPerSqrtSecond = -1), "PriceProcess.VolatilityPerSqrtSecond: -1 must be zero or positive and finite."],
        [(Action<ExchangeSimulatorOptions>)(o => o.PriceProcess.DriftPerSecond = double.NaN), "PriceProcess.DriftPerSecond: NaN must be a finite number."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Takers.RatePerSecond = double.PositiveInfinity), "Takers.RatePerSecond: " + double.PositiveInfinity.ToString(System.Globalization.CultureInfo.InvariantCulture) + " must be zero or positive and finite."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Makers.Size.MinLots = 0), "Makers.Size.MinLots: 0 must be at least 1"],
        [(Action<ExchangeSimulatorOptions>)(o => o.NoiseTraders.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MaxLots = 0 }), "NoiseTraders.Size.MaxLots: 0 must be from MinLots (1)"],
        [(Action<ExchangeSimulatorOptions>)(o => o.InformedTraders.Size.MeanLots = 1_000), "InformedTraders.Size.MeanLots: 1000 must be from MinLots (1) to MaxLots (100)."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Makers.MaxDistanceTicks = 0), "Makers.MaxDistanceTicks: 0 must be from 1 to 1000000."],
        [(Action<ExchangeSimulatorOptions>)(o => o.NoiseTraders.CancelProbability = 1.5), "NoiseTraders.CancelProbability: 1.5 must be from 0 to 1."],
        [(Action<ExchangeSimulatorOptions>)(o => o.InformedTraders.ImbalanceThreshold = 0), "InformedTraders.ImbalanceThreshold: 0 must be greater than 0 and at most 1."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Latency.OrderEntry = TimeSpan.FromTicks(-1)), "Latency.OrderEntry: -00:00:00.0000001 must be from 0 to 1 hour."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Latency.MarketData = TimeSpan.MaxValue), "Latency.MarketData: 10675199.02:48:05.4775807 must be from 0 to 1 hour."],
        [(Action<ExchangeSimulatorOptions>)(o => o.MakerFeeRate = -0.001m), "MakerFeeRate: -0.001 must be from 0 to 0.1 (a fraction of notional)."],
        [(Action<ExchangeSimulatorOptions>)(o => o.TakerFeeRate = 0.5m), "TakerFeeRate: 0.5 must be from 0 to 0.1 (a fraction of notional)."],
        [(Action<ExchangeSimulatorOptions>)(o => o.QuoteCurrency = o.BaseCurrency), "QuoteCurrency: 'SIM' must differ from BaseCurrency."],
        [(Action<ExchangeSimulatorOptions>)(o => o.InitialQuoteBalance = -1), "InitialQuoteBalance: -1 must not be negative."],
        [(Action<ExchangeSimulatorOptions>)(o => o.Speed = 0), "Speed: 0 must be greater than 0 and at most 1000000."],
        [(Action<ExchangeSimulatorOptions>)(o => o.TimeMode = (SimulatorTimeMode)5), "TimeMode: 5 is not a defined value."],
    ];

    [TestMethod]
    public void The_test_defaults_are_valid() => Assert.AreEqual(0, Options().Validate().Count, string.Join("\n", Options().Validate()));

    [TestMethod]
    [DynamicData(nameof(BrokenOptions))]
    public void Each_broken_rule_is_named_and_the_simulator_refuses_to_start(Action<ExchangeSimulatorOptions> breakIt, string expected)
    {
        var options = Options();
        breakIt(options);
        var errors = options.Validate();
        Assert.AreEqual(1, errors.Count, string.Join("\n", errors));
        StringAssert.StartsWith(errors[0], expected);

        var ex = Assert.ThrowsExactly<ArgumentException>(() => new ExchangeSimulator(options));
        StringAssert.Contains(ex.Message, expected);
        Assert.AreEqual("options", ex.ParamName);
    }

    [TestMethod]
    public void Every_error_is_listed_at_once()
    {
        var options = Options();
        options.Takers.RatePerSecond = -1;
        options.Speed = -1;
        options.Latency.Jitter = TimeSpan.FromSeconds(-1);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new ExchangeSimulator(options));
        StringAssert.Contains(ex.Message, "Takers.RatePerSecond");
        StringAssert.Contains(ex.Message, "Speed");
        StringAssert.Contains(ex.Message, "Latency.Jitter");
    }

    [TestMethod]
    public async Task Options_changed_after_construction_have_no_effect()
    {
        var options = Quiet();
        await using var simulator = new ExchangeSimulator(options);
        options.Takers.RatePerSecond = 100;
        options.Makers.Size.MaxLots = 5;
        simulator.RunFor(TimeSpan.FromSeconds(10));
        Assert.AreEqual(0, simulator.GetStatistics().Takers.Arrivals);
    }
}
