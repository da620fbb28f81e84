using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// The simulator's market data, passed to the engine unchanged; after each event the engine handled (inline), it checks
/// that while the engine's book of the venue is out of sync no quote of ours is live (each is cancelled or being
/// cancelled) and no order is placed, and it counts the resync requests that pass through. It can also play a dropped
/// connection as a reconnecting connector reports it: <see cref="Drop"/>, failed attempts (<see cref="FailedAttempt"/>)
/// and <see cref="ReconnectAsync"/>, which subscribes afresh.
/// </summary>
internal sealed class ObservingFeed(ExchangeSimulator simulator) : IMarketDataConnector
{
    private IMarketDataSink? _sink;
    private long _placesWhenLost = -1;
    private bool _down;

    public TradingEngine? Engine { get; set; }

    public int EventsOutOfSync { get; private set; }

    public int Resyncs { get; private set; }

    public List<string> Violations { get; } = [];

    /// <summary>Places sent when the book was last found back in sync after a loss.</summary>
    public long PlacesAtLastResume { get; private set; } = -1;

    public string Venue => simulator.Venue;

    public ConnectionState State => simulator.MarketDataState;

    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        _sink = sink;
        return simulator.ConnectAsync(new Interceptor(this), cancellationToken);
    }

    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.SubscribeAsync(instrument, cancellationToken);

    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.UnsubscribeAsync(instrument, cancellationToken);

    /// <summary>How many more resync requests fail (as a connector whose snapshot request is refused).</summary>
    public int FailResyncs { get; set; }

    public ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        Resyncs++;
        if (FailResyncs > 0)
        {
            FailResyncs--;
            return ValueTask.FromException(new HttpRequestException("snapshot request refused (injected)"));
        }

        return simulator.ResyncAsync(instrument, cancellationToken);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The connection drops: a disconnected status, then nothing from the venue until <see cref="ReconnectAsync"/>.</summary>
    public void Drop()
    {
        Deliver(MarketEvent.Status(SimulatorTestKit.Id, ConnectionState.Disconnected, 0, 0, simulator.NowNanoseconds));
        _down = true;
    }

    /// <summary>A reconnect attempt that fails, as the connector reports it: connecting, then disconnected again.</summary>
    public void FailedAttempt()
    {
        Deliver(MarketEvent.Status(SimulatorTestKit.Id, ConnectionState.Connecting, 0, 0, simulator.NowNanoseconds));
        Deliver(MarketEvent.Status(SimulatorTestKit.Id, ConnectionState.Disconnected, 0, 0, simulator.NowNanoseconds));
    }

    /// <summary>The connector is back and subscribes afresh: connecting, then the venue's syncing, snapshot and synced.</summary>
    public async ValueTask ReconnectAsync()
    {
        _down = false;
        Deliver(MarketEvent.Status(SimulatorTestKit.Id, ConnectionState.Connecting, 0, 0, simulator.NowNanoseconds));
        await simulator.ResyncAsync(SimulatorTestKit.Id);
    }

    private void Deliver(in MarketEvent e)
    {
        _sink!.OnMarketEvent(e);
        After(e);
    }

    private void After(in MarketEvent e)
    {
        var engine = Engine;
        if (engine is null)
        {
            return;
        }

        var orders = engine.Orders;
        if (!engine.VenueBook.IsSynced)
        {
            EventsOutOfSync++;
            if (_placesWhenLost < 0)
            {
                _placesWhenLost = orders.PlacesSent;
            }

            if (engine.Strategy.QuotingEnabled)
            {
                Violations.Add($"{e}: quoting enabled while the book is out of sync");
            }

            if (orders.PlacesSent != _placesWhenLost)
            {
                Violations.Add($"{e}: an order was placed while the book is out of sync");
            }

            foreach (var order in orders.Tracker.GetOpenOrders())
            {
                if (order.State != OrderState.PendingCancel)
                {
                    Violations.Add($"{e}: order {order.ClientOrderId} is {order.State} while the book is out of sync");
                }
            }
        }
        else if (_placesWhenLost >= 0)
        {
            _placesWhenLost = -1;
            PlacesAtLastResume = orders.PlacesSent;
        }
    }

    private sealed class Interceptor(ObservingFeed feed) : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            if (!feed._down)
            {
                feed.Deliver(marketEvent);
            }
        }
    }
}
