using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PinnacleMM.Persistence;
using PinnacleMM.Persistence.DependencyInjection;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PinnacleMM persistence: <see cref="PersistenceManager"/> as a singleton with validated <see cref="PersistenceOptions"/>.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PersistenceManager"/> (singleton, disposed with the container, which flushes
    /// every journal) configured by <paramref name="configure"/>. Options are validated when the host
    /// starts (<c>ValidateOnStart</c>); a broken rule fails the start with a message naming the setting.
    /// Uses a registered <see cref="TimeProvider"/>, or <see cref="TimeProvider.System"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (at least <see cref="PersistenceOptions.DataDirectory"/>).</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public static IServiceCollection AddPinnacleMMPersistence(this IServiceCollection services, Action<PersistenceOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<PersistenceOptions>().Configure(configure).ValidateOnStart();
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="PersistenceManager"/> with options bound from <paramref name="configuration"/>
    /// (e.g. <c>configuration.GetSection(PersistenceOptions.SectionName)</c>: keys <c>DataDirectory</c>,
    /// <c>JournalSyncIntervalMs</c>, <c>SnapshotIntervalMin</c>, <c>KeepSnapshots</c>, <c>CompactionThreshold</c>,
    /// <c>JournalSegmentSize</c>), validated at start.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration section holding the options.</param>
    /// <returns><paramref name="services"/>.</returns>
    /// <exception cref="ArgumentNullException">When an argument is null.</exception>
    public static IServiceCollection AddPinnacleMMPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PersistenceOptions>().Bind(configuration).ValidateOnStart();
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PersistenceOptions>, PersistenceOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PersistenceManager(
            sp.GetRequiredService<IOptions<PersistenceOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>()));
        return services;
    }
}
