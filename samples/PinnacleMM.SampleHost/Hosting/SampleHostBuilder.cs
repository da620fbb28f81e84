using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PinnacleMM.Persistence;
using PinnacleMM.SampleHost.Session;
using PinnacleMM.Security;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// Composes the sample host: configuration (the shipped appsettings.json, then the <c>--config</c> file, then the
/// command line), the four packages through their DI extensions, and the trading session as a hosted service.
/// Nothing is created or written here: every package's options are validated when the host starts, and the data
/// directory is first touched by the session after that.
/// </summary>
internal static class SampleHostBuilder
{
    public const string StrategiesSection = "PinnacleMM:Strategies";

    /// <summary>Builds the host.</summary>
    /// <exception cref="InvalidDataException">A JSON file could not be read or parsed (the message names the file and line).</exception>
    public static IHost Build(SessionCommandLine commandLine)
    {
        // No default sources: the program's own appsettings.json (not one in the working directory), no environment
        // variables, no logging providers that would write over the dashboard.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: false, reloadOnChange: false);
        if (commandLine.ConfigFile is not null)
        {
            builder.Configuration.AddJsonFile(commandLine.ConfigFile, optional: false, reloadOnChange: false);
        }

        // The data directory is the command line's (default ./data) for every package, so journal, snapshots, audit
        // log and vault always live together.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PersistenceOptions.SectionName + ":DataDirectory"] = commandLine.DataDirectory,
            [SecurityOptions.SectionName + ":DataDirectory"] = commandLine.DataDirectory,
        });

        var configuration = builder.Configuration;
        var services = builder.Services;
        services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(1));

        services.AddMetrics();
        services.AddSessionMode(commandLine);
        services.AddPinnacleMMExchange(configuration.GetSection(PinnacleMMExchangeServiceCollectionExtensions.SectionName));
        services.AddPinnacleMMStrategies(configuration.GetSection(StrategiesSection));
        services.AddPinnacleMMPersistence(configuration.GetSection(PersistenceOptions.SectionName));
        services.AddPinnacleMMSecurity(configuration.GetSection(SecurityOptions.SectionName));

        // The engine takes its own snapshots, matched to the journal; the persistence manager's timer must be off.
        services.AddSingleton<IValidateOptions<PersistenceOptions>>(new SectionValidator<PersistenceOptions>(PersistenceOptions.SectionName, o =>
            o.SnapshotIntervalMin == 0 ? [] : [$"SnapshotIntervalMin: must be 0 in the sample host (was {o.SnapshotIntervalMin}): the trading engine takes the snapshots (PinnacleMM:Exchange:Engine:SnapshotInterval)"]));

        services.AddSingleton(commandLine);
        services.AddSingleton(new SessionOutcome());
        services.AddHostedService<TradingSession>();
        return builder.Build();
    }
}
