using PinnacleMM.Core.Books;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// The embedded default venue: a matching exchange simulated in virtual time, behind the same connector
/// interfaces as a real exchange. The Core <see cref="OrderBook"/> is its matching engine, so our orders
/// have an exact queue position among the simulated participants' orders; every acknowledgement, fill
/// (with liquidity flag and exact fee), cancel and rejection comes back as an <see cref="ExecutionEvent"/>,
/// and the book's changes, trades and a ticker go out as <see cref="MarketEvent"/>s.
/// </summary>
/// <remarks>
/// <para>
/// <b>Participants.</b> Takers, makers, noise traders and informed/arbitrage traders arrive as Poisson
/// processes with their own rates and size distributions and follow a fair price that moves as a random
/// walk or geometric Brownian motion, with optional jumps (see <see cref="ExchangeSimulatorOptions"/>).
/// </para>
/// <para>
/// <b>Latency.</b> A command reaches the matching engine <see cref="LatencyOptions.OrderEntry"/> after it
/// was sent and its answers take as long back; market data takes <see cref="LatencyOptions.MarketData"/>.
/// Both channels are first-in first-out. An event's <c>ExchangeTimestampNanoseconds</c> is the virtual time
/// it happened at the venue, its <c>ReceivedNanoseconds</c> the virtual time it reached us (or the
/// <see cref="ExchangeSimulatorOptions.ReceiveClock"/> reading).
/// </para>
/// <para>
/// <b>Time.</b> In <see cref="SimulatorTimeMode.Virtual"/> mode the caller drives the simulation with
/// <see cref="RunFor"/> or <see cref="RunUntil"/>; events are delivered to the sinks on the caller's thread,
/// in time order. A command sent while an event is being delivered (from the sink callback, or from a thread the
/// sink handed the event to) is stamped with the virtual time of that event, so reactions are exact: the simulator
/// never runs the venue past the earliest time a reaction could arrive. In <see cref="SimulatorTimeMode.RealTime"/> mode a background loop, started by the first
/// connect, keeps virtual time at real elapsed time × <see cref="ExchangeSimulatorOptions.Speed"/> and
/// delivers on its own thread.
/// </para>
/// <para>
/// <b>Determinism.</b> All randomness comes from one generator seeded with
/// <see cref="ExchangeSimulatorOptions.Seed"/>; the same options, seed and our own commands give the same
/// events to the last fill (on the same runtime and platform: the price process uses
/// <see cref="Math.Exp"/> and <see cref="Math.Log(double)"/>).
/// </para>
/// <para>
/// Sinks are called outside the simulator's lock; <see cref="SendAsync"/>, subscriptions and queries may be
/// called from any thread, including from a sink. <see cref="SendAsync"/> takes no lock: it writes the command into a
/// lock-free multi-producer ring that the simulation drains in order, so a sender never waits for the driver to finish
/// a batch. Once running, simulation steps allocate nothing.
/// </para>
/// </remarks>
public sealed partial class ExchangeSimulator : IMarketDataConnector, IOrderEntryConnector
{
    /// <summary>The owner id of our own orders in <see cref="Book"/>; simulated participants use 2 to 5 (see <see cref="ParticipantKind"/>).</summary>
    public const long OwnOwnerId = 1;

    private const int DeliveryBatchSize = 256;

    /// <summary>Slots of the command intake; a burst beyond it goes through the lock instead (never lost, never reordered for its sender).</summary>
    private const int IntakeCapacity = 1024;

    /// <summary>The most commands of one <see cref="SendBatchAsync"/> copied on the stack (more are copied into an array).</summary>
    private const int MaxStackBatch = 16;

    private readonly Lock _gate = new();
    private readonly InstrumentSpec _instrument;
    private readonly InstrumentId _instrumentId;
    private readonly OrderBook _book;
    private readonly SimulationRandom _random;
    private readonly long _orderEntryLatency;
    private readonly long _marketDataLatency;
    private readonly long _jitter;
    private readonly MonotonicClock? _receiveClock;
    private readonly TimeProvider _timeProvider;
    private readonly SimulatorTimeMode _timeMode;
    private readonly double _speed;

    private readonly Queue<MarketEvent> _marketData = new(1024);
    private readonly Queue<ExecutionEvent> _executions = new(256);
    private readonly Queue<PendingCommand> _toVenue = new(256);
    private readonly MpscRing<CommandIntake> _intake = new(IntakeCapacity, WaitStrategy.Yielding);
    private long _lastMarketDataAt;
    private long _lastExecutionAt;
    private long _lastCommandAt;

    private readonly MarketEvent[] _marketOut = new MarketEvent[DeliveryBatchSize];
    private readonly ExecutionEvent[] _executionOut = new ExecutionEvent[DeliveryBatchSize];
    private readonly bool[] _outIsExecution = new bool[DeliveryBatchSize];
    private int _outCount;
    private int _marketOutCount;
    private int _executionOutCount;

    private long _now;
    private long _bookSequence;
    private long _executionSequence;
    private long _processedEvents;
    private long _marketEventsDelivered;
    private long _executionEventsDelivered;

    private IMarketDataSink? _marketDataSink;
    private IExecutionSink? _executionSink;
    private bool _subscribed;
    private volatile ConnectionState _marketDataState;
    private volatile ConnectionState _orderEntryState;

    private int _running;
    private long _deliveringAt = -1;
    private bool _disposed;
    private CancellationTokenSource? _pacerStop;
    private Task? _pacer;

    /// <summary>Creates a simulator: validates the options, seeds the book and schedules the first arrivals at virtual time 0.</summary>
    /// <param name="options">The run's options; read once here (later changes have no effect).</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">The options break a rule; the message lists every broken rule, each naming its field.</exception>
    public ExchangeSimulator(ExchangeSimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid simulator options: " + string.Join(" ", errors), nameof(options));
        }

        _instrument = options.Instrument!;
        _instrumentId = options.InstrumentId;
        _book = new OrderBook(_instrument, new OrderBookOptions { InitialOrderCapacity = Math.Max(4096, options.MaxRestingOrders * 2) });
        _random = new SimulationRandom(options.Seed);
        _orderEntryLatency = ToNanoseconds(options.Latency.OrderEntry);
        _marketDataLatency = ToNanoseconds(options.Latency.MarketData);
        _jitter = ToNanoseconds(options.Latency.Jitter);
        _receiveClock = options.ReceiveClock;
        _timeProvider = options.TimeProvider ?? TimeProvider.System;
        _timeMode = options.TimeMode;
        _speed = options.Speed;
        _book.Listener = new BookListener(this);

        InitializeVenue(options);
        InitializeConnection(options);
        InitializeParticipants(options);
    }

    /// <summary>The venue name, <c>simulator</c>.</summary>
    public string Venue => "simulator";

    /// <summary>The id events carry for the simulated instrument.</summary>
    public InstrumentId InstrumentId => _instrumentId;

    /// <summary>The simulated instrument.</summary>
    public InstrumentSpec Instrument => _instrument;

    /// <summary>
    /// The matching engine's book, with everyone's orders. Read it only while the simulation is not running
    /// (in virtual mode, between runs); our orders rest under <see cref="OwnOwnerId"/>, their ids are the
    /// numeric <see cref="VenueOrderId"/>s of our execution events.
    /// </summary>
    public OrderBook Book => _book;

    /// <summary>The virtual time reached, in nanoseconds since the start.</summary>
    public long NowNanoseconds
    {
        get
        {
            lock (_gate)
            {
                return _now;
            }
        }
    }

    /// <summary>The lock the driver holds while it simulates a batch (tests hold it to stand for a driver in mid-batch).</summary>
    internal Lock Gate => _gate;

    /// <summary>The market data connection state: synced once connected, disconnected after disposal.</summary>
    public ConnectionState MarketDataState => _marketDataState;

    /// <summary>The order-entry connection state: synced once connected, disconnected after disposal.</summary>
    public ConnectionState OrderEntryState => _orderEntryState;

    /// <summary>Always <see langword="true"/>: the simulator amends in place (a smaller size keeps queue position).</summary>
    public bool SupportsAmend => true;

    ConnectionState IMarketDataConnector.State => _marketDataState;

    ConnectionState IOrderEntryConnector.State => _orderEntryState;

    /// <summary>Runs the simulation for <paramref name="duration"/> of virtual time (virtual mode only).</summary>
    /// <returns>How many events were delivered to the sinks.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="duration"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The simulator is in real-time mode, or another thread is running it.</exception>
    public long RunFor(TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        return RunUntil(checked(NowNanoseconds + ToNanoseconds(duration)));
    }

    /// <summary>
    /// Runs the simulation until virtual time <paramref name="virtualNanoseconds"/> (virtual mode only): every
    /// event due by then happens, and is delivered, in time order. A time already passed does nothing.
    /// </summary>
    /// <returns>How many events were delivered to the sinks.</returns>
    /// <exception cref="InvalidOperationException">The simulator is in real-time mode, or another thread is running it.</exception>
    /// <exception cref="ObjectDisposedException">The simulator was disposed.</exception>
    public long RunUntil(long virtualNanoseconds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_timeMode == SimulatorTimeMode.RealTime)
        {
            throw new InvalidOperationException("RunUntil: the simulator is in real-time mode (TimeMode = RealTime), where its own loop advances time.");
        }

        return RunCore(virtualNanoseconds);
    }

    /// <summary>A snapshot of the run's counters.</summary>
    public SimulatorStatistics GetStatistics()
    {
        lock (_gate)
        {
            return new SimulatorStatistics
            {
                VirtualNanoseconds = _now,
                ProcessedEvents = _processedEvents,
                MarketEventsDelivered = Volatile.Read(ref _marketEventsDelivered),
                ExecutionEventsDelivered = Volatile.Read(ref _executionEventsDelivered),
                PriceSteps = _priceSteps,
                Jumps = _jumps,
                Trades = _trades,
                DroppedMarketDataUpdates = _droppedUpdates,
                SnapshotsSent = _snapshotsSent,
                ResyncRequests = _resyncRequests,
                OrderEntryDisconnects = _orderEntryDisconnects,
                ExecutionEventsLost = _executionEventsLost,
                CommandsLost = _commandsLost,
                Takers = _participants[(int)ParticipantKind.Taker].ToStatistics(),
                Makers = _participants[(int)ParticipantKind.Maker].ToStatistics(),
                NoiseTraders = _participants[(int)ParticipantKind.NoiseTrader].ToStatistics(),
                InformedTraders = _participants[(int)ParticipantKind.InformedTrader].ToStatistics(),
            };
        }
    }

    /// <inheritdoc />
    /// <remarks>In real-time mode the first connect (market data or order entry) starts the pacing loop.</remarks>
    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_marketDataSink is not null)
            {
                throw new InvalidOperationException("ConnectAsync: market data is already connected.");
            }

            _marketDataSink = sink;
            _marketDataState = ConnectionState.Synced;
        }

        StartPacerIfNeeded();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>In real-time mode the first connect (market data or order entry) starts the pacing loop.</remarks>
    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_executionSink is not null)
            {
                throw new InvalidOperationException("ConnectAsync: order entry is already connected.");
            }

            _executionSink = sink;
            _orderEntryState = ConnectionState.Synced;
        }

        StartPacerIfNeeded();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The snapshot (with status events around it) is queued at once with the venue's current book and
    /// reaches the sink after the market data delay, followed by every later update.
    /// </remarks>
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNotOurInstrument(instrument);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_marketDataSink is null)
            {
                throw new InvalidOperationException("SubscribeAsync: market data is not connected; call ConnectAsync(IMarketDataSink) first.");
            }

            if (!_subscribed)
            {
                // Commands sent before come first: their latency draws precede the snapshot's, as they were sent.
                DrainIntake();
                _subscribed = true;
                EnqueueSnapshot();
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNotOurInstrument(instrument);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_subscribed)
            {
                DrainIntake();
                var at = NextMarketDataTime();
                _marketData.Enqueue(MarketEvent.Status(_instrumentId, ConnectionState.Disconnected, _bookSequence, _now, at));
                _subscribed = false;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The command reaches the matching engine after the order-entry delay; its answers reach the execution
    /// sink after the same delay back. Never waits and never allocates: the command goes into a lock-free ring that
    /// the simulation drains, in order, before its next step (only when that ring is full does the sender take the
    /// simulator's lock). A command sent while an event is being delivered was sent at that event's virtual time;
    /// otherwise at the virtual time the simulation has reached when it takes the command in. While order entry is
    /// dropped (<see cref="DisconnectOrderEntry"/>) a command is lost on the way: it never reaches the venue and
    /// nothing answers it.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Order entry is not connected (call <see cref="ConnectAsync(IExecutionSink, CancellationToken)"/> first): there would be nowhere to send the answer.</exception>
    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default) =>
        SendBatchAsync(new ReadOnlySpan<OrderCommand>(in command), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// As <see cref="SendAsync"/> for each command, in order, with one claim on the lock-free intake for all of them
    /// (one hand-over between threads instead of one per command). Never waits and never allocates for up to 16
    /// commands.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Order entry is not connected (call <see cref="ConnectAsync(IExecutionSink, CancellationToken)"/> first).</exception>
    public ValueTask SendBatchAsync(ReadOnlySpan<OrderCommand> commands, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Volatile.Read(ref _executionSink) is null)
        {
            throw new InvalidOperationException("SendAsync: order entry is not connected; call ConnectAsync(IExecutionSink) first.");
        }

        if (commands.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        if (_orderEntryState != ConnectionState.Synced)
        {
            Interlocked.Add(ref _commandsLost, commands.Length);
            return ValueTask.CompletedTask;
        }

        var sentAt = Volatile.Read(ref _deliveringAt);
        Span<CommandIntake> intakes = commands.Length <= MaxStackBatch ? stackalloc CommandIntake[commands.Length] : new CommandIntake[commands.Length];
        for (var i = 0; i < commands.Length; i++)
        {
            intakes[i] = new CommandIntake(sentAt, commands[i]);
        }

        var written = _intake.TryWriteBatch(intakes);
        if (written < intakes.Length)
        {
            // Full (a burst, or nobody is running the simulation): take the ring's backlog in first, then the rest.
            lock (_gate)
            {
                DrainIntake();
                foreach (ref readonly var intake in intakes[written..])
                {
                    Admit(intake);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfOrderEntryNotConnected();
            return ValueTask.FromResult(instrument.IsNone || instrument == _instrumentId ? CollectOpenOrders() : (IReadOnlyList<OpenOrder>)[]);
        }
    }

    /// <inheritdoc />
    /// <remarks>Balances start at the configured initial balances and move with every fill and fee; open buy orders hold quote currency (price × open size), open sell orders hold base currency.</remarks>
    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfOrderEntryNotConnected();
            return ValueTask.FromResult(CollectBalances());
        }
    }

    /// <summary>Stops the real-time loop (waiting for it), disconnects both connections and stops all delivery. Idempotent.</summary>
    /// <exception cref="Exception">The real-time loop failed (e.g. a sink threw): its exception is rethrown here.</exception>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Task? pacer;
        lock (_gate)
        {
            pacer = _pacer;
            _pacerStop?.Cancel();
        }

        try
        {
            if (pacer is not null)
            {
                await pacer.ConfigureAwait(false);
            }
        }
        finally
        {
            _pacerStop?.Dispose();
            _marketDataState = ConnectionState.Disconnected;
            _orderEntryState = ConnectionState.Disconnected;
        }
    }

    // ------------------------------------------------------------------ the event loop

    private long RunCore(long target)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException("RunUntil: another thread is running the simulation; one driver at a time.");
        }

        try
        {
            long delivered = 0;
            bool more;
            do
            {
                lock (_gate)
                {
                    more = ProcessBatch(target);
                }

                delivered += DeliverBatch();
            }
            while (more);

            return delivered;
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Processes events in time order up to <paramref name="target"/>, collecting deliveries, and stops early
    /// when the batch is full or a delivered event's earliest possible reaction could reach the venue.
    /// </summary>
    /// <returns>Whether events due by <paramref name="target"/> remain.</returns>
    private bool ProcessBatch(long target)
    {
        var horizon = target;
        while (true)
        {
            if (_intake.Count > 0)
            {
                DrainIntake();
            }

            var time = NextEventTime(out var kind);
            if (time > horizon)
            {
                if (horizon < target)
                {
                    // Stopped at the earliest time a reaction to this batch's deliveries could arrive: deliver them and
                    // go on from here, before time moves past that point (even if nothing else is due by the target).
                    return true;
                }

                if (time > target && _now < target)
                {
                    _now = target;
                }

                return time <= target;
            }

            _now = time;
            _processedEvents++;
            switch (kind)
            {
                case EventKind.MarketDataDelivery:
                    _marketOut[_marketOutCount++] = _marketData.Dequeue();
                    _outIsExecution[_outCount++] = false;
                    horizon = Math.Min(horizon, time + _orderEntryLatency);
                    break;
                case EventKind.ExecutionDelivery:
                    _executionOut[_executionOutCount++] = _executions.Dequeue();
                    _outIsExecution[_outCount++] = true;
                    horizon = Math.Min(horizon, time + _orderEntryLatency);
                    break;
                case EventKind.CommandArrival:
                    ProcessCommand(_toVenue.Dequeue().Command);
                    break;
                default:
                    ProcessMarketStep(kind);
                    break;
            }

            if (_outCount == DeliveryBatchSize)
            {
                return true;
            }
        }
    }

    private long NextEventTime(out EventKind kind)
    {
        // Ties are broken by this fixed order, so that a run is deterministic.
        var best = long.MaxValue;
        kind = EventKind.None;
        if (_marketData.TryPeek(out var md) && md.ReceivedNanoseconds < best)
        {
            best = md.ReceivedNanoseconds;
            kind = EventKind.MarketDataDelivery;
        }

        if (_executions.TryPeek(out var ex) && ex.ReceivedNanoseconds < best)
        {
            best = ex.ReceivedNanoseconds;
            kind = EventKind.ExecutionDelivery;
        }

        if (_toVenue.TryPeek(out var command) && command.ArrivalNanoseconds < best)
        {
            best = command.ArrivalNanoseconds;
            kind = EventKind.CommandArrival;
        }

        return NextMarketStepTime(best, ref kind);
    }

    private long DeliverBatch()
    {
        var count = _outCount;
        if (count == 0)
        {
            return 0;
        }

        var marketSink = _marketDataSink;
        var executionSink = _executionSink;
        int m = 0, e = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                if (_outIsExecution[i])
                {
                    ref var item = ref _executionOut[e++];
                    Volatile.Write(ref _deliveringAt, item.ReceivedNanoseconds);
                    if (_receiveClock is not null)
                    {
                        item = item with { ReceivedNanoseconds = _receiveClock.NowNanoseconds };
                    }

                    executionSink?.OnExecutionEvent(in item);
                }
                else
                {
                    ref var item = ref _marketOut[m++];
                    Volatile.Write(ref _deliveringAt, item.ReceivedNanoseconds);
                    if (_receiveClock is not null)
                    {
                        item = item.WithReceived(_receiveClock.NowNanoseconds);
                    }

                    marketSink?.OnMarketEvent(in item);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _deliveringAt, -1);
            _outCount = 0;
            _marketOutCount = 0;
            _executionOutCount = 0;
            Interlocked.Add(ref _marketEventsDelivered, m);
            Interlocked.Add(ref _executionEventsDelivered, e);
        }

        return count;
    }

    private void StartPacerIfNeeded()
    {
        if (_timeMode != SimulatorTimeMode.RealTime)
        {
            return;
        }

        lock (_gate)
        {
            if (_pacer is not null)
            {
                return;
            }

            _pacerStop = new CancellationTokenSource();
            var token = _pacerStop.Token;
            _pacer = Task.Factory.StartNew(() => PaceAsync(token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var start = _timeProvider.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            var target = (long)(_timeProvider.GetElapsedTime(start).Ticks * (double)TimeSpan.NanosecondsPerTick * _speed);
            RunCore(target);
            long next;
            lock (_gate)
            {
                DrainIntake();
                next = NextEventTime(out _);
            }

            // Sleep until the next event is due in real time, but at most a millisecond so that commands
            // sent from other threads are processed promptly.
            var waitNanoseconds = Math.Clamp((next - target) / _speed, 0, 1_000_000);
            try
            {
                await Task.Delay(TimeSpan.FromTicks(Math.Max(1, (long)(waitNanoseconds / TimeSpan.NanosecondsPerTick))), _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private long NextJitter() => _jitter == 0 ? 0 : _random.NextInt64(_jitter + 1);

    /// <summary>Under the lock: moves the commands sent so far from the intake ring to the venue's queue, in order.</summary>
    private void DrainIntake()
    {
        while (_intake.TryRead(out var intake))
        {
            Admit(intake);
        }
    }

    /// <summary>Under the lock: schedules a command's arrival at the matching engine (order-entry delay, FIFO, never in the past).</summary>
    private void Admit(in CommandIntake intake)
    {
        var sentAt = intake.SentAtNanoseconds >= 0 ? intake.SentAtNanoseconds : _now;
        var arrival = Math.Max(Math.Max(sentAt + _orderEntryLatency + NextJitter(), _lastCommandAt), _now);
        _lastCommandAt = arrival;
        _toVenue.Enqueue(new PendingCommand(arrival, intake.Command));
    }

    private long NextMarketDataTime()
    {
        var at = Math.Max(_now + _marketDataLatency + NextJitter(), _lastMarketDataAt);
        _lastMarketDataAt = at;
        return at;
    }

    private long NextExecutionTime()
    {
        var at = Math.Max(_now + _orderEntryLatency + NextJitter(), _lastExecutionAt);
        _lastExecutionAt = at;
        return at;
    }

    private void EnqueueSnapshot()
    {
        _snapshotsSent++;
        var at = NextMarketDataTime();
        var sequence = _bookSequence;
        _marketData.Enqueue(MarketEvent.Status(_instrumentId, ConnectionState.Syncing, sequence, _now, at));
        _marketData.Enqueue(MarketEvent.SnapshotBegin(_instrumentId, sequence, _now, at));
        var levels = new DepthLevel[Math.Max(_book.BidLevelCount, _book.AskLevelCount)];
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            var n = _book.GetDepth(side, levels);
            for (var i = 0; i < n; i++)
            {
                _marketData.Enqueue(MarketEvent.SnapshotLevel(_instrumentId, side, levels[i].Price, levels[i].Quantity, levels[i].OrderCount, sequence, _now, at));
            }
        }

        _marketData.Enqueue(MarketEvent.SnapshotEnd(_instrumentId, sequence, _now, at));
        _marketData.Enqueue(MarketEvent.Status(_instrumentId, ConnectionState.Synced, sequence, _now, at));
    }

    private void ThrowIfNotOurInstrument(InstrumentId instrument)
    {
        if (instrument != _instrumentId)
        {
            throw new ArgumentException($"instrument: {instrument} is not traded by this simulator (it trades {_instrumentId}, {_instrument.Symbol}).", nameof(instrument));
        }
    }

    private void ThrowIfOrderEntryNotConnected()
    {
        if (_executionSink is null)
        {
            throw new InvalidOperationException("Order entry is not connected; call ConnectAsync(IExecutionSink) first.");
        }

        if (_orderEntryState != ConnectionState.Synced)
        {
            throw new InvalidOperationException("Order entry is disconnected (DisconnectOrderEntry); the venue cannot be queried until ReconnectOrderEntry.");
        }
    }

    private static long ToNanoseconds(TimeSpan value) => checked(value.Ticks * TimeSpan.NanosecondsPerTick);

    private enum EventKind
    {
        None,
        MarketDataDelivery,
        ExecutionDelivery,
        CommandArrival,
        PriceStep,
        TakerArrival,
        MakerArrival,
        NoiseArrival,
        InformedArrival,
    }

    private readonly record struct PendingCommand(long ArrivalNanoseconds, OrderCommand Command);

    /// <summary>A command as sent: the virtual time of the event being delivered then, or -1 when none was.</summary>
    private readonly record struct CommandIntake(long SentAtNanoseconds, OrderCommand Command);
}
