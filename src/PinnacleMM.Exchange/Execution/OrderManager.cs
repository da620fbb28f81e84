using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// Order execution for one strategy on one instrument: turns the strategy's desired quotes into place,
/// cancel and amend commands through the Core <see cref="QuoteReconciler"/>, checks each one (connection,
/// Security input validation on the instrument's grid, pre-trade risk, Security rate limits) before it is
/// sent, tracks every order through its lifecycle (<see cref="OrderTracker"/>), handles acknowledgement
/// timeouts and cancel retries, and feeds fills and order events to the strategy (whose position they
/// update). Every action is reported to an <see cref="IOrderActivitySink"/> (journal and audit).
/// </summary>
/// <remarks>
/// <para>
/// <b>Checks, in order.</b> Not connected → refused (<see cref="OrderRefusalReason.NotConnected"/>); places and
/// amends: price and size through <see cref="InputValidator.Price(decimal, decimal, decimal, decimal, string)"/>
/// and <see cref="InputValidator.Quantity(decimal, decimal, decimal, decimal, string)"/> on the instrument's grid,
/// then <see cref="PreTradeRisk.Check"/> with the position and every open order counted as filled; then the
/// rate limiter of the category (<see cref="RateLimitCategory.OrderSubmit"/>, <see cref="RateLimitCategory.OrderCancel"/>,
/// <see cref="RateLimitCategory.OrderModify"/>). A refused action is not sent and changes no order; it is recorded
/// and counted by reason, and the next reconcile tries again.
/// </para>
/// <para>
/// <b>Timeouts.</b> <see cref="CheckTimeouts"/> cancels orders unacknowledged for
/// <see cref="OrderManagerOptions.AcknowledgementTimeout"/> and reconciles again, which resends cancels that got no
/// answer within the strategy's cancel retry interval and replaces orders older than its order timeout.
/// </para>
/// <para>
/// <b>Refused cancels.</b> A cancel the venue refuses for any reason but not knowing the order (rate limit, busy, too late)
/// leaves the order resting: it still counts as open for risk and exposure, stays on its way out (it is not matched to a
/// quote again) and is cancelled again only after a wait (<see cref="OrderManagerOptions.CancelRefusalBackoff"/>, at least
/// the strategy's cancel retry interval), which doubles with every further refusal of the same order in a row up to
/// <see cref="OrderManagerOptions.MaxCancelRefusalBackoff"/>, so that a venue that keeps refusing is not hammered. Once
/// the wait has passed, <see cref="CheckTimeouts"/> (every timer tick) sends it again, also for manual orders; until then
/// reconciles and <see cref="CancelAll"/> hold it back; only <see cref="CancelOrder"/> sends at once. The count of
/// refusals in a row ends with the order (a cancel the venue accepts closes it). A cancel refused as unknown closes the
/// order at once. Refusals are counted (<see cref="CancelsRefused"/>).
/// </para>
/// <para>
/// One thread calls every method (the engine's strategy thread). Requoting and applying events allocate
/// nothing once warmed up (reconciliation of up to 256 live orders; rate limiting and auditing happen in the
/// sinks and the limiter).
/// </para>
/// </remarks>
public sealed class OrderManager
{
    private readonly InstrumentSpec _instrument;
    private readonly InstrumentId _instrumentId;
    private readonly MarketMakerStrategy _strategy;
    private readonly PreTradeRisk _risk;
    private readonly IOrderCommandSink _commands;
    private readonly IOrderActivitySink? _activity;
    private readonly RateLimiterSet? _rateLimits;
    private readonly MonotonicClock _clock;
    private readonly QuoteReconciler _reconciler;
    private readonly long _ackTimeout;
    private readonly long _refusalBackoff;
    private readonly long _refusalBackoffCap;
    private readonly bool _postOnly;
    private readonly decimal _maxPrice;
    private readonly decimal _minQuantity;
    private readonly decimal _maxQuantity;
    private readonly long _maxPriceTicks;
    private readonly long _minLots;
    private readonly long _maxLots;
    private readonly long[] _refusals = new long[8];
    private readonly long[] _riskRefusals = new long[32];
    private readonly long[] _venueRejections = new long[32];
    private LiveOrder[] _live = new LiveOrder[256];
    private QuoteAction[] _actions = new QuoteAction[512];
    private ClientOrderId[] _ids = new ClientOrderId[256];

    /// <summary>Scratch of <see cref="WarmUp"/>: its quotes and actions.</summary>
    private readonly QuoteAction[] _warmActions = new QuoteAction[64];
    private DesiredQuotes? _warmQuotes;
    private bool _warmUpward;

    /// <summary>The commands of the reconcile in progress, handed over together once all its actions are checked (see <see cref="Requote"/>).</summary>
    private OrderCommand[] _outbox = new OrderCommand[16];
    private int _outboxCount;

    /// <summary>The activities of the reconcile in progress, recorded once all its commands are out (see <see cref="Requote"/>).</summary>
    private OrderActivity[] _pendingRecords = new OrderActivity[16];
    private int _pendingRecordCount;
    private bool _batching;
    private long _nextClientOrderId;
    private long _places;
    private long _cancels;
    private long _cancelsRefused;
    private long _amends;
    private long _fills;
    private long _reconciles;
    private bool _reconciling;
    private byte _lastRefusal;
    private RiskRejectReason _lastRiskRefusal;

    /// <summary>Creates the order manager of <paramref name="strategy"/>.</summary>
    /// <param name="instrumentId">The instrument's id in the connectors' events.</param>
    /// <param name="strategy">The strategy whose <see cref="MarketMakerStrategy.Quotes"/> are executed and which receives order events (its <see cref="MarketMakerStrategy.Position"/> is the position).</param>
    /// <param name="risk">Pre-trade risk, checked before every place and amend.</param>
    /// <param name="commands">Where checked commands go.</param>
    /// <param name="options">Reconciler, timeouts, post-only; defaults when null.</param>
    /// <param name="activity">Receives every activity (journal, audit); none when null.</param>
    /// <param name="rateLimits">The Security rate limiters; no rate limiting when null.</param>
    /// <param name="clock">The monotonic clock; the strategy's when null.</param>
    /// <param name="venueSupportsAmend">Whether the venue can amend (<see cref="IOrderEntryConnector.SupportsAmend"/>); when false the reconciler cancels and places instead.</param>
    /// <exception cref="ArgumentNullException">A required argument is null.</exception>
    /// <exception cref="ArgumentException">The options break a rule; the message names every broken field.</exception>
    public OrderManager(
        InstrumentId instrumentId,
        MarketMakerStrategy strategy,
        PreTradeRisk risk,
        IOrderCommandSink commands,
        OrderManagerOptions? options = null,
        IOrderActivitySink? activity = null,
        RateLimiterSet? rateLimits = null,
        MonotonicClock? clock = null,
        bool venueSupportsAmend = true)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(risk);
        ArgumentNullException.ThrowIfNull(commands);
        options ??= new OrderManagerOptions();
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid order manager options: " + string.Join(" ", errors), nameof(options));
        }

        if (instrumentId.Value <= 0)
        {
            throw new ArgumentException($"instrumentId: {instrumentId} must be a registered (positive) id.", nameof(instrumentId));
        }

        _instrument = strategy.Instrument;
        _instrumentId = instrumentId;
        _strategy = strategy;
        _risk = risk;
        _commands = commands;
        _activity = activity;
        _rateLimits = options.EnforceRateLimits ? rateLimits : null;
        _clock = clock ?? strategy.Clock;
        _reconciler = new QuoteReconciler(options.Reconciler with { AllowAmend = options.Reconciler.AllowAmend && venueSupportsAmend });
        _ackTimeout = options.AcknowledgementTimeout.Ticks * TimeSpan.NanosecondsPerTick;
        _refusalBackoff = Math.Max(_reconciler.Options.CancelRetryNanoseconds, options.CancelRefusalBackoff.Ticks * TimeSpan.NanosecondsPerTick);
        _refusalBackoffCap = Math.Max(_refusalBackoff, options.MaxCancelRefusalBackoff.Ticks * TimeSpan.NanosecondsPerTick);
        _postOnly = options.PostOnly;
        _maxPrice = _instrument.ToDecimal(_instrument.MaxPrice);
        _minQuantity = _instrument.ToDecimal(_instrument.MinQuantity);
        _maxQuantity = _instrument.ToDecimal(_instrument.MaxQuantity);
        _maxPriceTicks = _instrument.MaxPrice.Ticks;
        _minLots = Math.Max(1, _instrument.MinQuantity.Lots);
        _maxLots = _instrument.MaxQuantity.Lots;
        Tracker = new OrderTracker(_instrument);
    }

    /// <summary>Our orders on the instrument. Read it on the order manager's thread.</summary>
    public OrderTracker Tracker { get; }

    /// <summary>The strategy executed.</summary>
    public MarketMakerStrategy Strategy => _strategy;

    /// <summary>The reconciler in use (options derived from <see cref="OrderManagerOptions.Reconciler"/> and the venue's amend support).</summary>
    public QuoteReconciler Reconciler => _reconciler;

    /// <summary>Whether order entry is connected; while false every action is refused with <see cref="OrderRefusalReason.NotConnected"/>. Follows <see cref="ExecutionEventKind.ConnectionChanged"/> events.</summary>
    public bool IsConnected { get; set; } = true;

    /// <summary>Places sent.</summary>
    public long PlacesSent => Volatile.Read(ref _places);

    /// <summary>Cancels sent (including retries).</summary>
    public long CancelsSent => Volatile.Read(ref _cancels);

    /// <summary>
    /// Cancels the venue refused for a reason other than not knowing the order (each refusal, including those of resent
    /// cancels); their orders rest and are cancelled again after a backoff (see <see cref="OrderManagerOptions.CancelRefusalBackoff"/>).
    /// </summary>
    public long CancelsRefused => Volatile.Read(ref _cancelsRefused);

    /// <summary>Amends sent.</summary>
    public long AmendsSent => Volatile.Read(ref _amends);

    /// <summary>Fills applied (including late and unknown-order fills; duplicates excluded).</summary>
    public long FillsApplied => Volatile.Read(ref _fills);

    /// <summary>Reconciliations of the desired quotes against the live orders.</summary>
    public long Reconciles => Volatile.Read(ref _reconciles);

    /// <summary>Actions refused locally for <paramref name="reason"/>.</summary>
    public long RefusalCount(OrderRefusalReason reason) => (uint)reason < (uint)_refusals.Length ? Volatile.Read(ref _refusals[(int)reason]) : 0;

    /// <summary>Actions refused by pre-trade risk for <paramref name="reason"/>.</summary>
    public long RiskRefusalCount(RiskRejectReason reason) => (uint)reason < (uint)_riskRefusals.Length ? Volatile.Read(ref _riskRefusals[(int)reason]) : 0;

    /// <summary>Venue rejections (of places, cancels and amends) for <paramref name="reason"/>.</summary>
    public long VenueRejectionCount(RejectReason reason) => (uint)reason < (uint)_venueRejections.Length ? Volatile.Read(ref _venueRejections[(int)reason]) : 0;

    /// <summary>
    /// Runs the requote path dry, so that its code and data stay in the CPU's caches while the market is quiet: the
    /// current quotes, moved a tick (up and down in turn), are reconciled with the live orders, and each resulting
    /// action is built into a command and checked as <see cref="Requote"/> would check it. Nothing comes of it: nothing
    /// is sent, tracked, counted, recorded or taken from a rate limit or the risk's order rate. The trading engine's
    /// busy-spinning strategy thread calls it while idle (<see cref="Engine.TradingEngineOptions.WarmUpInterval"/>).
    /// </summary>
    /// <returns>How many actions the dry run checked.</returns>
    public int WarmUp()
    {
        var quotes = _strategy.Quotes;
        var open = Tracker.OpenCount;
        if (quotes.IsEmpty || open > _live.Length)
        {
            return 0;
        }

        _warmQuotes ??= new DesiredQuotes(quotes.CapacityPerSide);
        _warmQuotes.Clear();
        _warmUpward = !_warmUpward;
        var shift = _warmUpward ? 1 : -1;
        foreach (var level in quotes.Bids)
        {
            _warmQuotes.TryAdd(Side.Buy, new Price(level.Price.Ticks + shift), level.Quantity);
        }

        foreach (var level in quotes.Asks)
        {
            _warmQuotes.TryAdd(Side.Sell, new Price(level.Price.Ticks + shift), level.Quantity);
        }

        var now = _clock.NowNanoseconds;
        var liveCount = Tracker.CopyLiveOrders(_live);
        if (QuoteReconciler.MaxActions(_warmQuotes, liveCount) > _warmActions.Length)
        {
            return 0;
        }

        var count = _reconciler.Reconcile(_warmQuotes, _live.AsSpan(0, liveCount), now, _warmActions);
        Tracker.GetOpenLots(out var openBuy, out var openSell);
        var position = _strategy.Position.PositionLots;
        var mid = _strategy.MidHalfTicks;
        for (var i = 0; i < count; i++)
        {
            ref readonly var action = ref _warmActions[i];
            var id = new ClientOrderId(action.OrderId);
            var known = Tracker.TryGet(id, out _);
            var command = action.Kind == QuoteActionKind.Place
                ? OrderCommand.Place(_instrumentId, id, action.Side, action.Price, action.Quantity, TimeInForce.GoodTillCancel, _postOnly, now)
                : OrderCommand.Amend(_instrumentId, id, action.Price, action.Quantity, now);
            if (RangeRefusal(action) == OrderRefusalReason.None && (known || action.Kind == QuoteActionKind.Place))
            {
                _ = _risk.Preview(action, position, openBuy, openSell, open, mid, command.CreatedNanoseconds);
            }
        }

        return count;
    }

    /// <summary>
    /// Reconciles the strategy's current <see cref="MarketMakerStrategy.Quotes"/> with the live orders and sends
    /// the resulting actions that pass every check. Call it whenever an <c>On…</c> method of the strategy returned
    /// <see langword="true"/>.
    /// </summary>
    /// <param name="triggerNanoseconds">When the input that led to this decision was received (monotonic clock); 0 when none.</param>
    /// <returns>How many commands were sent.</returns>
    public int Requote(long triggerNanoseconds = 0)
    {
        var now = _clock.NowNanoseconds;
        var quotes = _strategy.Quotes;
        if (Tracker.OpenCount > _live.Length)
        {
            _live = new LiveOrder[Tracker.OpenCount * 2];
        }

        var liveCount = Tracker.CopyLiveOrders(_live);
        var needed = QuoteReconciler.MaxActions(quotes, liveCount);
        if (needed > _actions.Length)
        {
            _actions = new QuoteAction[needed * 2];
        }

        var count = _reconciler.Reconcile(quotes, _live.AsSpan(0, liveCount), now, _actions);
        _reconciles++;
        if (count == 0)
        {
            return 0;
        }

        Tracker.GetOpenLots(out var openBuy, out var openSell);
        var openOrders = Tracker.OpenCount;
        var sent = 0;

        // The commands of this reconcile are handed over together once every action is checked (one hand-over between
        // threads, not one per command), and all of them go out before any is recorded (journal, audit). The order
        // of the commands and of the records is kept.
        _batching = true;
        try
        {
            sent = SendActions(count, now, triggerNanoseconds, openBuy, openSell, openOrders);
        }
        finally
        {
            EndBatch(triggerNanoseconds);
        }

        return sent;
    }

    private int SendActions(int count, long now, long triggerNanoseconds, long openBuy, long openSell, int openOrders)
    {
        var sent = 0;
        for (var i = 0; i < count; i++)
        {
            ref readonly var action = ref _actions[i];
            switch (action.Kind)
            {
                case QuoteActionKind.Cancel:
                    if (!IsCancelHeld(new ClientOrderId(action.OrderId), now) && SendCancel(new ClientOrderId(action.OrderId), now, triggerNanoseconds))
                    {
                        sent++;
                    }

                    break;

                case QuoteActionKind.Place:
                    var place = OrderCommand.Place(_instrumentId, new ClientOrderId(NextClientOrderId()), action.Side, action.Price, action.Quantity, TimeInForce.GoodTillCancel, _postOnly, now);
                    if (!Admit(action, place, openBuy, openSell, openOrders, now, RateLimitCategory.OrderSubmit))
                    {
                        break;
                    }

                    _nextClientOrderId = place.ClientOrderId.Value;
                    Tracker.OnPlaceSent(place, now);
                    Send(place, now, triggerNanoseconds);
                    _places++;
                    sent++;
                    openOrders++;
                    if (action.Side == Side.Buy)
                    {
                        openBuy += action.Quantity.Lots;
                    }
                    else
                    {
                        openSell += action.Quantity.Lots;
                    }

                    break;

                default:
                    var id = new ClientOrderId(action.OrderId);
                    var known = Tracker.TryGet(id, out var amended);
                    if (known && amended.AmendPending)
                    {
                        // One modification in flight per order: the next reconcile, after the venue answered, decides again.
                        break;
                    }

                    // The open sizes are kept up to date here instead of summed over every order again: an open order
                    // counts its leaves, and with an amend pending the larger of its old and new leaves (as
                    // OrderTracker.GetOpenLots counts them).
                    var open = known && !amended.IsClosed;
                    var leaves = open ? amended.LeavesQuantity.Lots : 0;
                    var buy = amended.Side == Side.Buy;
                    long otherBuy, otherSell;
                    if (open)
                    {
                        otherBuy = buy ? openBuy - leaves : openBuy;
                        otherSell = buy ? openSell : openSell - leaves;
                    }
                    else
                    {
                        Tracker.GetOpenLots(out otherBuy, out otherSell, except: id);
                    }

                    var amend = OrderCommand.Amend(_instrumentId, id, action.Price, action.Quantity, now);
                    if (!Admit(action, amend, otherBuy, otherSell, openOrders - 1, now, RateLimitCategory.OrderModify))
                    {
                        break;
                    }

                    Tracker.OnAmendSent(amend, now);
                    Send(amend, now, triggerNanoseconds);
                    _amends++;
                    sent++;
                    if (open)
                    {
                        var counted = Math.Max(action.Quantity.Lots, leaves) - leaves;
                        openBuy += buy ? counted : 0;
                        openSell += buy ? 0 : counted;
                    }
                    else
                    {
                        Tracker.GetOpenLots(out openBuy, out openSell);
                    }

                    break;
            }
        }

        return sent;
    }

    /// <summary>
    /// Places a manual limit order (e.g. to hedge or flatten), outside the strategy's quotes: quote
    /// reconciliation leaves it alone, <see cref="CancelAll"/> cancels it. It passes the same checks as quotes.
    /// </summary>
    /// <param name="side">Buy or sell.</param>
    /// <param name="price">The limit price in quote currency: positive, at most the instrument's maximum, on its tick grid.</param>
    /// <param name="quantity">The size in base currency: within the instrument's minimum and maximum, on its lot grid.</param>
    /// <param name="timeInForce">Good-till-cancel, immediate-or-cancel or fill-or-kill.</param>
    /// <param name="postOnly">Maker only.</param>
    /// <returns>Sent with its id, or refused with the reason and a message naming the field and the rule; a refused order changes nothing.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> or <paramref name="timeInForce"/> is not a defined value.</exception>
    public OrderPlacement PlaceOrder(Side side, decimal price, decimal quantity, TimeInForce timeInForce = TimeInForce.GoodTillCancel, bool postOnly = false)
    {
        if (side is not (Side.Buy or Side.Sell))
        {
            throw new ArgumentOutOfRangeException(nameof(side), side, "side: must be Buy or Sell.");
        }

        if (!Enum.IsDefined(timeInForce))
        {
            throw new ArgumentOutOfRangeException(nameof(timeInForce), timeInForce, "timeInForce: not a defined value.");
        }

        var now = _clock.NowNanoseconds;
        var priceCheck = InputValidator.Price(price, _instrument.TickSize, _instrument.TickSize, _maxPrice);
        if (!priceCheck.IsValid)
        {
            return RefusedPlacement(OrderRefusalReason.InvalidPrice, RiskRejectReason.None, priceCheck.ToString());
        }

        var quantityCheck = InputValidator.Quantity(quantity, _instrument.LotSize, _minQuantity, _maxQuantity);
        if (!quantityCheck.IsValid)
        {
            return RefusedPlacement(OrderRefusalReason.InvalidQuantity, RiskRejectReason.None, quantityCheck.ToString());
        }

        var action = new QuoteAction(QuoteActionKind.Place, 0, side, _instrument.GetPrice(price), _instrument.GetQuantity(quantity));
        var command = OrderCommand.Place(_instrumentId, new ClientOrderId(NextClientOrderId()), side, action.Price, action.Quantity, timeInForce, postOnly, now);
        Tracker.GetOpenLots(out var openBuy, out var openSell);
        if (!Admit(action, command, openBuy, openSell, Tracker.OpenCount, now, RateLimitCategory.OrderSubmit, manual: true))
        {
            var refusal = (OrderRefusalReason)_lastRefusal;
            return RefusedPlacement(refusal, _lastRiskRefusal, refusal switch
            {
                OrderRefusalReason.Risk => $"risk: {_lastRiskRefusal} limit refused the order",
                OrderRefusalReason.RateLimited => "request rate: the order submit rate limit refused the order, try again later",
                _ => "connection: order entry is not connected, nothing was sent",
            });
        }

        _nextClientOrderId = command.ClientOrderId.Value;
        Tracker.OnPlaceSent(command, now, manual: true);
        Send(command, now, 0, manual: true);
        _places++;
        return new OrderPlacement(true, command.ClientOrderId, OrderRefusalReason.None, RiskRejectReason.None, null);
    }

    /// <summary>Cancels one open order (manual or quote) by client order id, at once: also an order whose refused cancel waits for its backoff.</summary>
    /// <returns><see langword="false"/> when the order is not open or the cancel was refused (not connected, rate limited).</returns>
    public bool CancelOrder(ClientOrderId clientOrderId) =>
        Tracker.TryGet(clientOrderId, out var order) && !order.IsClosed && SendCancel(clientOrderId, _clock.NowNanoseconds, 0);

    /// <summary>
    /// Applies one execution event: updates the order's state (see <see cref="OrderTracker.Apply(in ExecutionEvent, long)"/>), records it,
    /// hands new fills and order changes to the strategy (which updates its position) and requotes when the
    /// strategy decided again. Duplicate, late, unknown and malformed events change nothing and are not passed on.
    /// </summary>
    /// <returns>What the tracker did with the event.</returns>
    public ExecutionOutcome OnExecutionEvent(in ExecutionEvent executionEvent)
    {
        var now = _clock.NowNanoseconds;
        if (executionEvent.Kind == ExecutionEventKind.ConnectionChanged)
        {
            IsConnected = executionEvent.ConnectionState == ConnectionState.Synced;
            Record(OrderActivity.Received(executionEvent, ExecutionOutcome.NotAnOrderEvent, now));
            return ExecutionOutcome.NotAnOrderEvent;
        }

        var outcome = Tracker.Apply(executionEvent, now);
        Record(OrderActivity.Received(executionEvent, outcome, now));
        if (outcome is ExecutionOutcome.FillApplied or ExecutionOutcome.LateFillApplied or ExecutionOutcome.UnknownFillApplied)
        {
            _fills++;
        }
        else if (outcome != ExecutionOutcome.Applied)
        {
            return outcome;
        }
        else if (executionEvent.IsRejection)
        {
            if ((uint)executionEvent.RejectReason < (uint)_venueRejections.Length)
            {
                _venueRejections[(int)executionEvent.RejectReason]++;
            }

            if (executionEvent.Kind == ExecutionEventKind.CancelRejected && executionEvent.RejectReason != RejectReason.UnknownOrder)
            {
                _cancelsRefused++;
            }
        }

        if (executionEvent.TryToOrderEvent(out var orderEvent) && _strategy.OnOrderEvent(orderEvent) && !_reconciling)
        {
            Requote(executionEvent.ReceivedNanoseconds);
        }

        return outcome;
    }

    /// <summary>
    /// Cancels every order unacknowledged for longer than <see cref="OrderManagerOptions.AcknowledgementTimeout"/>,
    /// sends again the cancels the venue refused whose backoff has passed (<see cref="OrderManagerOptions.CancelRefusalBackoff"/>),
    /// then reconciles the current quotes again (resending unanswered cancels, replacing orders past the
    /// strategy's order timeout). Call it on every timer tick.
    /// </summary>
    /// <returns>How many commands were sent.</returns>
    public int CheckTimeouts()
    {
        var now = _clock.NowNanoseconds;
        if (Tracker.OpenCount > _ids.Length)
        {
            _ids = new ClientOrderId[Tracker.OpenCount * 2];
        }

        var sent = 0;
        var stale = Tracker.CopyUnacknowledged(now - _ackTimeout, _ids);
        for (var i = 0; i < stale; i++)
        {
            if (!IsCancelHeld(_ids[i], now) && SendCancel(_ids[i], now, 0))
            {
                sent++;
            }
        }

        // Refused cancels: also of manual orders, which reconciliation leaves alone, and with no cancel retry interval set.
        var refused = Tracker.CopyCancelRefused(_ids);
        for (var i = 0; i < refused; i++)
        {
            if (!IsCancelHeld(_ids[i], now) && SendCancel(_ids[i], now, 0))
            {
                sent++;
            }
        }

        return sent + Requote();
    }

    /// <summary>
    /// Sends a cancel for every order not closed and not already waiting for a cancel (the strategy's quotes are
    /// left as they are: set <see cref="MarketMakerStrategy.QuotingEnabled"/> to false first to stop requoting). An order
    /// whose cancel the venue refused gets its cancel once its backoff has passed (<see cref="OrderManagerOptions.CancelRefusalBackoff"/>),
    /// so that calling this on every timer tick (as a stop does) does not hammer a venue that keeps refusing.
    /// </summary>
    /// <returns>How many cancels were sent (refused ones, e.g. while disconnected, are counted as refusals).</returns>
    public int CancelAll()
    {
        var now = _clock.NowNanoseconds;
        if (Tracker.OpenCount > _live.Length)
        {
            _live = new LiveOrder[Tracker.OpenCount * 2];
        }

        var count = Tracker.CopyLiveOrders(_live, includeManual: true);
        var sent = 0;
        _batching = true;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var id = new ClientOrderId(_live[i].OrderId);
                if (!IsCancelAwaited(id, now) && SendCancel(id, now, 0))
                {
                    sent++;
                }
            }
        }
        finally
        {
            EndBatch(0);
        }

        return sent;
    }

    /// <summary>
    /// Reconciles the tracked orders with the venue's own list (<see cref="IOrderEntryConnector.GetOpenOrdersAsync"/>),
    /// at start or after a reconnect: a tracked order the venue does not list is closed locally (cancelled, or
    /// rejected when it was never acknowledged); a venue order with one of our client order ids that we do not
    /// track (an orphan) is cancelled; orders placed outside this application (no client order id) are left alone.
    /// The next client order id is moved above every id the venue reports.
    /// </summary>
    /// <param name="venueOrders">The venue's open orders of this instrument (others are ignored).</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="venueOrders"/> is null.</exception>
    public VenueReconciliation ReconcileWithVenue(IReadOnlyList<OpenOrder> venueOrders) => ReconcileWithVenue(venueOrders, null);

    /// <summary>
    /// Reconciles with the venue's fills and open orders: first every fill of <paramref name="venueFills"/> (the venue's
    /// fill history since before the connection was lost, <see cref="IOrderEntryConnector.GetFillsAsync"/>) goes through
    /// <see cref="OnExecutionEvent"/> like a fill from the stream, so the ones we missed reach the position and the ones
    /// we had are recognised as duplicates (by trade id, or cumulative size) — a fill that also arrives late on the
    /// stream is therefore counted once; then the orders are reconciled as by <see cref="ReconcileWithVenue(IReadOnlyList{OpenOrder})"/>,
    /// and an order open on both sides whose acknowledgement or amend answer was missed takes the venue's state, price and open size.
    /// Nothing is requoted meanwhile (the caller requotes after). A summary is recorded
    /// (<see cref="OrderActivityKind.VenueReconciled"/>) after the closes, cancels and fills it did.
    /// </summary>
    /// <param name="venueOrders">The venue's open orders of this instrument (others are ignored).</param>
    /// <param name="venueFills">The venue's fills, oldest first (other instruments and non-fill events are ignored); null when the venue keeps no fill history.</param>
    /// <param name="afterReconnect">Whether this follows a reconnect (recorded in the summary).</param>
    /// <returns>What was done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="venueOrders"/> is null.</exception>
    public VenueReconciliation ReconcileWithVenue(IReadOnlyList<OpenOrder> venueOrders, IReadOnlyList<ExecutionEvent>? venueFills, bool afterReconnect = false)
    {
        ArgumentNullException.ThrowIfNull(venueOrders);
        var now = _clock.NowNanoseconds;
        var recovered = 0;
        var known = 0;
        if (venueFills is not null)
        {
            _reconciling = true;
            try
            {
                foreach (var fill in venueFills)
                {
                    if (!fill.IsFill || fill.Instrument != _instrumentId)
                    {
                        continue;
                    }

                    var outcome = OnExecutionEvent(fill with { ReceivedNanoseconds = now });
                    if (outcome is ExecutionOutcome.FillApplied or ExecutionOutcome.LateFillApplied or ExecutionOutcome.UnknownFillApplied)
                    {
                        recovered++;
                    }
                    else if (outcome == ExecutionOutcome.Duplicate)
                    {
                        known++;
                    }
                }
            }
            finally
            {
                _reconciling = false;
            }
        }

        var atVenue = new HashSet<long>();
        var orphans = new List<ClientOrderId>();
        var foreign = 0;
        var corrected = 0;
        foreach (var order in venueOrders)
        {
            if (order.Instrument != _instrumentId)
            {
                continue;
            }

            if (order.ClientOrderId.IsNone)
            {
                foreign++;
                continue;
            }

            atVenue.Add(order.ClientOrderId.Value);
            _nextClientOrderId = Math.Max(_nextClientOrderId, order.ClientOrderId.Value);
            if (!Tracker.TryGet(order.ClientOrderId, out var tracked) || tracked.IsClosed)
            {
                orphans.Add(order.ClientOrderId);
            }
            else
            {
                corrected += CorrectFromVenue(tracked, order, now) ? 1 : 0;
            }
        }

        var closed = new List<ClientOrderId>();
        foreach (var order in Tracker.GetOpenOrders())
        {
            if (!atVenue.Contains(order.ClientOrderId.Value))
            {
                var state = order.VenueOrderId.IsNone && order.FilledQuantity.IsZero ? OrderState.Rejected : OrderState.Cancelled;
                Tracker.CloseLocally(order.ClientOrderId, state);
                Record(OrderActivity.Closed(order.ClientOrderId, state, now));
                closed.Add(order.ClientOrderId);
            }
        }

        var cancelled = new List<ClientOrderId>();
        foreach (var orphan in orphans)
        {
            if (SendCancel(orphan, now, 0))
            {
                cancelled.Add(orphan);
            }
        }

        Record(OrderActivity.Reconciled(new ReconciliationCounts(closed.Count, cancelled.Count, foreign, recovered, afterReconnect), now));
        return new VenueReconciliation(closed, cancelled, foreign)
        {
            FillsRecovered = recovered,
            FillsAlreadyKnown = known,
            FillHistoryUsed = venueFills is not null,
            OrdersCorrected = corrected,
        };
    }

    /// <summary>
    /// An order open on both sides whose acknowledgement or amend answer was lost: the venue's view (open, its price
    /// and open size) is applied as the <see cref="ExecutionEventKind.Accepted"/> / <see cref="ExecutionEventKind.Amended"/>
    /// events that were missed, through <see cref="OnExecutionEvent"/> (without requoting), so that it is journaled and
    /// replays the same. Runs after the recovered fills, so that only what they do not explain is corrected.
    /// </summary>
    private bool CorrectFromVenue(in TrackedOrder tracked, in OpenOrder venue, long now)
    {
        _reconciling = true;
        try
        {
            return CorrectFromVenueCore(tracked, venue, now);
        }
        finally
        {
            _reconciling = false;
        }
    }

    private bool CorrectFromVenueCore(in TrackedOrder tracked, in OpenOrder venue, long now)
    {
        var changed = false;
        if (tracked.State == OrderState.PendingNew)
        {
            OnExecutionEvent(new ExecutionEvent
            {
                Kind = ExecutionEventKind.Accepted,
                Instrument = _instrumentId,
                ClientOrderId = venue.ClientOrderId,
                VenueOrderId = venue.VenueOrderId,
                Side = venue.Side,
                Price = venue.Price,
                Quantity = venue.Quantity,
                LeavesQuantity = venue.LeavesQuantity,
                FilledQuantity = venue.FilledQuantity,
                ReceivedNanoseconds = now,
            });
            changed = true;
        }

        if (tracked.AmendPending || tracked.Price != venue.Price || tracked.LeavesQuantity != venue.LeavesQuantity)
        {
            OnExecutionEvent(new ExecutionEvent
            {
                Kind = ExecutionEventKind.Amended,
                Instrument = _instrumentId,
                ClientOrderId = venue.ClientOrderId,
                VenueOrderId = venue.VenueOrderId,
                Side = venue.Side,
                Price = venue.Price,
                Quantity = venue.LeavesQuantity,
                LeavesQuantity = venue.LeavesQuantity,
                FilledQuantity = venue.FilledQuantity,
                ReceivedNanoseconds = now,
            });
            changed = true;
        }

        return changed;
    }

    private long NextClientOrderId() => Math.Max(_nextClientOrderId, Tracker.HighestClientOrderId) + 1;

    /// <summary>Whether the venue refused the order's last cancel and its backoff has not passed yet: no cancel goes out for it now.</summary>
    private bool IsCancelHeld(ClientOrderId id, long now) =>
        Tracker.TryGet(id, out var order) && order.CancelRefusals > 0 && order.State != OrderState.PendingCancel && !order.IsClosed && IsWaiting(order, now);

    /// <summary>Whether a cancel is on its way for the order, or its refused cancel waits for its backoff.</summary>
    private bool IsCancelAwaited(ClientOrderId id, long now) =>
        Tracker.TryGet(id, out var order) && (order.State == OrderState.PendingCancel || (order.CancelRefusals > 0 && !order.IsClosed && IsWaiting(order, now)));

    private bool IsWaiting(in TrackedOrder order, long now)
    {
        // A clock behind the refusal (a restart on a new clock) does not hold the cancel back until it catches up.
        var waited = now - order.CancelRefusedNanoseconds;
        return waited >= 0 && waited < RefusalWaitNanoseconds(order.CancelRefusals);
    }

    private long RefusalWaitNanoseconds(int refusals)
    {
        // Doubling below the cap (at most an hour): no overflow, and at most a few dozen steps.
        var wait = _refusalBackoff;
        for (var i = 1; i < refusals && wait < _refusalBackoffCap; i++)
        {
            wait *= 2;
        }

        return Math.Min(wait, _refusalBackoffCap);
    }

    private bool SendCancel(ClientOrderId id, long now, long trigger)
    {
        var cancel = OrderCommand.Cancel(_instrumentId, id, now);
        if (!IsConnected)
        {
            return Refuse(cancel, OrderRefusalReason.NotConnected, RiskRejectReason.None, now);
        }

        if (_rateLimits is not null && !_rateLimits.TryAcquire(RateLimitCategory.OrderCancel).IsAllowed)
        {
            return Refuse(cancel, OrderRefusalReason.RateLimited, RiskRejectReason.None, now);
        }

        Tracker.OnCancelSent(id, now);
        Send(cancel, now, trigger);
        _cancels++;
        return true;
    }

    private OrderPlacement RefusedPlacement(OrderRefusalReason reason, RiskRejectReason risk, string message) =>
        new(false, ClientOrderId.None, reason, risk, message);

    private bool Admit(in QuoteAction action, in OrderCommand command, long openBuy, long openSell, int openOrders, long now, RateLimitCategory category, bool manual = false)
    {
        if (!IsConnected)
        {
            return Refuse(command, OrderRefusalReason.NotConnected, RiskRejectReason.None, now, manual);
        }

        // The rules of the Security input validation (positive, within the instrument's limits, on its grid), checked
        // in fixed point: a strategy bug must never reach the venue. Prices and sizes in ticks and lots are on the grid
        // by construction, so only the ranges are left; decimal arithmetic would cost a few hundred nanoseconds per
        // command on the tick-to-quote path. Decimal input (manual orders) goes through InputValidator first.
        var range = RangeRefusal(action);
        if (range != OrderRefusalReason.None)
        {
            return Refuse(command, range, RiskRejectReason.None, now, manual);
        }

        var risk = _risk.Check(action, _strategy.Position.PositionLots, openBuy, openSell, openOrders, _strategy.MidHalfTicks, now);
        if (risk != RiskRejectReason.None)
        {
            if ((uint)risk < (uint)_riskRefusals.Length)
            {
                _riskRefusals[(int)risk]++;
            }

            return Refuse(command, OrderRefusalReason.Risk, risk, now, manual);
        }

        return _rateLimits is null || _rateLimits.TryAcquire(category).IsAllowed || Refuse(command, OrderRefusalReason.RateLimited, RiskRejectReason.None, now, manual);
    }

    private OrderRefusalReason RangeRefusal(in QuoteAction action)
    {
        var ticks = action.Price.Ticks;
        if (ticks < 1 || ticks > _maxPriceTicks)
        {
            return OrderRefusalReason.InvalidPrice;
        }

        var lots = action.Quantity.Lots;
        return lots < _minLots || lots > _maxLots ? OrderRefusalReason.InvalidQuantity : OrderRefusalReason.None;
    }

    private bool Refuse(in OrderCommand command, OrderRefusalReason reason, RiskRejectReason risk, long now, bool manual = false)
    {
        _refusals[(int)reason]++;
        _lastRefusal = (byte)reason;
        _lastRiskRefusal = risk;
        Record(OrderActivity.Refused(command, reason, risk, now, manual));
        return false;
    }

    private void Send(in OrderCommand command, long now, long trigger, bool manual = false)
    {
        // The command first: recording (journal, audit) is off the tick-to-quote path. The tracker already
        // knows the order, and both happen on this thread before any answer can be applied.
        if (_batching)
        {
            if (_outboxCount == _outbox.Length)
            {
                Array.Resize(ref _outbox, _outbox.Length * 2);
            }

            _outbox[_outboxCount++] = command;
        }
        else
        {
            _commands.Send(command, trigger);
        }

        Record(OrderActivity.Sent(command, now, manual));
    }

    /// <summary>Hands over the commands collected since <see cref="_batching"/> was set, all at once, then records them.</summary>
    private void EndBatch(long trigger)
    {
        _batching = false;
        var count = _outboxCount;
        _outboxCount = 0;
        try
        {
            if (count > 0)
            {
                _commands.SendBatch(_outbox.AsSpan(0, count), trigger);
            }
        }
        finally
        {
            FlushRecords();
        }
    }

    private void Record(in OrderActivity activity)
    {
        if (_activity is null)
        {
            return;
        }

        if (!_batching)
        {
            _activity.OnActivity(activity);
            return;
        }

        if (_pendingRecordCount == _pendingRecords.Length)
        {
            Array.Resize(ref _pendingRecords, _pendingRecords.Length * 2);
        }

        _pendingRecords[_pendingRecordCount++] = activity;
    }

    private void FlushRecords()
    {
        var count = _pendingRecordCount;
        _pendingRecordCount = 0;
        for (var i = 0; i < count; i++)
        {
            _activity!.OnActivity(_pendingRecords[i]);
        }
    }
}
