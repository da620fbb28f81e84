using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// Fault injection around the real simulator (virtual time, delivered on the driver thread): rejects places,
/// loses commands, holds acknowledgements back so fills overtake them, repeats fills, and drops the order-entry
/// connection for a while (commands are then refused by the engine, and the venue's events are held and
/// delivered after the reconnect, as a session replay does). Injected events are delivered before the next
/// real event, or with <see cref="AnswerInsideSend"/> at once, from inside <see cref="SendAsync"/> (a connector that
/// answers a command before its send returns).
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

    public int RejectEveryNthPlace { get; set; }

    /// <summary>Delivers the injected rejections from inside <see cref="SendAsync"/>, before it returns.</summary>
    public bool AnswerInsideSend { get; set; }

    /// <summary>How many rejections were delivered from inside <see cref="SendAsync"/>.</summary>
    public int AnsweredInsideSend { get; private set; }

    /// <summary>Every command handed to <see cref="SendAsync"/>, in order, as it was when handed over.</summary>
    public List<OrderCommand> Received { get; } = [];

    public int DropNextPlaces { get; set; }

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
        _marketSink = sink;
        return simulator.ConnectAsync(new MarketInterceptor(this), cancellationToken);
    }

    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default)
    {
        _executionSink = sink;
        return simulator.ConnectAsync(new ExecutionInterceptor(this), cancellationToken);
    }

    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.SubscribeAsync(instrument, cancellationToken);

    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.UnsubscribeAsync(instrument, cancellationToken);

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
                var rejection = new ExecutionEvent
                {
                    Kind = ExecutionEventKind.Rejected,
                    Instrument = command.Instrument,
                    ClientOrderId = command.ClientOrderId,
                    Side = command.Side,
                    Price = command.Price,
                    Quantity = command.Quantity,
                    RejectReason = RejectReason.VenueRejected,
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

                return ValueTask.CompletedTask;
            }
        }

        return simulator.SendAsync(command, cancellationToken);
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
        while (_injected.TryDequeue(out var injected))
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
