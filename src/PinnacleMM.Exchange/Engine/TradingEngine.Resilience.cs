using System.Globalization;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// Staying correct across reconnects and book gaps. Everything here runs on the strategy thread (or inline), except
/// the venue queries, which run off it and hand their results back through the control queue.
/// </summary>
/// <remarks>
/// <para>
/// <b>Order entry back after a disconnect.</b> While order entry is down the order manager refuses every command. When
/// it comes back (<see cref="ExecutionEventKind.ConnectionChanged"/> to synced) the engine keeps refusing, asks the
/// venue for our open orders and, where the connector keeps a fill history, for our fills since the last execution
/// event it saw, and applies them on the strategy thread: the missed fills go through the same path as the stream's
/// (so a fill that also arrives late on the stream is recognised by its trade id and counted once), orders gone at
/// the venue are closed, orphans cancelled, and a summary is journaled (<see cref="OrderActivityKind.VenueReconciled"/>).
/// Only then are commands sent again and the strategy requoted. Without a fill history the orders gone are closed
/// and a warning in <see cref="EngineStatus.Resilience"/> says that fills may have been missed. A failed query is
/// retried after <see cref="EngineResilienceOptions.ReconcileRetryInterval"/>; a result that arrives after another
/// disconnect is dropped (the next reconnect reconciles again).
/// </para>
/// <para>
/// <b>Gaps.</b> When the engine's book of the venue has a sequence gap, or the feed reports the instrument out of sync
/// (and the connector is not resyncing it, or has not managed within <see cref="EngineResilienceOptions.ConnectorResyncGrace"/>),
/// the quotes are pulled and the engine asks the connector for a fresh snapshot
/// (<see cref="IMarketDataConnector.ResyncAsync"/>). Requests are spaced by an exponential backoff
/// (<see cref="EngineResilienceOptions.ResyncBackoffInitial"/> doubling to <see cref="EngineResilienceOptions.ResyncBackoffMaximum"/>,
/// back to the start once the book stayed in sync that long), and repeated while no snapshot came. Quoting resumes
/// with the first update after the new snapshot.
/// </para>
/// </remarks>
public sealed partial class TradingEngine
{
    private const int MaxWarnings = 16;

    private readonly Queue<string> _warnings = new();
    private bool _orderEntryDown;
    private bool _reconcilePending;
    private bool _reconcileInFlight;
    private int _connectionGeneration;
    private long _nextReconcileAttempt;
    private long _lastVenueExecutionTime;
    private long _reconnects;
    private long _venueReconciliations;
    private long _missedFillsRecovered;
    private long _ordersClosedWithoutFills;
    private long _reconcileFailures;
    private volatile VenueReconciliation? _lastReconciliation;

    private bool _resyncInFlight;
    private bool _connectorResyncing;
    private long _connectorResyncSince;
    private long _nextResyncAt;
    private long _resyncBackoff;
    private long _syncedSince;
    private long _resyncRequests;
    private long _resyncFailures;

    /// <summary>Times order entry came back after a disconnect.</summary>
    public long Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Reconciliations with the venue after a reconnect.</summary>
    public long VenueReconciliations => Volatile.Read(ref _venueReconciliations);

    /// <summary>Fills missed while order entry was disconnected and recovered from the venue's fill history.</summary>
    public long MissedFillsRecovered => Volatile.Read(ref _missedFillsRecovered);

    /// <summary>Fresh snapshots asked of the market data connector after a gap (<see cref="IMarketDataConnector.ResyncAsync"/>).</summary>
    public long ResyncRequests => Volatile.Read(ref _resyncRequests);

    /// <summary>The last reconciliation after a reconnect; null before the first.</summary>
    public VenueReconciliation? LastVenueReconciliation => _lastReconciliation;

    // ------------------------------------------------------------------ order entry

    /// <summary>
    /// At start, on the strategy thread: reconciles the recovered orders with the venue's open orders and, when given,
    /// our fills since the last execution event the engine saw (fills while it was stopped reach the position once),
    /// then sends again the cancels of the orders the last stop left open that are still open (the venue still has them).
    /// </summary>
    private (VenueReconciliation Venue, IReadOnlyList<ClientOrderId> Resent, StartPicture Picture) ReconcileAtStart(IReadOnlyList<OpenOrder> venueOrders, IReadOnlyList<ExecutionEvent>? venueFills)
    {
        var result = Orders.ReconcileWithVenue(venueOrders, venueFills);
        NoteVenueFills(venueFills);

        if (venueFills is null && result.ClosedLocally.Count > 0)
        {
            _ordersClosedWithoutFills += result.ClosedLocally.Count;
            var why = _orderEntry.SupportsFillHistory ? "the last venue time the engine saw was not recovered" : $"{_orderEntry.Venue} keeps no fill history";
            Warn($"start: {result.ClosedLocally.Count} recovered orders were gone at {_orderEntry.Venue} and closed, but {why}" +
                "; fills they may have had while the engine was stopped were not seen: check the position against the venue's balances.");
            ExchangeLog.OrdersClosedWithoutFills(_logger, _strategy.Instrument.Symbol, "start", result.ClosedLocally.Count, _orderEntry.Venue, why);
        }

        var resent = new List<ClientOrderId>();
        foreach (var id in _recoveredStopLeftOpen)
        {
            var order = new ClientOrderId(id);
            if (Orders.Tracker.TryGet(order, out var tracked) && !tracked.IsClosed && Orders.CancelOrder(order))
            {
                resent.Add(order);
            }
        }

        _recoveredStopLeftOpen = [];

        // The state the engine starts trading from (the venue's fills since the stop included), for the start's log
        // record; a trading state restored from the snapshot is reported there, not as a change (see StartAsync).
        var position = _strategy.Position;
        var picture = new StartPicture(position.Position, position.RealizedPnlAverageCost, position.FillCount, Orders.Tracker.OpenCount, _strategy.State, _strategy.Risk.StateReason);

        // Readers of the status see the recovered picture (and any warning) before the first timer tick.
        PublishStatus(_clock.NowNanoseconds);
        return (result, resent, picture);
    }

    /// <summary>
    /// The venue's time of the newest of our fills it listed (applied or already known): the next query for missed fills
    /// starts there, not at an older event's time whose fills since would all come back.
    /// </summary>
    private void NoteVenueFills(IReadOnlyList<ExecutionEvent>? fills)
    {
        foreach (var fill in fills ?? [])
        {
            if (fill.IsFill && fill.Instrument == _instrumentId && fill.ExchangeTimestampNanoseconds > _lastVenueExecutionTime)
            {
                _lastVenueExecutionTime = fill.ExchangeTimestampNanoseconds;
            }
        }
    }

    /// <summary>After every execution event: follows the connection and the venue's time of the last event seen.</summary>
    private void ObserveExecution(in ExecutionEvent e)
    {
        if (e.Kind != ExecutionEventKind.ConnectionChanged)
        {
            if (e.ExchangeTimestampNanoseconds > _lastVenueExecutionTime)
            {
                _lastVenueExecutionTime = e.ExchangeTimestampNanoseconds;
            }

            return;
        }

        if (e.ConnectionState != ConnectionState.Synced)
        {
            if (!_orderEntryDown)
            {
                _orderEntryDown = true;
                _connectionGeneration++;
                ExchangeLog.OrderEntryLost(_logger, _strategy.Instrument.Symbol, _orderEntry.Venue, e.ConnectionState);
            }

            return;
        }

        if (!_orderEntryDown)
        {
            // Synced without a loss before it (the first report of a connector): the start reconciled already.
            return;
        }

        _orderEntryDown = false;
        _connectionGeneration++;
        Volatile.Write(ref _reconnects, _reconnects + 1);
        if (!_options.Resilience.ReconcileOnReconnect)
        {
            return;
        }

        // Nothing is sent on a picture of our orders that may be stale (missed fills change the position the risk
        // checks use) until the venue's is applied.
        Orders.IsConnected = false;
        _reconcilePending = true;
        StartReconciliation();
    }

    private void StartReconciliation()
    {
        if (_reconcileInFlight || !_reconcilePending || _orderEntryDown)
        {
            return;
        }

        _reconcileInFlight = true;
        var generation = _connectionGeneration;
        var since = _lastVenueExecutionTime;
        if (_gate.Inline)
        {
            // In virtual time the query completes at once (the simulator); the result is applied right here.
            _ = QueryVenueAsync(generation, since);
        }
        else
        {
            _ = Task.Run(() => QueryVenueAsync(generation, since));
        }
    }

    /// <summary>Off the strategy thread: the venue's open orders and fills, applied on the strategy thread.</summary>
    private async Task QueryVenueAsync(int generation, long since)
    {
        try
        {
            var orders = await _orderEntry.GetOpenOrdersAsync(_instrumentId).ConfigureAwait(false);
            var fills = _orderEntry.SupportsFillHistory ? await _orderEntry.GetFillsAsync(_instrumentId, since).ConfigureAwait(false) : null;
            _ = OnStrategyThreadAsync(() => ApplyReconciliation(generation, orders, fills));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A broken connection or venue: retried; the engine keeps refusing commands meanwhile.
            _ = OnStrategyThreadAsync(() => ReconciliationFailed(generation, e));
        }
    }

    private bool ApplyReconciliation(int generation, IReadOnlyList<OpenOrder> orders, IReadOnlyList<ExecutionEvent>? fills)
    {
        _reconcileInFlight = false;
        if (generation != _connectionGeneration || _orderEntryDown || Volatile.Read(ref _gate.State) == 3)
        {
            // Lost again before the answer was applied: the next reconnect reconciles.
            return false;
        }

        var now = _clock.NowNanoseconds;
        var result = Orders.ReconcileWithVenue(orders, fills, afterReconnect: true);
        NoteVenueFills(fills);
        _reconcilePending = false;
        _lastReconciliation = result;
        Volatile.Write(ref _venueReconciliations, _venueReconciliations + 1);
        Volatile.Write(ref _missedFillsRecovered, _missedFillsRecovered + result.FillsRecovered);
        if (!result.FillHistoryUsed && result.ClosedLocally.Count > 0)
        {
            _ordersClosedWithoutFills += result.ClosedLocally.Count;
            Warn($"order entry reconnected: {result.ClosedLocally.Count} orders were gone at the venue and closed, but {_orderEntry.Venue} keeps no fill history; " +
                "fills they may have had while disconnected were not seen: check the position against the venue's balances.");
            ExchangeLog.OrdersClosedWithoutFills(_logger, _strategy.Instrument.Symbol, "order entry reconnected", result.ClosedLocally.Count, _orderEntry.Venue, $"{_orderEntry.Venue} keeps no fill history");
        }

        ExchangeLog.OrderEntryReconciled(_logger, _strategy.Instrument.Symbol, _orderEntry.Venue, _reconnects, result);

        Orders.IsConnected = true;
        if (_venueBook.IsSynced && !_venueBook.IsBuildingSnapshot && RebuildStrategyBook())
        {
            // Orders closed or filled meanwhile no longer hide their size in the levels the strategy sees.
            _strategy.OnBookUpdated();
        }

        if (_stopRequested)
        {
            Orders.CancelAll();
        }
        else
        {
            _strategy.Requote();
            Orders.Requote(now);
        }

        return true;
    }

    private bool ReconciliationFailed(int generation, Exception e)
    {
        _reconcileInFlight = false;
        _reconcileFailures++;
        Warn($"reconciliation with {_orderEntry.Venue} after a reconnect failed ({e.GetType().Name}: {e.Message}); retrying, commands stay held.");
        var current = generation == _connectionGeneration;
        ExchangeLog.ReconciliationFailed(_logger, _strategy.Instrument.Symbol, _orderEntry.Venue, _reconcileFailures,
            current ? string.Create(CultureInfo.InvariantCulture, $"retrying in {_options.Resilience.ReconcileRetryInterval}") : "the connection changed meanwhile: the next reconnect reconciles", e);
        if (current)
        {
            _nextReconcileAttempt = _clock.NowNanoseconds + Nanoseconds(_options.Resilience.ReconcileRetryInterval);
        }

        return false;
    }

    // ------------------------------------------------------------------ market data

    /// <summary>A status event of the feed (or of our instrument).</summary>
    private void OnFeedStatus(ConnectionState state)
    {
        var now = _clock.NowNanoseconds;
        switch (state)
        {
            case ConnectionState.Synced:
                _connectorResyncing = false;
                break;
            default:
                // Connecting, syncing or disconnected: the connector is bringing the book back (a dropped connection's
                // next one subscribes afresh, and a request while it is down is declined anyway). Asking now would
                // race its own snapshot: a request that reaches it just after it synced costs a second resubscribe.
                // The timer asks if it has not managed within ConnectorResyncGrace.
                if (!_connectorResyncing)
                {
                    _connectorResyncing = true;
                    _connectorResyncSince = now;
                }

                break;
        }
    }

    /// <summary>The venue book found a sequence gap (it is out of sync now).</summary>
    private void OnBookGap() => MaybeRequestResync(_clock.NowNanoseconds);

    /// <summary>A snapshot was applied to the venue book.</summary>
    private void OnSnapshotApplied()
    {
        if (_venueBook.IsSynced)
        {
            _syncedSince = _clock.NowNanoseconds;
        }
    }

    private void MaybeRequestResync(long now)
    {
        var options = _options.Resilience;
        if (!options.ResyncOnGap || _stopRequested || Volatile.Read(ref _gate.State) != 1 || _resyncInFlight
            || _venueBook.IsSynced || _venueBook.IsBuildingSnapshot || now < _nextResyncAt
            || (_connectorResyncing && now - _connectorResyncSince < Nanoseconds(options.ConnectorResyncGrace)))
        {
            return;
        }

        var initial = Nanoseconds(options.ResyncBackoffInitial);
        _resyncBackoff = Math.Max(_resyncBackoff, initial);
        _nextResyncAt = now + _resyncBackoff;
        _resyncBackoff = Math.Min(_resyncBackoff * 2, Nanoseconds(options.ResyncBackoffMaximum));
        Volatile.Write(ref _resyncRequests, _resyncRequests + 1);
        ExchangeLog.ResyncRequested(_logger, _strategy.Instrument.Symbol, _marketData.Venue, _resyncRequests, TimeSpan.FromTicks((_nextResyncAt - now) / TimeSpan.NanosecondsPerTick));
        _resyncInFlight = true;
        if (_gate.Inline)
        {
            _ = RequestResyncAsync();
        }
        else
        {
            _ = Task.Run(RequestResyncAsync);
        }
    }

    private async Task RequestResyncAsync()
    {
        try
        {
            await _marketData.ResyncAsync(_instrumentId).ConfigureAwait(false);
            _ = OnStrategyThreadAsync(() => _resyncInFlight = false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _ = OnStrategyThreadAsync(() =>
            {
                _resyncInFlight = false;
                _resyncFailures++;
                Warn($"resync of {_strategy.Instrument.Symbol} from {_marketData.Venue} failed ({e.GetType().Name}: {e.Message}); retrying after the backoff, quotes stay pulled.");
                ExchangeLog.ResyncFailed(_logger, _strategy.Instrument.Symbol, _marketData.Venue, _resyncFailures, e);
                return false;
            });
        }
    }

    // ------------------------------------------------------------------ timer and status

    /// <summary>On every timer tick: retries a failed reconciliation, asks again for a snapshot that did not come, relaxes the backoff.</summary>
    private void RunResilienceTimer(long now)
    {
        if (_reconcilePending && !_reconcileInFlight && !_orderEntryDown && now >= _nextReconcileAttempt)
        {
            StartReconciliation();
        }

        if (!_venueBook.IsSynced)
        {
            MaybeRequestResync(now);
        }
        else if (_resyncBackoff > 0 && now - _syncedSince >= Nanoseconds(_options.Resilience.ResyncBackoffMaximum))
        {
            // Healthy for as long as the longest backoff: the next gap is asked for at once again.
            _resyncBackoff = 0;
        }
    }

    private EngineResilienceStatus CaptureResilience() => new()
    {
        OrderEntryReady = !_orderEntryDown && !_reconcilePending && Orders.IsConnected,
        Reconnects = _reconnects,
        Reconciliations = _venueReconciliations,
        MissedFillsRecovered = _missedFillsRecovered,
        OrdersClosedWithoutFills = _ordersClosedWithoutFills,
        ReconciliationFailures = _reconcileFailures,
        BookGaps = _bookGaps,
        ResyncRequests = _resyncRequests,
        ResyncFailures = _resyncFailures,
        LastReconciliation = _lastReconciliation,
        Warnings = _warnings.Count == 0 ? [] : _warnings.ToArray(),
    };

    private void Warn(string warning)
    {
        if (_warnings.Count == MaxWarnings)
        {
            _warnings.Dequeue();
        }

        _warnings.Enqueue(warning);
    }

    private static long Nanoseconds(TimeSpan value) => value.Ticks * TimeSpan.NanosecondsPerTick;
}
