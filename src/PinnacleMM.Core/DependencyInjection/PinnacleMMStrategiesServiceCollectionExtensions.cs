using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers PinnacleMM's strategy layer: the built-in strategies' options (bound from configuration,
/// validated at start) and the <see cref="MarketMakerStrategyFactory"/> that creates strategies from them.
/// </summary>
public static class PinnacleMMStrategiesServiceCollectionExtensions
{
    /// <summary>
    /// Registers what every strategy needs, if not registered already: <see cref="TimeProvider.System"/>,
    /// <see cref="MonotonicClock.System"/> and the <see cref="MarketMakerStrategyFactory"/>.
    /// </summary>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is null.</exception>
    public static IServiceCollection AddPinnacleMMStrategies(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(MonotonicClock.System);
        services.TryAddSingleton<MarketMakerStrategyFactory>();
        return services;
    }

    /// <summary>
    /// Registers the strategy layer (see <see cref="AddPinnacleMMStrategies(IServiceCollection)"/>) and binds
    /// each built-in strategy's options from its sub-section of <paramref name="configuration"/>:
    /// <c>BasicMarketMaker</c> and <c>AvellanedaStoikov</c>. Options are validated when the host starts.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The strategies' section, e.g. <c>configuration.GetSection("Strategies")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddPinnacleMMStrategies(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services
            .AddBasicMarketMaker(configuration.GetSection("BasicMarketMaker"))
            .AddAvellanedaStoikovMarketMaker(configuration.GetSection("AvellanedaStoikov"));
    }

    /// <summary>
    /// Registers <see cref="BasicMarketMakerOptions"/> bound from <paramref name="configuration"/> (property names
    /// as keys, e.g. <c>"BaseSpreadBps": 12</c>, <c>"QuoteUpdateInterval": "00:00:00.250"</c>), validated when the
    /// host starts (<see cref="OptionsValidationException"/> naming every broken field), and the strategy layer.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddBasicMarketMaker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddBasicMarketMakerCore(services).Bind(configuration);
        return services;
    }

    /// <summary>
    /// Registers <see cref="BasicMarketMakerOptions"/> set by <paramref name="configure"/>, validated when the host
    /// starts, and the strategy layer.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddBasicMarketMaker(this IServiceCollection services, Action<BasicMarketMakerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddBasicMarketMakerCore(services).Configure(configure);
        return services;
    }

    /// <summary>
    /// Registers <see cref="AvellanedaStoikovOptions"/> bound from <paramref name="configuration"/>, validated when the host
    /// starts (<see cref="OptionsValidationException"/> naming every broken field), and the strategy layer.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddAvellanedaStoikovMarketMaker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddAvellanedaStoikovCore(services).Bind(configuration);
        return services;
    }

    /// <summary>Registers <see cref="AvellanedaStoikovOptions"/> set by <paramref name="configure"/>, validated when the host starts, and the strategy layer.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IServiceCollection AddAvellanedaStoikovMarketMaker(this IServiceCollection services, Action<AvellanedaStoikovOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddAvellanedaStoikovCore(services).Configure(configure);
        return services;
    }

    private static OptionsBuilder<AvellanedaStoikovOptions> AddAvellanedaStoikovCore(IServiceCollection services)
    {
        services.AddPinnacleMMStrategies();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AvellanedaStoikovOptions>, AvellanedaStoikovOptionsValidator>());
        return services.AddOptions<AvellanedaStoikovOptions>().ValidateOnStart();
    }

    private static OptionsBuilder<BasicMarketMakerOptions> AddBasicMarketMakerCore(IServiceCollection services)
    {
        services.AddPinnacleMMStrategies();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BasicMarketMakerOptions>, BasicMarketMakerOptionsValidator>());
        return services.AddOptions<BasicMarketMakerOptions>().ValidateOnStart();
    }
}
