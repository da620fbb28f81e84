using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class ResiliencePropertyTests
{
    /// <summary>
    /// Random schedules of order-entry disconnects (the venue keeps trading our orders, the events are lost) and
    /// market data gaps, possibly overlapping, on the simulator in virtual time. At every reconnect, the moment the
    /// reconciliation is applied (the venue's state of that instant), our open orders are the venue's and the position
    /// is the sum of the venue's fills (the model: the venue's own fill history); after the last reconnect and a
    /// settle the engine's book is the venue's, and after a stop nothing is left open on either side and the position
    /// is still the venue's.
    /// </summary>
    [TestMethod]
    public void After_any_schedule_of_disconnects_and_gaps_the_engine_agrees_with_the_venue()
    {
        var action =
            from kind in Gen.Elements(ScheduleKind.Disconnect, ScheduleKind.Gap)
            from at in Gen.Choose(500, 9_000)
            from size in Gen.Choose(50, 2_500)
            select (Kind: kind, AtMs: at, Size: size);
        // Every schedule has at least one disconnect long enough for the venue to trade our orders meanwhile.
        var longDisconnect =
            from at in Gen.Choose(500, 9_000)
            from size in Gen.Choose(1_500, 2_500)
            select (Kind: ScheduleKind.Disconnect, AtMs: at, Size: size);
        var gen =
            from seed in Gen.Choose(1, 1_000_000)
            from first in longDisconnect
            from count in Gen.Choose(0, 4)
            from others in Gen.ArrayOf(action, count)
            select (Seed: seed, Actions: others.Prepend(first).ToArray());

        int checks = 0, withLostEvents = 0;
        Prop.ForAll(Arb.From(gen), input =>
        {
            var (reconnectChecks, lostEvents) = Run(input.Seed, input.Actions).GetAwaiter().GetResult();
            checks += reconnectChecks;
            withLostEvents += lostEvents > 0 ? 1 : 0;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(12).WithQuietOnSuccess(true));

        Console.WriteLine($"{checks} reconnects checked; events lost in {withLostEvents} of 12 schedules");
        // The schedules did what the property is about: reconnects were checked, and events were lost on the way.
        Assert.IsTrue(checks >= 12, $"{checks} reconnects checked in 12 schedules, each with a disconnect");
        Assert.IsTrue(withLostEvents >= 1, $"execution events lost in {withLostEvents} of 12 schedules (about half measured)");
    }

    private static async Task<(int ReconnectChecks, long LostEvents)> Run(int seed, (ScheduleKind Kind, int AtMs, int Size)[] actions)
    {
        // The timeline: a disconnect of Size ms, or Size / 500 + 1 dropped level updates, at AtMs.
        var timeline = new List<(long AtMs, int Order, Action<EngineRun> Do)>();
        foreach (var a in actions)
        {
            if (a.Kind == ScheduleKind.Disconnect)
            {
                timeline.Add((a.AtMs, 0, r => r.Simulator.DisconnectOrderEntry()));
                timeline.Add((a.AtMs + a.Size, 1, r => r.Simulator.ReconnectOrderEntry()));
            }
            else
            {
                var drops = (a.Size / 500) + 1;
                timeline.Add((a.AtMs, 2, r => r.Simulator.DropLevelUpdates(drops)));
            }
        }

        var context = $"seed {seed}, schedule [{string.Join(", ", actions.Select(a => $"{a.Kind}@{a.AtMs}+{a.Size}"))}]";
        CheckingOrderEntry? checking = null;
        await using var run = await EngineRun.StartInlineAsync(seed, configure: o => o.Latency.MarketData = TimeSpan.Zero, wrap: simulator =>
        {
            checking = new CheckingOrderEntry(simulator);
            return (simulator, checking);
        });
        checking!.Run = run;
        foreach (var (atMs, _, apply) in timeline.OrderBy(t => t.AtMs).ThenBy(t => t.Order))
        {
            run.Simulator.RunUntil(atMs * 1_000_000);
            apply(run);
        }

        run.Simulator.ReconnectOrderEntry();
        run.Simulator.RunFor(TimeSpan.FromSeconds(6));

        var stats = run.Simulator.GetStatistics();
        Assert.AreEqual(0, checking.Failures.Count, context + ": " + string.Join(" | ", checking.Failures));
        Assert.AreEqual(stats.OrderEntryDisconnects, run.Engine.Reconnects, context);
        Assert.AreEqual(run.Engine.Reconnects, run.Engine.VenueReconciliations, "each reconnect reconciled once: " + context);
        Assert.AreEqual(run.Engine.Reconnects, checking.Checks, "checked at each reconnect: " + context);
        Assert.IsTrue(run.Engine.Orders.IsConnected, context);
        Assert.IsTrue(run.Engine.VenueBook.IsSynced, "book in sync: " + context);
        CollectionAssert.AreEqual(ResilienceKit.VenueLevels(run.Simulator), ResilienceKit.EngineLevels(run.Engine), "book = venue's: " + context);

        await run.StopAsync();
        Assert.AreEqual(0, run.Engine.Orders.Tracker.OpenCount, "nothing open in our books: " + context);
        Assert.AreEqual(0, (await run.VenueOpenOrdersAsync()).Count, "no orphan at the venue: " + context);
        await ResilienceKit.AssertPositionIsTheVenuesAsync(run);
        return (checking.Checks, stats.ExecutionEventsLost);
    }

    /// <summary>The simulator's order entry; right after the engine handled a reconnect, compares it with the venue.</summary>
    private sealed class CheckingOrderEntry(ExchangeSimulator simulator) : IOrderEntryConnector
    {
        private IExecutionSink? _sink;

        public EngineRun? Run { get; set; }

        public int Checks { get; private set; }

        public List<string> Failures { get; } = [];

        public string Venue => simulator.Venue;

        public ConnectionState State => simulator.OrderEntryState;

        public bool SupportsAmend => simulator.SupportsAmend;

        public bool SupportsFillHistory => simulator.SupportsFillHistory;

        public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default)
        {
            _sink = sink;
            return simulator.ConnectAsync(new Interceptor(this), cancellationToken);
        }

        public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default) => simulator.SendAsync(command, cancellationToken);

        public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.GetOpenOrdersAsync(instrument, cancellationToken);

        public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => simulator.GetBalancesAsync(cancellationToken);

        public ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default) =>
            simulator.GetFillsAsync(instrument, sinceExchangeTimestampNanoseconds, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private void After(in ExecutionEvent e)
        {
            if (Run is null || e.Kind != ExecutionEventKind.ConnectionChanged || e.ConnectionState != ConnectionState.Synced)
            {
                return;
            }

            Checks++;
            try
            {
                ResilienceKit.AssertOrdersMatchVenueAsync(Run).GetAwaiter().GetResult();
                ResilienceKit.AssertPositionIsTheVenuesAsync(Run).GetAwaiter().GetResult();
            }
            catch (AssertFailedException failure)
            {
                Failures.Add(failure.Message);
            }
        }

        private sealed class Interceptor(CheckingOrderEntry entry) : IExecutionSink
        {
            public void OnExecutionEvent(in ExecutionEvent executionEvent)
            {
                entry._sink!.OnExecutionEvent(executionEvent);
                entry.After(executionEvent);
            }
        }
    }

    private enum ScheduleKind
    {
        Disconnect,
        Gap,
    }
}
