using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>The Options pattern and DI: JSON binds every kind of field, bad config fails at start naming the field.</summary>
[TestClass]
public sealed class StrategyRegistrationTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    [TestMethod]
    public void Json_binds_the_basic_market_maker_and_the_factory_creates_it_with_the_containers_clocks()
    {
        var config = Json("""
            { "Strategies": { "BasicMarketMaker": {
                "BaseSpreadBps": 20, "MinSpreadBps": 4, "MaxSpreadBps": 80, "OrderQuantity": 0.02, "MaxPosition": 5,
                "TargetPosition": -1.5, "MaxLevels": 2, "QuoteUpdateInterval": "00:00:00.250", "OrderTimeout": "00:00:02",
                "PostOnly": false, "SpreadWidenFactor": 3 } } }
            """);
        var clock = new ManualMonotonicClock(7);
        using var provider = new ServiceCollection()
            .AddSingleton<MonotonicClock>(clock)
            .AddPinnacleMMStrategies(config.GetSection("Strategies"))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        provider.GetRequiredService<IStartupValidator>().Validate();

        var o = provider.GetRequiredService<IOptionsMonitor<BasicMarketMakerOptions>>().CurrentValue;
        Assert.AreEqual((20.0, 4.0, 80.0, 0.02m, 5m, -1.5m, 2), (o.BaseSpreadBps, o.MinSpreadBps, o.MaxSpreadBps, o.OrderQuantity, o.MaxPosition, o.TargetPosition, o.MaxLevels));
        Assert.AreEqual((TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2), false, 3.0), (o.QuoteUpdateInterval, o.OrderTimeout, o.PostOnly, o.SpreadWidenFactor));
        Assert.AreEqual(0.5, o.InventorySkewFactor); // unset keys keep their defaults

        var s = provider.GetRequiredService<MarketMakerStrategyFactory>().CreateBasicMarketMaker(Btc);
        Assert.AreSame(o, s.Options);
        Assert.AreSame(clock, s.Clock);
        Assert.AreSame(TimeProvider.System, s.TimeProvider);
        Assert.AreEqual(5_000L, s.PositionLimitLots);
        Assert.IsFalse(s.PostOnly);
    }

    [TestMethod]
    public void A_broken_rule_in_configuration_fails_at_start_naming_every_broken_field()
    {
        var config = Json("""{ "BaseSpreadBps": 10, "MinSpreadBps": 12, "MaxLevels": 0 }""");
        using var provider = new ServiceCollection().AddBasicMarketMaker(config).BuildServiceProvider();
        var e = Assert.ThrowsExactly<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        CollectionAssert.AreEqual(
            new[] { "MinSpreadBps: 12 must not be above BaseSpreadBps 10.", "MaxLevels: 0 must be between 1 and 64." },
            e.Failures.ToArray());
        StringAssert.Contains(e.Message, "MinSpreadBps: 12 must not be above BaseSpreadBps 10.", StringComparison.Ordinal);
    }

    [TestMethod]
    public void The_delegate_overload_configures_and_registrations_are_not_duplicated()
    {
        var services = new ServiceCollection()
            .AddBasicMarketMaker(o => o.MaxLevels = 4)
            .AddBasicMarketMaker(o => o.OrderQuantity = 0.05m);
        Assert.AreEqual(1, services.Count(d => d.ServiceType == typeof(MarketMakerStrategyFactory)));
        Assert.AreEqual(1, services.Count(d => d.ServiceType == typeof(IValidateOptions<BasicMarketMakerOptions>)));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var o = provider.GetRequiredService<IOptions<BasicMarketMakerOptions>>().Value;
        Assert.AreEqual((4, 0.05m), (o.MaxLevels, o.OrderQuantity));
    }

    [TestMethod]
    public void A_quantity_off_the_lot_grid_is_refused_by_the_factory_naming_the_field()
    {
        using var provider = new ServiceCollection().AddBasicMarketMaker(o => o.OrderQuantity = 0.0105m).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var e = Assert.ThrowsExactly<ArgumentException>(() => provider.GetRequiredService<MarketMakerStrategyFactory>().CreateBasicMarketMaker(Btc));
        Assert.AreEqual("OrderQuantity 0.0105 is not a multiple of the lot size 0.001 of BTC-USD. (Parameter 'OrderQuantity')", e.Message);
    }

    [TestMethod]
    public void Json_binds_the_avellaneda_stoikov_options_and_bad_ones_fail_at_start()
    {
        var config = Json("""
            { "Strategies": { "AvellanedaStoikov": {
                "RiskAversion": 0.25, "Kappa": 2, "EstimateKappa": true, "HorizonMode": "Finite", "Horizon": "01:00:00",
                "Volatility": 0.4, "SizeShapingFactor": 0.1, "MinSpreadBps": 2.5 } } }
            """);
        using var provider = new ServiceCollection().AddPinnacleMMStrategies(config.GetSection("Strategies")).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var s = provider.GetRequiredService<MarketMakerStrategyFactory>().CreateAvellanedaStoikovMarketMaker(Btc);
        var o = s.Options;
        Assert.AreEqual((0.25, 2.0, true, HorizonMode.Finite, TimeSpan.FromHours(1)), (o.RiskAversion, o.Kappa, o.EstimateKappa, o.HorizonMode, o.Horizon));
        Assert.AreEqual((0.4, 0.1, 2.5), (o.Volatility, o.SizeShapingFactor, o.MinSpreadBps));

        var bad = Json("""{ "RiskAversion": 0, "Horizon": "2.00:00:00" }""");
        using var badProvider = new ServiceCollection().AddAvellanedaStoikovMarketMaker(bad).BuildServiceProvider();
        var e = Assert.ThrowsExactly<OptionsValidationException>(() => badProvider.GetRequiredService<IStartupValidator>().Validate());
        CollectionAssert.AreEqual(new[] { "RiskAversion: 0 must be a positive number.", "Horizon: 2.00:00:00 must be positive and at most one day." }, e.Failures.ToArray());
    }
}
