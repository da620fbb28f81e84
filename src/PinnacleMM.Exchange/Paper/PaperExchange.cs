using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Paper;

/// <summary>
/// Paper trading against a live book: an <see cref="IOrderEntryConnector"/> that fills our orders against the
/// book and trades of any <see cref="IMarketDataConnector"/> (a live feed such as Coinbase, or a replayed
/// recording) instead of sending them anywhere. Give the application <see cref="MarketData"/> as its market data
/// connector and this object as its order-entry connector: every feed event passes through the paper exchange,
/// which matches our orders against it and passes it on.
/// </summary>
/// <remarks>
/// <para>
/// <b>Marketable orders</b> (a limit price at or through the opposite best, or a market order) take the displayed
/// liquidity level by level at each level's price, as taker, with <see cref="PaperExchangeOptions.TakerFeeRate"/>;
/// what they took is remembered as consumed, so that it cannot be taken twice, until the feed shows the level
/// shrink by as much (or a new snapshot). The rest of a good-till-cancel limit order rests; of an
/// immediate-or-cancel or market order it is cancelled; a fill-or-kill order that cannot fill completely is
/// rejected with nothing changed; a post-only order that would trade is rejected. An order that would trade with
/// one of our own resting orders has its rest cancelled (self-trade prevention, cancel incoming).
/// </para>
/// <para>
/// <b>Queue model for resting orders.</b> An order that rests joins the back of the queue at its price: the lots
/// ahead of it are the level's displayed (available) size on its side when it arrived. Then:
/// a trade printed at its price against its side eats the queue from the front — first the lots ahead of our
/// order, then our order (a maker fill at our price), then the lots behind; our own earlier orders at the price
/// are ahead of later ones. A decrease of the level's size that the trades printed at that price since the
/// level's last update do not explain is taken as cancellations spread evenly over the queue: the lots ahead of
/// us shrink by the decrease × (lots ahead ÷ the level's size), rounded down; the lots ahead never exceed the
/// level's size. An increase joins behind us. The model assumes that a trade is printed before the level update
/// it causes, as the simulator and the Coinbase feeds deliver them.
/// </para>
/// <para>
/// <b>Crossed and traded through.</b> A resting order fills completely, as maker at its own price, when a trade
/// prints at a price through it (below our bid, above our ask). When the live book moves onto or through our
/// price (the opposite best reaches it), our order fills as maker at its price against the available opposite
/// size at prices up to its limit, which is then consumed.
/// </para>
/// <para>
/// <b>Market data passed on.</b> With <see cref="PaperExchangeOptions.MergeOwnOrdersIntoMarketData"/> the levels
/// the application sees include our resting paper orders and exclude the liquidity we took, like a real venue's
/// feed, and the paper exchange inserts a level update whenever our orders change a level. On a sequenced feed it
/// renumbers the instrument's sequence numbers so that they stay consecutive (a real gap stays a gap). A
/// snapshot is passed on at its end, merged. Tickers are passed on unchanged.
/// </para>
/// <para>
/// <b>Time and latency.</b> The paper exchange's clock is the feed: <see cref="MarketEvent.ReceivedNanoseconds"/>
/// of the last event. With <see cref="PaperExchangeOptions.OrderEntryLatency"/> zero a command is matched when it is
/// sent; otherwise it is matched when the feed reaches its send time + the latency (before the first event at or
/// after that time), and its answers are delivered the latency later; <see cref="AdvanceTo"/> moves the clock
/// without an event. The exchange timestamp of an execution event is that of the last feed event.
/// </para>
/// <para>
/// <b>Delivery and determinism.</b> The paper exchange calls the application's market data and execution sinks one
/// event at a time, never concurrently, in one order: each feed event, then what it caused (fills, inserted
/// level updates). A command sent from inside a sink callback is queued and its answers follow the current
/// event. The thread that delivers a feed event waits until earlier answers are delivered, so the same feed
/// events and the same reactions give the same execution events, fill for fill. Not enforced: balances (they are
/// reported), order rate limits.
/// </para>
/// </remarks>
public sealed partial class PaperExchange : IOrderEntryConnector
{
    private const int NoDeliverer = 0;
    private const int ScheduledDeliverer = -1;

    private readonly object _gate = new();
    private readonly InstrumentRegistry _registry;
    private readonly decimal _makerFeeRate;
    private readonly decimal _takerFeeRate;
    private readonly long _latency;
    private readonly bool _merge;
    private readonly bool _scheduleDelivery;
    private readonly MonotonicClock? _receiveClock;
    private readonly DeliveryWorkItem _workItem;

    private readonly Queue<Output> _outputs = new(256);
    private readonly Queue<(long Due, OrderCommand Command)> _commandsInFlight = new(64);
    private readonly Queue<(long Due, ExecutionEvent Event)> _answersInFlight = new(64);
    private readonly Dictionary<string, decimal> _balances = new(StringComparer.Ordinal);

    private IMarketDataSink? _marketSink;
    private IExecutionSink? _executionSink;
    private volatile ConnectionState _state;
    private int _deliverer;
    private bool _disposed;

    /// <summary>Creates a paper exchange fed by <paramref name="liveMarketData"/> (not connected yet).</summary>
    /// <param name="options">Instruments, fees, latency; validated and read once here.</param>
    /// <param name="liveMarketData">The feed whose book and trades our orders are matched against; <see cref="MarketData"/> wraps it.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options break a rule; the message lists every broken rule, each naming its field.</exception>
    public PaperExchange(PaperExchangeOptions options, IMarketDataConnector liveMarketData)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(liveMarketData);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid paper exchange options: " + string.Join(" ", errors), nameof(options));
        }

        _registry = options.Instruments!;
        _makerFeeRate = options.MakerFeeRate;
        _takerFeeRate = options.TakerFeeRate;
        _latency = checked(options.OrderEntryLatency.Ticks * TimeSpan.NanosecondsPerTick);
        _merge = options.MergeOwnOrdersIntoMarketData;
        _scheduleDelivery = options.ScheduleDelivery;
        _receiveClock = options.ReceiveClock;
        foreach (var (currency, amount) in options.InitialBalances)
        {
            _balances[currency] = amount;
        }

        SupportsAmend = options.SupportsAmend;
        _fillHistory = new ExecutionEvent[options.FillHistoryCapacity];
        _workItem = new DeliveryWorkItem(this);
        MarketData = new PaperMarketDataConnector(liveMarketData, this);
    }

    /// <summary>
    /// The market data connector to give the application: it connects the live feed, matches our orders against
    /// each event and passes the events on (merged with our orders, see the remarks).
    /// </summary>
    public PaperMarketDataConnector MarketData { get; }

    /// <summary>The venue name, <c>paper</c>.</summary>
    public string Venue => "paper";

    /// <summary>Synced once connected, disconnected after disposal.</summary>
    public ConnectionState State => _state;

    /// <summary>As configured by <see cref="PaperExchangeOptions.SupportsAmend"/>.</summary>
    public bool SupportsAmend { get; }

    /// <summary>The exception a sink threw on a thread-pool delivery (see <see cref="PaperExchangeOptions.ScheduleDelivery"/>), or null; the events after it stay queued.</summary>
    public Exception? DeliveryFault { get; private set; }

    /// <summary>The paper exchange's clock: the largest <see cref="MarketEvent.ReceivedNanoseconds"/> seen (or given to <see cref="AdvanceTo"/>).</summary>
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

    /// <inheritdoc />
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
            _state = ConnectionState.Synced;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Never waits and, once warm, never allocates. A bad command is answered with a rejection naming the rule and
    /// changes nothing; a command for an instrument whose live book is not synced (no snapshot yet, or a gap) is
    /// rejected with <see cref="RejectReason.NotConnected"/>, since there is no book to match it against.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Order entry is not connected: there would be nowhere to send the answer.</exception>
    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_executionSink is null)
            {
                throw new InvalidOperationException("SendAsync: order entry is not connected; call ConnectAsync(IExecutionSink) first.");
            }

            if (_latency == 0)
            {
                ProcessCommand(command);
            }
            else
            {
                var due = Math.Max(_now + _latency, _lastCommandDue);
                _lastCommandDue = due;
                _commandsInFlight.Enqueue((due, command));
            }

            if (_deliverer == NoDeliverer && _outputs.Count > 0 && _scheduleDelivery)
            {
                _deliverer = ScheduledDeliverer;
                ThreadPool.UnsafeQueueUserWorkItem(_workItem, preferLocal: false);
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
            ThrowIfNotConnected();
            var orders = new List<OpenOrder>();
            foreach (var book in _books)
            {
                if (book is null || (!instrument.IsNone && book.Id != instrument))
                {
                    continue;
                }

                foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
                {
                    CollectInPriority(book, side);
                    foreach (var order in _scratch)
                    {
                        orders.Add(new OpenOrder(book.Id, new ClientOrderId(order.ClientId), VenueOrderId.FromInt64(order.VenueId), order.Side, order.Price,
                            new Quantity(order.Quantity), new Quantity(order.Leaves), new Quantity(order.Filled), 0));
                    }
                }
            }

            _scratch.Clear();
            return ValueTask.FromResult<IReadOnlyList<OpenOrder>>(orders);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The configured initial balances moved by every fill and fee; open buy orders hold quote currency (price ×
    /// open size), open sell orders base currency. Ordered by currency code.
    /// </remarks>
    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfNotConnected();
            var held = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var order in _open.Values)
            {
                var spec = order.Book.Spec;
                var (currency, amount) = order.Side == Side.Buy
                    ? (order.Book.QuoteCurrency, spec.ToDecimal(order.Price) * spec.ToDecimal(new Quantity(order.Leaves)))
                    : (order.Book.BaseCurrency, spec.ToDecimal(new Quantity(order.Leaves)));
                held[currency] = held.GetValueOrDefault(currency) + amount;
                _balances.TryAdd(currency, 0m);
            }

            var balances = new List<Balance>(_balances.Count);
            foreach (var currency in _balances.Keys.Order(StringComparer.Ordinal))
            {
                var total = _balances[currency];
                balances.Add(new Balance(currency, total, total - held.GetValueOrDefault(currency)));
            }

            return ValueTask.FromResult<IReadOnlyList<Balance>>(balances);
        }
    }

    /// <summary>Always <see langword="true"/>: the paper exchange keeps our last <see cref="PaperExchangeOptions.FillHistoryCapacity"/> fills.</summary>
    public bool SupportsFillHistory => true;

    /// <inheritdoc />
    /// <remarks>The fills as they were sent on the execution stream; <see cref="ExecutionEvent.ExchangeTimestampNanoseconds"/> is the feed's exchange time when the fill happened.</remarks>
    public ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sinceExchangeTimestampNanoseconds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfNotConnected();
            var fills = new List<ExecutionEvent>();
            for (var i = 0; i < _fillCount; i++)
            {
                ref readonly var fill = ref _fillHistory[(_fillHead + i) % _fillHistory.Length];
                if ((instrument.IsNone || fill.Instrument == instrument) && fill.ExchangeTimestampNanoseconds >= sinceExchangeTimestampNanoseconds)
                {
                    fills.Add(fill);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<ExecutionEvent>>(fills);
        }
    }

    /// <summary>How many lots of other participants are ahead of our resting order <paramref name="clientOrderId"/> in its price's queue (see the queue model in the remarks).</summary>
    /// <returns><see langword="false"/> when no resting order has that id.</returns>
    public bool TryGetQueueAhead(ClientOrderId clientOrderId, out Quantity ahead)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(clientOrderId.Value, out var order))
            {
                ahead = new Quantity(order.QueueAhead);
                return true;
            }

            ahead = default;
            return false;
        }
    }

    /// <summary>
    /// Moves the paper exchange's clock to <paramref name="nowNanoseconds"/> (feed time) without a market event:
    /// commands and answers in flight that are due by then are matched and delivered. A time already passed only
    /// delivers what is pending. Call it from the thread that drives the feed, not from a sink callback.
    /// </summary>
    /// <returns>How many events were delivered.</returns>
    public int AdvanceTo(long nowNanoseconds)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!TryBecomeDeliverer(out var reentrant))
        {
            return 0;
        }

        lock (_gate)
        {
            ProcessDue(nowNanoseconds);
            if (nowNanoseconds > _now)
            {
                _now = nowNanoseconds;
            }
        }

        return reentrant ? 0 : DeliverAsOwner();
    }

    /// <summary>
    /// Delivers every answer and inserted market event still waiting (with <see cref="PaperExchangeOptions.ScheduleDelivery"/>
    /// false, the answers to commands sent outside a delivery wait for this or the next market event).
    /// </summary>
    /// <returns>How many events were delivered.</returns>
    public int DeliverPending()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return TryBecomeDeliverer(out var reentrant) && !reentrant ? DeliverAsOwner() : 0;
    }

    /// <summary>Disconnects order entry and stops delivering execution events. Does not dispose <see cref="MarketData"/>. Idempotent.</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposed = true;
            _executionSink = null;
            _state = ConnectionState.Disconnected;
        }

        return ValueTask.CompletedTask;
    }

    // ------------------------------------------------------------------ the market data side (called by MarketData)

    internal void AttachMarketSink(IMarketDataSink sink)
    {
        lock (_gate)
        {
            if (_marketSink is not null)
            {
                throw new InvalidOperationException("ConnectAsync: market data is already connected.");
            }

            _marketSink = sink;
        }
    }

    internal void DetachMarketSink()
    {
        lock (_gate)
        {
            _marketSink = null;
        }
    }

    /// <summary>One event of the live feed: matched against, then passed on with what it caused.</summary>
    internal void OnFeedEvent(in MarketEvent marketEvent)
    {
        if (!TryBecomeDeliverer(out var reentrant))
        {
            return;
        }

        lock (_gate)
        {
            // What was due before this event happens first, at its own time.
            ProcessDue(marketEvent.ReceivedNanoseconds);
            if (marketEvent.ReceivedNanoseconds > _now)
            {
                _now = marketEvent.ReceivedNanoseconds;
            }

            if (marketEvent.ExchangeTimestampNanoseconds > _exchangeNow)
            {
                _exchangeNow = marketEvent.ExchangeTimestampNanoseconds;
            }

            Intake(marketEvent);
        }

        if (!reentrant)
        {
            DeliverAsOwner();
        }
    }

    // ------------------------------------------------------------------ delivery

    /// <summary>
    /// Takes the delivery role, waiting while another thread delivers, so that a feed event is only matched after
    /// everything before it (and the reactions to it) was delivered.
    /// </summary>
    /// <returns><see langword="false"/> when disposed; <paramref name="reentrant"/> when called from inside a delivery on this thread.</returns>
    private bool TryBecomeDeliverer(out bool reentrant)
    {
        var me = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (_deliverer == me)
            {
                reentrant = true;
                return true;
            }

            reentrant = false;
            while (_deliverer != NoDeliverer)
            {
                Monitor.Wait(_gate);
            }

            _deliverer = me;
            return true;
        }
    }

    private int DeliverAsOwner()
    {
        var delivered = 0;
        while (true)
        {
            Output item;
            IMarketDataSink? marketSink;
            IExecutionSink? executionSink;
            lock (_gate)
            {
                if (!_outputs.TryDequeue(out item))
                {
                    ReleaseDeliverer();
                    return delivered;
                }

                marketSink = _marketSink;
                executionSink = _executionSink;
            }

            try
            {
                if (item.IsExecution)
                {
                    var executionEvent = _receiveClock is null ? item.Execution : item.Execution with { ReceivedNanoseconds = _receiveClock.NowNanoseconds };
                    executionSink?.OnExecutionEvent(executionEvent);
                }
                else
                {
                    marketSink?.OnMarketEvent(item.Market);
                }
            }
            catch
            {
                lock (_gate)
                {
                    ReleaseDeliverer();
                }

                throw;
            }

            delivered++;
        }
    }

    private void ReleaseDeliverer()
    {
        _deliverer = NoDeliverer;
        Monitor.PulseAll(_gate);
    }

    private void RunScheduledDelivery()
    {
        lock (_gate)
        {
            _deliverer = Environment.CurrentManagedThreadId;
        }

        try
        {
            DeliverAsOwner();
        }
        catch (Exception e)
        {
            // Nothing above a thread-pool work item could handle it: kept for the application to see.
            DeliveryFault = e;
        }
    }

    private void ThrowIfNotConnected()
    {
        if (_executionSink is null)
        {
            throw new InvalidOperationException("Order entry is not connected; call ConnectAsync(IExecutionSink) first.");
        }
    }

    /// <summary>One event to deliver: a market event or an execution event.</summary>
    private readonly record struct Output(bool IsExecution, MarketEvent Market, ExecutionEvent Execution);

    /// <summary>Delivers on a thread-pool thread without allocating a work item per schedule.</summary>
    private sealed class DeliveryWorkItem(PaperExchange exchange) : IThreadPoolWorkItem
    {
        public void Execute() => exchange.RunScheduledDelivery();
    }
}
