using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.DependencyInjection;

[TestClass]
public sealed class ExchangeServiceCollectionTests
{
    private static IConfiguration Json(string json) =>
        new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build();

    [TestMethod]
    public async Task Options_bind_from_configuration_and_the_factory_builds_a_working_engine()
    {
        var configuration = Json("""
        {
          "PinnacleMM": {
            "Exchange": {
              "Instrument": { "Symbol": "ETH-USD", "TickSize": 0.05, "LotSize": 0.01 },
              "Simulator": { "Seed": 99, "InitialPrice": 2000, "Latency": { "OrderEntry": "00:00:00.002" } },
              "Engine": { "WaitStrategy": "Blocking", "TimerInterval": "00:00:00.050", "Orders": { "AcknowledgementTimeout": "00:00:03" } }
            },
            "Strategies": { "BasicMarketMaker": { "OrderQuantity": 0.05, "MinOrderQuantity": 0.01 } }
          }
        }
        """);
        var services = new ServiceCollection()
            .AddPinnacleMMExchange(configuration.GetSection(PinnacleMMExchangeServiceCollectionExtensions.SectionName))
            .AddPinnacleMMStrategies(configuration.GetSection("PinnacleMM:Strategies"));
        var log = new RecordingLogger();
        services.AddSingleton<ILoggerFactory>(log);
        await using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();

        var factory = provider.GetRequiredService<TradingEngineFactory>();
        Assert.AreEqual("ETH-USD", factory.Instrument.Symbol);
        Assert.AreEqual(0.05m, factory.Instrument.TickSize);
        Assert.AreEqual(new InstrumentId(1), factory.InstrumentId);
        var simulator = provider.GetRequiredService<ExchangeSimulator>();
        Assert.AreSame(simulator, provider.GetRequiredService<IMarketDataConnector>());
        Assert.AreSame(simulator, provider.GetRequiredService<IOrderEntryConnector>());
        Assert.AreEqual(factory.InstrumentId, simulator.InstrumentId);
        Assert.AreEqual(99, provider.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value.Seed);
        var engineOptions = provider.GetRequiredService<IOptions<TradingEngineOptions>>().Value;
        Assert.AreEqual(WaitStrategy.Blocking, engineOptions.WaitStrategy);
        Assert.AreEqual(TimeSpan.FromSeconds(3), engineOptions.Orders.AcknowledgementTimeout);

        var strategy = provider.GetRequiredService<MarketMakerStrategyFactory>().CreateBasicMarketMaker(factory.Instrument);
        await using var engine = factory.Create(strategy);
        var report = await engine.StartAsync();
        Assert.IsFalse(report.RecoveredAnything);
        simulator.RunFor(TimeSpan.FromSeconds(1));
        await engine.StopAsync();
        Assert.IsTrue(engine.MarketEventsProcessed > 0, "the engine received the simulator's market data");
        Assert.IsNull(engine.Fault);

        // The factory hands the container's logger factory to the engine.
        CollectionAssert.AreEqual(new[] { 2001, 2003 }, log.Records.Where(r => r.Category == typeof(TradingEngine).FullName).Select(r => r.EventId.Id).ToArray());
    }

    [TestMethod]
    public async Task Invalid_configuration_fails_at_start_naming_every_broken_field()
    {
        var configuration = Json("""
        {
          "Instrument": { "Symbol": "BTC-USD", "TickSize": 0 },
          "Simulator": { "Speed": 0 },
          "Engine": { "TimerInterval": "00:10:00", "OrderRingCapacity": 1000 }
        }
        """);
        await using var provider = new ServiceCollection().AddPinnacleMMExchange(configuration).BuildServiceProvider();
        var e = Assert.ThrowsExactly<AggregateException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        var message = string.Join(" | ", e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(v => v.Failures));
        StringAssert.Contains(message, "Engine.TimerInterval: 00:10:00 must be from 1 ms to 1 min.");
        StringAssert.Contains(message, "Engine.OrderRingCapacity: 1000 must be a power of two from 16 to 1048576.");
        StringAssert.Contains(message, "Instrument.TickSize: 0 must be positive.");

        // The simulator trades the instrument, but a broken instrument hides neither the simulator's own problems
        // nor adds one of its own ("Simulator.Instrument: is required.").
        CollectionAssert.AreEquivalent(
            new[]
            {
                "Instrument.TickSize: 0 must be positive.",
                "Simulator.Speed: 0 must be greater than 0 and at most 1000000.",
                "Engine.TimerInterval: 00:10:00 must be from 1 ms to 1 min.",
                "Engine.OrderRingCapacity: 1000 must be a power of two from 16 to 1048576.",
            },
            e.InnerExceptions.OfType<OptionsValidationException>().SelectMany(v => v.Failures).ToArray());

        await using var simulatorProvider = new ServiceCollection().AddPinnacleMMExchange(Json("""{ "Simulator": { "Speed": 0, "MakerFeeRate": 0.5 } }""")).BuildServiceProvider();
        var s = Assert.ThrowsExactly<OptionsValidationException>(() => simulatorProvider.GetRequiredService<IStartupValidator>().Validate());
        CollectionAssert.AreEquivalent(
            new[] { "Simulator.MakerFeeRate: 0.5 must be from 0 to 0.1 (a fraction of notional).", "Simulator.Speed: 0 must be greater than 0 and at most 1000000." },
            s.Failures.ToArray());
    }

    [TestMethod]
    public async Task A_connector_registered_first_is_kept()
    {
        var services = new ServiceCollection();
        var custom = new ExchangeSimulator(new ExchangeSimulatorOptions { Instrument = new Core.Primitives.InstrumentSpec("SIM-USD", 0.01m, 0.001m) });
        services.AddSingleton<IOrderEntryConnector>(custom);
        services.AddPinnacleMMExchange();
        await using var provider = services.BuildServiceProvider();
        Assert.AreSame(custom, provider.GetRequiredService<IOrderEntryConnector>());
        Assert.AreNotSame(custom, provider.GetRequiredService<IMarketDataConnector>());
    }
}
