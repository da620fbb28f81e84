using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// The market-making session end to end: the built sample host run as a child process on a temporary data
/// directory, in virtual time (<c>--speed max</c>, deterministic and fast) or at a real-time speed for signals.
/// </summary>
[TestClass]
public sealed partial class SessionTests
{
    private const string Seconds = "20";

    private static string NewWorkingDirectory() => Directory.CreateTempSubdirectory("pmm-session-").FullName;

    private static SampleHostProcess.Result Session(string cwd, params string[] args) => SampleHostProcess.Run(cwd, string.Empty, args);

    private static SampleHostProcess.Result VirtualRun(string cwd, string data, long seed, params string[] more) =>
        Session(cwd, ["--duration", Seconds, "--speed", "max", "--seed", seed.ToString(CultureInfo.InvariantCulture), "--data", data, .. more]);

    /// <summary>Every file below <paramref name="directory"/> with a hash of its bytes; empty when it does not exist.</summary>
    private static Dictionary<string, string> Contents(string directory) => !Directory.Exists(directory)
        ? []
        : Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(directory, path),
            path => File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "dir");

    [TestMethod]
    public void A_virtual_time_run_exits_cleanly_with_a_summary_and_the_same_seed_gives_the_same_summary()
    {
        var cwd = NewWorkingDirectory();
        var first = VirtualRun(cwd, "one", 7);
        Assert.AreEqual(0, first.ExitCode, first.Output + first.Error);
        Assert.AreEqual(string.Empty, first.Error);
        StringAssert.Contains(first.Output, "recovered: nothing (a fresh start)");
        var summary = SessionOutput.Parse(first.Output);
        Assert.IsTrue(summary.Fills > 0, "the strategy was filled: " + first.Output);
        StringAssert.EndsWith(summary.Summary["orders"], ", 0 open at stop", "stop cancelled every order");
        StringAssert.StartsWith(summary.Summary["market time"], "20.0", "ran for the duration of market time");
        Assert.IsTrue(File.Exists(Path.Combine(cwd, "one", "pinnaclemm.lock")), "--data chose the directory");
        Assert.AreEqual(1, Directory.GetFiles(Path.Combine(cwd, "one", "SIM-USD", "snapshots")).Length, "the final snapshot");

        var same = VirtualRun(cwd, "two", 7);
        Assert.AreEqual(0, same.ExitCode, same.Error);
        CollectionAssert.AreEqual(summary.DeterministicLines.ToArray(), SessionOutput.Parse(same.Output).DeterministicLines.ToArray(), "same seed, same run");

        var other = VirtualRun(cwd, "three", 8);
        Assert.AreEqual(0, other.ExitCode, other.Error);
        CollectionAssert.AreNotEqual(summary.DeterministicLines.ToArray(), SessionOutput.Parse(other.Output).DeterministicLines.ToArray(), "another seed, another run");

        // The order actions and the session went to the hash-chained audit log, and it verifies.
        var audit = Session(cwd, "audit", "verify", Path.Combine(cwd, "one", "audit"));
        Assert.AreEqual(0, audit.ExitCode, audit.Output);
        StringAssert.StartsWith(audit.Output, "OK: ", StringComparison.Ordinal);
        var log = File.ReadAllText(Directory.GetFiles(Path.Combine(cwd, "one", "audit")).Single());
        StringAssert.Contains(log, "\"type\":\"session.start\"");
        StringAssert.Contains(log, "\"type\":\"order.place\"");
        StringAssert.Contains(log, "\"type\":\"session.stop\"");
    }

    [TestMethod]
    public void A_second_run_on_the_same_data_recovers_the_first_runs_final_position_and_pnl()
    {
        var cwd = NewWorkingDirectory();
        var first = VirtualRun(cwd, "data", 11);
        Assert.AreEqual(0, first.ExitCode, first.Error);
        var before = SessionOutput.Parse(first.Output);
        Assert.IsTrue(before.Fills > 0);

        // Another seed: the recovered state must come from the data directory, not from replaying the same market.
        var second = VirtualRun(cwd, "data", 12);
        Assert.AreEqual(0, second.ExitCode, second.Error);
        StringAssert.Contains(second.Output, before.ExpectedRecoveryLine + "\n");
        StringAssert.Contains(second.Output, "  snapshot:        SIM-USD/snapshots/");
        StringAssert.Contains(second.Output, "(0 order activities)", "the stop's final snapshot holds every order activity");
        StringAssert.Contains(second.Output, "  open orders:     0 recovered");
        var after = SessionOutput.Parse(second.Output);
        Assert.IsTrue(after.Fills > before.Fills, "fills accumulate over the runs");
    }

    [TestMethod]
    public void A_bad_config_value_exits_non_zero_naming_each_field_and_leaves_the_data_directory_untouched()
    {
        var cwd = NewWorkingDirectory();
        Assert.AreEqual(0, VirtualRun(cwd, "data", 3).ExitCode);
        var before = Contents(Path.Combine(cwd, "data"));
        Assert.IsTrue(before.Count > 5);

        var config = Path.Combine(cwd, "bad.json");
        File.WriteAllText(config, """
            { "PinnacleMM": {
                "Strategies": { "BasicMarketMaker": { "BaseSpreadBps": -3 }, "AvellanedaStoikov": { "KillSwitch": { "MaxDrawdown": -1 } } },
                "Exchange": {
                  "Instrument": { "TickSize": 0 },
                  "Simulator": { "Takers": { "RatePerSecond": -1 } },
                  "Engine": { "StopTimeout": "01:00:00" } },
                "Persistence": { "SnapshotIntervalMin": 15 },
                "SessionLog": { "MaxFileBytes": 10, "RetainedFiles": -1 } } }
            """);
        var bad = VirtualRun(cwd, "data", 3, "--config", config);
        Assert.AreEqual(2, bad.ExitCode, bad.Output + bad.Error);
        Assert.AreEqual(string.Empty, bad.Output, "nothing ran");
        StringAssert.Contains(bad.Error, "invalid configuration; nothing was started or written");
        StringAssert.Contains(bad.Error, "PinnacleMM:Strategies:BasicMarketMaker:BaseSpreadBps: -3 must be a positive number.");
        StringAssert.Contains(bad.Error, "PinnacleMM:Strategies:AvellanedaStoikov:KillSwitch:MaxDrawdown: -1 must not be negative.");
        StringAssert.Contains(bad.Error, "PinnacleMM:Exchange:Instrument:TickSize: 0 must be positive.");
        StringAssert.Contains(bad.Error, "PinnacleMM:Exchange:Simulator:Takers:RatePerSecond: -1 must be zero or positive and finite.");
        StringAssert.Contains(bad.Error, "PinnacleMM:Exchange:Engine:StopTimeout: 01:00:00 must be from 0 to 5 min.");
        StringAssert.Contains(bad.Error, "PinnacleMM:Persistence:SnapshotIntervalMin: must be 0 in the sample host (was 15)");
        StringAssert.Contains(bad.Error, "PinnacleMM:SessionLog:MaxFileBytes: 10 must be from 1024 to 1073741824 bytes.");
        StringAssert.Contains(bad.Error, "PinnacleMM:SessionLog:RetainedFiles: -1 must be from 0 to 100.");
        CollectionAssert.AreEquivalent(before, Contents(Path.Combine(cwd, "data")), "the data directory is unchanged");

        // A value of the wrong type names the key too; a data directory that did not exist is not created.
        File.WriteAllText(config, """{ "PinnacleMM": { "Exchange": { "Engine": { "TimerInterval": "soon" } } } }""");
        var wrongType = VirtualRun(cwd, "fresh", 3, "--config", config);
        Assert.AreEqual(2, wrongType.ExitCode);
        StringAssert.Contains(wrongType.Error, "'soon' at 'PinnacleMM:Exchange:Engine:TimerInterval'");
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "fresh")));

        // A misspelt setting would otherwise keep its default without a word.
        File.WriteAllText(config, """{ "PinnacleMM": { "Strategies": { "BasicMarketMaker": { "BaseSpredBps": 3 } }, "Security": { "RateLimits": { "OrderSubmit": { "Limt": 5 } } } } }""");
        var typo = VirtualRun(cwd, "fresh", 3, "--config", config);
        Assert.AreEqual(2, typo.ExitCode);
        StringAssert.Contains(typo.Error, "PinnacleMM:Strategies:BasicMarketMaker:BaseSpredBps: unknown setting (not a property of BasicMarketMakerOptions)");
        StringAssert.Contains(typo.Error, "PinnacleMM:Security:RateLimits:OrderSubmit:Limt: unknown setting (not a property of RateLimitPolicy)");
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "fresh")));

        File.WriteAllText(config, """{ "PinnacleMM": { "Exchange": """);
        var malformed = VirtualRun(cwd, "fresh", 3, "--config", config);
        Assert.AreEqual(2, malformed.ExitCode);
        StringAssert.Contains(malformed.Error, $"Failed to load configuration from file '{config}'");
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "fresh")));
    }

    [TestMethod]
    public void A_bad_reconciler_setting_is_named_by_its_configuration_key()
    {
        // The Avellaneda-Stoikov strategy leaves the engine's reconciler options as configured (the basic one derives them).
        var cwd = NewWorkingDirectory();
        var config = Path.Combine(cwd, "reconciler.json");
        File.WriteAllText(config, """
            { "PinnacleMM": { "Exchange": { "Engine": { "Orders": { "Reconciler": { "PriceToleranceTicks": -1 } } } } } }
            """);
        var bad = VirtualRun(cwd, "data", 3, "--strategy", "avellaneda", "--config", config);
        Assert.AreEqual(2, bad.ExitCode, bad.Output + bad.Error);
        StringAssert.Contains(bad.Error, "invalid configuration; nothing was started or written");
        StringAssert.Contains(bad.Error, "PinnacleMM:Exchange:Engine:Orders:Reconciler:PriceToleranceTicks: -1 must not be negative.");
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "data")));
    }

    [TestMethod]
    public void The_session_log_begins_a_new_file_at_its_size_and_keeps_only_the_retained_ones()
    {
        var cwd = NewWorkingDirectory();
        var config = Path.Combine(cwd, "log.json");
        File.WriteAllText(config, """{ "PinnacleMM": { "SessionLog": { "MaxFileBytes": 1024, "RetainedFiles": 1 } } }""");
        var logs = Path.Combine(cwd, "data", "logs");
        var records = new List<string>();
        for (var run = 0; run < 3; run++)
        {
            var result = VirtualRun(cwd, "data", 20 + run, "--config", config);
            Assert.AreEqual(0, result.ExitCode, result.Output + result.Error);
            var lines = File.ReadAllLines(Path.Combine(logs, "session.log"));
            StringAssert.Contains(lines[^1], "PinnacleMM.Exchange.Engine.TradingEngine[2003] SIM-USD engine stopped", "the newest record is in session.log");
        }

        // Three runs wrote about 2.5 KiB (recovery, start and stop each): more than two files of 1 KiB hold.
        CollectionAssert.AreEquivalent(new[] { "session.log", "session.1.log" }, Directory.GetFiles(logs).Select(Path.GetFileName).ToArray(), "one older file retained, the oldest deleted");
        foreach (var file in Directory.GetFiles(logs))
        {
            var lines = File.ReadAllLines(file);
            Assert.IsTrue(new FileInfo(file).Length <= 1024 || lines.Length == 1, $"{file}: {new FileInfo(file).Length} bytes in {lines.Length} lines");
            Assert.IsTrue(lines.All(l => TimestampedRecord().IsMatch(l)), "whole records only: " + string.Join(" | ", lines));
        }

        var older = File.ReadAllLines(Path.Combine(logs, "session.1.log"));
        var newer = File.ReadAllLines(Path.Combine(logs, "session.log"));
        Assert.IsTrue(string.CompareOrdinal(older[^1], newer[0]) <= 0, "session.1.log holds the records just before session.log's");
        Assert.IsFalse(older.Concat(newer).Any(l => l.Contains("strategy state fresh", StringComparison.Ordinal)), "the first run's start record was deleted");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z (info|warn|fail) PinnacleMM\.[A-Za-z.]+\[\d{4}\] ")]
    private static partial Regex TimestampedRecord();

    [TestMethod]
    [DataRow("--speed", "fast", "error: --speed: 'fast' must be a factor greater than 0")]
    [DataRow("--speed", "0", "error: --speed: '0' must be a factor greater than 0")]
    [DataRow("--duration", "-5", "error: --duration: '-5' is not a positive number of seconds")]
    [DataRow("--seed", "1.5", "error: --seed: '1.5' is not a whole number")]
    [DataRow("--strategy", "martingale", "error: --strategy: 'martingale' is not a strategy (expected basic or avellaneda)")]
    [DataRow("--config", "missing.json", "error: --config: the file '")]
    [DataRow("--colour", "blue", "error: --colour: unknown option")]
    public void A_bad_command_line_value_names_the_option_and_writes_nothing(string option, string value, string expected)
    {
        var cwd = NewWorkingDirectory();
        var result = Session(cwd, option, value);
        Assert.AreEqual(64, result.ExitCode);
        StringAssert.StartsWith(result.Error, expected, StringComparison.Ordinal);
        StringAssert.Contains(result.Error, "usage: PinnacleMM.SampleHost [options]");
        Assert.AreEqual(0, Directory.GetFileSystemEntries(cwd).Length, "no ./data was created");
    }

    [TestMethod]
    public void Sigterm_during_a_real_time_run_stops_cleanly_with_a_summary_and_the_next_run_recovers_it()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("SIGTERM is POSIX.");
        }

        var cwd = NewWorkingDirectory();
        SampleHostProcess.Result result;
        using (var running = SampleHostProcess.Start(cwd, "--speed", "20", "--seed", "5", "--data", "data"))
        {
            // Redirected output: plain status lines about once a second, instead of the dashboard.
            Assert.IsTrue(running.WaitForOutput(StatusWithFills(), TimeSpan.FromSeconds(60)), "a status line with fills: " + running.Output);
            running.Terminate();
            result = running.WaitForExit();
        }

        Assert.AreEqual(0, result.ExitCode, result.Output + result.Error);
        Assert.AreEqual(string.Empty, result.Error);
        StringAssert.Contains(result.Output, "running until Ctrl-C (or SIGTERM)");
        StringAssert.Contains(result.Output, "stopping: cancelling ");
        var summary = SessionOutput.Parse(result.Output);
        StringAssert.EndsWith(summary.Summary["orders"], ", 0 open at stop", "stop cancelled every order");
        StringAssert.StartsWith(summary.Summary["tick-to-quote"], "p50 ", "latency is measured in real time");
        StringAssert.Contains(summary.Summary["tick-to-quote"], " after a slow turn of the strategy thread, which had ", "the machine's share of the tail");

        var next = SampleHostProcess.Run(cwd, string.Empty, "--duration", "1", "--speed", "max", "--data", "data");
        Assert.AreEqual(0, next.ExitCode, next.Error);
        StringAssert.Contains(next.Output, summary.ExpectedRecoveryLine);
        StringAssert.Contains(next.Output, "  snapshot:        SIM-USD/snapshots/", "the stop took a final snapshot");
    }

    [TestMethod]
    public void After_a_kill_the_next_run_recovers_from_the_journal_and_closes_the_orders_the_new_venue_lacks()
    {
        var cwd = NewWorkingDirectory();
        using (var running = SampleHostProcess.Start(cwd, "--speed", "20", "--seed", "5", "--data", "data"))
        {
            Assert.IsTrue(running.WaitForOutput(StatusWithFills(), TimeSpan.FromSeconds(60)), "a status line with fills: " + running.Output);
            running.Kill();
        }

        // What the killed session had journaled when it died (the next run appends to the same journal).
        var killedFills = EngineJournal.Fills(EngineJournal.ReadActivities(Path.Combine(cwd, "data", "SIM-USD", "journal")));
        var next = SampleHostProcess.Run(cwd, string.Empty, "--duration", "1", "--speed", "max", "--data", "data");
        Assert.AreEqual(0, next.ExitCode, next.Output + next.Error);

        // The recovered state is the journaled fills' (lot 0.001 on the simulator's SIM-USD grid).
        var recovered = Regex.Match(next.Output, @"recovered: position (-?[0-9.]+) SIM, realized P&L -?[0-9.]+ USD, fees (-?[0-9.]+) USD, (\d+) fills");
        Assert.IsTrue(recovered.Success, next.Output);
        Assert.AreEqual(killedFills.Count, int.Parse(recovered.Groups[3].Value, CultureInfo.InvariantCulture), "every journaled fill recovered, once");
        Assert.AreEqual(killedFills.Sum(f => (f.Side == Side.Buy ? 1 : -1) * f.Quantity.Lots) * 0.001m, decimal.Parse(recovered.Groups[1].Value, CultureInfo.InvariantCulture), "the position of the journaled fills");
        Assert.AreEqual(Math.Round(killedFills.Sum(f => f.Fee), 6), decimal.Parse(recovered.Groups[2].Value, CultureInfo.InvariantCulture), "the fees of the journaled fills");
        var replayed = Regex.Match(next.Output, @"  replayed:        (\d+) journal records after it \((\d+) order activities\), tail ");
        Assert.IsTrue(replayed.Success, next.Output);
        Assert.IsTrue(long.Parse(replayed.Groups[2].Value, CultureInfo.InvariantCulture) > 0, "the order activities since the last snapshot were replayed");
        var orders = Regex.Match(next.Output, @"  open orders:     (\d+) recovered; (\d+) closed \(the venue does not have them\)");
        Assert.IsTrue(orders.Success, next.Output);
        Assert.IsTrue(int.Parse(orders.Groups[1].Value, CultureInfo.InvariantCulture) > 0, "the market maker's quotes open at the kill were recovered:\n" + next.Output);
        Assert.AreEqual(orders.Groups[1].Value, orders.Groups[2].Value, "every order open at the kill is closed: a new simulator has none of them");
        StringAssert.EndsWith(SessionOutput.Parse(next.Output).Summary["orders"], ", 0 open at stop");
    }

    [TestMethod]
    public void A_venue_slower_than_the_stop_timeout_leaves_orders_open_that_the_summary_names_and_the_next_run_recovers()
    {
        // The venue answers after 2 s each way; the stop waits 1 s: none of its cancels is confirmed in time.
        var cwd = NewWorkingDirectory();
        var config = Path.Combine(cwd, "slow.json");
        File.WriteAllText(config, """
            { "PinnacleMM": { "Exchange": {
                "Simulator": { "Latency": { "OrderEntry": "00:00:02" } },
                "Engine": { "StopTimeout": "00:00:01" } } } }
            """);
        var slow = VirtualRun(cwd, "data", 5, "--config", config);
        Assert.AreEqual(0, slow.ExitCode, slow.Output + slow.Error);
        Assert.AreEqual(string.Empty, slow.Error);
        var summary = SessionOutput.Parse(slow.Output).Summary;
        var open = int.Parse(Regex.Match(summary["orders"], @", (\d+) open at stop$").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.IsTrue(open > 0, summary["orders"]);
        StringAssert.StartsWith(summary["left open"], $"{open} orders not confirmed closed when the stop ended ({open} pending cancel), may still rest at the venue: #");
        Assert.AreEqual(open, Regex.Matches(summary["left open"], @"#\d+ (Buy|Sell) [0-9.]+ at [0-9.]+ \(PendingCancel\)").Count, summary["left open"]);
        var stopped = SessionStops(Path.Combine(cwd, "data", "audit"));
        Assert.AreEqual(1, stopped.Count);
        Assert.AreEqual(("failure", open.ToString(CultureInfo.InvariantCulture)), stopped[0], "orders left at the venue are not a successful end");

        // The final snapshot kept them open: the next run (a new simulator, which has none of them) recovers and closes them.
        var next = VirtualRun(cwd, "data", 6);
        Assert.AreEqual(0, next.ExitCode, next.Output + next.Error);
        StringAssert.Contains(next.Output, $"  open orders:     {open} recovered; {open} closed (the venue does not have them)");
        Assert.IsFalse(SessionOutput.Parse(next.Output).Summary.ContainsKey("left open"), "a stop that closed every order names none");
        CollectionAssert.AreEqual(new[] { ("failure", open.ToString(CultureInfo.InvariantCulture)), ("success", "0") }, SessionStops(Path.Combine(cwd, "data", "audit")).ToArray());
    }

    /// <summary>The <c>session.stop</c> records of the audit log in <paramref name="directory"/>, oldest first: their outcome and orders left open.</summary>
    private static List<(string Outcome, string OrdersLeftOpen)> SessionStops(string directory) =>
        [.. Directory.GetFiles(directory, "audit-*.jsonl").Order(StringComparer.Ordinal)
            .SelectMany(File.ReadLines)
            .Select(line => JsonSerializer.Deserialize<JsonElement>(line))
            .Where(record => record.GetProperty("type").GetString() == "session.stop")
            .Select(record => (record.GetProperty("outcome").GetString()!, record.GetProperty("details").GetProperty("ordersLeftOpen").GetString()!))];

    [TestMethod]
    public void The_custom_strategy_sample_runs_through_the_engine_and_prints_fills_and_pnl()
    {
        var result = SampleHostProcess.RunCustomStrategy(NewWorkingDirectory(), "--seconds", "10", "--seed", "7");
        Assert.AreEqual(0, result.ExitCode, result.Output + result.Error);
        var lines = result.Output.Split('\n');
        Assert.IsTrue(lines.Count(l => l.StartsWith("  fill  ", StringComparison.Ordinal)) > 0, result.Output);
        Assert.AreEqual(10, lines.Count(l => l.StartsWith("t ", StringComparison.Ordinal)), "one P&L line per simulated second");
        var done = lines.Single(l => l.StartsWith("done: ", StringComparison.Ordinal));
        StringAssert.EndsWith(done, ", 0 open orders");
        StringAssert.Contains(done, "realized P&L ");

        var bad = SampleHostProcess.RunCustomStrategy(NewWorkingDirectory(), "--seconds", "never");
        Assert.AreEqual(64, bad.ExitCode);
        StringAssert.Contains(bad.Error, "--seconds 'never'");
    }

    [GeneratedRegex(@"status: t .*\| fills [1-9]")]
    private static partial Regex StatusWithFills();
}
