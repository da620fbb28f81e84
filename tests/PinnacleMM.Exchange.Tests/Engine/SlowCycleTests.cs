using System.Diagnostics.Metrics;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// Slow turns of the strategy thread's loop (<see cref="TradingEngineOptions.SlowCycleThreshold"/>): counted, and the
/// commands whose tick-to-quote they overlapped counted apart, on a real clock and a real strategy thread held on purpose.
/// </summary>
[TestClass]
public sealed class SlowCycleTests
{
    private static readonly InstrumentId Id = SimulatorTestKit.Id;

    [TestMethod]
    public async Task A_turn_held_while_an_update_arrives_is_slow_and_the_commands_decided_on_the_update_are_counted()
    {
        // 10 ms: the turn that decides on the update compiles the amend path (amends are sent for the first time), and
        // must not be slow itself, so that only the held turn before it can count the amends.
        await using var setup = await QuotingAsync(TimeSpan.FromMilliseconds(10));
        var engine = setup.Engine;
        var commandsBefore = engine.TickToQuote.Count;
        var countedBefore = engine.CommandsAfterSlowCycle;

        // The strategy thread is held for 50 ms in one turn; the mid moves meanwhile.
        var release = setup.HoldStrategyThread();
        setup.MoveBid(10_020);
        Thread.Sleep(50);
        await release();
        await EngineWait.WaitUntilAsync(() => engine.TickToQuote.Count - commandsBefore == 2, "the requote on the new mid");

        Assert.AreEqual(2, engine.Orders.AmendsSent, "two amends");
        Assert.AreEqual(2, engine.CommandsAfterSlowCycle - countedBefore, "both amends waited for the held turn");
        Assert.AreEqual(engine.TickToQuote.Count - engine.CommandsAfterSlowCycle, engine.TickToQuoteWithoutSlowCycles.Count, "the amends are left out of the latency without slow turns");
        Assert.IsTrue(engine.TickToQuoteWithoutSlowCycles.Max < 50_000_000, "none of the held amends' 50 ms is in it");
        Assert.IsTrue(engine.SlowCycles >= 1, $"slow turns: {engine.SlowCycles}");
        Assert.IsTrue(engine.LongestCycleNanoseconds >= 50_000_000, $"longest turn: {engine.LongestCycleNanoseconds} ns");
        await setup.StopAsync();
        Assert.AreEqual(engine.SlowCycles, engine.Status.SlowCycles, "published in the status at stop");
        Assert.AreEqual(engine.CommandsAfterSlowCycle, engine.Status.CommandsAfterSlowCycle);
        CollectionAssert.AreEqual(
            new[] { $"pinnaclemm.engine.commands_after_slow_cycle={engine.CommandsAfterSlowCycle}", $"pinnaclemm.engine.slow_cycles={engine.SlowCycles}" },
            ObserveCounters(engine, "pinnaclemm.engine.slow_cycles", "pinnaclemm.engine.commands_after_slow_cycle"),
            "the metrics report the same counts");
    }

    /// <summary>The current values of the engine's observable counters named, as "name=value", sorted.</summary>
    private static string[] ObserveCounters(TradingEngine engine, params string[] names)
    {
        var values = new SortedDictionary<string, long>(StringComparer.Ordinal);
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, engine.Metrics.Meter) && names.Contains(instrument.Name))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => values[instrument.Name] = value);
        listener.Start();
        listener.RecordObservableInstruments();
        return values.Select(v => $"{v.Key}={v.Value}").ToArray();
    }

    [TestMethod]
    public async Task A_decision_that_stalls_before_it_hands_over_counts_its_own_commands()
    {
        await using var setup = await QuotingAsync(TimeSpan.FromMilliseconds(1));
        var engine = setup.Engine;
        var countedBefore = engine.CommandsAfterSlowCycle;

        // No turn between the update and its decision is slow: only the decision's own turn, which sleeps before its
        // commands go out.
        setup.Strategy.StallNextDecisionMilliseconds = 20;
        setup.MoveBid(10_020);
        await EngineWait.WaitUntilAsync(() => engine.Orders.AmendsSent == 2, "the requote on the new mid");
        await setup.StopAsync();

        Assert.AreEqual(2, engine.CommandsAfterSlowCycle - countedBefore, "both amends of the stalled decision");
        Assert.AreEqual(engine.TickToQuote.Count - engine.CommandsAfterSlowCycle, engine.TickToQuoteWithoutSlowCycles.Count);
        Assert.IsTrue(engine.LongestCycleNanoseconds >= 20_000_000, $"longest turn: {engine.LongestCycleNanoseconds} ns");
    }

    [TestMethod]
    public async Task Under_the_threshold_nothing_is_counted()
    {
        await using var setup = await QuotingAsync(TimeSpan.FromSeconds(1));
        var engine = setup.Engine;
        var timedBefore = engine.TickToQuote.Count;
        setup.Strategy.StallNextDecisionMilliseconds = 20;
        setup.MoveBid(10_020);
        await EngineWait.WaitUntilAsync(() => engine.Orders.AmendsSent == 2, "the requote on the new mid");
        await setup.StopAsync();

        Assert.IsTrue(engine.TickToQuote.Count - timedBefore >= 2, "the requote (and the stop's cancels) were timed");
        Assert.AreEqual(0, engine.SlowCycles);
        Assert.AreEqual(0, engine.LongestCycleNanoseconds);
        Assert.AreEqual(0, engine.CommandsAfterSlowCycle);
        Assert.AreEqual(engine.TickToQuote.Count, engine.TickToQuoteWithoutSlowCycles.Count, "every command in both");
    }

    [TestMethod]
    public async Task A_blocking_strategy_thread_waiting_for_work_is_not_a_slow_turn()
    {
        // Nothing arrives after the first quotes, so the thread sleeps until each timer tick (100 ms), well over the
        // threshold (30 ms): those waits are its own choice, not the machine's. Timed, they would be 5 or more slow
        // turns; one is allowed for the machine itself (a turn running the timer's path for the first time).
        await using var setup = await QuotingAsync(TimeSpan.FromMilliseconds(30), WaitStrategy.Blocking, timer: TimeSpan.FromMilliseconds(100));
        var engine = setup.Engine;
        var before = engine.SlowCycles;
        await Task.Delay(700);
        var idle = engine.SlowCycles - before;
        await setup.StopAsync();

        Assert.IsTrue(idle <= 1, $"slow turns while idle: {idle}");
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(9L)]
    [DataRow(10_000_001L)]
    public async Task A_threshold_out_of_range_is_refused_naming_the_field_and_the_rule(long ticks)
    {
        var threshold = TimeSpan.FromTicks(ticks);
        var rule = $"SlowCycleThreshold: {threshold} must be from 1 µs to 1 s.";
        CollectionAssert.AreEqual(new[] { rule }, new TradingEngineOptions { SlowCycleThreshold = threshold }.Validate().ToArray());
        Assert.AreEqual(0, new TradingEngineOptions { SlowCycleThreshold = TimeSpan.FromMicroseconds(1) }.Validate().Count);

        await using var simulator = new ExchangeSimulator(SimulatorTestKit.Options(1));
        var strategy = new MidQuoter(SimulatorTestKit.Instrument, MonotonicClock.System);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new TradingEngine(new TradingEngineOptions { SlowCycleThreshold = threshold }, strategy, Id, simulator, simulator));
        StringAssert.Contains(error.Message, rule);
        Assert.AreEqual(ConnectionState.Disconnected, simulator.OrderEntryState, "nothing was connected");
    }

    /// <summary>A threaded engine on the system clock, fed by hand, quoting a bid and an ask around the mid; no journal.</summary>
    private static Task<QuotingRun> QuotingAsync(TimeSpan threshold, WaitStrategy wait = WaitStrategy.BusySpin, TimeSpan? timer = null) =>
        QuotingRun.StartAsync(
            MonotonicClock.System,
            options =>
            {
                options.WaitStrategy = wait;
                options.SlowCycleThreshold = threshold;
                options.TimerInterval = timer ?? options.TimerInterval;
            },
            journal: false);
}
