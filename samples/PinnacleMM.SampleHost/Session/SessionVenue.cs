using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Paper;
using PinnacleMM.Exchange.Replay;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Input;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// The connectors the engine trades through when they are not simply the simulator: Coinbase market data (live or a
/// replayed recording) feeding a <see cref="PaperExchange"/> that fills our orders against it, or with <c>--live</c>
/// the Coinbase order entry connector; and with <c>--record</c> a <see cref="RecordingMarketDataConnector"/> around
/// the feed (the simulator's too).
/// </summary>
/// <remarks>
/// Built by the container when the engine factory is first resolved, which the session does after every option was
/// validated and before anything else is written. The container disposes it (and with it every connector it made).
/// </remarks>
internal sealed class SessionVenue : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private CredentialVault? _vault;

    private SessionVenue()
    {
    }

    /// <summary>The market data connector the engine gets.</summary>
    public IMarketDataConnector MarketData { get; private set; } = null!;

    /// <summary>The order entry connector the engine gets.</summary>
    public IOrderEntryConnector OrderEntry { get; private set; } = null!;

    /// <summary>The paper exchange, or null (the simulator, or <c>--live</c>).</summary>
    public PaperExchange? Paper { get; private set; }

    /// <summary>The replay, or null (a live feed or the simulator).</summary>
    public ReplayMarketDataConnector? Replay { get; private set; }

    /// <summary>Where the market data is recorded, or null.</summary>
    public string? RecordingDirectory { get; private set; }

    /// <summary>The recorder, or null.</summary>
    public RecordingMarketDataConnector? Recording { get; private set; }

    /// <summary>The live Coinbase feed's state changes and counts, or null (the simulator or a replay).</summary>
    public FeedMonitor? Feed { get; private set; }

    /// <summary>The venue in words, for the start line and the dashboard.</summary>
    public string Description { get; private set; } = "";

    /// <summary>Registers the venue and makes its connectors the engine's (before <c>AddPinnacleMMExchange</c>, whose registrations are TryAdd).</summary>
    public static void Register(IServiceCollection services, SessionCommandLine commandLine)
    {
        if (commandLine.Exchange == ExchangeKind.Simulator && !commandLine.Record)
        {
            return; // The simulator is both connectors, as AddPinnacleMMExchange registers it.
        }

        services.AddSingleton(sp => Create(sp, commandLine));
        services.AddSingleton<IMarketDataConnector>(sp => sp.GetRequiredService<SessionVenue>().MarketData);
        services.AddSingleton<IOrderEntryConnector>(sp => sp.GetRequiredService<SessionVenue>().OrderEntry);
    }

    private static SessionVenue Create(IServiceProvider services, SessionCommandLine commandLine)
    {
        var registry = services.GetRequiredService<InstrumentRegistry>();
        var instrumentOptions = services.GetRequiredService<IOptions<TradedInstrumentOptions>>().Value;
        var venue = new SessionVenue();
        try
        {
            if (commandLine.Exchange == ExchangeKind.Simulator)
            {
                var simulator = services.GetRequiredService<ExchangeSimulator>();
                venue.MarketData = venue.Record(simulator, registry, instrumentOptions, commandLine);
                venue.OrderEntry = simulator;
                venue.Description = FormattableString.Invariant($"simulator, seed {services.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value.Seed}");
                return venue;
            }

            var spec = instrumentOptions.ToSpec();
            // The connectors map the product by symbol: register it (the engine factory then finds it).
            if (!registry.TryGetId(spec.Symbol, out _))
            {
                registry.Register(spec);
            }

            var clock = services.GetRequiredService<MonotonicClock>();
            IMarketDataConnector feed;
            if (commandLine.ReplayDirectory is { } directory)
            {
                var replay = new ReplayMarketDataConnector(new ReplayOptions
                {
                    Directory = directory,
                    Pacing = commandLine.Speed is null ? ReplayPacing.Manual : ReplayPacing.Paced,
                    Speed = commandLine.Speed ?? 1,
                    Instruments = registry,
                    TimeProvider = services.GetRequiredService<TimeProvider>(),
                    Venue = "replay",
                });
                venue._owned.Add(replay);
                venue.Replay = replay;
                feed = replay;
                venue.Description = commandLine.Speed is { } speed
                    ? FormattableString.Invariant($"replay of {directory} at {speed:0.###}x, paper trading")
                    : $"replay of {directory} as fast as possible, paper trading";
            }
            else
            {
                var endpoint = commandLine.CoinbaseEndpoint ?? CoinbaseMarketDataOptions.ExchangeEndpoint;
                var coinbase = new CoinbaseMarketDataConnector(
                    new CoinbaseMarketDataOptions
                    {
                        Products = [spec.Symbol],
                        Feed = new CoinbaseFeedClientOptions { Endpoint = endpoint, AllowInsecureLoopback = endpoint.Scheme == "ws" },
                    },
                    registry,
                    clock: clock,
                    timeProvider: services.GetRequiredService<TimeProvider>(),
                    loggerFactory: services.GetRequiredService<ILoggerFactory>());
                venue._owned.Add(coinbase);
                venue.Feed = new FeedMonitor(coinbase, endpoint, services.GetRequiredService<TimeProvider>());
                feed = venue.Record(coinbase, registry, instrumentOptions, commandLine);
                venue.Description = commandLine.Live
                    ? $"coinbase {endpoint}, LIVE orders with credential '{commandLine.CredentialName}'"
                    : $"coinbase {endpoint}, paper trading";
            }

            if (commandLine.Live)
            {
                venue.MarketData = feed;
                venue.OrderEntry = venue.LiveOrderEntry(commandLine, services.GetRequiredService<VaultOptions>(), registry, spec.Symbol, services.GetRequiredService<ILoggerFactory>());
                return venue;
            }

            // Paper trading: the simulator's configured fees and balances, in the product's currencies.
            var simulatorOptions = services.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value;
            var (baseCurrency, quoteCurrency) = Currencies(spec.Symbol);
            var paper = new PaperExchange(
                new PaperExchangeOptions
                {
                    Instruments = registry,
                    // On a live feed the threaded engine gets market data and executions on two rings: a merged level
                    // holding a new paper order can reach it before the order's acknowledgement, when it does not yet
                    // subtract the order, so the strategy quotes against itself and every requote feeds the next (a
                    // storm of cancels and places after the first fill). Unmerged, the feed shows only the market.
                    // A replay runs the engine inline, in delivery order, where merging is exact.
                    MergeOwnOrdersIntoMarketData = commandLine.ReplayDirectory is not null,
                    MakerFeeRate = simulatorOptions.MakerFeeRate,
                    TakerFeeRate = simulatorOptions.TakerFeeRate,
                    InitialBalances = new Dictionary<string, decimal>(StringComparer.Ordinal)
                    {
                        [baseCurrency] = simulatorOptions.InitialBaseBalance,
                        [quoteCurrency] = simulatorOptions.InitialQuoteBalance,
                    },
                },
                feed);
            venue._owned.Add(paper.MarketData);
            venue._owned.Add(paper);
            venue.Paper = paper;
            venue.MarketData = paper.MarketData;
            venue.OrderEntry = paper;
            return venue;
        }
        catch
        {
            venue.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    /// <summary>BTC-USD → (BTC, USD).</summary>
    public static (string Base, string Quote) Currencies(string symbol)
    {
        var dash = symbol.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? (symbol[..dash], symbol[(dash + 1)..]) : (symbol, "USD");
    }

    private IMarketDataConnector Record(IMarketDataConnector feed, InstrumentRegistry registry, TradedInstrumentOptions instrument, SessionCommandLine commandLine)
    {
        if (!commandLine.Record)
        {
            return feed;
        }

        var directory = Path.Combine(commandLine.DataDirectory, "recordings", instrument.Symbol);
        RecordedInstrument.From(instrument).Write(directory);
        var recording = new RecordingMarketDataConnector(feed, directory, registry);
        _owned.Add(recording);
        Recording = recording;
        RecordingDirectory = directory;
        return recording;
    }

    /// <summary>
    /// Opens the vault (its password from standard input) and checks the credential before anything is written: a
    /// wrong password, a damaged vault or a missing credential ends the session naming the vault, the credential and
    /// the rule. The vault options are the configuration's (<c>PinnacleMM:Security:Vault</c>), validated at start.
    /// </summary>
    private CoinbaseOrderEntryConnector LiveOrderEntry(SessionCommandLine commandLine, VaultOptions vaultOptions, InstrumentRegistry registry, string symbol, ILoggerFactory loggerFactory)
    {
        var name = commandLine.CredentialName!;
        var password = MaskedInput.ReadPassword($"Vault password ({commandLine.VaultPath}): ");
        try
        {
            _vault = CredentialVault.Open(commandLine.VaultPath, password, vaultOptions);
        }
        catch (VaultException e)
        {
            var rule = e.Reason switch
            {
                VaultErrorReason.WrongPassword => "the vault password must be the one the vault was created with (change it with 'credentials change-password')",
                VaultErrorReason.WeakKdfParameters => "the vault's key derivation must meet the minimum strength",
                _ => "the vault must be an intact PinnacleMM credential vault",
            };
            throw new InvalidOperationException($"--credential {name}: cannot open the vault: {e.Message} ({e.Reason}); {rule}. Nothing was started.", e);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(System.Runtime.InteropServices.MemoryMarshal.AsBytes(password.AsSpan()));
        }

        if (!_vault.Contains(name))
        {
            var held = _vault.Names.Count == 0 ? "it holds none" : "it holds " + string.Join(", ", _vault.Names.Select(n => $"'{n}'"));
            throw new InvalidOperationException(
                $"--credential: there is no credential named '{name}' in the vault {commandLine.VaultPath} ({held}); --live needs a Coinbase Exchange API key stored under that name: add it with 'credentials add {name} --data {commandLine.DataDirectory}'. Nothing was started.");
        }

        var options = new CoinbaseOrderEntryOptions { CredentialName = name, Products = [symbol] };
        if (commandLine.CoinbaseEndpoint is { } endpoint)
        {
            options.Feed.Endpoint = endpoint;
            options.Feed.AllowInsecureLoopback = endpoint.Scheme == "ws";
        }

        var orders = new CoinbaseOrderEntryConnector(options, registry, _vault, loggerFactory: loggerFactory);
        _owned.Add(orders);
        return orders;
    }

    /// <summary>Disposes every connector it made, the paper exchange first, then the feeds and the recorder (which flushes); then the vault.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
        _vault?.Dispose();
        _vault = null;
    }
}
