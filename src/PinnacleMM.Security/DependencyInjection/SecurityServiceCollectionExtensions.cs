using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PinnacleMM.Security;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Tls;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers PinnacleMM.Security: vault options, audit log, certificate pin validator, rate limiters and the clock.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecurityOptions"/> (validated when the host starts), <see cref="VaultOptions"/>,
    /// <see cref="AuditLog"/> / <see cref="IAuditLog"/>, <see cref="CertificatePinValidator"/>,
    /// <see cref="RateLimiterSet"/> and <see cref="TimeProvider.System"/>, each only if not registered already.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets options in code; runs after any configuration binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPinnacleMMSecurity(this IServiceCollection services, Action<SecurityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<SecurityOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SecurityOptions>>().Value.Vault);
        services.TryAddSingleton(sp => new AuditLog(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.GetAuditLogOptions(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IAuditLog>(sp => sp.GetRequiredService<AuditLog>());
        services.TryAddSingleton(sp => new CertificatePinValidator(
            sp.GetRequiredService<IOptions<SecurityOptions>>().Value.Pinning, sp.GetRequiredService<IAuditLog>(), sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RateLimiterSet(sp.GetRequiredService<IOptions<SecurityOptions>>().Value.RateLimits, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>Same as <see cref="AddPinnacleMMSecurity(IServiceCollection, Action{SecurityOptions}?)"/>, binding the options from a configuration section (e.g. <c>configuration.GetSection(SecurityOptions.SectionName)</c>).</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding the <see cref="SecurityOptions"/> properties.</param>
    /// <param name="configure">Sets options in code after binding.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPinnacleMMSecurity(this IServiceCollection services, IConfiguration configuration, Action<SecurityOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SecurityOptions>().Bind(configuration);
        return services.AddPinnacleMMSecurity(configure);
    }
}
