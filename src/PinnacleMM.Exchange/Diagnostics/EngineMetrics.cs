using System.Diagnostics.Metrics;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Diagnostics;

/// <summary>
/// The trading engine's <see cref="System.Diagnostics.Metrics"/> instruments, on the meter
/// <see cref="MeterName"/> (read them with <c>dotnet-counters monitor --counters PinnacleMM.Exchange</c> or
/// OpenTelemetry). Every measurement carries the tag <c>instrument</c> (the symbol).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><c>pinnaclemm.engine.tick_to_quote</c> (histogram, µs): market event received → command handed to the venue.</item>
/// <item><c>pinnaclemm.engine.quotes</c> (counter): reconciliations of the desired quotes; its rate is quotes per second.</item>
/// <item><c>pinnaclemm.engine.orders</c> (counter, tag <c>kind</c> = place, cancel, amend): commands sent; its rate is orders per second.</item>
/// <item><c>pinnaclemm.engine.fills</c> (counter): fills applied.</item>
/// <item><c>pinnaclemm.engine.rejections</c> (counter, tags <c>source</c> = local, risk, venue and <c>reason</c>): refused actions by reason.</item>
/// <item><c>pinnaclemm.engine.market_events</c> (counter): market events processed.</item>
/// <item><c>pinnaclemm.engine.slow_cycles</c> (counter): turns of the strategy thread's loop over <see cref="TradingEngineOptions.SlowCycleThreshold"/>; <c>pinnaclemm.engine.commands_after_slow_cycle</c> (counter): commands whose tick-to-quote overlapped one.</item>
/// <item><c>pinnaclemm.engine.reconnects</c>, <c>pinnaclemm.engine.venue_reconciliations</c>, <c>pinnaclemm.engine.missed_fills_recovered</c> (counters): order entry back after a disconnect, reconciliations with the venue after it, fills recovered from the venue's history.</item>
/// <item><c>pinnaclemm.engine.book_gaps</c>, <c>pinnaclemm.engine.resyncs</c> (counters): market data sequence gaps, fresh snapshots asked for.</item>
/// <item><c>pinnaclemm.engine.trading_state_changes</c> (counter, tag <c>state</c> = active, reducing, halted: the state entered): every change of the risk's trading state, each counted (and logged, event 2005) at the status publication after it, so a halt and a resume between two publications count one each.</item>
/// <item><c>pinnaclemm.engine.position</c> (gauge, base currency) and <c>pinnaclemm.engine.pnl</c> (gauge, quote currency, tag <c>kind</c> = realized, unrealized, fees, net).</item>
/// <item><c>pinnaclemm.engine.open_orders</c> (gauge, tag <c>state</c> = working, pending_cancel): our orders open, as last published.</item>
/// <item><c>pinnaclemm.engine.orders_left_open</c> (gauge): orders the stop left open at the venue (it neither confirmed nor refused their cancels in time); 0 while running and after a clean stop. Alert on it above 0.</item>
/// <item><c>pinnaclemm.engine.trading_state</c> (gauge): the risk's trading state, 0 = Active, 1 = Reducing, 2 = Halted (kill switch, circuit breaker or operator).</item>
/// </list>
/// The hot path only increments plain fields and records the histogram (no allocation); the counters and gauges
/// are observed when a listener collects, except the trading state changes, added where the status is published.
/// </remarks>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "PinnacleMM.Exchange";

    private static readonly OrderRefusalReason[] LocalReasons =
        [OrderRefusalReason.InvalidPrice, OrderRefusalReason.InvalidQuantity, OrderRefusalReason.RateLimited, OrderRefusalReason.NotConnected];

    private static readonly RiskRejectReason[] RiskReasons = Enum.GetValues<RiskRejectReason>().Where(r => r != RiskRejectReason.None).ToArray();

    private static readonly RejectReason[] VenueReasons = Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None).ToArray();

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Histogram<double> _tickToQuote;
    private readonly Counter<long> _tradingStateChanges;
    private readonly KeyValuePair<string, object?>[] _stateTags = [new("state", "active"), new("state", "reducing"), new("state", "halted")];
    private readonly KeyValuePair<string, object?> _instrumentTag;

    /// <summary>Creates the instruments for one engine.</summary>
    /// <param name="engine">The engine observed.</param>
    /// <param name="meterFactory">The DI meter factory; a meter of its own when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="engine"/> is null.</exception>
    public EngineMetrics(TradingEngine engine, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        var symbol = engine.Strategy.Instrument.Symbol;
        _instrumentTag = new("instrument", symbol);
        var orders = engine.Orders;
        _tickToQuote = _meter.CreateHistogram<double>("pinnaclemm.engine.tick_to_quote", "us", "Market event received to command handed to the venue");
        _meter.CreateObservableCounter("pinnaclemm.engine.quotes", () => new Measurement<long>(orders.Reconciles, _instrumentTag), description: "Reconciliations of the desired quotes");
        _meter.CreateObservableCounter<long>(
            "pinnaclemm.engine.orders",
            () =>
            (Measurement<long>[])[
                new Measurement<long>(orders.PlacesSent, _instrumentTag, new("kind", "place")),
                new Measurement<long>(orders.CancelsSent, _instrumentTag, new("kind", "cancel")),
                new Measurement<long>(orders.AmendsSent, _instrumentTag, new("kind", "amend")),
            ],
            description: "Commands sent to the venue");
        _meter.CreateObservableCounter("pinnaclemm.engine.fills", () => new Measurement<long>(orders.FillsApplied, _instrumentTag), description: "Fills applied");
        _meter.CreateObservableCounter("pinnaclemm.engine.market_events", () => new Measurement<long>(engine.MarketEventsProcessed, _instrumentTag), description: "Market events processed");
        _meter.CreateObservableCounter("pinnaclemm.engine.slow_cycles", () => new Measurement<long>(engine.SlowCycles, _instrumentTag), description: "Turns of the strategy thread's loop over the slow-cycle threshold");
        _meter.CreateObservableCounter("pinnaclemm.engine.commands_after_slow_cycle", () => new Measurement<long>(engine.CommandsAfterSlowCycle, _instrumentTag), description: "Commands whose tick-to-quote overlapped a slow turn of the strategy thread");
        _meter.CreateObservableCounter<long>("pinnaclemm.engine.rejections", () => Rejections(orders), description: "Actions refused, by source and reason");
        _meter.CreateObservableCounter("pinnaclemm.engine.reconnects", () => new Measurement<long>(engine.Reconnects, _instrumentTag), description: "Order entry back after a disconnect");
        _meter.CreateObservableCounter("pinnaclemm.engine.venue_reconciliations", () => new Measurement<long>(engine.VenueReconciliations, _instrumentTag), description: "Reconciliations with the venue after a reconnect");
        _meter.CreateObservableCounter("pinnaclemm.engine.missed_fills_recovered", () => new Measurement<long>(engine.MissedFillsRecovered, _instrumentTag), description: "Fills missed while disconnected, recovered from the venue's history");
        _meter.CreateObservableCounter("pinnaclemm.engine.book_gaps", () => new Measurement<long>(engine.BookGaps, _instrumentTag), description: "Market data sequence gaps");
        _meter.CreateObservableCounter("pinnaclemm.engine.resyncs", () => new Measurement<long>(engine.ResyncRequests, _instrumentTag), description: "Fresh snapshots asked of the market data connector");
        _tradingStateChanges = _meter.CreateCounter<long>("pinnaclemm.engine.trading_state_changes", description: "Changes of the trading state, by the state entered");
        _meter.CreateObservableGauge("pinnaclemm.engine.position", () => new Measurement<double>((double)engine.Status.Position, _instrumentTag), "base", "Position");
        _meter.CreateObservableGauge<double>(
            "pinnaclemm.engine.pnl",
            () =>
            {
                var status = engine.Status;
                return (Measurement<double>[])
                [
                    new Measurement<double>((double)status.RealizedPnl, _instrumentTag, new("kind", "realized")),
                    new Measurement<double>((double)status.UnrealizedPnl, _instrumentTag, new("kind", "unrealized")),
                    new Measurement<double>((double)status.Fees, _instrumentTag, new("kind", "fees")),
                    new Measurement<double>((double)status.NetPnl, _instrumentTag, new("kind", "net")),
                ];
            },
            "quote",
            "P&L");
        _meter.CreateObservableGauge<int>(
            "pinnaclemm.engine.open_orders",
            () =>
            {
                var open = engine.Status.OpenOrders;
                var pendingCancel = open.Count(o => o.State == OrderState.PendingCancel);
                return (Measurement<int>[])
                [
                    new Measurement<int>(open.Count - pendingCancel, _instrumentTag, new("state", "working")),
                    new Measurement<int>(pendingCancel, _instrumentTag, new("state", "pending_cancel")),
                ];
            },
            "{order}",
            "Our orders open, as last published");
        _meter.CreateObservableGauge("pinnaclemm.engine.orders_left_open", () => new Measurement<int>(engine.Status.Stop?.OrdersLeftOpen.Count ?? 0, _instrumentTag), "{order}", "Orders the stop left open at the venue");
        _meter.CreateObservableGauge("pinnaclemm.engine.trading_state", () => new Measurement<int>((int)engine.Status.TradingState, _instrumentTag), description: "Trading state: 0 Active, 1 Reducing, 2 Halted");
    }

    /// <summary>The meter of this engine's instruments.</summary>
    internal Meter Meter => _meter;

    /// <summary>Records one tick-to-quote latency (nanoseconds, recorded in microseconds); allocation-free.</summary>
    public void RecordTickToQuote(long nanoseconds) => _tickToQuote.Record(nanoseconds / 1000.0, _instrumentTag);

    /// <summary>Counts <paramref name="count"/> changes of the trading state into <paramref name="state"/> (where the status is published); allocation-free.</summary>
    internal void RecordTradingStateChanges(TradingState state, long count) => _tradingStateChanges.Add(count, _instrumentTag, _stateTags[(int)state]);

    /// <summary>Disposes the meter when it was created here (a factory's meters are the factory's).</summary>
    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private List<Measurement<long>> Rejections(OrderManager orders)
    {
        var list = new List<Measurement<long>>();
        foreach (var reason in LocalReasons)
        {
            list.Add(new Measurement<long>(orders.RefusalCount(reason), _instrumentTag, new("source", "local"), new("reason", reason.ToString())));
        }

        foreach (var reason in RiskReasons)
        {
            list.Add(new Measurement<long>(orders.RiskRefusalCount(reason), _instrumentTag, new("source", "risk"), new("reason", reason.ToString())));
        }

        foreach (var reason in VenueReasons)
        {
            list.Add(new Measurement<long>(orders.VenueRejectionCount(reason), _instrumentTag, new("source", "venue"), new("reason", reason.ToString())));
        }

        return list;
    }
}
