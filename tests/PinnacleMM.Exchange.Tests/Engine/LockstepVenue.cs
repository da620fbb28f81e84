using System.Diagnostics;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// Steps a threaded engine through a venue driven in virtual time, so that its run is reproducible: every event the
/// venue delivers moves the engine's clock to the event's receive time (as <see cref="TradingEngineOptions.ClockFollowsEvents"/>
/// does inline) and is handed to the engine's sink; the venue's driver thread then waits until the engine's threads
/// have handled it and handed over every command it caused. The engine's own threads, rings and sending path do the
/// work; only the pace is the test's.
/// </summary>
internal sealed class LockstepVenue(IMarketDataConnector marketData, IOrderEntryConnector orderEntry, ManualMonotonicClock clock) : IMarketDataConnector, IOrderEntryConnector
{
    private static readonly TimeSpan StepLimit = TimeSpan.FromSeconds(20);
    private TradingEngine? _engine;
    private Task? _stop;
    private long _forwarded;

    public string Venue => orderEntry.Venue;

    public bool SupportsAmend => orderEntry.SupportsAmend;

    ConnectionState IMarketDataConnector.State => marketData.State;

    ConnectionState IOrderEntryConnector.State => orderEntry.State;

    public void Attach(TradingEngine engine) => _engine = engine;

    /// <summary>From the stop on, the engine drops events once it has finished: stop waiting for them then.</summary>
    public void Stopping(Task stop) => _stop = stop;

    public ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default) => marketData.ConnectAsync(new MarketStep(this, sink), cancellationToken);

    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default) => orderEntry.ConnectAsync(new ExecutionStep(this, sink), cancellationToken);

    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => marketData.SubscribeAsync(instrument, cancellationToken);

    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => marketData.UnsubscribeAsync(instrument, cancellationToken);

    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default) => orderEntry.SendAsync(command, cancellationToken);

    public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => orderEntry.GetOpenOrdersAsync(instrument, cancellationToken);

    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => orderEntry.GetBalancesAsync(cancellationToken);

    public bool SupportsFillHistory => orderEntry.SupportsFillHistory;

    public ValueTask<IReadOnlyList<ExecutionEvent>> GetFillsAsync(InstrumentId instrument, long sinceExchangeTimestampNanoseconds, CancellationToken cancellationToken = default) =>
        orderEntry.GetFillsAsync(instrument, sinceExchangeTimestampNanoseconds, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void BeforeEvent(long receivedNanoseconds)
    {
        if (receivedNanoseconds > clock.NowNanoseconds)
        {
            clock.Set(receivedNanoseconds);
        }
    }

    private void AfterEvent()
    {
        var engine = _engine!;
        _forwarded++;
        var started = Stopwatch.GetTimestamp();
        var spin = default(SpinWait);
        while (!(engine.EventsHandled >= _forwarded && engine.CommandsInTransit == 0))
        {
            if (_stop is { IsCompleted: true } || engine.Fault is not null)
            {
                return;
            }

            if (Stopwatch.GetElapsedTime(started) > StepLimit)
            {
                throw new TimeoutException($"lockstep: the engine did not handle event {_forwarded} within {StepLimit} (handled {engine.EventsHandled}, commands in transit {engine.CommandsInTransit}).");
            }

            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class MarketStep(LockstepVenue venue, IMarketDataSink sink) : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            venue.BeforeEvent(marketEvent.ReceivedNanoseconds);
            sink.OnMarketEvent(marketEvent);
            venue.AfterEvent();
        }
    }

    private sealed class ExecutionStep(LockstepVenue venue, IExecutionSink sink) : IExecutionSink
    {
        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
            venue.BeforeEvent(executionEvent.ReceivedNanoseconds);
            sink.OnExecutionEvent(executionEvent);
            venue.AfterEvent();
        }
    }
}
