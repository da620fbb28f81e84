using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.DependencyInjection;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers PinnacleMM's exchange layer: the traded instrument, the exchange simulator as the default venue
/// (both connector interfaces), the trading engine's options and the <see cref="TradingEngineFactory"/>. Options
/// are validated when the host starts, naming every broken field. Composes with what else is registered: a
/// <c>PersistenceManager</c> (<c>AddPinnacleMMPersistence</c>), an <c>IAuditLog</c> and <c>RateLimiterSet</c>
/// (Security), strategies (<c>AddPinnacleMMStrategies</c>), an <c>IMeterFactory</c> (<c>AddMetrics</c>).
/// </summary>
public static class PinnacleMMExchangeServiceCollectionExtensions
{
    /// <summary>The configuration section the <see cref="IConfiguration"/> overload is usually given: sub-sections <c>Instrument</c>, <c>Simulator</c> and <c>Engine</c>.</summary>
    public const string SectionName = "PinnacleMM:Exchange";

    /// <summary>
    /// Registers the exchange layer with options bound from <paramref name="configuration"/>'s sub-sections
    /// <c>Instrument</c> (<see cref="TradedInstrumentOptions"/>), <c>Simulator</c> (<see cref="ExchangeSimulatorOptions"/>,
    /// its instrument comes from <c>Instrument</c>) and <c>Engine</c> (<see cref="TradingEngineOptions"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The exchange section, e.g. <c>configuration.GetSection(SectionName)</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddPinnacleMMExchange(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddCore(services);
        services.AddOptions<TradedInstrumentOptions>().Bind(configuration.GetSection("Instrument"));
        services.AddOptions<ExchangeSimulatorOptions>().Bind(configuration.GetSection("Simulator"));
        services.AddOptions<TradingEngineOptions>().Bind(configuration.GetSection("Engine"));
        return services;
    }

    /// <summary>Registers the exchange layer with options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configureEngine">Sets the engine's options; defaults when null.</param>
    /// <param name="configureSimulator">Sets the simulator's options (its instrument comes from <paramref name="configureInstrument"/>); defaults when null.</param>
    /// <param name="configureInstrument">Sets the traded instrument; <c>SIM-USD</c> (tick 0.01, lot 0.001) when null.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddPinnacleMMExchange(
        this IServiceCollection services,
        Action<TradingEngineOptions>? configureEngine = null,
        Action<ExchangeSimulatorOptions>? configureSimulator = null,
        Action<TradedInstrumentOptions>? configureInstrument = null)
    {
        AddCore(services);
        services.AddOptions<TradedInstrumentOptions>().Configure(o => configureInstrument?.Invoke(o));
        services.AddOptions<ExchangeSimulatorOptions>().Configure(o => configureSimulator?.Invoke(o));
        services.AddOptions<TradingEngineOptions>().Configure(o => configureEngine?.Invoke(o));
        return services;
    }

    private static void AddCore(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TradingEngineOptions>, TradingEngineOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExchangeSimulatorOptions>, ExchangeSimulatorOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TradedInstrumentOptions>, TradedInstrumentOptionsValidator>());
        services.AddOptions<TradedInstrumentOptions>().ValidateOnStart();
        services.AddOptions<TradingEngineOptions>().ValidateOnStart();

        // The simulator trades the configured instrument under the registry's id; it is validated with it.
        services.AddOptions<ExchangeSimulatorOptions>()
            .PostConfigure<IOptions<TradedInstrumentOptions>, InstrumentRegistry>((simulator, instrument, registry) =>
            {
                TradedInstrumentOptions configured;
                try
                {
                    configured = instrument.Value;
                }
                catch (OptionsValidationException)
                {
                    // The instrument's own validation reports it; the simulator's settings are still checked, so that
                    // one start lists every problem instead of hiding the simulator's behind the instrument's.
                    return;
                }

                var spec = configured.ToSpec();
                simulator.InstrumentId = registry.TryGetId(spec.Symbol, out var id) ? id : registry.Register(spec);
                registry.TryGet(simulator.InstrumentId, out var registered);
                simulator.Instrument = registered;
            })
            .ValidateOnStart();
        services.TryAddSingleton<InstrumentRegistry>();
        services.TryAddSingleton(sp => new ExchangeSimulator(sp.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value));
        services.TryAddSingleton<IMarketDataConnector>(sp => sp.GetRequiredService<ExchangeSimulator>());
        services.TryAddSingleton<IOrderEntryConnector>(sp => sp.GetRequiredService<ExchangeSimulator>());
        services.TryAddSingleton<TradingEngineFactory>();
    }
}
