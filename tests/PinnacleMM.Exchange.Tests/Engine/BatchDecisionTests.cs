using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Persistence;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Paper;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>The strategy thread decides once per batch of market events it takes from the ring, on the book after all of them.</summary>
[TestClass]
public sealed class BatchDecisionTests
{
    private static readonly long Ms = 1_000_000;

    [TestMethod]
    public async Task A_burst_taken_together_gets_one_decision_on_the_last_book_timed_from_its_first_event()
    {
        var clock = new ManualMonotonicClock(1 * Ms);
        var feed = new ScriptedFeed();
        await using var simulator = new ExchangeSimulator(SimulatorTestKit.Options(5));
        var strategy = new MidQuoter(SimulatorTestKit.Instrument, clock);
        var options = new TradingEngineOptions
        {
            Threading = EngineThreading.ThreadedDirectSend,
            WaitStrategy = WaitStrategy.Yielding,
            TimerInterval = TimeSpan.FromMinutes(1),
            Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = new QuoteReconcilerOptions() },
        };
        var orderEntry = new BatchRecordingOrderEntry(simulator);
        var directory = TempDirectory.Create();
        using var persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = directory, SnapshotIntervalMin = 0, JournalSegmentSize = 1 << 20 });
        await using var engine = new TradingEngine(options, strategy, SimulatorTestKit.Id, feed, orderEntry, persistence, clock: clock);
        await engine.StartAsync();

        var id = SimulatorTestKit.Id;
        feed.Send(MarketEvent.Status(id, ConnectionState.Syncing, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotBegin(id, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotLevel(id, Side.Buy, new Price(10_000), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotLevel(id, Side.Sell, new Price(10_100), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotEnd(id, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.Status(id, ConnectionState.Synced, 0, 0, clock.NowNanoseconds));
        await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 6 && engine.Orders.PlacesSent == 2, "the first quotes");
        var decisions = strategy.BookUpdates;
        var timedBefore = engine.TickToQuote.Count;

        // The strategy thread is held while a burst of 10 updates arrives: the best bid steps up a tick at a time,
        // stamped 1 ms apart from 10 ms on.
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var held = engine.OnStrategyThreadAsync(() =>
        {
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
            return 0;
        });
        Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(30)), "the strategy thread took the hold");
        for (var i = 1; i <= 10; i++)
        {
            feed.Send(MarketEvent.LevelUpdate(id, Side.Buy, new Price(10_000 + i), new Quantity(100), 1, 0, 0, (9 + i) * Ms));
        }

        clock.Set(50 * Ms);
        release.Set();
        await held;
        await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 16, "the burst handled");
        var timed = engine.TickToQuote.Count - timedBefore;
        var stopping = engine.StopAsync();
        while (!stopping.IsCompleted)
        {
            // The venue is never run, so nothing answers the stop's cancels: the stop timeout ends it, on this clock.
            clock.Set(clock.NowNanoseconds + (1000 * Ms));
            await Task.Delay(5);
        }

        await stopping;
        Assert.IsNull(engine.Fault);
        Assert.AreEqual(1, strategy.BookUpdates - decisions, "one decision for the burst, not one per update");
        Assert.AreEqual(10_010, strategy.BidSeen, "on the book after the last update");
        Assert.AreEqual(2, engine.Orders.AmendsSent, "one requote: the bid and the ask amended to the new mid once");
        Assert.AreEqual(40 * Ms, engine.TickToQuote.GetPercentiles().Max, 40 * Ms / 100, "timed from the burst's first event (10 ms) to the send (50 ms)");
        Assert.AreEqual(2, timed, "one tick-to-quote sample per command of the batch");

        // Each decision's commands were handed to the venue at once: the first quotes, the burst's requote, the
        // stop's cancels.
        var handOvers = orderEntry.HandOvers;
        CollectionAssert.AreEqual(
            new[] { "Place,Place", "Amend,Amend", "Cancel,Cancel" },
            handOvers.Select(h => string.Join(",", h.Select(c => c.Kind))).ToArray());

        // The burst's updates are journaled before the decision they led to, all of them and in the order they came
        // (the journal is written when the strategy thread has nothing left to do, in the order things happened).
        var journal = new List<string>();
        using (var reader = JournalReader.Open(Path.Combine(directory, "SIM-USD", "journal")))
        {
            while (reader.TryRead(out var record))
            {
                if (record.Type == EngineRecordTypes.MarketEvent && EngineRecordCodec.TryDecodeMarketEvent(record.Payload, out var e) && e.Kind == MarketEventKind.LevelUpdate)
                {
                    journal.Add($"update {e.Price.Ticks}");
                }
                else if (record.Type >= JournalRecordType.ApplicationBase && record.Type != EngineRecordTypes.MarketEvent &&
                         EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity) && activity.Command.Kind == OrderCommandKind.Amend)
                {
                    journal.Add($"amend {activity.Kind}");
                }
            }
        }

        CollectionAssert.AreEqual(
            Enumerable.Range(1, 10).Select(i => $"update {10_000 + i}").Concat(["amend CommandSent", "amend CommandSent"]).ToArray(),
            journal.ToArray(),
            string.Join(", ", journal));
        TempDirectory.Delete(directory);
    }

    /// <summary>One bid and one ask ten ticks either side of the mid; counts its decisions on book updates.</summary>
    internal sealed class MidQuoter(InstrumentSpec instrument, MonotonicClock clock) : MarketMakerStrategy(instrument, 1, clock)
    {
        private int _stallNext;

        public int BookUpdates { get; private set; }

        /// <summary>Makes the next decision sleep this long before it quotes (a strategy thread stalled mid-decision).</summary>
        public int StallNextDecisionMilliseconds
        {
            get => Volatile.Read(ref _stallNext);
            set => Volatile.Write(ref _stallNext, value);
        }

        public long BidSeen { get; private set; }

        protected override void OnBookUpdatedCore(long nowNanoseconds)
        {
            BookUpdates++;
            BidSeen = Book.TryGetBestBid(out var bid, out _) ? bid.Ticks : 0;
        }

        protected override void ComputeQuotes(DesiredQuotes quotes)
        {
            var stall = Interlocked.Exchange(ref _stallNext, 0);
            if (stall > 0)
            {
                Thread.Sleep(stall);
            }

            if (TryGetTopOfBook(out var bid, out _, out var ask, out _))
            {
                var mid = (bid.Ticks + ask.Ticks) / 2;
                quotes.TryAdd(Side.Buy, new Price(mid - 10), new Quantity(10));
                quotes.TryAdd(Side.Sell, new Price(mid + 10), new Quantity(10));
            }
        }
    }
}
