using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class ThreadedEngineTests
{
    [TestMethod]
    [DataRow(WaitStrategy.Blocking, null, EngineThreading.Threaded)]
    [DataRow(WaitStrategy.Yielding, null, EngineThreading.Threaded)]
    [DataRow(WaitStrategy.Yielding, WaitStrategy.Blocking, EngineThreading.Threaded)]
    [DataRow(WaitStrategy.BusySpin, WaitStrategy.Yielding, EngineThreading.Threaded)]
    [DataRow(WaitStrategy.BusySpin, null, EngineThreading.ThreadedDirectSend)]
    [DataRow(WaitStrategy.Blocking, null, EngineThreading.ThreadedDirectSend)]
    public async Task Threads_quote_fill_and_stop_with_no_order_left_and_the_position_the_venue_reports(WaitStrategy wait, WaitStrategy? executionWait, EngineThreading threading)
    {
        var options = SimulatorTestKit.Options(21);
        options.TimeMode = SimulatorTimeMode.RealTime;
        options.Speed = 20;
        options.ReceiveClock = MonotonicClock.System;
        options.Takers.RatePerSecond = 10;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 };
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 };
        await using var simulator = new ExchangeSimulator(options);
        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, EngineRun.StrategyOptions(), MonotonicClock.System, position: new PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m));
        await using var engine = new TradingEngine(new TradingEngineOptions { Threading = threading, WaitStrategy = wait, ExecutionWaitStrategy = executionWait, TimerInterval = TimeSpan.FromMilliseconds(100) }, strategy, SimulatorTestKit.Id, simulator, simulator);
        var report = await engine.StartAsync();
        Assert.IsFalse(report.RecoveredAnything);
        Assert.IsTrue(report.Venue!.WasInSync);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (engine.Status.FillCount < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.IsTrue(engine.Status.FillCount >= 3, $"fills within 20 s of real time: {engine.Status.FillCount}");
        Assert.IsTrue(engine.MarketEventsProcessed > 0);
        await engine.StopAsync();

        Assert.IsNull(engine.Fault);
        Assert.AreEqual(0, engine.Orders.Tracker.OpenCount);
        Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "no order left at the venue");
        var balances = await simulator.GetBalancesAsync();
        var venueLots = (long)((balances.Single(b => b.Currency == "SIM").Total - EngineRun.InitialBase) / SimulatorTestKit.Instrument.LotSize);
        Assert.AreEqual(venueLots, strategy.Position.PositionLots);
        Assert.IsTrue(engine.TickToQuote.Count > 0);
    }

    [TestMethod]
    public async Task An_undefined_execution_wait_strategy_is_refused_naming_the_field()
    {
        var options = new TradingEngineOptions { ExecutionWaitStrategy = (WaitStrategy)7 };
        CollectionAssert.AreEqual(
            new[] { "ExecutionWaitStrategy: 7 is not a defined value (BusySpin, Yielding, Blocking, or null for the WaitStrategy's)." },
            options.Validate().ToArray());

        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, EngineRun.StrategyOptions(), MonotonicClock.System);
        await using var simulator = new ExchangeSimulator(SimulatorTestKit.Options(1));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, simulator));
        StringAssert.Contains(error.Message, "ExecutionWaitStrategy: 7 is not a defined value");
        Assert.AreEqual(0, strategy.Position.FillCount, "nothing ran");
        Assert.AreEqual(0, simulator.GetStatistics().ProcessedEvents, "the venue was not touched");
    }

    [TestMethod]
    public void Without_an_execution_wait_strategy_the_options_are_valid()
    {
        Assert.AreEqual(0, new TradingEngineOptions { WaitStrategy = WaitStrategy.BusySpin }.Validate().Count);
        Assert.AreEqual(0, new TradingEngineOptions { WaitStrategy = WaitStrategy.BusySpin, ExecutionWaitStrategy = WaitStrategy.Yielding }.Validate().Count);
    }
}
