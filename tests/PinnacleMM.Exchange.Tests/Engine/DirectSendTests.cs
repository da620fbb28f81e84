using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Testing;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>The threading layouts: an execution thread, the strategy thread sending itself, inline.</summary>
[TestClass]
public sealed class DirectSendTests
{
    private static async Task<string> RunSteppedAsync(long seed, EngineThreading threading)
    {
        // The timer is kept out (1 min > the run): a threaded timer fires whenever its thread looks at the clock.
        await using var run = await EngineRun.StartAsync(seed, threading, timerInterval: TimeSpan.FromMinutes(1));
        run.Simulator.RunFor(TimeSpan.FromSeconds(10));
        Assert.IsNull(run.Engine.Fault);
        var p = run.Strategy.Position;
        var orders = run.Engine.Orders;
        var open = string.Join(";", orders.Tracker.GetOpenOrders().Select(o => $"{o.ClientOrderId}:{o.Side}:{o.Price.Ticks}:{o.LeavesQuantity.Lots}"));
        return $"fills {p.FillCount} traded {p.TradedQuantity.Lots} notional {p.TradedNotional} realized {p.RealizedPnlAverageCost} fees {p.Fees} position {p.PositionLots} " +
               $"places {orders.PlacesSent} cancels {orders.CancelsSent} amends {orders.AmendsSent} open {open}";
    }

    [TestMethod]
    public async Task The_same_seed_gives_the_same_fills_and_pnl_inline_with_an_execution_thread_and_with_direct_sending()
    {
        // The simulator stamps a command sent during a delivery with that event's time whichever thread sends it,
        // so a threaded engine stepped event by event makes exactly the inline engine's run.
        var inline = await RunSteppedAsync(11, EngineThreading.Inline);
        var threaded = await RunSteppedAsync(11, EngineThreading.Threaded);
        var direct = await RunSteppedAsync(11, EngineThreading.ThreadedDirectSend);
        var other = await RunSteppedAsync(12, EngineThreading.ThreadedDirectSend);
        StringAssert.StartsWith(inline, "fills ");
        Assert.IsTrue(int.Parse(inline.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 3, inline);
        Assert.AreEqual(inline, threaded);
        Assert.AreEqual(inline, direct);
        Assert.AreNotEqual(direct, other, "another seed gives another run");
    }

    [TestMethod]
    public async Task Execution_wait_strategy_with_direct_sending_is_refused_naming_the_field_and_the_rule()
    {
        var options = new TradingEngineOptions { Threading = EngineThreading.ThreadedDirectSend, ExecutionWaitStrategy = WaitStrategy.Yielding };
        CollectionAssert.AreEqual(
            new[] { "ExecutionWaitStrategy: must be null with Threading = ThreadedDirectSend (only Threaded has an execution thread)." },
            options.Validate().ToArray());
        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, EngineRun.StrategyOptions(), MonotonicClock.System);
        await using var simulator = new ExchangeSimulator(SimulatorTestKit.Options(1));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, simulator));
        StringAssert.Contains(error.Message, "ExecutionWaitStrategy: must be null with Threading = ThreadedDirectSend");
        Assert.AreEqual(ConnectionState.Disconnected, simulator.OrderEntryState, "nothing was connected");
        Assert.AreEqual(0, new TradingEngineOptions { Threading = EngineThreading.ThreadedDirectSend, WaitStrategy = WaitStrategy.BusySpin }.Validate().Count);
    }

    [TestMethod]
    public async Task Sends_that_complete_later_go_out_one_at_a_time_in_order_and_the_engine_quotes_fills_and_stops_cleanly()
    {
        await using var simulator = RealTimeSimulator(21);
        var connector = new AsyncOrderEntry(simulator);
        var (engine, strategy) = DirectEngine(simulator, connector);
        await using (engine)
        {
            await engine.StartAsync();
            await EngineWait.WaitUntilAsync(() => engine.Status.FillCount >= 3, "3 fills");
            await engine.StopAsync();

            Assert.IsNull(engine.Fault);
            Assert.AreEqual(0, engine.Orders.Tracker.OpenCount);
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "no order left at the venue");
            Assert.AreEqual(await VenuePositionLotsAsync(simulator), strategy.Position.PositionLots);

            var received = connector.Received;
            Assert.AreEqual(engine.Orders.PlacesSent + engine.Orders.CancelsSent + engine.Orders.AmendsSent, received.Length, "every command was handed over once");
            Assert.AreEqual(1, connector.MaxConcurrentSends, "each send waited for the one before: the venue gets them in order");
            var placeIds = received.Where(c => c.Kind == OrderCommandKind.Place).Select(c => c.ClientOrderId.Value).ToArray();
            CollectionAssert.AreEqual(placeIds.Order().ToArray(), placeIds, "places in the order they were issued");
            Assert.IsTrue(engine.TickToQuote.Count > 0);
        }
    }

    [TestMethod]
    public async Task A_send_that_does_not_complete_does_not_hold_up_the_strategy_thread_and_the_commands_behind_it_follow_in_order()
    {
        await using var simulator = RealTimeSimulator(24);
        var connector = new AsyncOrderEntry(simulator);
        connector.Hold();
        var (engine, _) = DirectEngine(simulator, connector);
        await using (engine)
        {
            await engine.StartAsync();
            await EngineWait.WaitUntilAsync(() => connector.Received.Length == 1 && engine.CommandsInTransit > 0, "the first send in flight, the next ones queued");
            var eventsAtHold = engine.MarketEventsProcessed;
            await EngineWait.WaitUntilAsync(() => engine.MarketEventsProcessed > eventsAtHold + 100, "market events handled meanwhile");
            Assert.AreEqual(1, connector.Received.Length, "nothing overtook the held send");
            Assert.AreEqual(1, connector.InFlight);

            connector.Release();
            await EngineWait.WaitUntilAsync(() => engine.CommandsInTransit == 0 && connector.InFlight == 0 && engine.Orders.Tracker.OpenCount > 0, "the queued commands sent");
            var received = connector.Received;
            Assert.IsTrue(received.Length > 1);
            var placeIds = received.Where(c => c.Kind == OrderCommandKind.Place).Select(c => c.ClientOrderId.Value).ToArray();
            CollectionAssert.AreEqual(placeIds.Order().ToArray(), placeIds, "places in the order they were issued");
            Assert.AreEqual(1, connector.MaxConcurrentSends);

            await engine.StopAsync();
            Assert.IsNull(engine.Fault);
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "no order left at the venue");
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task A_failed_send_stops_the_engine_cleanly_and_stop_reports_the_failure(bool synchronously)
    {
        await using var simulator = RealTimeSimulator(25);
        var connector = new AsyncOrderEntry(simulator) { FailSend = 3, FailSynchronously = synchronously };
        var log = new RecordingLogger();
        var (engine, _) = DirectEngine(simulator, connector, loggerFactory: log);
        await using (engine)
        {
            await engine.StartAsync();
            await EngineWait.WaitUntilAsync(() => !engine.IsRunning, "the engine stopped by itself");

            Assert.IsInstanceOfType<IOException>(engine.Fault);
            Assert.AreEqual("send 3: connection reset by the venue", engine.Fault.Message);
            var error = await Assert.ThrowsExactlyAsync<InvalidOperationException>(() => engine.StopAsync());
            Assert.AreSame(engine.Fault, error.InnerException);
            Assert.IsTrue(connector.Received.Length > 3, "the stop still sent its cancels");
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count, "the orders that reached the venue were cancelled");

            // The log says so once, as an error with the cause: later failures of the stop's sends are its consequences.
            var failures = log.WithId(2004);
            Assert.AreEqual(1, failures.Count, string.Join(" | ", failures.Select(r => r.Message)));
            Assert.AreEqual(LogLevel.Error, failures[0].Level);
            Assert.AreEqual("SIM-USD engine failed; it stops, cancelling what it still can, and StopAsync rethrows the failure", failures[0].Message);
            Assert.AreSame(engine.Fault, failures[0].Exception);
            Assert.AreEqual(1, log.WithId(2003).Count, "and the stop that followed");
        }
    }

    [TestMethod]
    public void A_strategy_thread_cpu_outside_the_machine_or_without_a_strategy_thread_is_refused_naming_the_field()
    {
        var last = Environment.ProcessorCount - 1;
        Assert.AreEqual(0, new TradingEngineOptions { Threading = EngineThreading.ThreadedDirectSend, StrategyThreadCpu = last }.Validate().Count);
        CollectionAssert.AreEqual(
            new[] { $"StrategyThreadCpu: {last + 1} must be from 0 to {last} (the CPUs of this machine)." },
            new TradingEngineOptions { StrategyThreadCpu = last + 1 }.Validate().ToArray());
        CollectionAssert.AreEqual(
            new[] { "StrategyThreadCpu: must be null with Threading = Inline (there is no strategy thread)." },
            new TradingEngineOptions { Threading = EngineThreading.Inline, StrategyThreadCpu = 0 }.Validate().ToArray());
    }

    [TestMethod]
    public async Task A_pinned_strategy_thread_quotes_fills_and_stops_cleanly()
    {
        await using var simulator = RealTimeSimulator(21);
        var (engine, strategy) = DirectEngine(simulator, simulator, cpu: Environment.ProcessorCount - 1);
        await using (engine)
        {
            await engine.StartAsync();
            await EngineWait.WaitUntilAsync(() => engine.Status.FillCount >= 1, "a fill");
            await engine.StopAsync();
            Assert.IsNull(engine.Fault);
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count);
            Assert.AreEqual(await VenuePositionLotsAsync(simulator), strategy.Position.PositionLots);
        }
    }

    [TestMethod]
    public async Task A_busy_spinning_strategy_thread_runs_the_requote_path_dry_while_idle_and_sends_nothing_more()
    {
        await using var simulator = RealTimeSimulator(23);
        var connector = new BatchRecordingOrderEntry(simulator);
        var (engine, strategy) = DirectEngine(simulator, connector, wait: WaitStrategy.BusySpin);
        await using (engine)
        {
            await engine.StartAsync();
            await EngineWait.WaitUntilAsync(() => engine.Status.FillCount >= 2 && engine.WarmUps >= 100, "fills and dry runs");
            await engine.StopAsync();

            Assert.IsNull(engine.Fault);
            var handedOver = connector.HandOvers.Sum(h => h.Length);
            Assert.AreEqual(engine.Orders.PlacesSent + engine.Orders.CancelsSent + engine.Orders.AmendsSent, handedOver, "every command handed over once; the dry runs sent none");
            Assert.AreEqual(0, (await simulator.GetOpenOrdersAsync(SimulatorTestKit.Id)).Count);
            Assert.AreEqual(await VenuePositionLotsAsync(simulator), strategy.Position.PositionLots);
        }
    }

    [TestMethod]
    [DataRow(-1L)]
    [DataRow(5L)]
    [DataRow(10_000_001L)]
    public async Task A_warm_up_interval_out_of_range_is_refused_naming_the_field_and_the_rule(long ticks)
    {
        var interval = TimeSpan.FromTicks(ticks);
        var options = new TradingEngineOptions { WarmUpInterval = interval };
        var rule = $"WarmUpInterval: {interval} must be from 1 µs to 1 s, or zero (never).";
        CollectionAssert.AreEqual(new[] { rule }, options.Validate().ToArray());
        Assert.AreEqual(0, new TradingEngineOptions { WarmUpInterval = TimeSpan.Zero }.Validate().Count);

        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, EngineRun.StrategyOptions(), MonotonicClock.System);
        await using var simulator = new ExchangeSimulator(SimulatorTestKit.Options(1));
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, simulator));
        StringAssert.Contains(error.Message, rule);
        Assert.AreEqual(ConnectionState.Disconnected, simulator.OrderEntryState, "nothing was connected");
    }

    /// <summary>A simulator in real time at 20 times the speed, on the system clock: for threaded engines left to run on their own.</summary>
    internal static ExchangeSimulator RealTimeSimulator(long seed)
    {
        var options = SimulatorTestKit.Options(seed);
        options.TimeMode = SimulatorTimeMode.RealTime;
        options.Speed = 20;
        options.ReceiveClock = MonotonicClock.System;
        options.Takers.RatePerSecond = 10;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 };
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 };
        return new ExchangeSimulator(options);
    }

    private static (TradingEngine Engine, BasicMarketMaker Strategy) DirectEngine(ExchangeSimulator simulator, IOrderEntryConnector orderEntry, int? cpu = null, WaitStrategy wait = WaitStrategy.Yielding, ILoggerFactory? loggerFactory = null)
    {
        var strategyOptions = EngineRun.StrategyOptions();
        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, strategyOptions, MonotonicClock.System, position: new PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m));
        var options = new TradingEngineOptions
        {
            Threading = EngineThreading.ThreadedDirectSend,
            WaitStrategy = wait,
            StopTimeout = TimeSpan.FromSeconds(10),
            StrategyThreadCpu = cpu,
            Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions() },
        };
        return (new TradingEngine(options, strategy, SimulatorTestKit.Id, simulator, orderEntry, loggerFactory: loggerFactory), strategy);
    }

    private static async Task<long> VenuePositionLotsAsync(ExchangeSimulator simulator)
    {
        var balances = await simulator.GetBalancesAsync();
        return (long)((balances.Single(b => b.Currency == "SIM").Total - EngineRun.InitialBase) / SimulatorTestKit.Instrument.LotSize);
    }
}
