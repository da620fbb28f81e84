using System.Globalization;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// The market-making session's command line. Every value is checked here, before anything is built or written:
/// a bad one is refused with a message naming the option and the rule.
/// </summary>
internal sealed record SessionCommandLine
{
    public const string UsageText = """
        usage: PinnacleMM.SampleHost [options]            a simulated market-making session (Ctrl-C or SIGTERM stops it cleanly)
          --strategy basic|avellaneda   the strategy (default basic: BasicMarketMaker; avellaneda: AvellanedaStoikovMarketMaker)
          --duration <seconds>          stop cleanly after this much simulated market time (default: run until stopped)
          --speed <factor>|max          simulated seconds per real second (default 1 = real time; 20 = a market minute in 3 s);
                                        max = virtual time as fast as the machine goes, deterministic: same seed, same run
          --seed <n>                    the simulator's random seed (default from the configuration: 1)
          --config <file>               a JSON file overriding appsettings.json (sections PinnacleMM:Strategies, :Exchange,
                                        :Persistence, :Security); validated at start, nothing is written when a value is bad
          --data <dir>                  journal, snapshots and audit log (default ./data); a second run recovers from it
          --plain                       status lines instead of the live dashboard (automatic when output is redirected)
        other commands:
          credentials add|list|remove|change-password [--data <dir>]    the encrypted credential vault
          audit verify <dir>                                           checks an audit log's hash chain
        """;

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

            if (option == "--plain")
            {
                commandLine = commandLine with { Plain = true };
                continue;
            }

            if (option is not ("--strategy" or "--duration" or "--speed" or "--seed" or "--config" or "--data"))
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

        return true;
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
