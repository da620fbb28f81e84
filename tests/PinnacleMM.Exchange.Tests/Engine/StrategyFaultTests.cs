using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// A strategy subclass that throws (a bug in user code): the engine fails, says so, cancels what it has at the venue
/// without asking the strategy again, reports what it left, and StopAsync ends with the failure instead of hanging.
/// </summary>
[TestClass]
public sealed class StrategyFaultTests
{
    /// <summary>One bid and one ask a tick or two around the mid; its <see cref="ComputeQuotes"/> throws from the given decision on.</summary>
    private sealed class BuggyStrategy(MonotonicClock clock, int throwFromDecision)
        : MarketMakerStrategy(SimulatorTestKit.Instrument, maxLevelsPerSide: 1, clock, position: new PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m))
    {
        public int Decisions { get; private set; }

        protected override void ComputeQuotes(DesiredQuotes quotes)
        {
            if (++Decisions >= throwFromDecision)
            {
                throw new InvalidOperationException($"strategy bug at decision {Decisions}");
            }

            if (TryGetTopOfBook(out var bid, out _, out var ask, out _))
            {
                quotes.TryAdd(Side.Buy, Price.FromTicks(bid.Ticks - 1), new Quantity(50));
                quotes.TryAdd(Side.Sell, Price.FromTicks(ask.Ticks + 1), new Quantity(50));
            }
        }
    }

    [TestMethod]
    [DataRow(EngineThreading.Threaded)]
    [DataRow(EngineThreading.ThreadedDirectSend)]
    public async Task A_strategy_that_throws_on_its_thread_fails_the_engine_which_cancels_its_orders_and_stops(EngineThreading threading)
    {
        await using var simulator = DirectSendTests.RealTimeSimulator(31);
        var strategy = new BuggyStrategy(MonotonicClock.System, throwFromDecision: 40);
        var log = new RecordingLogger();
        var options = new TradingEngineOptions { Threading = threading, WaitStrategy = Core.Concurrency.WaitStrategy.Yielding, StopTimeout = TimeSpan.FromSeconds(10) };
        await using var engine = new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, simulator, loggerFactory: log);
        await engine.StartAsync();

        await EngineWait.WaitUntilAsync(() => engine.Fault is not null, "the strategy's exception failed the engine");
        await EngineWait.WaitUntilAsync(() => engine.Status.Stop is not null, "the engine finished: it reported what it left");

        Assert.AreEqual("strategy bug at decision 40", engine.Fault!.Message);
        var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => engine.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.AreSame(engine.Fault, error.InnerException);
        Assert.IsFalse(engine.IsRunning);
        Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "no order of ours left at the venue");
        Assert.IsTrue(engine.Status.Stop!.IsClean, engine.Status.Stop.ToString());
        Assert.IsTrue(engine.Orders.CancelsSent >= 1, "orders rested when the strategy failed, and the engine cancelled them");
        Assert.AreEqual(1, log.WithId(2004).Count);
        var stopped = log.WithId(2003).Single();
        Assert.AreEqual(Microsoft.Extensions.Logging.LogLevel.Warning, stopped.Level);
        StringAssert.Contains(stopped.Message, "SIM-USD engine stopped on simulator (after a failure: InvalidOperationException: strategy bug at decision 40): every order closed;");
    }

    [TestMethod]
    public async Task Inline_a_strategy_that_throws_fails_the_engine_which_cancels_its_orders_and_stops()
    {
        var simulator = EngineRun.CreateSimulator(32);
        await using (simulator)
        {
            var clock = new ManualMonotonicClock();
            var strategy = new BuggyStrategy(clock, throwFromDecision: 40);
            var log = new RecordingLogger();
            var options = new TradingEngineOptions { Threading = EngineThreading.Inline, ClockFollowsEvents = true, StopTimeout = TimeSpan.FromSeconds(10) };
            await using var engine = new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, simulator, clock: clock, loggerFactory: log);
            await engine.StartAsync();
            for (var i = 0; i < 100 && engine.Status.Stop is null; i++)
            {
                simulator.RunFor(TimeSpan.FromMilliseconds(100));
            }

            Assert.AreEqual("strategy bug at decision 40", engine.Fault?.Message);
            Assert.IsNotNull(engine.Status.Stop, "the engine finished");
            var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => engine.StopAsync().WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.AreSame(engine.Fault, error.InnerException);
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "no order of ours left at the venue");
            Assert.IsTrue(engine.Orders.CancelsSent >= 1, "orders rested when the strategy failed, and the engine cancelled them");
            Assert.IsTrue(engine.Status.Stop!.IsClean, engine.Status.Stop.ToString());
            Assert.AreEqual(1, log.WithId(2004).Count);
            Assert.AreEqual(1, log.WithId(2003).Count);
        }
    }
}
