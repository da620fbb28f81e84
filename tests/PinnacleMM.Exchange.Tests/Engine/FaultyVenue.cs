using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// Fault injection around the real simulator (virtual time, delivered on the driver thread): rejects places and
/// cancels, loses commands (places and cancels), holds acknowledgements back so fills overtake them, repeats fills,
/// and drops the order-entry connection for a while (commands are then refused by the engine, and the venue's events
/// are held and delivered after the reconnect, as a session replay does). Injected events are delivered before the
/// next real event, or with <see cref="AnswerInsideSend"/> at once, from inside <see cref="SendAsync"/> (a connector
/// that answers a command before its send returns). A second engine may connect after the first one stopped: it takes
/// the connection over, as a restarted process does with a venue that kept running (our orders rest and trade meanwhile).
/// </summary>
internal sealed class FaultyVenue(ExchangeSimulator simulator) : IMarketDataConnector, IOrderEntryConnector
{
    private readonly Queue<ExecutionEvent> _injected = new();
    private readonly List<(ExecutionEvent Event, int Due)> _heldAcks = [];
    private readonly Queue<ExecutionEvent> _heldWhileDown = new();
    private IExecutionSink? _executionSink;
    private IMarketDataSink? _marketSink;
    private int _places;
    private int _delivered;
    private bool _connected;
    private bool _subscribed;

    public int RejectEveryNthPlace { get; set; }

    /// <summary>How many of the next cancels the venue refuses (a <see cref="ExecutionEventKind.CancelRejected"/> with <see cref="CancelRejectReason"/>); the order stays at the venue.</summary>
    public int RejectNextCancels { get; set; }

    /// <summary>Why refused cancels are refused; <see cref="RejectReason.VenueRejected"/> (e.g. "too late to cancel") by default.</summary>
    public RejectReason CancelRejectReason { get; set; } = RejectReason.VenueRejected;

    /// <summary>The orders whose cancels were refused, once per refusal.</summary>
    public List<ClientOrderId> CancelsRejected { get; } = [];

    /// <summary>Delivers the injected rejections from inside <see cref="SendAsync"/>, before it returns.</summary>
    public bool AnswerInsideSend { get; set; }

    /// <summary>How many rejections were delivered from inside <see cref="SendAsync"/>.</summary>
    public int AnsweredInsideSend { get; private set; }

    /// <summary>Every command handed to <see cref="SendAsync"/>, in order, as it was when handed over.</summary>
    public List<OrderCommand> Received { get; } = [];

    public int DropNextPlaces { get; set; }

    /// <summary>How many of the next cancels are lost on the way (the venue never sees them, nothing answers); their orders go into <see cref="Dropped"/>.</summary>
    public int DropNextCancels { get; set; }

    public int HoldAcksForEvents { get; set; }

    public bool DuplicateFills { get; set; }

    public List<ClientOrderId> Dropped { get; } = [];

    public int FillsBeforeAck { get; private set; }

    public string Venue => "faulty-simulator";

    public ConnectionState State => IsDown ? ConnectionState.Disconnected : ConnectionState.Synced;

    public bool SupportsAmend => simulator.SupportsAmend;

    public bool IsDown { get; private set; }

    public void GoDown()
    {
        IsDown = true;
        _injected.Enqueue(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Disconnected });
    }

    public void ComeBack()
    {
        IsDown = false;
        _injected.Enqueue(new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Synced });
        while (_heldWhileDown.TryDequeue(out var held))
        {
            _injected.Enqueue(held);
        }
    }

    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        var first = _marketSink is null;
        _marketSink = sink;
        return first ? simulator.ConnectAsync(new MarketInterceptor(this), cancellationToken) : ValueTask.CompletedTask;
    }

    /// <remarks>A later connect (a restarted engine) takes the connection over: the venue's events go to it from now on.</remarks>
    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default)
    {
        _executionSink = sink;
        if (_connected)
        {
            return ValueTask.CompletedTask;
        }

        _connected = true;
        return simulator.ConnectAsync(new ExecutionInterceptor(this), cancellationToken);
    }

    /// <remarks>A later subscribe (a restarted engine) gets a fresh snapshot of the book, as a new subscription does.</remarks>
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        if (_subscribed)
        {
            return simulator.ResyncAsync(instrument, cancellationToken);
        }

        _subscribed = true;
        return simulator.SubscribeAsync(instrument, cancellationToken);
    }

    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        _subscribed = false;
        return simulator.UnsubscribeAsync(instrument, cancellationToken);
    }

    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
    {
        Received.Add(command);
        if (IsDown)
        {
            Dropped.Add(command.ClientOrderId);
            return ValueTask.CompletedTask;
        }

        if (command.Kind == OrderCommandKind.Place)
        {
            _places++;
            if (DropNextPlaces > 0)
            {
                DropNextPlaces--;
                Dropped.Add(command.ClientOrderId);
                return ValueTask.CompletedTask;
            }

            if (RejectEveryNthPlace > 0 && _places % RejectEveryNthPlace == 0)
            {
                Reject(ExecutionEventKind.Rejected, command, RejectReason.VenueRejected);
                return ValueTask.CompletedTask;
            }
        }
        else if (command.Kind == OrderCommandKind.Cancel)
        {
            if (DropNextCancels > 0)
            {
                DropNextCancels--;
                Dropped.Add(command.ClientOrderId);
                return ValueTask.CompletedTask;
            }

            if (RejectNextCancels > 0)
            {
                RejectNextCancels--;
                CancelsRejected.Add(command.ClientOrderId);
                Reject(ExecutionEventKind.CancelRejected, command, CancelRejectReason);
                return ValueTask.CompletedTask;
            }
        }

        return simulator.SendAsync(command, cancellationToken);
    }

    /// <summary>Answers <paramref name="command"/> with a rejection instead of the venue (from inside the send with <see cref="AnswerInsideSend"/>).</summary>
    private void Reject(ExecutionEventKind kind, in OrderCommand command, RejectReason reason)
    {
        var rejection = new ExecutionEvent
        {
            Kind = kind,
            Instrument = command.Instrument,
            ClientOrderId = command.ClientOrderId,
            Side = command.Side,
            Price = command.Price,
            Quantity = command.Quantity,
            RejectReason = reason,
        };
        if (AnswerInsideSend)
        {
            AnsweredInsideSend++;
            _executionSink!.OnExecutionEvent(rejection);
        }
        else
        {
            _injected.Enqueue(rejection);
        }
    }

    /// <summary>How many more open-order queries fail (as a venue's REST endpoint that is briefly unavailable).</summary>
    public int FailOpenOrderQueries { get; set; }

    public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        if (FailOpenOrderQueries > 0)
        {
            FailOpenOrderQueries--;
            throw new HttpRequestException("503 service unavailable (injected)");
        }

        return simulator.GetOpenOrdersAsync(instrument, cancellationToken);
    }

    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => simulator.GetBalancesAsync(cancellationToken);

    /// <summary>Whether the venue's fill history is offered (the simulator keeps one); off to test a venue without.</summary>
    public bool OfferFillHistory { get; set; } = true;

    public bool SupportsFillHistory => OfferFillHistory;

    public ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default) =>
        OfferFillHistory ? simulator.GetFillsAsync(instrument, sinceExchangeTimestampNanoseconds, cancellationToken) : throw new NotSupportedException("fill history switched off");

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void FlushInjected()
    {
        // Only what was injected before this delivery: answers to the commands it leads to come with the next real
        // event, as a venue's would after its latency (an engine that answers a refusal with a new command would
        // otherwise ping-pong with this venue without the venue's time ever moving on).
        for (var count = _injected.Count; count > 0 && _injected.TryDequeue(out var injected); count--)
        {
            _executionSink!.OnExecutionEvent(injected);
        }

        for (var i = 0; i < _heldAcks.Count; i++)
        {
            if (_heldAcks[i].Due <= _delivered)
            {
                Deliver(_heldAcks[i].Event);
                _heldAcks.RemoveAt(i--);
            }
        }
    }

    private void Deliver(in ExecutionEvent e)
    {
        if (IsDown)
        {
            _heldWhileDown.Enqueue(e);
            return;
        }

        _executionSink!.OnExecutionEvent(e);
    }

    private void OnExecution(in ExecutionEvent e)
    {
        _delivered++;
        FlushInjected();
        if (HoldAcksForEvents > 0 && e.Kind is ExecutionEventKind.Accepted or ExecutionEventKind.Amended)
        {
            _heldAcks.Add((e, _delivered + HoldAcksForEvents));
            return;
        }

        var id = e.ClientOrderId;
        if (e.IsFill && _heldAcks.Exists(h => h.Event.ClientOrderId == id))
        {
            FillsBeforeAck++;
        }

        Deliver(e);
        if (DuplicateFills && e.IsFill)
        {
            Deliver(e);
        }
    }

    private sealed class ExecutionInterceptor(FaultyVenue venue) : IExecutionSink
    {
        public void OnExecutionEvent(in ExecutionEvent executionEvent) => venue.OnExecution(executionEvent);
    }

    private sealed class MarketInterceptor(FaultyVenue venue) : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            venue._delivered++;
            venue.FlushInjected();
            venue._marketSink!.OnMarketEvent(marketEvent);
        }
    }
}
