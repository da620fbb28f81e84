using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
        const string Instrument = PinnacleMMExchangeServiceCollectionExtensions.SectionName + ":Instrument:";
        if (commandLine.Exchange == ExchangeKind.Coinbase)
        {
            // Coinbase's grid for BTC-USD, ETH-USD and most USD products (a --config file can change it): prices in
            // cents, sizes in satoshis; the feed's off-grid values would be refused otherwise.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [Instrument + "Symbol"] = "BTC-USD",
                [Instrument + "TickSize"] = "0.01",
                [Instrument + "LotSize"] = "0.00000001",
            });
        }

        if (commandLine.ConfigFile is not null)
        {
            builder.Configuration.AddJsonFile(commandLine.ConfigFile, optional: false, reloadOnChange: false);
        }

        // The command line wins: the product, or the instrument a replayed recording was made of (its prices and
        // sizes are counted on that grid).
        var instrument = new Dictionary<string, string?>();
        if (commandLine.ReplayInstrument is { } recorded)
        {
            instrument[Instrument + "Symbol"] = recorded.Symbol;
            instrument[Instrument + "TickSize"] = recorded.TickSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            instrument[Instrument + "LotSize"] = recorded.LotSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (recorded.MaxPrice is { } maxPrice)
            {
                instrument[Instrument + "MaxPrice"] = maxPrice.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        else if (commandLine.Symbol is { } symbol)
        {
            instrument[Instrument + "Symbol"] = symbol;
        }

        builder.Configuration.AddInMemoryCollection(instrument);

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

        // The SDK's log messages (Information and above) go to <data>/logs/session.log. Nothing else: the host's own
        // "failed to start" would write into the data directory of a run refused for its configuration, which this
        // program reports on standard error anyway.
        builder.Logging.SetMinimumLevel(LogLevel.None).AddFilter("PinnacleMM", LogLevel.Information);
        services.AddOptions<SessionLogOptions>().Bind(configuration.GetSection(SessionLogOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SessionLogOptions>>(new SectionValidator<SessionLogOptions>(SessionLogOptions.SectionName, o => o.Validate()));
        services.AddSingleton<ILoggerProvider>(sp => new SessionLogFile(commandLine.DataDirectory, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<SessionLogOptions>>()));

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
