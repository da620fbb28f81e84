using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Paper;
using PinnacleMM.Exchange.Replay;
using PinnacleMM.Exchange.Tests.Engine;
using PinnacleMM.Exchange.Tests.Replay;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>A recorded session replayed into the paper exchange and traded by the engine: the same fills every time.</summary>
[TestClass]
public sealed class PaperReplayCompositionTests
{
    [TestMethod]
    public async Task A_replayed_recording_traded_by_the_engine_on_the_paper_exchange_gives_the_same_fills_twice()
    {
        using var directory = new ScratchDirectory();
        var recorded = await ReplayTests.RecordSimulatorAsync(directory.Path, seed: 21, seconds: 20);

        var first = await TradeReplayAsync(directory.Path);
        var second = await TradeReplayAsync(directory.Path);

        Assert.AreEqual(recorded.Count + 1, first.Report.EventsDelivered, "every recorded event, then the final disconnect");
        Assert.IsNull(first.Report.Fault);
        var fills = first.Executions.Where(e => e.IsFill).ToList();
        Assert.IsTrue(fills.Count >= 5, $"the strategy must trade on the recording ({fills.Count} fills of {first.Executions.Count} events)");
        Assert.IsTrue(fills.Any(f => f.Liquidity == Liquidity.Maker), "resting quotes were filled from the queue");
        Console.WriteLine($"events {recorded.Count}, executions {first.Executions.Count}, fills {fills.Count} ({fills.Count(f => f.Liquidity == Liquidity.Maker)} maker), position {first.PositionLots} lots");
        CollectionAssert.AreEqual(first.Executions, second.Executions, "the same execution events, fill for fill");
        Assert.AreEqual(first.PositionLots, second.PositionLots);

        // The engine's position and fees are the paper exchange's balances moved by the same fills.
        var baseChange = first.Balances.Single(b => b.Currency == "SIM").Total - EngineRun.InitialBase;
        Assert.AreEqual(first.PositionLots * SimulatorTestKit.Instrument.LotSize, baseChange);
        Assert.AreEqual(fills.Sum(f => f.Fee), first.Fees);
        Assert.AreEqual(0, first.OpenOrders, "the feed's end pulled every quote");
    }

    private static async Task<Outcome> TradeReplayAsync(string directory)
    {
        var registry = new InstrumentRegistry();
        Assert.AreEqual(SimulatorTestKit.Id, registry.Register(SimulatorTestKit.Instrument));
        var replay = new ReplayMarketDataConnector(new ReplayOptions { Directory = directory, Pacing = ReplayPacing.Manual, Instruments = registry });
        var paper = new PaperExchange(new PaperExchangeOptions
        {
            Instruments = registry,
            MakerFeeRate = 0.001m,
            TakerFeeRate = 0.002m,
            ScheduleDelivery = false,
            InitialBalances = new Dictionary<string, decimal> { ["SIM"] = EngineRun.InitialBase, ["USD"] = EngineRun.InitialQuote },
        }, replay);
        var orderEntry = new TeeOrderEntry(paper);
        var clock = new ManualMonotonicClock();
        var strategyOptions = EngineRun.StrategyOptions();
        var strategy = new BasicMarketMaker(SimulatorTestKit.Instrument, strategyOptions, clock, position: new PositionTracker(SimulatorTestKit.Instrument, 0.001m, 0.002m));
        var engineOptions = new TradingEngineOptions
        {
            Threading = EngineThreading.Inline,
            ClockFollowsEvents = true,
            SnapshotInterval = TimeSpan.Zero,
            StopTimeout = TimeSpan.FromSeconds(30),
            Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions(), AcknowledgementTimeout = TimeSpan.FromSeconds(1) },
        };
        var engine = new TradingEngine(engineOptions, strategy, SimulatorTestKit.Id, paper.MarketData, orderEntry, clock: clock);
        await engine.StartAsync();

        var report = replay.ReplayAll();

        var stop = engine.StopAsync();
        for (var i = 0; i < 1_000 && !stop.IsCompleted; i++)
        {
            paper.DeliverPending();
            await Task.Delay(1);
        }

        await stop;
        var outcome = new Outcome(
            report,
            orderEntry.Events,
            strategy.Position.PositionLots,
            strategy.Position.Fees,
            await paper.GetBalancesAsync(),
            (await paper.GetOpenOrdersAsync(InstrumentId.None)).Count);
        await engine.DisposeAsync();
        await paper.DisposeAsync();
        await paper.MarketData.DisposeAsync();
        return outcome;
    }

    private sealed record Outcome(ReplayReport Report, List<ExecutionEvent> Executions, long PositionLots, decimal Fees, IReadOnlyList<Balance> Balances, int OpenOrders);

    /// <summary>Passes everything through to the paper exchange and keeps a copy of every execution event the engine receives.</summary>
    private sealed class TeeOrderEntry(PaperExchange inner) : IOrderEntryConnector
    {
        public List<ExecutionEvent> Events { get; } = [];

        public string Venue => inner.Venue;

        public ConnectionState State => inner.State;

        public bool SupportsAmend => inner.SupportsAmend;

        public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default) => inner.ConnectAsync(new Tee(sink, Events), cancellationToken);

        public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default) => inner.SendAsync(command, cancellationToken);

        public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => inner.GetOpenOrdersAsync(instrument, cancellationToken);

        public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => inner.GetBalancesAsync(cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private sealed class Tee(IExecutionSink sink, List<ExecutionEvent> events) : IExecutionSink
        {
            public void OnExecutionEvent(in ExecutionEvent executionEvent)
            {
                events.Add(executionEvent);
                sink.OnExecutionEvent(executionEvent);
            }
        }
    }
}
