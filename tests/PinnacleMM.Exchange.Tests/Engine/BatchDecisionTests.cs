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
        await using var run = await QuotingRun.StartAsync(clock);
        var engine = run.Engine;
        var decisions = run.Strategy.BookUpdates;
        var timedBefore = engine.TickToQuote.Count;

        // The strategy thread is held while a burst of 10 updates arrives: the best bid steps up a tick at a time,
        // stamped 1 ms apart from 10 ms on.
        var release = run.HoldStrategyThread();
        for (var i = 1; i <= 10; i++)
        {
            run.Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(10_000 + i), new Quantity(100), 1, 0, 0, (9 + i) * Ms));
        }

        clock.Set(50 * Ms);
        await release();
        await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 16, "the burst handled");
        var timed = engine.TickToQuote.Count - timedBefore;
        await run.StopAsync();
        Assert.AreEqual(1, run.Strategy.BookUpdates - decisions, "one decision for the burst, not one per update");
        Assert.AreEqual(10_010, run.Strategy.BidSeen, "on the book after the last update");
        Assert.AreEqual(2, engine.Orders.AmendsSent, "one requote: the bid and the ask amended to the new mid once");
        Assert.AreEqual(40 * Ms, engine.TickToQuote.GetPercentiles().Max, 40 * Ms / 100, "timed from the burst's first event (10 ms) to the send (50 ms)");
        Assert.AreEqual(2, timed, "one tick-to-quote sample per command of the batch");

        // Each decision's commands were handed to the venue at once: the first quotes, the burst's requote, the
        // stop's cancels.
        CollectionAssert.AreEqual(
            new[] { "Place,Place", "Amend,Amend", "Cancel,Cancel" },
            run.OrderEntry.HandOvers.Select(h => string.Join(",", h.Select(c => c.Kind))).ToArray());

        // The burst's updates are journaled before the decision they led to, all of them and in the order they came
        // (the journal is written when the strategy thread has nothing left to do, in the order things happened).
        var journal = run.ReadJournal();
        CollectionAssert.AreEqual(
            Enumerable.Range(1, 10).Select(i => $"update {10_000 + i}").Concat(["amend CommandSent", "amend CommandSent"]).ToArray(),
            journal,
            string.Join(", ", journal));
    }

    [TestMethod]
    public async Task A_backlog_longer_than_the_held_journal_buffer_is_journaled_whole_and_in_order()
    {
        // 1,300 updates wait while the strategy thread is held. It then takes them 256 at a time without ever running
        // out of input, so the journal items it holds (512 at most) are handed over because the buffer is full, twice,
        // before the idle hand-over of the rest. The first batch's decision amends both quotes (the venue never
        // answers, so later decisions find the amends pending and send nothing): its records belong after update 256.
        var clock = new ManualMonotonicClock(1 * Ms);
        await using var run = await QuotingRun.StartAsync(clock);
        var release = run.HoldStrategyThread();
        const int updates = 1_300;
        var prices = new long[updates];
        for (var i = 0; i < updates; i++)
        {
            // Bids from 10,001 to 10,040 appear one by one, then go again: the best bid moves, the book never crosses.
            prices[i] = 10_001 + (i % 40);
            var quantity = i % 80 < 40 ? 100 : 0;
            run.Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(prices[i]), new Quantity(quantity), 1, 0, 0, (10 + i) * Ms));
        }

        await release();
        await EngineWait.WaitUntilAsync(() => run.Engine.EventsHandled >= 6 + updates, "the backlog handled");
        await run.StopAsync();

        Assert.AreEqual(2, run.Engine.Orders.AmendsSent);
        var expected = prices.Select(p => $"update {p}").ToList();
        expected.InsertRange(256, ["amend CommandSent", "amend CommandSent"]);
        var journal = run.ReadJournal();
        CollectionAssert.AreEqual(expected.ToArray(), journal, "every update once, in order, the decision's records after the batch it was made on");
    }

    private static readonly InstrumentId Id = SimulatorTestKit.Id;

    /// <summary>
    /// A threaded engine (the strategy thread sends) on a manual clock, fed by hand, journaling to a temporary
    /// directory, quoting a bid and an ask around the mid; the venue is never run, so nothing is answered.
    /// </summary>
    private sealed class QuotingRun(ManualMonotonicClock clock, ScriptedFeed feed, ExchangeSimulator simulator, MidQuoter strategy, BatchRecordingOrderEntry orderEntry, string directory, PersistenceManager persistence, TradingEngine engine) : IAsyncDisposable
    {
        public ScriptedFeed Feed => feed;

        public MidQuoter Strategy => strategy;

        public BatchRecordingOrderEntry OrderEntry => orderEntry;

        public TradingEngine Engine => engine;

        public static async Task<QuotingRun> StartAsync(ManualMonotonicClock clock)
        {
            var feed = new ScriptedFeed();
            var simulator = new ExchangeSimulator(SimulatorTestKit.Options(5));
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
            var persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = directory, SnapshotIntervalMin = 0, JournalSegmentSize = 1 << 20 });
            var engine = new TradingEngine(options, strategy, Id, feed, orderEntry, persistence, clock: clock);
            var run = new QuotingRun(clock, feed, simulator, strategy, orderEntry, directory, persistence, engine);
            await engine.StartAsync();
            feed.Send(MarketEvent.Status(Id, ConnectionState.Syncing, 0, 0, clock.NowNanoseconds));
            feed.Send(MarketEvent.SnapshotBegin(Id, 0, 0, clock.NowNanoseconds));
            feed.Send(MarketEvent.SnapshotLevel(Id, Side.Buy, new Price(10_000), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
            feed.Send(MarketEvent.SnapshotLevel(Id, Side.Sell, new Price(10_100), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
            feed.Send(MarketEvent.SnapshotEnd(Id, 0, 0, clock.NowNanoseconds));
            feed.Send(MarketEvent.Status(Id, ConnectionState.Synced, 0, 0, clock.NowNanoseconds));
            await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 6 && engine.Orders.PlacesSent == 2, "the first quotes");
            return run;
        }

        /// <summary>Holds the strategy thread in one turn until the returned function is called (and awaited).</summary>
        public Func<Task> HoldStrategyThread()
        {
            var entered = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var held = engine.OnStrategyThreadAsync(() =>
            {
                entered.Set();
                release.Wait(TimeSpan.FromSeconds(30));
                return 0;
            });
            Assert.IsTrue(entered.Wait(TimeSpan.FromSeconds(30)), "the strategy thread took the hold");
            return async () =>
            {
                release.Set();
                await held;
            };
        }

        /// <summary>Stops the engine: nothing answers the stop's cancels, so the stop timeout ends it, on the manual clock.</summary>
        public async Task StopAsync()
        {
            var stopping = engine.StopAsync();
            while (!stopping.IsCompleted)
            {
                clock.Set(clock.NowNanoseconds + (1000 * Ms));
                await Task.Delay(5);
            }

            await stopping;
            Assert.IsNull(engine.Fault);
        }

        /// <summary>The journal's book updates (by price) and amend activities (by kind), in journal order.</summary>
        public string[] ReadJournal()
        {
            var journal = new List<string>();
            using var reader = JournalReader.Open(Path.Combine(directory, "SIM-USD", "journal"));
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

            return journal.ToArray();
        }

        public async ValueTask DisposeAsync()
        {
            await engine.DisposeAsync();
            persistence.Dispose();
            await simulator.DisposeAsync();
            TempDirectory.Delete(directory);
        }
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
