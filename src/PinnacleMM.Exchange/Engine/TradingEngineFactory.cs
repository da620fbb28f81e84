using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Persistence;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// Creates trading engines from the container (<c>services.AddPinnacleMMExchange(...)</c>): the validated
/// <see cref="TradingEngineOptions"/>, the registered connectors, and whatever else is registered — a
/// <see cref="PersistenceManager"/>, an <see cref="IAuditLog"/>, a <see cref="RateLimiterSet"/>, an
/// <see cref="IMeterFactory"/>, an <see cref="ILoggerFactory"/> — each optional.
/// </summary>
public sealed class TradingEngineFactory
{
    private readonly IOptions<TradingEngineOptions> _options;
    private readonly IMarketDataConnector _marketData;
    private readonly IOrderEntryConnector _orderEntry;
    private readonly IServiceProvider _services;

    /// <summary>Creates the factory; normally resolved from the container.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public TradingEngineFactory(
        IOptions<TradingEngineOptions> options,
        IOptions<TradedInstrumentOptions> instrument,
        InstrumentRegistry registry,
        IMarketDataConnector marketData,
        IOrderEntryConnector orderEntry,
        IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(marketData);
        ArgumentNullException.ThrowIfNull(orderEntry);
        ArgumentNullException.ThrowIfNull(services);
        _options = options;
        _marketData = marketData;
        _orderEntry = orderEntry;
        _services = services;
        var spec = instrument.Value.ToSpec();
        Instrument = registry.TryGetId(spec.Symbol, out var id) && registry.TryGet(id, out var registered) ? registered : spec;
        InstrumentId = id.IsNone ? registry.Register(spec) : id;
    }

    /// <summary>The configured instrument (create strategies for it).</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>The instrument's id in the registry and the connectors' events.</summary>
    public InstrumentId InstrumentId { get; }

    /// <summary>Creates an engine (not started) running <paramref name="strategy"/> on the configured instrument and connectors.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="strategy"/> is null.</exception>
    /// <exception cref="ArgumentException">The strategy is for another instrument, or the options are invalid; the message names the field.</exception>
    public TradingEngine Create(MarketMakerStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        if (strategy.Instrument.Symbol != Instrument.Symbol)
        {
            throw new ArgumentException($"strategy: quotes {strategy.Instrument.Symbol}, but the engine trades {Instrument.Symbol}.", nameof(strategy));
        }

        return new TradingEngine(
            _options.Value,
            strategy,
            InstrumentId,
            _marketData,
            _orderEntry,
            (PersistenceManager?)_services.GetService(typeof(PersistenceManager)),
            (IAuditLog?)_services.GetService(typeof(IAuditLog)),
            (RateLimiterSet?)_services.GetService(typeof(RateLimiterSet)),
            (MonotonicClock?)_services.GetService(typeof(MonotonicClock)) is { } clock && ReferenceEquals(clock, strategy.Clock) ? clock : null,
            (IMeterFactory?)_services.GetService(typeof(IMeterFactory)),
            (ILoggerFactory?)_services.GetService(typeof(ILoggerFactory)));
    }
}
