using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Simulator;

/// <summary>Connection faults and recovery: order entry dropped and restored, dropped market data, resync, fill history.</summary>
public sealed partial class ExchangeSimulator
{
    private ExecutionEvent[] _fillHistory = [];
    private int _fillHead;
    private int _fillCount;
    private SimulationRandom? _faultRandom;
    private double _dropRate;
    private long _maxDrops;
    private long _droppedUpdates;
    private long _forcedDrops;
    private long _randomDrops;
    private long _snapshotsSent;
    private long _resyncRequests;
    private long _orderEntryDisconnects;
    private long _executionEventsLost;
    private long _commandsLost;

    /// <summary>Always <see langword="true"/>: the venue keeps our last <see cref="ExchangeSimulatorOptions.FillHistoryCapacity"/> fills for <see cref="GetFillsAsync"/>.</summary>
    public bool SupportsFillHistory => true;

    /// <summary>
    /// Drops the order-entry connection, as a network failure would: a <see cref="ExecutionEventKind.ConnectionChanged"/>
    /// (disconnected) event reaches the execution sink at once; answers still on their way and every execution event
    /// while disconnected are lost (a venue's order stream does not replay them); commands sent meanwhile never reach
    /// the venue. Commands already on the wire still arrive, and our resting orders keep trading: the venue's book,
    /// balances and fill history (<see cref="GetFillsAsync"/>) go on. Does nothing when already disconnected.
    /// </summary>
    /// <exception cref="InvalidOperationException">Order entry was never connected.</exception>
    /// <exception cref="ObjectDisposedException">The simulator was disposed.</exception>
    public void DisconnectOrderEntry()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_executionSink is null)
            {
                throw new InvalidOperationException("DisconnectOrderEntry: order entry was never connected; call ConnectAsync(IExecutionSink) first.");
            }

            if (_orderEntryState != ConnectionState.Synced)
            {
                return;
            }

            _orderEntryState = ConnectionState.Disconnected;
            _orderEntryDisconnects++;
            _executionEventsLost += _executions.Count;
            _executions.Clear();
            _lastExecutionAt = _now;
            _executions.Enqueue(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Disconnected, Instrument = _instrumentId, ExchangeTimestampNanoseconds = _now, ReceivedNanoseconds = _now });
        }
    }

    /// <summary>
    /// Restores the order-entry connection: a <see cref="ExecutionEventKind.ConnectionChanged"/> (synced) event reaches
    /// the execution sink after the order-entry delay, and events flow again. What happened meanwhile is not
    /// replayed: ask <see cref="GetOpenOrdersAsync"/> and <see cref="GetFillsAsync"/>. Does nothing when connected.
    /// </summary>
    /// <exception cref="InvalidOperationException">Order entry was never connected.</exception>
    /// <exception cref="ObjectDisposedException">The simulator was disposed.</exception>
    public void ReconnectOrderEntry()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        lock (_gate)
        {
            if (_executionSink is null)
            {
                throw new InvalidOperationException("ReconnectOrderEntry: order entry was never connected; call ConnectAsync(IExecutionSink) first.");
            }

            if (_orderEntryState == ConnectionState.Synced)
            {
                return;
            }

            _orderEntryState = ConnectionState.Synced;
            var at = NextExecutionTime();
            _executions.Enqueue(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Synced, Instrument = _instrumentId, ExchangeTimestampNanoseconds = _now, ReceivedNanoseconds = at });
        }
    }

    /// <summary>
    /// Drops the next <paramref name="count"/> level updates of the feed (never delivered; their sequence numbers are
    /// missing, so the next delivered update shows a gap), on top of <see cref="ExchangeSimulatorOptions.MarketDataFaults"/>:
    /// a gap at a moment of the caller's choosing. The simulator does not resync by itself.
    /// </summary>
    /// <param name="count">How many; 1 to 1,000,000.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    public void DropLevelUpdates(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, 1_000_000);
        lock (_gate)
        {
            _forcedDrops += count;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Queues a status (syncing), a snapshot of the venue's current book and a status (synced) behind the updates
    /// already on their way, as a subscription does; it reaches the sink after the market data delay.
    /// </remarks>
    public ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfNotOurInstrument(instrument);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (_marketDataSink is null)
            {
                throw new InvalidOperationException("ResyncAsync: market data is not connected; call ConnectAsync(IMarketDataSink) first.");
            }

            if (!_subscribed)
            {
                throw new InvalidOperationException($"ResyncAsync: {instrument} is not subscribed; call SubscribeAsync first.");
            }

            _resyncRequests++;
            EnqueueSnapshot();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Fills are listed as they were (or would have been) sent on the execution stream, including those lost while
    /// order entry was disconnected, from the last <see cref="ExchangeSimulatorOptions.FillHistoryCapacity"/> fills;
    /// their <see cref="ExecutionEvent.ExchangeTimestampNanoseconds"/> is the virtual time of the trade.
    /// </remarks>
    public ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(sinceExchangeTimestampNanoseconds);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            ThrowIfOrderEntryNotConnected();
            var fills = new List<ExecutionEvent>();
            if (instrument.IsNone || instrument == _instrumentId)
            {
                for (var i = 0; i < _fillCount; i++)
                {
                    ref readonly var fill = ref _fillHistory[(_fillHead + i) % _fillHistory.Length];
                    if (fill.ExchangeTimestampNanoseconds >= sinceExchangeTimestampNanoseconds)
                    {
                        fills.Add(fill);
                    }
                }
            }

            return ValueTask.FromResult<IReadOnlyList<ExecutionEvent>>(fills);
        }
    }

    private void InitializeConnection(ExchangeSimulatorOptions options)
    {
        _fillHistory = new ExecutionEvent[options.FillHistoryCapacity];
        var faults = options.MarketDataFaults;
        _dropRate = faults.LevelUpdateDropRate;
        _maxDrops = faults.MaxDroppedUpdates ?? long.MaxValue;
        if (_dropRate > 0 && _maxDrops > 0)
        {
            // A generator of its own: the market is the same run with and without drops.
            _faultRandom = new SimulationRandom(options.Seed ^ 0x5DEE_CE66_D1CE_F00D);
        }
    }

    /// <summary>Whether the next level update is dropped (<see cref="ExchangeSimulatorOptions.MarketDataFaults"/>).</summary>
    private bool DropLevelUpdate()
    {
        if (_forcedDrops > 0)
        {
            _forcedDrops--;
            _droppedUpdates++;
            return true;
        }

        if (_faultRandom is null || _randomDrops >= _maxDrops || _faultRandom.NextDouble() >= _dropRate)
        {
            return false;
        }

        _randomDrops++;
        _droppedUpdates++;
        return true;
    }

    /// <summary>Keeps a fill for <see cref="GetFillsAsync"/>, forgetting the oldest when full.</summary>
    private void RememberFill(in ExecutionEvent fill)
    {
        if (_fillCount == _fillHistory.Length)
        {
            _fillHead = (_fillHead + 1) % _fillHistory.Length;
            _fillCount--;
        }

        _fillHistory[(_fillHead + _fillCount) % _fillHistory.Length] = fill;
        _fillCount++;
    }
}
