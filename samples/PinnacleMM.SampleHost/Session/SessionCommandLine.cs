using System.Globalization;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// The market-making session's command line. Every value is checked here, before anything is built or written:
/// a bad one is refused with a message naming the option and the rule.
/// </summary>
internal sealed record SessionCommandLine
{
    public const string UsageText = """
        usage: PinnacleMM.SampleHost [options]            a market-making session, on the embedded simulator by default (Ctrl-C or
                                                          SIGTERM stops it cleanly: cancels every order, final snapshot, summary)
          --strategy basic|avellaneda   the strategy (default basic: BasicMarketMaker; avellaneda: AvellanedaStoikovMarketMaker)
          --duration <seconds>          stop cleanly after this much market time (default: run until stopped): simulated time
                                        on the simulator, recorded time with --replay, wall-clock time on a live feed
          --speed <factor>|max          simulated seconds per real second (default 1 = real time; 20 = a market minute in 3 s);
                                        max = virtual time as fast as the machine goes, deterministic: same seed, same run;
                                        with --exchange coinbase only for --replay (recorded seconds per real second)
          --seed <n>                    the simulator's random seed (default from the configuration: 1)
          --exchange simulator|coinbase the venue (default simulator); coinbase: public market data without credentials and
                                        paper trading: our orders never leave the process, a paper exchange fills them as
                                        maker when the feed prints a trade at (queue position permitting) or through their
                                        price, or when the book moves through them; fees and starting balances are those of
                                        PinnacleMM:Exchange:Simulator
          --symbols <SYMBOL>            coinbase: the product (default BTC-USD; one: the engine trades one instrument)
          --coinbase-endpoint <url>     coinbase: the feed (default wss://ws-feed.exchange.coinbase.com; ws:// only on loopback)
          --connect-timeout <seconds>   coinbase: give up (exit 1) when the feed is not connected within this time (default 30);
                                        until then failed attempts are retried with backoff. Once connected, a dropped feed is
                                        reconnected and resynced for as long as the session runs (quoting pauses meanwhile);
                                        each state change prints a 'feed:' line
          --live --credential <name>    coinbase: real orders, signed with the vault credential <name> in --data (reads the
                                        vault password from the terminal, or one line of redirected input); a missing vault
                                        or credential or a wrong password ends the session before anything is written;
                                        without --live every order is a paper order
          --record                      record the market data into <data>/recordings/<symbol> (simulator or coinbase)
          --replay <dir>                coinbase: replay a recording into the paper exchange instead of the live feed, as fast
                                        as possible (deterministic) or paced by --speed
          --config <file>               a JSON file overriding appsettings.json (sections PinnacleMM:Strategies, :Exchange,
                                        :Persistence, :Security); validated at start, nothing is written when a value is bad
          --data <dir>                  where everything is written (default ./data): <symbol>/journal, <symbol>/snapshots,
                                        audit/, recordings/, credentials.vault; a second run recovers from it
          --plain                       status lines instead of the live dashboard (automatic when output is redirected)
        exit codes: 0 a clean session, 1 the session failed (e.g. no feed, no credential), 2 invalid configuration, 64 a bad
        command line
        other commands:
          credentials add|list|remove|change-password [--data <dir>]    the encrypted credential vault
          audit verify <dir>                                           checks an audit log's hash chain
        """;

    /// <summary>The default of <c>--connect-timeout</c>.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The strategy to run.</summary>
    public StrategyKind Strategy { get; init; } = StrategyKind.Basic;

    /// <summary>Simulated market time to run for; null runs until stopped.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Simulated seconds per real second; null for virtual time (as fast as possible); absent: the configuration's.</summary>
    public double? Speed { get; init; }

    /// <summary>Whether <c>--speed max</c> was given (virtual time).</summary>
    public bool VirtualTime { get; init; }

    /// <summary>The simulator's seed; null keeps the configuration's.</summary>
    public long? Seed { get; init; }

    /// <summary>The full path of the JSON file given with <c>--config</c>, or null.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; init; } = Path.GetFullPath("data");

    /// <summary>Plain status lines even on a terminal.</summary>
    public bool Plain { get; init; }

    /// <summary>The venue (<c>--exchange</c>).</summary>
    public ExchangeKind Exchange { get; init; } = ExchangeKind.Simulator;

    /// <summary>The instrument's symbol given with <c>--symbols</c>, or null for the configured (or recorded) one.</summary>
    public string? Symbol { get; init; }

    /// <summary>The Coinbase feed (<c>--coinbase-endpoint</c>), or null for the public Coinbase Exchange feed.</summary>
    public Uri? CoinbaseEndpoint { get; init; }

    /// <summary>How long the session waits for a live feed's first connection (<c>--connect-timeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; init; } = DefaultConnectTimeout;

    /// <summary>Whether <c>--connect-timeout</c> was given.</summary>
    public bool ConnectTimeoutGiven { get; init; }

    /// <summary>Whether real orders go to Coinbase (<c>--live</c>).</summary>
    public bool Live { get; init; }

    /// <summary>The vault credential for <c>--live</c>.</summary>
    public string? CredentialName { get; init; }

    /// <summary>Whether the market data is recorded (<c>--record</c>).</summary>
    public bool Record { get; init; }

    /// <summary>The full path of the recording given with <c>--replay</c>, or null for the live feed.</summary>
    public string? ReplayDirectory { get; init; }

    /// <summary>The instrument stored with the recording (<see cref="RecordedInstrument.FileName"/>), or null.</summary>
    public RecordedInstrument? ReplayInstrument { get; init; }

    /// <summary>The vault file the session reads for <c>--live</c>.</summary>
    public string VaultPath => Path.Combine(DataDirectory, "credentials.vault");

    /// <summary>
    /// Whether the engine runs inline with the feed and its clock follows the events (deterministic): a replay. The
    /// simulator decides this by its own time mode (<c>--speed max</c>).
    /// </summary>
    public bool ReplayDrivesClock => Exchange == ExchangeKind.Coinbase && ReplayDirectory is not null;

    /// <summary>Whether <c>--help</c> was asked for.</summary>
    public bool Help { get; init; }

    /// <summary>Parses the arguments; on failure <paramref name="error"/> names the option and the rule.</summary>
    public static bool TryParse(IReadOnlyList<string> args, out SessionCommandLine commandLine, out string? error)
    {
        commandLine = new SessionCommandLine();
        error = null;
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (option is "--help" or "-h")
            {
                commandLine = commandLine with { Help = true };
                continue;
            }

            if (option is "--plain" or "--live" or "--record")
            {
                commandLine = option switch
                {
                    "--plain" => commandLine with { Plain = true },
                    "--live" => commandLine with { Live = true },
                    _ => commandLine with { Record = true },
                };
                continue;
            }

            if (option is not ("--strategy" or "--duration" or "--speed" or "--seed" or "--config" or "--data"
                or "--exchange" or "--symbols" or "--coinbase-endpoint" or "--connect-timeout" or "--credential" or "--replay"))
            {
                error = option.StartsWith("--", StringComparison.Ordinal) ? $"{option}: unknown option" : $"'{option}': unexpected argument";
                return false;
            }

            if (i + 1 >= args.Count)
            {
                error = $"{option}: needs a value";
                return false;
            }

            var value = args[++i];
            switch (option)
            {
                case "--strategy":
                    if (!TryParseStrategy(value, out var strategy))
                    {
                        error = $"--strategy: '{value}' is not a strategy (expected basic or avellaneda)";
                        return false;
                    }

                    commandLine = commandLine with { Strategy = strategy };
                    break;
                case "--duration":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
                    {
                        error = $"--duration: '{value}' is not a positive number of seconds (e.g. 30 or 0.5)";
                        return false;
                    }

                    commandLine = commandLine with { Duration = TimeSpan.FromSeconds(seconds) };
                    break;
                case "--speed":
                    if (value == "max")
                    {
                        commandLine = commandLine with { VirtualTime = true, Speed = null };
                    }
                    else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var speed) && speed > 0 && speed <= 1_000_000)
                    {
                        commandLine = commandLine with { VirtualTime = false, Speed = speed };
                    }
                    else
                    {
                        error = $"--speed: '{value}' must be a factor greater than 0 and at most 1000000 (simulated seconds per real second), or max";
                        return false;
                    }

                    break;
                case "--seed":
                    if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed))
                    {
                        error = $"--seed: '{value}' is not a whole number";
                        return false;
                    }

                    commandLine = commandLine with { Seed = seed };
                    break;
                case "--exchange":
                    if (value is not ("simulator" or "coinbase"))
                    {
                        error = $"--exchange: '{value}' is not a venue (expected simulator or coinbase)";
                        return false;
                    }

                    commandLine = commandLine with { Exchange = value == "coinbase" ? ExchangeKind.Coinbase : ExchangeKind.Simulator };
                    break;
                case "--symbols":
                    var symbols = value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    if (symbols.Length != 1)
                    {
                        error = symbols.Length == 0
                            ? "--symbols: needs a product such as BTC-USD"
                            : $"--symbols: '{value}' names {symbols.Length} products, but the engine trades one instrument; give one (e.g. --symbols {symbols[0]})";
                        return false;
                    }

                    if (!IsProduct(symbols[0]))
                    {
                        error = $"--symbols: '{symbols[0]}' is not a product (expected BASE-QUOTE of A-Z and 0-9, e.g. BTC-USD)";
                        return false;
                    }

                    commandLine = commandLine with { Symbol = symbols[0] };
                    break;
                case "--coinbase-endpoint":
                    if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("wss" or "ws"))
                    {
                        error = $"--coinbase-endpoint: '{value}' is not a wss:// URL";
                        return false;
                    }

                    if (endpoint.Scheme == "ws" && !endpoint.IsLoopback)
                    {
                        error = $"--coinbase-endpoint: '{value}' is plain ws:// to a non-loopback host; use wss:// (ws:// only to 127.0.0.1, ::1 or localhost)";
                        return false;
                    }

                    commandLine = commandLine with { CoinbaseEndpoint = endpoint };
                    break;
                case "--connect-timeout":
                    if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var timeout) || !(timeout > 0) || timeout > 3600)
                    {
                        error = $"--connect-timeout: '{value}' must be a number of seconds greater than 0 and at most 3600";
                        return false;
                    }

                    commandLine = commandLine with { ConnectTimeout = TimeSpan.FromSeconds(timeout), ConnectTimeoutGiven = true };
                    break;
                case "--credential":
                    if (!PinnacleMM.Security.Credentials.CredentialVault.IsValidName(value))
                    {
                        error = $"--credential: '{value}' is not a credential name (1 to {PinnacleMM.Security.Credentials.CredentialVault.MaxNameLength} of A-Z a-z 0-9 . _ -, not starting with '.')";
                        return false;
                    }

                    commandLine = commandLine with { CredentialName = value };
                    break;
                case "--replay":
                    var recording = Path.GetFullPath(value);
                    if (!Directory.Exists(recording))
                    {
                        error = $"--replay: the recording directory '{recording}' does not exist";
                        return false;
                    }

                    if (!RecordedInstrument.TryRead(recording, out var recorded, out var readError))
                    {
                        error = $"--replay: {readError}";
                        return false;
                    }

                    commandLine = commandLine with { ReplayDirectory = recording, ReplayInstrument = recorded };
                    break;
                case "--config":
                    var file = Path.GetFullPath(value);
                    if (!File.Exists(file))
                    {
                        error = $"--config: the file '{file}' does not exist";
                        return false;
                    }

                    commandLine = commandLine with { ConfigFile = file };
                    break;
                default:
                    if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
                    {
                        error = $"--data: '{value}' is not a usable directory path";
                        return false;
                    }

                    var directory = Path.GetFullPath(value);
                    if (File.Exists(directory))
                    {
                        error = $"--data: '{directory}' is a file, not a directory";
                        return false;
                    }

                    commandLine = commandLine with { DataDirectory = directory };
                    break;
            }
        }

        error = CheckCombination(commandLine);
        return error is null;
    }

    /// <summary>The options that only make sense together (or not at all together); null when the combination is valid.</summary>
    private static string? CheckCombination(SessionCommandLine c)
    {
        if (c.Exchange == ExchangeKind.Simulator)
        {
            foreach (var (given, option) in new (bool, string)[]
            {
                (c.Symbol is not null, "--symbols"), (c.CoinbaseEndpoint is not null, "--coinbase-endpoint"), (c.ConnectTimeoutGiven, "--connect-timeout"), (c.Live, "--live"),
                (c.CredentialName is not null, "--credential"), (c.ReplayDirectory is not null, "--replay"),
            })
            {
                if (given)
                {
                    return $"{option}: only with --exchange coinbase (the simulator has its own market and instrument)";
                }
            }

            return null;
        }

        if (c.Seed is not null)
        {
            return "--seed: only with --exchange simulator (a Coinbase feed or a recording has no seed)";
        }

        if (c.Speed is not null && c.ReplayDirectory is null)
        {
            return "--speed: with --exchange coinbase only for --replay (the live feed runs in real time)";
        }

        if (c.CredentialName is not null && !c.Live)
        {
            return "--credential: only with --live (paper trading needs no credentials)";
        }

        if (c.ReplayDirectory is not null)
        {
            if (c.Live)
            {
                return "--live: cannot send real orders from a replay; --replay trades on paper";
            }

            if (c.CoinbaseEndpoint is not null || c.ConnectTimeoutGiven)
            {
                return $"{(c.CoinbaseEndpoint is not null ? "--coinbase-endpoint" : "--connect-timeout")}: not used with --replay (the recording is the feed)";
            }

            if (c.Record)
            {
                return "--record: a replay is already a recording";
            }

            if (c.Symbol is not null && c.ReplayInstrument is { } recorded && c.Symbol != recorded.Symbol)
            {
                return $"--symbols: {c.Symbol}, but the recording '{c.ReplayDirectory}' is of {recorded.Symbol}";
            }

            return null;
        }

        if (c.Live)
        {
            if (c.CredentialName is null)
            {
                return "--live: needs --credential <name> (a Coinbase Exchange API key in the vault; add one with 'credentials add <name>')";
            }

            if (!File.Exists(c.VaultPath))
            {
                return $"--live: there is no credential vault at '{c.VaultPath}'; add the credential with 'credentials add {c.CredentialName} --data {c.DataDirectory}'";
            }
        }

        return null;
    }

    /// <summary>BASE-QUOTE, each 1 to 16 of A-Z and 0-9 (the Coinbase product id shape).</summary>
    private static bool IsProduct(string value)
    {
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        return dash is > 0 and <= 16 && value.Length - dash - 1 is > 0 and <= 16 && value.LastIndexOf('-') == dash
            && value.All(ch => ch == '-' || ch is >= 'A' and <= 'Z' || char.IsAsciiDigit(ch));
    }

    private static bool TryParseStrategy(string value, out StrategyKind strategy)
    {
        switch (value.ToLowerInvariant())
        {
            case "basic":
                strategy = StrategyKind.Basic;
                return true;
            case "avellaneda" or "avellaneda-stoikov":
                strategy = StrategyKind.AvellanedaStoikov;
                return true;
            default:
                strategy = default;
                return false;
        }
    }
}
