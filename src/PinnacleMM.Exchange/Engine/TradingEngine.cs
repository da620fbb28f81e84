using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// Runs one strategy on one instrument against a venue: market data in, the strategy's quotes reconciled into
/// orders (<see cref="OrderManager"/>), fills back into the position, everything journaled and audited, safe to
/// stop and restart.
/// </summary>
/// <remarks>
/// <para>
/// <b>Threads</b> (<see cref="EngineThreading.Threaded"/>). The connectors deliver on their own threads into two
/// rings (<c>SpscRing&lt;MarketEvent&gt;</c>, <c>SpscRing&lt;ExecutionEvent&gt;</c>). The strategy thread applies
/// market data to the strategy's book, asks the strategy, reconciles and risk-checks, and writes commands into a
/// ring to the execution thread, which hands them to the order-entry connector. Every market event and order
/// activity goes through a fourth ring to the persistence and monitoring thread, which journals and audits them.
/// The strategy thread waits according to <see cref="TradingEngineOptions.WaitStrategy"/>, the execution thread
/// according to <see cref="TradingEngineOptions.ExecutionWaitStrategy"/>. The strategy is only ever called on
/// the strategy thread. <see cref="EngineThreading.ThreadedDirectSend"/> (2-core machines) has no execution thread:
/// the strategy thread hands each command to the connector itself and never waits for a send that does not complete
/// at once (later commands queue behind it, in order). In <see cref="EngineThreading.Inline"/> mode the same stages
/// run inside the connector's sink calls (deterministic with the simulator in virtual time) and send the same way.
/// </para>
/// <para>
/// <b>Start</b> recovers the strategy's state (position, P&amp;L, kill switch, operator state) and our orders from
/// the newest snapshot and the journaled order activities after it, connects, reconciles the recovered orders
/// with the venue's open orders (closing the ones gone, cancelling orphans) and subscribes. <b>Stop</b> stops
/// quoting, cancels every open order and waits (up to <see cref="TradingEngineOptions.StopTimeout"/>) for the
/// cancels to be confirmed, then takes a final snapshot and flushes the journal.
/// </para>
/// <para>
/// <b>A stop the venue does not answer.</b> Cancels that cannot be sent (order entry down) are sent again on every
/// timer tick, unanswered ones after the cancel retry interval, and refused ones once their backoff has passed
/// (<see cref="OrderManagerOptions.CancelRefusalBackoff"/>), until the stop timeout, which then ends the stop without an exception. The orders
/// still open are reported (<see cref="EngineStatus.Stop"/>, and a warning in <see cref="EngineResilienceStatus.Warnings"/>)
/// and kept open, or pending cancel, in the final snapshot: never recorded as cancelled. The next start asks the venue
/// about them: those it no longer has are closed, with the fills they had while the engine was stopped where the venue
/// keeps a fill history (<see cref="IOrderEntryConnector.SupportsFillHistory"/>: our fills since the last execution
/// event the engine saw); those it still has get their cancel sent again (<see cref="EngineRecoveryReport.StopCancelsResent"/>).
/// Without a fill history such fills cannot be known; the start then warns that the position must be checked.
/// </para>
/// <para>
/// <b>Persistence.</b> The engine owns its instrument's snapshots: the <see cref="PersistenceManager"/> must not take
/// periodic snapshots of its own (<see cref="PersistenceOptions.SnapshotIntervalMin"/> = 0), because only the engine
/// can capture a state that matches the journal at the snapshot's sequence. The venue's own book is not persisted:
/// on restart the venue (a real exchange, or a simulator that kept running) is asked for our open orders, which
/// covers orders resting across a restart the same way for every connector; a new simulator process simply has
/// none, and the recovered orders are closed as gone.
/// </para>
/// </remarks>
public sealed partial class TradingEngine : IAsyncDisposable
{
    /// <summary>The most market events the strategy thread takes from its ring at once (one decision per batch).</summary>
    private const int MarketBatchSize = 256;

    /// <summary>The most journal items the strategy thread holds before handing them over even while busy.</summary>
    private const int HeldJournalItems = 512;

    private readonly TradingEngineOptions _options;
    private readonly MarketMakerStrategy _strategy;
    private readonly IMarketDataConnector _marketData;
    private readonly IOrderEntryConnector _orderEntry;
    private readonly InstrumentId _instrumentId;
    private readonly PersistenceManager? _persistenceManager;
    private readonly MonotonicClock _clock;
    private readonly ILogger _logger;
    private readonly ManualMonotonicClock? _eventClock;
    private readonly OrderAuditor? _auditor;
    /// <summary>The state and the inline flag, apart from what the strategy thread writes (see <see cref="EngineGate"/>).</summary>
    private EngineGate _gate;

    /// <summary>Whether commands go through the command ring to an execution thread (<see cref="EngineThreading.Threaded"/>); otherwise the strategy stage sends them itself.</summary>
    private readonly bool _executionStage;
    private readonly long _timerInterval;
    private readonly long _snapshotInterval;
    /// <summary>The longest a sleeping execution thread waits without a signal (a safety net; every command and the stop signal it).</summary>
    private static readonly TimeSpan ExecutionIdleLimit = TimeSpan.FromMilliseconds(100);

    private readonly Lock _inlineGate = new();

    // Inline: a connector may deliver an answer (or market data) from inside a call the engine makes into it, on the
    // thread that holds _inlineGate, in the middle of the handling that made the call (a decision handing its commands
    // over). Such deliveries wait here, in order, and are handled once that handling has finished, as the rings would
    // have them in a threaded engine. _inlineBusy: some handling holds the gate now.
    private readonly Queue<HeldDelivery> _inlineHeld = new(16);
    private bool _inlineBusy;
    private readonly ConcurrentQueue<Action> _control = new();
    private readonly LatencyHistogram _tickToQuote = new();
    private readonly LatencyHistogram _tickToQuoteWithoutSlowCycles = new();

    /// <summary>Direct sending: commands waiting behind a send that did not complete synchronously (slow path only).</summary>
    private readonly ConcurrentQueue<OutboundCommand> _deferredSends = new();
    private readonly DepthBook _venueBook;
    private readonly byte[] _encodeBuffer = new byte[Math.Max(EngineRecordCodec.MaxActivitySize, EngineRecordCodec.MarketEventSize)];

    private readonly SpscRing<MarketEvent>? _marketRing;
    private readonly SpscRing<ExecutionEvent>? _executionRing;
    private readonly SpscRing<OutboundCommand>? _commandRing;
    private readonly SpscRing<JournalItem>? _journalRing;
    private readonly EngineSignal _wake;
    private readonly EngineSignal _executionWake;

    private DepthLevel[] _levels = new DepthLevel[256];
    private readonly OwnFeedShares _ownShares = new();
    private LiveOrder[] _ownCheckOrders = new LiveOrder[16];
    private readonly long _ownFeedGraceNanoseconds;
    private EngineStateSections? _sections;
    private InstrumentPersistence? _persistence;
    private Thread? _strategyThread;
    private Thread? _executionThread;
    private Thread? _persistenceThread;
    private TaskCompletionSource? _stopped;
    private volatile EngineStatus _status = new();
    private volatile Exception? _fault;
    private volatile bool _stopRequested;
    private bool _abort;
    private bool _stopBegun;

    /// <summary>The strategy stage failed while handling (strategy thread, or inline): the strategy is not called again.</summary>
    private bool _strategyFailed;
    private long _stopDeadline;

    /// <summary>The orders the final snapshot of a stop records as left open (client order ids); empty otherwise.</summary>
    private long[] _stopLeftOpen = [];

    /// <summary>The orders the previous run's stop left open, as recovered; their cancels are sent again at start.</summary>
    private long[] _recoveredStopLeftOpen = [];
    private EngineStopReport? _stopReport;
    private long _nextTimer;
    private long _nextSnapshot;
    private bool _pulled;
    private bool _bookChangePending;
    private bool _requotePending;
    private long _pendingTrigger;

    // The strategy stage's journal items not yet handed over (see Journal): market events apart, as they are (64 bytes,
    // copied once per event on the tick-to-quote path), the other items as JournalItems (312 bytes), each with how many
    // held market events came before it, which keeps the order.
    private readonly MarketEvent[] _heldMarket = new MarketEvent[HeldJournalItems];
    private int _heldMarketCount;
    private readonly JournalItem[] _held = new JournalItem[HeldJournalItems];
    private readonly int[] _heldAfterMarket = new int[HeldJournalItems];
    private int _heldCount;
    private long _marketEvents;

    /// <summary>Dry runs of the requote path by the idle strategy thread that checked at least one action (<see cref="TradingEngineOptions.WarmUpInterval"/>).</summary>
    private long _warmUps;
    private long _bookGaps;
    private long _journalFailures;

    /// <summary>Direct sending: the send in flight plus the commands queued behind it; 0 while sends complete synchronously.</summary>
    private int _sendBacklog;
    private long _eventsHandled;
    private long _commandsIssued;
    private long _commandsHandedOver;

    // Slow turns of the strategy thread's loop (TradingEngineOptions.SlowCycleThreshold): 0 = not measured (inline, or
    // a clock that follows events). _cycleStart is the current turn's start (0: not timed), used only on the strategy
    // thread; _slowCycleEnd the end of the latest slow turn, read by whichever thread hands commands over.
    private readonly long _slowCycleNanoseconds;
    private long _cycleStart;
    private long _slowCycleEnd;
    private long _slowCycles;
    private long _longestCycle;
    private long _commandsAfterSlowCycle;

    /// <summary>Creates an engine; nothing runs until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Threads, rings, timers, order management; validated here.</param>
    /// <param name="strategy">The strategy (its instrument is the one traded; its <see cref="MarketMakerStrategy.Risk"/> checks every order).</param>
    /// <param name="instrumentId">The instrument's id in the connectors' events.</param>
    /// <param name="marketData">The market data connector (not connected yet).</param>
    /// <param name="orderEntry">The order-entry connector (not connected yet); may be the same object (the simulator).</param>
    /// <param name="persistence">Journal, snapshots and recovery; none when null (nothing survives a restart).</param>
    /// <param name="audit">The audit log every order action is written to; none when null.</param>
    /// <param name="rateLimits">The Security rate limiters for order submit, cancel and modify; none when null.</param>
    /// <param name="clock">The monotonic clock (latency, timers); the strategy's when null. With <see cref="TradingEngineOptions.ClockFollowsEvents"/> it must be the strategy's <see cref="ManualMonotonicClock"/>.</param>
    /// <param name="meterFactory">Creates the meter of <see cref="Metrics"/> (DI); a meter of the engine's own when null.</param>
    /// <param name="loggerFactory">
    /// Where the engine logs its start (what it recovered), its stop (what it left open), failures, trading state changes
    /// and reconnects (category <c>PinnacleMM.Exchange.Engine.TradingEngine</c>, event ids 2001-2012 in the package
    /// README); nothing is logged per event or per order. No logging when null.
    /// </param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">The options or the clock break a rule; the message names every broken field.</exception>
    public TradingEngine(
        TradingEngineOptions options,
        MarketMakerStrategy strategy,
        InstrumentId instrumentId,
        IMarketDataConnector marketData,
        IOrderEntryConnector orderEntry,
        PersistenceManager? persistence = null,
        IAuditLog? audit = null,
        RateLimiterSet? rateLimits = null,
        MonotonicClock? clock = null,
        IMeterFactory? meterFactory = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(marketData);
        ArgumentNullException.ThrowIfNull(orderEntry);
        var errors = new List<string>(options.Validate());
        _clock = clock ?? strategy.Clock;
        if (options.ClockFollowsEvents)
        {
            _eventClock = _clock as ManualMonotonicClock;
            if (_eventClock is null || !ReferenceEquals(_clock, strategy.Clock))
            {
                errors.Add("clock: with ClockFollowsEvents the engine's clock must be the strategy's ManualMonotonicClock.");
            }
        }

        if (instrumentId.Value <= 0)
        {
            errors.Add($"instrumentId: {instrumentId} must be a registered (positive) id.");
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid trading engine options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _strategy = strategy;
        _instrumentId = instrumentId;
        _marketData = marketData;
        _orderEntry = orderEntry;
        _persistenceManager = persistence;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TradingEngine>();
        _gate.Inline = options.Threading == EngineThreading.Inline;
        _executionStage = options.Threading == EngineThreading.Threaded;
        _timerInterval = options.TimerInterval.Ticks * TimeSpan.NanosecondsPerTick;
        _snapshotInterval = options.SnapshotInterval.Ticks * TimeSpan.NanosecondsPerTick;
        _wake = new EngineSignal(options.WaitStrategy);
        _executionWake = new EngineSignal(options.ExecutionWaitStrategy ?? options.WaitStrategy);
        _venueBook = new DepthBook(strategy.Instrument);
        _ownFeedGraceNanoseconds = options.OwnOrderFeedGrace.Ticks * TimeSpan.NanosecondsPerTick;
        _slowCycleNanoseconds = _gate.Inline || _clock is ManualMonotonicClock ? 0 : options.SlowCycleThreshold.Ticks * TimeSpan.NanosecondsPerTick;
        if (audit is not null)
        {
            _auditor = new OrderAuditor(audit, strategy.Instrument, options.AuditActor, orderEntry.Venue);
        }

        if (!_gate.Inline)
        {
            // The consumers wait through the engine's own signals (_wake, _executionWake), never through a ring, so
            // no ring signals: a blocking ring would make every write and every drain pay a memory fence. A ring's
            // strategy only says how its producer waits when it is full (back-pressure, not the normal case).
            _marketRing = new SpscRing<MarketEvent>(options.MarketDataRingCapacity, NonSignalling(options.WaitStrategy), MarketEvent.RingTagOffset);
            _executionRing = new SpscRing<ExecutionEvent>(options.OrderRingCapacity, NonSignalling(options.WaitStrategy));
            if (_executionStage)
            {
                _commandRing = new SpscRing<OutboundCommand>(options.OrderRingCapacity, NonSignalling(options.WaitStrategy));
            }

            _journalRing = new SpscRing<JournalItem>(options.JournalRingCapacity, NonSignalling(options.PersistenceWaitStrategy));
        }

        Orders = new OrderManager(instrumentId, strategy, strategy.Risk, new CommandSink(this), options.Orders, new ActivitySink(this), rateLimits, _clock, orderEntry.SupportsAmend);
        MarketDataSink = new MarketSink(this);
        Metrics = new EngineMetrics(this, meterFactory);
        ExecutionSink = new ExecutionSinkImpl(this);
    }

    /// <summary>The order manager. Read it on the strategy thread, or when the engine is not running.</summary>
    public OrderManager Orders { get; }

    /// <summary>The engine's <see cref="System.Diagnostics.Metrics"/> instruments (meter <see cref="EngineMetrics.MeterName"/>).</summary>
    public EngineMetrics Metrics { get; }

    /// <summary>The strategy run.</summary>
    public MarketMakerStrategy Strategy => _strategy;

    /// <summary>The latest picture for dashboards (published on every timer tick and at stop); safe from any thread.</summary>
    public EngineStatus Status => _status;

    /// <summary>Tick-to-quote latency: from a market event's receipt to the command's hand-over to the order-entry connector.</summary>
    public LatencyHistogram TickToQuote => _tickToQuote;

    /// <summary>
    /// The part of <see cref="TickToQuote"/> whose commands did not overlap a slow turn of the strategy thread
    /// (<see cref="CommandsAfterSlowCycle"/>): the engine's own latency without the machine's pauses, to tell one from
    /// the other. The same as <see cref="TickToQuote"/> where slow turns are not measured (inline, a clock that follows events).
    /// </summary>
    public LatencyHistogram TickToQuoteWithoutSlowCycles => _tickToQuoteWithoutSlowCycles;

    /// <summary>Market events processed by the strategy stage.</summary>
    public long MarketEventsProcessed => Volatile.Read(ref _marketEvents);

    /// <summary>Sequence gaps found in the market data (each pulls the quotes until the next snapshot).</summary>
    public long BookGaps => Volatile.Read(ref _bookGaps);

    /// <summary>
    /// Turns of the strategy thread's loop that took longer than <see cref="TradingEngineOptions.SlowCycleThreshold"/>:
    /// mostly the thread not running (preempted, interrupted, the machine paused). A busy-spinning strategy thread on a
    /// quiet, isolated core has none; each one delays whatever arrives during it. 0 inline and on a clock that follows events.
    /// </summary>
    public long SlowCycles => Volatile.Read(ref _slowCycles);

    /// <summary>The longest turn of the strategy thread's loop so far, in nanoseconds (see <see cref="SlowCycles"/>; only turns over the threshold are kept).</summary>
    public long LongestCycleNanoseconds => Volatile.Read(ref _longestCycle);

    /// <summary>
    /// Commands whose tick-to-quote (<see cref="TickToQuote"/>) overlapped a slow turn of the strategy thread's loop
    /// (<see cref="SlowCycles"/>): the part of the latency tail that the strategy thread's machine caused, not its work.
    /// A slow turn before the decision counts in every threaded layout; the decision's own turn counts when the strategy
    /// thread hands over itself (<see cref="EngineThreading.ThreadedDirectSend"/>). With an execution thread
    /// (<see cref="EngineThreading.Threaded"/>) the time from the decision to that thread's hand-over is not judged.
    /// </summary>
    public long CommandsAfterSlowCycle => Volatile.Read(ref _commandsAfterSlowCycle);

    /// <summary>Whether the engine is running (started and not stopped).</summary>
    public bool IsRunning => Volatile.Read(ref _gate.State) == 1;

    /// <summary>The failure that stopped a stage thread, or null. <see cref="StopAsync"/> rethrows it.</summary>
    public Exception? Fault => _fault;

    /// <summary>The venue's book as the feed shows it, our orders included (the strategy's <see cref="MarketMakerStrategy.Book"/> leaves them out).</summary>
    internal DepthBook VenueBook => _venueBook;

    /// <summary>The market data sink the engine connects with (exposed for connectors wired by hand).</summary>
    internal IMarketDataSink MarketDataSink { get; }

    /// <summary>The execution sink the engine connects with.</summary>
    internal IExecutionSink ExecutionSink { get; }

    /// <summary>Market and execution events whose handling by the strategy stage has finished (tests step a threaded engine with it).</summary>
    internal long EventsHandled => Volatile.Read(ref _eventsHandled);

    /// <summary>Dry runs of the requote path so far that checked at least one action (strategy thread; read for tests).</summary>
    internal long WarmUps => Volatile.Read(ref _warmUps);

    /// <summary>Commands the order manager issued minus those handed over to the order-entry connector: 0 when none is on its way.</summary>
    internal long CommandsInTransit => Volatile.Read(ref _commandsIssued) - Volatile.Read(ref _commandsHandedOver);

    /// <summary>
    /// Recovers, connects, reconciles the recovered orders with the venue, starts the threads (threaded mode) and
    /// subscribes to the instrument.
    /// </summary>
    /// <returns>What was recovered.</returns>
    /// <exception cref="InvalidOperationException">Already started; or the persistence manager takes its own periodic snapshots (set <see cref="PersistenceOptions.SnapshotIntervalMin"/> to 0).</exception>
    /// <exception cref="Persistence.Recovery.RecoveryException">The journal and snapshots do not fit together.</exception>
    public async Task<EngineRecoveryReport> StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _gate.State, 1, 0) != 0)
        {
            throw new InvalidOperationException("StartAsync: the engine was already started (an engine runs once; create a new one to restart).");
        }

        _stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            var report = Recover();
            SkipTradingStateChangesSoFar();

            // Read before any event can move it: our fills since then include those of orders that traded while we were stopped.
            var fillsSince = _lastVenueExecutionTime;
            var now = _clock.NowNanoseconds;
            _nextTimer = now + _timerInterval;
            _nextSnapshot = _snapshotInterval > 0 ? now + _snapshotInterval : long.MaxValue;
            if (!_gate.Inline)
            {
                StartThreads();
            }

            await _orderEntry.ConnectAsync(ExecutionSink, cancellationToken).ConfigureAwait(false);
            var venueOrders = await _orderEntry.GetOpenOrdersAsync(_instrumentId, cancellationToken).ConfigureAwait(false);

            // Only from a recovered venue time: the venue's whole history would hold fills older than the trade ids we remember.
            var venueFills = fillsSince > 0 && _orderEntry.SupportsFillHistory
                ? await _orderEntry.GetFillsAsync(_instrumentId, fillsSince, cancellationToken).ConfigureAwait(false)
                : null;
            var (venue, resent, picture) = await OnStrategyThreadAsync(() => ReconcileAtStart(venueOrders, venueFills)).ConfigureAwait(false);
            await _marketData.ConnectAsync(MarketDataSink, cancellationToken).ConfigureAwait(false);
            await _marketData.SubscribeAsync(_instrumentId, cancellationToken).ConfigureAwait(false);
            report = report with { Venue = venue, StopCancelsResent = resent };
            LogStarted(report, picture);
            return report;
        }
        catch (Exception e)
        {
            ExchangeLog.EngineStartFailed(_logger, _strategy.Instrument.Symbol, _orderEntry.Venue, e);

            // A failed start leaves nothing running and the instrument's persistence closed.
            if (_strategyThread is not null)
            {
                await AbortAsync().ConfigureAwait(false);
            }
            else
            {
                Volatile.Write(ref _gate.State, 3);
                ClosePersistence();
                _stopped.TrySetResult();
            }

            throw;
        }
    }

    /// <summary>
    /// Stops cleanly: stops quoting, cancels every open order and waits for the cancels to be confirmed (up to
    /// <see cref="TradingEngineOptions.StopTimeout"/> on the engine's clock; in inline mode the caller keeps driving the
    /// venue meanwhile, and the stop ends at the latest after <see cref="TradingEngineOptions.StopTimeout"/> of real time),
    /// then takes the final snapshot, flushes the journal and stops the threads. Idempotent. A venue that loses or
    /// refuses the cancels does not make it throw: the orders it leaves open are in <see cref="EngineStatus.Stop"/>.
    /// </summary>
    /// <exception cref="Exception">A stage thread failed: its exception is rethrown here.</exception>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _gate.State, 2, 1) == 1)
        {
            await OnStrategyThreadAsync(BeginStop).ConfigureAwait(false);
            if (_gate.Inline)
            {
                _ = WatchInlineStopTimeoutAsync();
            }
        }

        if (_stopped is not null)
        {
            await _stopped.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_fault is { } fault)
        {
            throw new InvalidOperationException("The trading engine failed: " + fault.Message, fault);
        }
    }

    /// <summary>Stops the engine if it runs (see <see cref="StopAsync"/>) and releases its resources; a failure is not rethrown.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync().ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Kept in Fault; disposal must not throw.
        }

        _wake.Dispose();
        _executionWake.Dispose();
        Metrics.Dispose();
    }

    /// <summary>Pauses quoting (cancelling our quotes) or resumes it, on the strategy thread.</summary>
    public Task SetQuotingAsync(bool enabled) => OnStrategyThreadAsync(() =>
    {
        _strategy.QuotingEnabled = enabled;
        _strategy.Requote();
        Orders.Requote();
        return true;
    });

    /// <summary>
    /// Stops the threads at once without cancelling orders or taking a final snapshot, after a failed start and in
    /// tests. Not a crash: everything the strategy stage handed to the journal, or still held, is written and flushed,
    /// so recovery runs from the last periodic snapshot plus the journal. (A real crash, SIGKILL of the sample host
    /// and of journal writers, is covered by the tests that kill child processes.)
    /// </summary>
    internal async Task AbortAsync()
    {
        if (Interlocked.CompareExchange(ref _gate.State, 2, 1) != 1)
        {
            return;
        }

        await OnStrategyThreadAsync(() =>
        {
            _abort = true;
            _stopRequested = true;
            if (_gate.Inline)
            {
                Finish(takeSnapshot: false);
            }

            return true;
        }).ConfigureAwait(false);
        await _stopped!.Task.ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ recovery

    private EngineRecoveryReport Recover()
    {
        if (_persistenceManager is null)
        {
            return new EngineRecoveryReport();
        }

        if (_persistenceManager.Options.SnapshotIntervalMin != 0)
        {
            throw new InvalidOperationException(
                $"persistence: PersistenceOptions.SnapshotIntervalMin is {_persistenceManager.Options.SnapshotIntervalMin}; it must be 0 for an instrument a TradingEngine trades " +
                "(the engine takes its own snapshots, TradingEngineOptions.SnapshotInterval, so that they match the journal).");
        }

        _sections = new EngineStateSections(_strategy);
        _persistence = _persistenceManager.Open(_strategy.Instrument, new InstrumentPersistenceOptions
        {
            StateProviders = _sections.Providers,
            ApplicationRecords = _sections,
            Clock = _clock,
        });
        _sections.Recovering = false;
        Orders.Tracker.RestoreState(EngineStateSections.CaptureOrders(_sections.Replay));
        _lastVenueExecutionTime = _sections.LastVenueExecutionTime;
        _recoveredStopLeftOpen = _sections.StopLeftOpen;
        var position = _strategy.Position;
        return new EngineRecoveryReport
        {
            Persistence = _persistence.Recovery,
            StrategyStateRestored = _sections.StrategyRestored,
            ActivitiesReplayed = _sections.ActivitiesReplayed,
            RecoveredOpenOrders = Orders.Tracker.GetOpenOrders(),
            Position = position.Position,
            RealizedPnl = position.RealizedPnlAverageCost,
            Fees = position.Fees,
            FillCount = position.FillCount,
        };
    }

    // ------------------------------------------------------------------ the strategy stage (strategy thread, or inline)

    /// <summary>
    /// One market event. The strategy decides once per batch, after the last event of what the ring held when the
    /// strategy thread took it (every event inline): a burst of updates gives one decision on the book after all of
    /// them, not one stale decision per update, each of which would have waited for the commands of the one before.
    /// </summary>
    private void HandleMarket(in MarketEvent e, bool endOfBatch)
    {
        _marketEvents++;
        if (_strategyFailed)
        {
            // Stopping after a failure of the strategy stage: the market no longer reaches the strategy.
            JournalMarket(e);
            Volatile.Write(ref _eventsHandled, _eventsHandled + 1);
            return;
        }

        HandleMarketCore(e);
        JournalMarket(e);
        if (endOfBatch)
        {
            DecidePending();
        }

        Volatile.Write(ref _eventsHandled, _eventsHandled + 1);
    }

    /// <summary>Notes that the strategy's inputs changed; the decision follows at the end of the batch.</summary>
    private void NoteDecisionPending(long trigger, bool bookChanged)
    {
        if (!_bookChangePending && !_requotePending)
        {
            // The first change of the batch: its latency counts from the earliest event that asked for the decision.
            _pendingTrigger = trigger;
        }

        if (bookChanged)
        {
            _bookChangePending = true;
        }
        else
        {
            _requotePending = true;
        }
    }

    /// <summary>The decision the batch's events asked for: the strategy's book update, a requote after a trade.</summary>
    private void DecidePending()
    {
        if (!_bookChangePending && !_requotePending)
        {
            return;
        }

        var trigger = _pendingTrigger;
        var requote = _requotePending && _venueBook.IsSynced;
        var bookChanged = _bookChangePending;
        _bookChangePending = false;
        _requotePending = false;
        if (bookChanged && OnStrategyBookChanged(trigger, requote: false))
        {
            requote = true;
        }

        if (requote)
        {
            Orders.Requote(trigger);
        }
    }

    private void HandleMarketCore(in MarketEvent e)
    {
        if (!e.Instrument.IsNone && e.Instrument != _instrumentId)
        {
            return;
        }

        var venue = _venueBook;
        var updated = false;
        switch (e.Kind)
        {
            case MarketEventKind.Status:
                if (e.ConnectionState != ConnectionState.Synced)
                {
                    venue.MarkOutOfSync();
                    _strategy.Book.MarkOutOfSync();
                    PullQuotes(e.ReceivedNanoseconds);
                }

                OnFeedStatus(e.ConnectionState);
                break;
            case MarketEventKind.SnapshotBegin:
                if (e.Sequence > 0)
                {
                    venue.BeginSnapshot(e.Sequence);
                }
                else
                {
                    venue.BeginSnapshot();
                }

                break;
            case MarketEventKind.SnapshotLevel:
                venue.AddSnapshotLevel(e.Side, e.Price, e.Quantity);
                break;
            case MarketEventKind.SnapshotEnd:
                updated = venue.EndSnapshot() == DepthBookResultCode.Applied && RebuildStrategyBook();
                OnSnapshotApplied();
                break;
            case MarketEventKind.LevelUpdate:
                var before = venue.GetQuantity(e.Side, e.Price).Lots;
                var code = venue.IsSequenced ? venue.SetLevel(e.Sequence, e.Side, e.Price, e.Quantity) : venue.SetLevel(e.Side, e.Price, e.Quantity);
                if (code == DepthBookResultCode.Gap)
                {
                    _bookGaps++;
                    _strategy.Book.MarkOutOfSync();
                    PullQuotes(e.ReceivedNanoseconds);
                    OnBookGap();
                }
                else if (code is DepthBookResultCode.Applied or DepthBookResultCode.NothingToRemove)
                {
                    updated = MirrorLevel(e.Side, e.Price, before, e.ReceivedNanoseconds);
                }

                break;
            case MarketEventKind.Trade:
                if (_strategy.OnTrade(new MarketTrade(e.Price, e.Quantity, e.Side, e.ReceivedNanoseconds)))
                {
                    NoteDecisionPending(e.ReceivedNanoseconds, bookChanged: false);
                }

                break;
        }

        if (updated)
        {
            NoteDecisionPending(e.ReceivedNanoseconds, bookChanged: true);
        }
    }

    /// <summary>The strategy's book changed: resumes quoting after a pull, asks the strategy, and requotes when it decided again (unless <paramref name="requote"/> is false).</summary>
    /// <returns>Whether the strategy decided again.</returns>
    private bool OnStrategyBookChanged(long trigger, bool requote = true)
    {
        if (!_venueBook.IsSynced || _venueBook.IsBuildingSnapshot)
        {
            return false;
        }

        if (_pulled && !_stopRequested)
        {
            _pulled = false;
            _strategy.QuotingEnabled = true;
        }

        if (!_strategy.OnBookUpdated())
        {
            return false;
        }

        if (requote)
        {
            Orders.Requote(trigger);
        }

        return true;
    }

    /// <summary>
    /// The strategy sees the market without our own resting orders (their size is taken out of each level), so
    /// that it does not quote against itself: otherwise every move of our own quote moves the mid it quotes around.
    /// Our part of a level follows the feed's own updates (<see cref="OwnFeedShares"/>), never our order events
    /// alone: the feed and the answers race each other.
    /// </summary>
    private bool MirrorLevel(Side side, Price price, long venueLotsBefore, long now)
    {
        var venueLots = _venueBook.GetQuantity(side, price).Lots;
        var ours = _ownShares.OnFeedChange(side, price.Ticks, venueLotsBefore, venueLots, now);
        return SetStrategyLevel(side, price, venueLots - ours);
    }

    private bool CheckOwnShare(Side side, Price price, long now)
    {
        var venueLots = _venueBook.GetQuantity(side, price).Lots;
        return _ownShares.Check(side, price.Ticks, venueLots, Orders.Tracker.RestingTargetLotsAt(side, price), now, _ownFeedGraceNanoseconds)
            && SetStrategyLevel(side, price, venueLots - _ownShares.ShownAt(side, price.Ticks));
    }

    /// <summary>What a command will add to or take from the venue's levels, noted before any answer to it or any echo of it in the feed is applied (see <see cref="CommandSink"/>).</summary>
    private void OnCommandSent(in OrderCommand command, long now)
    {
        TrackedOrder order = default;
        if (command.Kind == OrderCommandKind.Place || Orders.Tracker.TryGet(command.ClientOrderId, out order))
        {
            _ownShares.OnSent(command, order, now);
        }
    }

    private bool SetStrategyLevel(Side side, Price price, long others)
    {
        var book = _strategy.Book;
        if (book.GetQuantity(side, price).Lots == others)
        {
            return false;
        }

        return book.SetLevel(side, price, new Quantity(others)) is DepthBookResultCode.Applied;
    }

    private bool RebuildStrategyBook()
    {
        var book = _strategy.Book;
        var now = _clock.NowNanoseconds;
        _ownShares.Clear();
        book.BeginSnapshot();
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            var needed = side == Side.Buy ? _venueBook.BidLevelCount : _venueBook.AskLevelCount;
            if (needed > _levels.Length)
            {
                _levels = new DepthLevel[needed * 2];
            }

            var count = _venueBook.GetDepth(side, _levels);
            for (var i = 0; i < count; i++)
            {
                var level = _levels[i];
                var ours = _ownShares.OnSnapshotLevel(side, level.Price.Ticks, level.Quantity.Lots, Orders.Tracker.RestingTargetLotsAt(side, level.Price), now);
                book.AddSnapshotLevel(side, level.Price, new Quantity(level.Quantity.Lots - ours));
            }
        }

        return book.EndSnapshot() == DepthBookResultCode.Applied;
    }

    /// <summary>
    /// Levels whose feed never showed one of our changes on its own (see <see cref="TradingEngineOptions.OwnOrderFeedGrace"/>),
    /// and levels whose share has differed from our orders there for that long: our part of them is set to what our
    /// orders there are. Runs on the timer, off the tick-to-quote path.
    /// </summary>
    private void SettleOwnShares(long now)
    {
        if (!_venueBook.IsSynced || _venueBook.IsBuildingSnapshot)
        {
            return;
        }

        // The levels we keep a share for, and those where our orders rest (see OwnFeedShares.Check).
        var changed = false;
        for (var i = _ownShares.Count - 1; i >= 0; i--)
        {
            var (side, ticks) = _ownShares.LevelAt(i);
            changed |= CheckOwnShare(side, new Price(ticks), now);
        }

        if (Orders.Tracker.OpenCount > _ownCheckOrders.Length)
        {
            _ownCheckOrders = new LiveOrder[Orders.Tracker.OpenCount * 2];
        }

        var live = Orders.Tracker.CopyLiveOrders(_ownCheckOrders, includeManual: true);
        for (var i = 0; i < live; i++)
        {
            changed |= CheckOwnShare(_ownCheckOrders[i].Side, _ownCheckOrders[i].Price, now);
        }

        if (changed)
        {
            OnStrategyBookChanged(0);
        }
    }

    private void HandleExecution(in ExecutionEvent e)
    {
        // The order's confirmed price before the event: an amend or a close changes what we show at it.
        var known = Orders.Tracker.TryGet(e.ClientOrderId, out var before);
        Orders.OnExecutionEvent(e);
        ObserveExecution(e);
        if (_venueBook.IsSynced && !_venueBook.IsBuildingSnapshot && e.Kind != ExecutionEventKind.ConnectionChanged)
        {
            // What our orders will add or take away changed; the strategy's book changes only when the feed shows
            // it (or the grace period ends).
            if (known && _ownShares.OnAnswer(e, before, _clock.NowNanoseconds))
            {
                // The feed had already shown the fill: our part of the level is smaller now.
                var venueLots = _venueBook.GetQuantity(before.Side, before.Price).Lots;
                if (SetStrategyLevel(before.Side, before.Price, venueLots - _ownShares.ShownAt(before.Side, before.Price.Ticks)))
                {
                    OnStrategyBookChanged(e.ReceivedNanoseconds);
                }
            }
        }

        Volatile.Write(ref _eventsHandled, _eventsHandled + 1);
    }

    private void RunTimer(long now)
    {
        _nextTimer = now + _timerInterval;
        if (!_strategyFailed && _strategy.OnTimer() && _venueBook.IsSynced)
        {
            Orders.Requote();
        }

        if (_stopRequested)
        {
            // Unanswered cancels of a stop (and manual orders) are sent again.
            Orders.CancelAll();
        }

        Orders.CheckTimeouts();
        SettleOwnShares(now);
        RunResilienceTimer(now);
        if (now >= _nextSnapshot && !_stopRequested)
        {
            _nextSnapshot = now + _snapshotInterval;
            RequestPersistence(JournalItemKind.Snapshot);
        }

        PublishStatus(now);
    }

    private void PullQuotes(long trigger)
    {
        if (_strategy.QuotingEnabled)
        {
            _pulled = true;
            _strategy.QuotingEnabled = false;
        }

        _strategy.Requote();
        Orders.Requote(trigger);
    }

    private bool BeginStop()
    {
        if (_stopBegun)
        {
            // Once: a failure during the stop, or StopAsync after one, must not push its deadline back.
            return true;
        }

        _stopRequested = true;
        _stopBegun = true;

        // A clock that follows events reads the time of the last event, which may be long before the venue's now (a
        // quiet market, or none yet since the start): the timeout then counts from the first event after the stop.
        _stopDeadline = _eventClock is null ? _clock.NowNanoseconds + StopTimeoutNanoseconds : long.MaxValue;
        _strategy.QuotingEnabled = false;
        if (!_strategyFailed)
        {
            _strategy.Requote();
            Orders.Requote();
        }

        Orders.CancelAll();
        if (_gate.Inline && Orders.Tracker.OpenCount == 0)
        {
            Finish(takeSnapshot: true);
        }

        return true;
    }

    private PersistenceRequest? RequestPersistence(JournalItemKind kind)
    {
        if (_persistence is null)
        {
            return null;
        }

        var request = kind == JournalItemKind.Snapshot
            ? new PersistenceRequest(EngineStateSections.CaptureStrategy(_strategy), EngineStateSections.CaptureOrders(Orders.Tracker), EngineStateSections.CaptureVenue(_lastVenueExecutionTime, _stopLeftOpen))
            : new PersistenceRequest(null, null, null);
        Journal(new JournalItem(kind, default, default, request));

        // Whoever waits for the request must not wait for the strategy stage to run out of input.
        HandJournalOver();
        return request;
    }

    /// <summary>
    /// The end of the strategy stage: the orders still open are reported (<see cref="EngineStatus.Stop"/>) and kept open
    /// in the final snapshot, which is taken and flushed (unless aborting); then the other stages end.
    /// </summary>
    private void Finish(bool takeSnapshot)
    {
        if (Volatile.Read(ref _gate.State) == 3)
        {
            return;
        }

        var leftOpen = Orders.Tracker.GetOpenOrders();
        _stopReport = new EngineStopReport { OrdersLeftOpen = leftOpen, TimedOut = _stopBegun && !_abort && leftOpen.Count > 0 };
        if (leftOpen.Count > 0 && !_abort)
        {
            _stopLeftOpen = leftOpen.Select(o => o.ClientOrderId.Value).ToArray();
            WarnLeftOpen(_stopReport);
        }

        if (!_abort)
        {
            // Changes of the trading state since the last publication come before the stop in the log, as they happened.
            LogTradingStateChanges();
            var position = _strategy.Position;
            var fault = _fault;
            ExchangeLog.EngineStopped(_logger, _stopReport.IsClean && fault is null ? LogLevel.Information : LogLevel.Warning, _strategy.Instrument.Symbol, _orderEntry.Venue,
                fault is null ? "asked to stop" : $"after a failure: {fault.GetType().Name}: {fault.Message}",
                _stopReport, position.Position, position.RealizedPnlAverageCost, position.Fees, position.FillCount);
        }

        if (takeSnapshot)
        {
            RequestPersistence(JournalItemKind.Snapshot);
        }

        RequestPersistence(JournalItemKind.Flush);
        PublishStatus(_clock.NowNanoseconds);
        Volatile.Write(ref _gate.State, 3);

        // Without persistence nothing above handed the held items over (the audit log still wants the activities).
        HandJournalOver();
        if (_gate.Inline)
        {
            ClosePersistence();
            _stopped!.TrySetResult();
        }
        else
        {
            CompleteCommands();
            _journalRing!.Complete();
        }
    }

    private void WarnLeftOpen(EngineStopReport report)
    {
        var invariant = CultureInfo.InvariantCulture;
        Warn(string.Create(invariant, $"stop: {report.OrdersLeftOpen.Count} orders were still open when the stop ended after {_options.StopTimeout.TotalSeconds:0.###} s ({report.PendingCancelCount} waiting for the answer to a cancel): ")
            + string.Join(", ", report.OrdersLeftOpen.Select(o => string.Create(invariant, $"#{o.ClientOrderId.Value} {o.Side} {_strategy.Instrument.Format(o.LeavesQuantity)} at {_strategy.Instrument.Format(o.Price)} ({o.State})")))
            + $"; they may still rest, and trade, at {_orderEntry.Venue}. The final snapshot keeps them open: the next start asks the venue about them and cancels those it still has.");
    }

    /// <summary>
    /// Inline, after each event: ends a stop once every order is closed or, on the engine's clock, the stop timeout has
    /// passed. In virtual time the events move that clock, so a stop the venue does not answer ends at the same point
    /// of every run of a seed (<see cref="WatchInlineStopTimeoutAsync"/> is only the net for a venue that went silent).
    /// </summary>
    private void FinishInlineStopWhenDone()
    {
        if (_stopRequested && !_abort && (Orders.Tracker.OpenCount == 0 || (_stopBegun && _clock.NowNanoseconds >= _stopDeadline)))
        {
            Finish(takeSnapshot: true);
        }
    }

    private async Task WatchInlineStopTimeoutAsync()
    {
        await Task.Delay(_options.StopTimeout).ConfigureAwait(false);
        lock (_inlineGate)
        {
            try
            {
                Finish(takeSnapshot: true);
            }
            catch (Exception e)
            {
                // Nobody awaits this task: the failure goes to Fault (StopAsync rethrows it), and the stop must still end.
                Fail(e);
                Volatile.Write(ref _gate.State, 3);
                try
                {
                    ClosePersistence();
                }
                finally
                {
                    _stopped!.TrySetResult();
                }
            }
        }
    }

    private void PublishStatus(long now)
    {
        LogTradingStateChanges();
        var position = _strategy.Position;
        var book = _venueBook;
        var instrument = _strategy.Instrument;
        var hasBid = book.TryGetBestBid(out var bid, out _);
        var hasAsk = book.TryGetBestAsk(out var ask, out _);
        var unrealized = hasBid && hasAsk ? position.UnrealizedPnlAverageCost((bid.Ticks + ask.Ticks) / 2m) : 0m;
        _status = new EngineStatus
        {
            TimestampNanoseconds = now,
            BestBid = hasBid ? instrument.ToDecimal(bid) : null,
            BestAsk = hasAsk ? instrument.ToDecimal(ask) : null,
            BookSynced = book.IsSynced,
            OpenOrders = Orders.Tracker.GetOpenOrders(),
            Stop = _stopReport,
            Position = position.Position,
            RealizedPnl = position.RealizedPnlAverageCost,
            UnrealizedPnl = unrealized,
            Fees = position.Fees,
            FillCount = position.FillCount,
            Volume = instrument.ToDecimal(position.TradedQuantity),
            TradingState = _strategy.State,
            TradingStateReason = _strategy.Risk.StateReason,
            TickToQuote = _tickToQuote.GetPercentiles(),
            SlowCycles = SlowCycles,
            CommandsAfterSlowCycle = CommandsAfterSlowCycle,
            MarketEvents = _marketEvents,
            OrdersSent = Orders.PlacesSent + Orders.CancelsSent + Orders.AmendsSent,
            Refusals = Orders.RefusalCount(OrderRefusalReason.Risk) + Orders.RefusalCount(OrderRefusalReason.InvalidPrice) + Orders.RefusalCount(OrderRefusalReason.InvalidQuantity)
                + Orders.RefusalCount(OrderRefusalReason.RateLimited) + Orders.RefusalCount(OrderRefusalReason.NotConnected),
            Resilience = CaptureResilience(),
        };
    }

    private long StopTimeoutNanoseconds => _options.StopTimeout.Ticks * TimeSpan.NanosecondsPerTick;

    /// <summary>Inline mode: moves the event clock and runs the timer when it is due, before an event is handled.</summary>
    private void BeforeInlineEvent(long receivedNanoseconds)
    {
        if (_eventClock is not null)
        {
            if (receivedNanoseconds > _eventClock.NowNanoseconds)
            {
                _eventClock.Set(receivedNanoseconds);
            }

            if (_stopDeadline == long.MaxValue)
            {
                _stopDeadline = _eventClock.NowNanoseconds + StopTimeoutNanoseconds;
            }
        }

        DrainControl();
        var now = _clock.NowNanoseconds;
        if (now >= _nextTimer && Volatile.Read(ref _gate.State) is 1 or 2)
        {
            RunTimer(now);
        }
    }

    // ------------------------------------------------------------------ threads

    /// <summary>Strategy thread: a turn of its loop took <paramref name="length"/> nanoseconds, over the threshold.</summary>
    private void NoteSlowCycle(long length, long end)
    {
        Volatile.Write(ref _slowCycles, _slowCycles + 1);
        Volatile.Write(ref _slowCycleEnd, end);
        if (length > _longestCycle)
        {
            Volatile.Write(ref _longestCycle, length);
        }
    }

    private void StartThreads()
    {
        _persistenceThread = new Thread(PersistenceLoop) { IsBackground = true, Name = "PinnacleMM persistence" };
        _strategyThread = new Thread(StrategyLoop) { IsBackground = true, Name = "PinnacleMM strategy" };
        _persistenceThread.Start();
        if (_executionStage)
        {
            _executionThread = new Thread(ExecutionLoop) { IsBackground = true, Name = "PinnacleMM execution" };
            _executionThread.Start();
        }

        _strategyThread.Start();
    }

    private void StrategyLoop()
    {
        var turns = new StrategyTurns(this);
        try
        {
            if (_options.StrategyThreadCpu is { } cpu)
            {
                ThreadAffinity.PinCurrentThread(cpu);
            }

            // A failure while handling (a strategy that throws, a send that fails) stops the engine, and the loop goes on
            // with the stop: the cancels' answers must still be applied. Only a failure of the stop itself ends it here.
            while (!RunStrategyTurns(ref turns))
            {
            }
        }
        catch (Exception e)
        {
            Fail(e);
            CompleteCommands();
            try
            {
                HandJournalOver();
            }
            finally
            {
                _journalRing!.Complete();
            }
        }
    }

    /// <summary>The strategy thread's loop state, kept across a failure that the loop survives.</summary>
    private struct StrategyTurns(TradingEngine engine)
    {
        public MarketHandler Market = new(engine);
        public ExecutionHandler Executions = new(engine);
        public int Idle;
        public long NextWarmUp;
    }

    /// <summary>
    /// The strategy thread's turns until the stage finishes (true), or until a failure while the engine runs or stops
    /// (false: the failure has stopped the engine, see <see cref="StrategyStageFailed"/>, and the caller goes on).
    /// </summary>
    private bool RunStrategyTurns(ref StrategyTurns turns)
    {
        Func<bool> hasWork = () => _marketRing!.Count > 0 || _executionRing!.Count > 0 || !_control.IsEmpty;
        var warmUpEvery = _options.WaitStrategy == WaitStrategy.BusySpin ? (long)_options.WarmUpInterval.TotalNanoseconds : 0;

        // A turn is timed from its start (_cycleStart) to the next one's. Waiting strategies give their idle turns away
        // on purpose, so a turn that waited is not timed.
        var timeIdleTurns = _options.WaitStrategy == WaitStrategy.BusySpin;
        try
        {
            while (true)
            {
                var now = _clock.NowNanoseconds;
                if (_slowCycleNanoseconds > 0)
                {
                    if (_cycleStart > 0 && now - _cycleStart > _slowCycleNanoseconds)
                    {
                        NoteSlowCycle(now - _cycleStart, now);
                    }

                    _cycleStart = now;
                }

                var work = _executionRing!.Drain(ref turns.Executions, 256);
                work += _marketRing!.Drain(ref turns.Market, MarketBatchSize);
                work += DrainControl();
                if (now >= _nextTimer)
                {
                    RunTimer(now);
                }

                if (_stopRequested && (_abort || Orders.Tracker.OpenCount == 0 || now >= _stopDeadline))
                {
                    Finish(takeSnapshot: !_abort);
                    return true;
                }

                if (work > 0)
                {
                    turns.Idle = 0;
                }
                else
                {
                    if (_heldCount + _heldMarketCount > 0)
                    {
                        HandJournalOver();
                    }

                    if (warmUpEvery > 0 && now >= turns.NextWarmUp && !_stopRequested)
                    {
                        _warmUps += Orders.WarmUp() > 0 ? 1 : 0;
                        turns.NextWarmUp = now + warmUpEvery;
                    }

                    _wake.Idle(ref turns.Idle, hasWork, TimeSpan.FromTicks(Math.Max(1, (_nextTimer - now) / TimeSpan.NanosecondsPerTick)));
                    if (!timeIdleTurns)
                    {
                        _cycleStart = 0;
                    }
                }
            }
        }
        catch (Exception e) when (Volatile.Read(ref _gate.State) != 3 && e is not OutOfMemoryException)
        {
            StrategyStageFailed(e);
            return false;
        }
    }

    private void ExecutionLoop()
    {
        var ring = _commandRing!;
        var idle = 0;
        Func<bool> hasWork = () => ring.Count > 0 || ring.IsCompleted;
        try
        {
            while (true)
            {
                if (ring.TryRead(out var outbound))
                {
                    idle = 0;

                    // This thread exists to wait for the venue: a send that does not complete at once is waited for
                    // here, so the commands reach the connector one after the other, in order.
                    var pending = HandOver(outbound);
                    if (!pending.IsCompletedSuccessfully)
                    {
                        pending.AsTask().GetAwaiter().GetResult();
                    }

                    continue;
                }

                // Complete() is published after the last command, so one more look after seeing it finds them all.
                if (ring.IsCompleted && ring.Count == 0)
                {
                    break;
                }

                _executionWake.Idle(ref idle, hasWork, ExecutionIdleLimit);
            }
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    /// <summary>The end of the command stream (strategy thread): the execution thread sends what is left and ends.</summary>
    private void CompleteCommands()
    {
        if (_commandRing is null)
        {
            return;
        }

        _commandRing.Complete();
        _executionWake.WakeNow();
    }

    private static WaitStrategy NonSignalling(WaitStrategy strategy) => strategy == WaitStrategy.Blocking ? WaitStrategy.Yielding : strategy;

    private void PersistenceLoop()
    {
        var ring = _journalRing!;
        var handler = new JournalHandler(this);
        try
        {
            if (_options.PersistenceWaitStrategy == WaitStrategy.Blocking)
            {
                // Polls with a short sleep instead of being signalled: producers on the latency path then never
                // pay for a wake-up; journaling is at most a millisecond behind.
                while (true)
                {
                    if (ring.Drain(ref handler, 1024) > 0)
                    {
                        continue;
                    }

                    if (ring.IsCompleted && ring.Count == 0)
                    {
                        break;
                    }

                    Thread.Sleep(1);
                }
            }
            else
            {
                while (ring.Read(out var item))
                {
                    Persist(item);
                }
            }
        }
        catch (Exception e)
        {
            Fail(e);

            // Keep draining (and dropping) so that the strategy thread never blocks on a full journal ring.
            while (ring.Read(out _))
            {
            }
        }
        finally
        {
            // Both other stages have ended once the journal ring is completed and drained (the strategy thread
            // completes it last); wait for the execution thread so no command is still being sent.
            _executionThread?.Join();
            ClosePersistence();
            _stopped?.TrySetResult();
        }
    }

    /// <summary>
    /// Hands one command to the order-entry connector and records its tick-to-quote. Called by one thread at a time:
    /// the execution thread, or (direct sending) the strategy stage and the deferred-send loop, which take turns
    /// through <see cref="_sendBacklog"/>.
    /// </summary>
    private ValueTask HandOver(in OutboundCommand outbound)
    {
        var command = outbound.Command;
        return HandOver(new ReadOnlySpan<OrderCommand>(in command), outbound.TriggerNanoseconds, turnStart: 0);
    }

    /// <summary>Hands the commands of one decision to the connector at once (one command: <see cref="IOrderEntryConnector.SendAsync"/>), as <see cref="HandOver(in OutboundCommand)"/>.</summary>
    /// <param name="commands">The commands.</param>
    /// <param name="triggerNanoseconds">When the input that led to them was received; 0 when none.</param>
    /// <param name="turnStart">The start of the strategy loop's current turn when the strategy thread hands over itself; 0 otherwise.</param>
    private ValueTask HandOver(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds, long turnStart)
    {
        // The hand-over time is read before the call and recorded after it: the histogram and any metrics listener
        // then delay neither this command nor the next one.
        var handedOver = triggerNanoseconds > 0 ? _clock.NowNanoseconds : 0;
        ValueTask pending;
        try
        {
            pending = commands.Length == 1 ? _orderEntry.SendAsync(commands[0]) : _orderEntry.SendBatchAsync(commands);
        }
        finally
        {
            Volatile.Write(ref _commandsHandedOver, _commandsHandedOver + commands.Length);
        }

        if (handedOver > 0)
        {
            var latency = handedOver - triggerNanoseconds;
            var afterSlowCycle = _slowCycleNanoseconds > 0 && (triggerNanoseconds < Volatile.Read(ref _slowCycleEnd) || (turnStart > 0 && handedOver - turnStart > _slowCycleNanoseconds));
            if (afterSlowCycle)
            {
                Volatile.Write(ref _commandsAfterSlowCycle, _commandsAfterSlowCycle + commands.Length);
            }

            for (var i = 0; i < commands.Length; i++)
            {
                _tickToQuote.Record(latency);
                if (!afterSlowCycle)
                {
                    _tickToQuoteWithoutSlowCycles.Record(latency);
                }

                Metrics.RecordTickToQuote(latency);
            }
        }

        return pending;
    }

    /// <summary>
    /// Direct sending (<see cref="EngineThreading.ThreadedDirectSend"/>, <see cref="EngineThreading.Inline"/>): the
    /// strategy stage hands the command over itself. The hot path is one call that completes synchronously. A send
    /// that does not is never waited for here: it is watched by <see cref="SendDeferredAsync"/>, and the commands
    /// issued meanwhile queue behind it and go out in order as the sends before them complete (allocation only on
    /// this slow path). A send that throws or faults goes to <see cref="Fail"/>, and sending goes on (the stop that
    /// follows still tries to cancel).
    /// </summary>
    private void SendDirect(in OutboundCommand outbound)
    {
        var next = outbound;
        if (Volatile.Read(ref _sendBacklog) != 0)
        {
            // Queued first and counted after, so that the loop finds it whenever it sees the count.
            _deferredSends.Enqueue(next);
            if (Interlocked.Increment(ref _sendBacklog) != 1)
            {
                return;
            }

            // The loop emptied the queue and ended in between: the queue holds only this command, and sending is ours.
            _deferredSends.TryDequeue(out next);
            Interlocked.Decrement(ref _sendBacklog);
        }

        var command = next.Command;
        StartHandOver(new ReadOnlySpan<OrderCommand>(in command), next.TriggerNanoseconds);
    }

    /// <summary>
    /// Direct sending of the commands of one decision: one hand-over for all of them (<see cref="IOrderEntryConnector.SendBatchAsync"/>).
    /// Behind a send still in flight they queue one by one, as <see cref="SendDirect(in OutboundCommand)"/> queues a single command.
    /// </summary>
    private void SendDirect(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds)
    {
        if (Volatile.Read(ref _sendBacklog) != 0)
        {
            foreach (ref readonly var command in commands)
            {
                SendDirect(new OutboundCommand(command, triggerNanoseconds));
            }

            return;
        }

        StartHandOver(commands, triggerNanoseconds);
    }

    /// <summary>Direct sending with nothing in flight: hands the commands over; a send that does not complete at once is watched by <see cref="SendDeferredAsync"/>.</summary>
    private void StartHandOver(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds)
    {
        ValueTask pending;
        try
        {
            pending = HandOver(commands, triggerNanoseconds, _cycleStart);
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }

        if (pending.IsCompletedSuccessfully)
        {
            return;
        }

        Interlocked.Increment(ref _sendBacklog);
        _ = SendDeferredAsync(pending);
    }

    /// <summary>Waits for a send in flight, then sends the commands queued behind it one by one; ends when none is left.</summary>
    private async Task SendDeferredAsync(ValueTask pending)
    {
        while (true)
        {
            try
            {
                await pending.ConfigureAwait(false);
            }
            catch (Exception e)
            {
                Fail(e);
            }

            if (Interlocked.Decrement(ref _sendBacklog) == 0)
            {
                return;
            }

            // Present: a command is queued before it is counted.
            _deferredSends.TryDequeue(out var next);
            try
            {
                pending = HandOver(next);
            }
            catch (Exception e)
            {
                Fail(e);
                pending = default;
            }
        }
    }

    private void Persist(in JournalItem item)
    {
        switch (item.Kind)
        {
            case JournalItemKind.Market:
                if (_persistence is not null && _options.JournalMarketData)
                {
                    var length = EngineRecordCodec.EncodeMarketEvent(item.Market, _encodeBuffer);
                    _persistence.AppendApplication(EngineRecordTypes.MarketEvent, item.Market.ReceivedNanoseconds, _encodeBuffer.AsSpan(0, length));
                }

                break;
            case JournalItemKind.Activity:
                if (_persistence is not null)
                {
                    var length = EngineRecordCodec.EncodeActivity(item.Activity, _encodeBuffer);
                    _persistence.AppendApplication(EngineRecordCodec.RecordType(item.Activity.Kind), item.Activity.TimestampNanoseconds, _encodeBuffer.AsSpan(0, length));
                }

                _auditor?.OnActivity(item.Activity);
                break;
            case JournalItemKind.Snapshot:
                _sections!.Pending = item.Request;
                try
                {
                    _persistence!.TakeSnapshot();
                }
                finally
                {
                    _sections.Pending = null;
                }

                item.Request!.Completion.TrySetResult();
                break;
            default:
                _persistence!.Flush();
                item.Request!.Completion.TrySetResult();
                break;
        }
    }

    private void ClosePersistence()
    {
        var persistence = Interlocked.Exchange(ref _persistence, null);
        persistence?.Dispose();
    }

    /// <summary>
    /// Journals an item: held, in order, until the strategy stage runs out of input (<see cref="HandJournalOver"/>).
    /// Writing an item to the journal ring touches several cache lines that the persistence thread reads (inline:
    /// encoding and appending it), which would otherwise delay the next market event of a burst.
    /// </summary>
    private void Journal(in JournalItem item)
    {
        if (_heldCount == _held.Length)
        {
            HandJournalOver();
        }

        _heldAfterMarket[_heldCount] = _heldMarketCount;
        _held[_heldCount++] = item;
    }

    /// <summary>Journals a market event, as <see cref="Journal"/>, held as the 64-byte event it is.</summary>
    private void JournalMarket(in MarketEvent marketEvent)
    {
        if (_heldMarketCount == _heldMarket.Length)
        {
            HandJournalOver();
        }

        _heldMarket[_heldMarketCount++] = marketEvent;
    }

    /// <summary>
    /// Hands the held journal items over, in order: to the journal ring (threaded: when the strategy thread is idle),
    /// or to persistence at once (inline: at the end of each event). Also at once for a snapshot or flush request.
    /// </summary>
    private void HandJournalOver()
    {
        var count = _heldCount;
        var markets = _heldMarketCount;
        _heldCount = 0;
        _heldMarketCount = 0;
        try
        {
            var market = 0;
            for (var i = 0; i <= count; i++)
            {
                var marketsBefore = i < count ? _heldAfterMarket[i] : markets;
                for (; market < marketsBefore; market++)
                {
                    PassOn(JournalItem.ForMarket(_heldMarket[market]));
                }

                if (i < count)
                {
                    PassOn(_held[i]);
                }
            }
        }
        finally
        {
            // Drops the references to persistence requests.
            _held.AsSpan(0, count).Clear();
        }
    }

    /// <summary>One held journal item to the journal ring (threaded) or to persistence (inline), in turn.</summary>
    private void PassOn(in JournalItem item)
    {
        if (!_gate.Inline)
        {
            _journalRing!.Write(item);
            return;
        }

        try
        {
            Persist(item);
        }
        catch (IOException e)
        {
            _journalFailures++;
            Fail(e);
        }
    }

    private int DrainControl()
    {
        var count = 0;
        while (_control.TryDequeue(out var action))
        {
            action();
            count++;
        }

        return count;
    }

    internal Task<T> OnStrategyThreadAsync<T>(Func<T> action)
    {
        if (_gate.Inline)
        {
            lock (_inlineGate)
            {
                // An action called from inside other handling (a strategy callback, a connector) runs at once, as
                // before; only the outermost handling applies what was held meanwhile.
                var outermost = !_inlineBusy;
                _inlineBusy = true;
                try
                {
                    return Task.FromResult(action());
                }
                finally
                {
                    try
                    {
                        HandJournalOver();
                        if (outermost)
                        {
                            HandleHeldInline();
                        }
                    }
                    finally
                    {
                        _inlineBusy = !outermost;
                    }
                }
            }
        }

        var completion = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _control.Enqueue(() =>
        {
            try
            {
                completion.TrySetResult(action());
            }
            catch (Exception e)
            {
                completion.TrySetException(e);
            }
        });
        _wake.WakeNow();
        return completion.Task;
    }

    /// <summary>
    /// Strategy stage (its thread, or inline under the gate): handling an event, a timer tick or a control action threw
    /// (typically the strategy's own code). The engine fails (<see cref="Fault"/>, logged once) and stops without calling
    /// the strategy again: quoting off, every open order cancelled, the answers still applied, then the usual end
    /// (stop report, final snapshot, flush). <see cref="StopAsync"/> rethrows the failure.
    /// </summary>
    private void StrategyStageFailed(Exception e)
    {
        _strategyFailed = true;
        Fail(e);
        BeginStop();
    }

    private void Fail(Exception e)
    {
        // The first failure stops the engine; later ones are usually its consequences (a dead connection fails every
        // cancel of the stop) and must not start the stop again, which would push its deadline back each time.
        if (Interlocked.CompareExchange(ref _fault, e, null) is not null)
        {
            return;
        }

        ExchangeLog.EngineFailed(_logger, _strategy.Instrument.Symbol, e);

        if (_gate.Inline)
        {
            _stopRequested = true;
            return;
        }

        // Stop as cleanly as still possible: quotes pulled and orders cancelled by the strategy thread.
        _control.Enqueue(() => BeginStop());
        _wake.WakeNow();
    }

    // ------------------------------------------------------------------ sinks

    /// <summary>Inline, under the gate: one market event, handled as the threaded strategy stage would, journal included.</summary>
    private void HandleInline(in MarketEvent marketEvent)
    {
        if (Volatile.Read(ref _gate.State) is 1 or 2)
        {
            BeforeInlineEvent(marketEvent.ReceivedNanoseconds);
            try
            {
                HandleMarket(marketEvent, endOfBatch: true);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The venue delivering the event is not the one to hear of the strategy's failure: the engine is.
                StrategyStageFailed(e);
            }

            FinishInlineStopWhenDone();
            HandJournalOver();
        }
    }

    /// <summary>Inline, under the gate: one execution event, as <see cref="HandleInline(in MarketEvent)"/>.</summary>
    private void HandleInline(in ExecutionEvent executionEvent)
    {
        if (Volatile.Read(ref _gate.State) is 1 or 2)
        {
            BeforeInlineEvent(executionEvent.ReceivedNanoseconds);
            try
            {
                HandleExecution(executionEvent);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                StrategyStageFailed(e);
            }

            FinishInlineStopWhenDone();
            HandJournalOver();
        }
    }

    /// <summary>Inline, under the gate, by the outermost handling: the deliveries held during it, in order (including those they lead to).</summary>
    private void HandleHeldInline()
    {
        while (_inlineHeld.TryDequeue(out var held))
        {
            if (held.IsExecution)
            {
                HandleInline(held.Execution);
            }
            else
            {
                HandleInline(held.Market);
            }
        }
    }

    /// <summary>A delivery held while inline handling was busy (see <see cref="_inlineHeld"/>).</summary>
    private readonly struct HeldDelivery
    {
        public HeldDelivery(in MarketEvent market) => Market = market;

        public HeldDelivery(in ExecutionEvent execution)
        {
            Execution = execution;
            IsExecution = true;
        }

        public MarketEvent Market { get; }

        public ExecutionEvent Execution { get; }

        public bool IsExecution { get; }
    }

    private sealed class MarketSink(TradingEngine engine) : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            if (engine._gate.Inline)
            {
                lock (engine._inlineGate)
                {
                    if (engine._inlineBusy)
                    {
                        engine._inlineHeld.Enqueue(new HeldDelivery(marketEvent));
                        return;
                    }

                    engine._inlineBusy = true;
                    try
                    {
                        engine.HandleInline(marketEvent);
                        engine.HandleHeldInline();
                    }
                    finally
                    {
                        engine._inlineBusy = false;
                    }
                }

                return;
            }

            if (Volatile.Read(ref engine._gate.State) is 1 or 2)
            {
                engine._marketRing!.Write(marketEvent);
                engine._wake.Signal();
            }
        }
    }

    private sealed class ExecutionSinkImpl(TradingEngine engine) : IExecutionSink
    {
        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
            if (engine._gate.Inline)
            {
                lock (engine._inlineGate)
                {
                    if (engine._inlineBusy)
                    {
                        engine._inlineHeld.Enqueue(new HeldDelivery(executionEvent));
                        return;
                    }

                    engine._inlineBusy = true;
                    try
                    {
                        engine.HandleInline(executionEvent);
                        engine.HandleHeldInline();
                    }
                    finally
                    {
                        engine._inlineBusy = false;
                    }
                }

                return;
            }

            if (Volatile.Read(ref engine._gate.State) is 1 or 2)
            {
                engine._executionRing!.Write(executionEvent);
                engine._wake.Signal();
            }
        }
    }

    /// <remarks>
    /// What a command will do to the venue's levels (<see cref="OnCommandSent"/>) is noted after the hand-over when
    /// threaded: answers and the feed's echo reach the engine only through its rings, which this same thread drains
    /// once it is done here, so the bookkeeping need not delay the command. Inline it comes first: a connector may
    /// answer from inside its send, and inline an answer is applied at once.
    /// </remarks>
    private sealed class CommandSink(TradingEngine engine) : IOrderCommandSink
    {
        public void Send(in OrderCommand command, long triggerNanoseconds)
        {
            if (engine._gate.Inline)
            {
                engine.OnCommandSent(command, engine._clock.NowNanoseconds);
            }

            Volatile.Write(ref engine._commandsIssued, engine._commandsIssued + 1);
            if (engine._commandRing is { } ring)
            {
                ring.Write(new OutboundCommand(command, triggerNanoseconds));
                engine._executionWake.Signal();
            }
            else
            {
                engine.SendDirect(new OutboundCommand(command, triggerNanoseconds));
            }

            if (!engine._gate.Inline)
            {
                engine.OnCommandSent(command, engine._clock.NowNanoseconds);
            }
        }

        public void SendBatch(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds)
        {
            if (engine._commandRing is not null || commands.Length == 1)
            {
                foreach (ref readonly var command in commands)
                {
                    Send(command, triggerNanoseconds);
                }

                return;
            }

            if (engine._gate.Inline)
            {
                NoteSent(commands);
            }

            Volatile.Write(ref engine._commandsIssued, engine._commandsIssued + commands.Length);
            engine.SendDirect(commands, triggerNanoseconds);
            if (!engine._gate.Inline)
            {
                NoteSent(commands);
            }
        }

        private void NoteSent(ReadOnlySpan<OrderCommand> commands)
        {
            var now = engine._clock.NowNanoseconds;
            foreach (ref readonly var command in commands)
            {
                engine.OnCommandSent(command, now);
            }
        }
    }

    private sealed class ActivitySink(TradingEngine engine) : IOrderActivitySink
    {
        public void OnActivity(in OrderActivity activity) => engine.Journal(JournalItem.ForActivity(activity));
    }

    private struct MarketHandler(TradingEngine engine) : IRingHandler<MarketEvent>
    {
        public readonly void OnItem(in MarketEvent item, long sequence, bool endOfBatch) => engine.HandleMarket(item, endOfBatch);
    }

    private struct JournalHandler(TradingEngine engine) : IRingHandler<JournalItem>
    {
        public readonly void OnItem(in JournalItem item, long sequence, bool endOfBatch) => engine.Persist(item);
    }

    private struct ExecutionHandler(TradingEngine engine) : IRingHandler<ExecutionEvent>
    {
        public readonly void OnItem(in ExecutionEvent item, long sequence, bool endOfBatch) => engine.HandleExecution(item);
    }
}
