using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Paper;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>A market data source the test drives: each <see cref="Send"/> is delivered at once on the test's thread, like a feed's delivery thread.</summary>
internal sealed class ScriptedFeed : IMarketDataConnector
{
    private IMarketDataSink? _sink;

    public string Venue => "scripted";

    public ConnectionState State { get; private set; }

    public List<InstrumentId> Subscribed { get; } = [];

    /// <summary>Subscription calls in order ("+1" subscribe, "-1" unsubscribe instrument 1).</summary>
    public List<string> Calls { get; } = [];

    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_sink is not null)
        {
            throw new InvalidOperationException("already connected");
        }

        _sink = sink;
        State = ConnectionState.Synced;
        return ValueTask.CompletedTask;
    }

    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        Subscribed.Add(instrument);
        Calls.Add("+" + instrument.Value);
        return ValueTask.CompletedTask;
    }

    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        Subscribed.Remove(instrument);
        Calls.Add("-" + instrument.Value);
        return ValueTask.CompletedTask;
    }

    public void Send(in MarketEvent marketEvent) => _sink!.OnMarketEvent(marketEvent);

    public ValueTask DisposeAsync()
    {
        State = ConnectionState.Disconnected;
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A paper exchange on a scripted feed with the application's view: every event passed on is recorded and applied
/// to <see cref="AppBook"/> the way the trading engine applies it. Time advances 1 ms per feed event.
/// </summary>
internal sealed class PaperRun : IAsyncDisposable
{
    public const decimal MakerFee = 0.001m;
    public const decimal TakerFee = 0.002m;

    /// <summary>Tick 0.01, lot 0.001, at least 2 lots, at most 100 (100,000 lots), price at most 1,000,000.</summary>
    public static readonly InstrumentSpec Instrument = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 100m, maxPrice: 1_000_000m);

    /// <summary>Registered, never given a book by the feed.</summary>
    public static readonly InstrumentSpec Unsynced = new("ETH-USD", 0.01m, 0.001m);

    private PaperRun(InstrumentRegistry registry, ScriptedFeed feed, PaperExchange paper, RecordingSink sink, bool sequenced)
    {
        Registry = registry;
        Feed = feed;
        Paper = paper;
        Sink = sink;
        Sequenced = sequenced;
        Sink.OnMarket = Apply;
    }

    public static InstrumentId Id { get; } = new(1);

    public static InstrumentId UnsyncedId { get; } = new(2);

    public InstrumentRegistry Registry { get; }

    public ScriptedFeed Feed { get; }

    public PaperExchange Paper { get; }

    public RecordingSink Sink { get; }

    public bool Sequenced { get; }

    /// <summary>The book as the application sees it (merged with our paper orders).</summary>
    public DepthBook AppBook { get; } = new(Instrument);

    /// <summary>Result codes of applying the passed-on level updates that were not applied.</summary>
    public List<DepthBookResultCode> AppBookProblems { get; } = [];

    public long Now { get; private set; }

    public long FeedSequence { get; private set; } = 100;

    public static async Task<PaperRun> StartAsync(Action<PaperExchangeOptions>? configure = null, bool sequenced = true)
    {
        var registry = new InstrumentRegistry();
        registry.Register(Instrument);
        registry.Register(Unsynced);
        var options = new PaperExchangeOptions
        {
            Instruments = registry,
            MakerFeeRate = MakerFee,
            TakerFeeRate = TakerFee,
            ScheduleDelivery = false,
            InitialBalances = new Dictionary<string, decimal> { ["USD"] = 100_000m, ["BTC"] = 10m },
        };
        configure?.Invoke(options);
        var feed = new ScriptedFeed();
        var paper = new PaperExchange(options, feed);
        var sink = new RecordingSink();
        var run = new PaperRun(registry, feed, paper, sink, sequenced);
        await paper.MarketData.ConnectAsync(sink);
        await paper.ConnectAsync(sink);
        await paper.MarketData.SubscribeAsync(Id);
        return run;
    }

    public static Price P(long ticks) => new(ticks);

    public static Quantity Q(long lots) => new(lots);

    /// <summary>A snapshot of (price ticks, lots) levels, best first.</summary>
    public void Snapshot((long Price, long Lots)[] bids, (long Price, long Lots)[] asks)
    {
        var sequence = Sequenced ? FeedSequence : 0;
        Feed.Send(MarketEvent.Status(Id, ConnectionState.Syncing, sequence, Now, Tick()));
        Feed.Send(MarketEvent.SnapshotBegin(Id, sequence, Now, Tick()));
        foreach (var (price, lots) in bids)
        {
            Feed.Send(MarketEvent.SnapshotLevel(Id, Side.Buy, P(price), Q(lots), 1, sequence, Now, Tick()));
        }

        foreach (var (price, lots) in asks)
        {
            Feed.Send(MarketEvent.SnapshotLevel(Id, Side.Sell, P(price), Q(lots), 1, sequence, Now, Tick()));
        }

        Feed.Send(MarketEvent.SnapshotEnd(Id, sequence, Now, Tick()));
        Feed.Send(MarketEvent.Status(Id, ConnectionState.Synced, sequence, Now, Tick()));
    }

    public void Level(Side side, long price, long lots)
    {
        var sequence = Sequenced ? ++FeedSequence : 0;
        Feed.Send(MarketEvent.LevelUpdate(Id, side, P(price), Q(lots), 0, sequence, Now, Tick()));
    }

    public void Trade(Side aggressor, long price, long lots, long tradeId = 0) =>
        Feed.Send(MarketEvent.Trade(Id, aggressor, P(price), Q(lots), tradeId, Sequenced ? FeedSequence : 0, Now, Tick()));

    /// <summary>Sends a command from the test thread, delivers its answers and returns them.</summary>
    public async Task<List<ExecutionEvent>> SendAsync(OrderCommand command)
    {
        var before = Sink.Executions.Count;
        await Paper.SendAsync(command);
        Paper.DeliverPending();
        return Sink.Executions.Skip(before).ToList();
    }

    /// <summary>Runs a feed action and returns the execution events it caused.</summary>
    public List<ExecutionEvent> During(Action action)
    {
        var before = Sink.Executions.Count;
        action();
        return Sink.Executions.Skip(before).ToList();
    }

    public Task<List<ExecutionEvent>> BuyAsync(long id, long price, long lots, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false) =>
        SendAsync(OrderCommand.Place(Id, new ClientOrderId(id), Side.Buy, P(price), Q(lots), tif, postOnly));

    public Task<List<ExecutionEvent>> SellAsync(long id, long price, long lots, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false) =>
        SendAsync(OrderCommand.Place(Id, new ClientOrderId(id), Side.Sell, P(price), Q(lots), tif, postOnly));

    public long QueueAhead(long id) => Paper.TryGetQueueAhead(new ClientOrderId(id), out var ahead) ? ahead.Lots : -1;

    public long AppLots(Side side, long price) => AppBook.GetQuantity(side, P(price)).Lots;

    /// <summary>The exact fee of a fill, computed independently of the paper exchange: ticks × 0.01 × lots × 0.001 × rate.</summary>
    public static decimal Fee(long priceTicks, long lots, decimal rate) => priceTicks * 0.01m * (lots * 0.001m) * rate;

    public async ValueTask DisposeAsync()
    {
        await Paper.DisposeAsync();
        await Paper.MarketData.DisposeAsync();
    }

    private long Tick()
    {
        Now += 1_000_000;
        return Now;
    }

    private void Apply(MarketEvent e)
    {
        if (e.Instrument != Id)
        {
            return;
        }

        DepthBookResultCode code;
        switch (e.Kind)
        {
            case MarketEventKind.SnapshotBegin:
                if (e.Sequence > 0)
                {
                    AppBook.BeginSnapshot(e.Sequence);
                }
                else
                {
                    AppBook.BeginSnapshot();
                }

                return;
            case MarketEventKind.SnapshotLevel:
                code = AppBook.AddSnapshotLevel(e.Side, e.Price, e.Quantity);
                break;
            case MarketEventKind.SnapshotEnd:
                code = AppBook.EndSnapshot();
                break;
            case MarketEventKind.LevelUpdate:
                code = AppBook.IsSequenced ? AppBook.SetLevel(e.Sequence, e.Side, e.Price, e.Quantity) : AppBook.SetLevel(e.Side, e.Price, e.Quantity);
                break;
            default:
                return;
        }

        if (code is not (DepthBookResultCode.Applied or DepthBookResultCode.NothingToRemove))
        {
            AppBookProblems.Add(code);
        }
    }
}
