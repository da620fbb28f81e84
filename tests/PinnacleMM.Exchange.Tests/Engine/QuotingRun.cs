using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Paper;
using PinnacleMM.Exchange.Tests.Simulator;
using PinnacleMM.Persistence;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// A threaded engine (the strategy thread sends) fed by hand through a <see cref="ScriptedFeed"/>, quoting a bid and an
/// ask around the mid (<see cref="MidQuoter"/>), optionally journaling to a temporary directory. The venue is never run,
/// so nothing is answered: amends stay pending, and a stop ends at its timeout.
/// </summary>
internal sealed class QuotingRun(MonotonicClock clock, ScriptedFeed feed, ExchangeSimulator simulator, MidQuoter strategy, BatchRecordingOrderEntry orderEntry, string? directory, PersistenceManager? persistence, TradingEngine engine) : IAsyncDisposable
{
    private static readonly InstrumentId Id = SimulatorTestKit.Id;

    public ScriptedFeed Feed => feed;

    public MidQuoter Strategy => strategy;

    public BatchRecordingOrderEntry OrderEntry => orderEntry;

    public TradingEngine Engine => engine;

    /// <summary>Starts the engine on <paramref name="clock"/>, sends a snapshot (bid 10,000, ask 10,100) and waits for the first two quotes to be handed over.</summary>
    /// <param name="clock">The engine's and the strategy's clock: manual (stepped by the test) or the system's.</param>
    /// <param name="configure">Changes the engine's options (Yielding, timer 1 min, stop timeout 200 ms by default).</param>
    /// <param name="journal">Journal to a temporary directory (see <see cref="ReadJournal"/>).</param>
    public static async Task<QuotingRun> StartAsync(MonotonicClock clock, Action<TradingEngineOptions>? configure = null, bool journal = true)
    {
        var feed = new ScriptedFeed();
        var simulator = new ExchangeSimulator(SimulatorTestKit.Options(5));
        var strategy = new MidQuoter(SimulatorTestKit.Instrument, clock);
        var options = new TradingEngineOptions
        {
            Threading = EngineThreading.ThreadedDirectSend,
            WaitStrategy = WaitStrategy.Yielding,
            TimerInterval = TimeSpan.FromMinutes(1),
            StopTimeout = TimeSpan.FromMilliseconds(200),
            Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = new QuoteReconcilerOptions() },
        };
        configure?.Invoke(options);
        var orderEntry = new BatchRecordingOrderEntry(simulator);
        var directory = journal ? TempDirectory.Create() : null;
        var persistence = directory is null ? null : new PersistenceManager(new PersistenceOptions { DataDirectory = directory, SnapshotIntervalMin = 0, JournalSegmentSize = 1 << 20 });
        var engine = new TradingEngine(options, strategy, Id, feed, orderEntry, persistence, clock: clock);
        var run = new QuotingRun(clock, feed, simulator, strategy, orderEntry, directory, persistence, engine);
        await engine.StartAsync();
        feed.Send(MarketEvent.Status(Id, ConnectionState.Syncing, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotBegin(Id, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotLevel(Id, Side.Buy, new Price(10_000), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotLevel(Id, Side.Sell, new Price(10_100), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.SnapshotEnd(Id, 0, 0, clock.NowNanoseconds));
        feed.Send(MarketEvent.Status(Id, ConnectionState.Synced, 0, 0, clock.NowNanoseconds));

        // Timed means handed over (the order manager counts a command before it goes out).
        await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 6 && engine.TickToQuote.Count == 2, "the first quotes");
        return run;
    }

    /// <summary>A new best bid, stamped with the run's clock.</summary>
    public void MoveBid(long ticks) =>
        Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(ticks), new Quantity(100), 1, 0, 0, clock.NowNanoseconds));

    /// <summary>Holds the strategy thread in one turn until the returned function is called (and awaited).</summary>
    public Func<Task> HoldStrategyThread()
    {
        var entered = new ManualResetEventSlim();
        var release = new ManualResetEventSlim();
        var held = Engine.OnStrategyThreadAsync(() =>
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

    /// <summary>Stops the engine: nothing answers the stop's cancels, so the stop timeout ends it (a manual clock is moved on for it).</summary>
    public async Task StopAsync()
    {
        var stopping = Engine.StopAsync();
        while (!stopping.IsCompleted && clock is ManualMonotonicClock manual)
        {
            manual.Set(manual.NowNanoseconds + 1_000_000_000);
            await Task.Delay(5);
        }

        await stopping;
        Assert.IsNull(Engine.Fault);
    }

    /// <summary>The journal's book updates (by price) and amend activities (by kind), in journal order.</summary>
    public string[] ReadJournal()
    {
        var journal = new List<string>();
        using var reader = JournalReader.Open(Path.Combine(directory!, "SIM-USD", "journal"));
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
        await Engine.DisposeAsync();
        persistence?.Dispose();
        await simulator.DisposeAsync();
        if (directory is not null)
        {
            TempDirectory.Delete(directory);
        }
    }
}

/// <summary>One bid and one ask ten ticks either side of the mid; counts its decisions on book updates.</summary>
internal sealed class MidQuoter(InstrumentSpec instrument, MonotonicClock clock) : MarketMakerStrategy(instrument, 1, clock)
{
    private int _stallNext;

    public int BookUpdates { get; private set; }

    public long BidSeen { get; private set; }

    /// <summary>Makes the next decision sleep this long before it quotes (a strategy thread stalled mid-decision).</summary>
    public int StallNextDecisionMilliseconds
    {
        get => Volatile.Read(ref _stallNext);
        set => Volatile.Write(ref _stallNext, value);
    }

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
