using System.Security.Cryptography;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// <c>--exchange coinbase</c>: the command line's rules (each refusal names the option and writes nothing) and the
/// replay of a recorded session into the paper exchange (the built sample host as a child process, offline).
/// </summary>
[TestClass]
public sealed class CoinbaseSessionTests
{
    private const int Usage = 64;

    private static string NewWorkingDirectory() => Directory.CreateTempSubdirectory("pmm-coinbase-").FullName;

    private static SampleHostProcess.Result Session(string cwd, params string[] args) => SampleHostProcess.Run(cwd, string.Empty, args);

    /// <summary>Every file below <paramref name="directory"/> with a hash of its bytes.</summary>
    private static Dictionary<string, string> Contents(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(directory, path),
            path => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));

    [TestMethod]
    [DataRow("--exchange kraken", "error: --exchange: 'kraken' is not a venue (expected simulator or coinbase)")]
    [DataRow("--exchange coinbase --symbols BTC-USD,ETH-USD", "error: --symbols: 'BTC-USD,ETH-USD' names 2 products, but the engine trades one instrument")]
    [DataRow("--exchange coinbase --symbols btc_usd", "error: --symbols: 'btc_usd' is not a product (expected BASE-QUOTE")]
    [DataRow("--exchange coinbase --coinbase-endpoint ws://feed.example.com/ws", "error: --coinbase-endpoint: 'ws://feed.example.com/ws' is plain ws:// to a non-loopback host")]
    [DataRow("--exchange coinbase --coinbase-endpoint https://example.com", "error: --coinbase-endpoint: 'https://example.com' is not a wss:// URL")]
    [DataRow("--exchange coinbase --live", "error: --live: needs --credential <name>")]
    [DataRow("--exchange coinbase --live --credential cb-main", "error: --live: there is no credential vault at '")]
    [DataRow("--exchange coinbase --credential cb-main", "error: --credential: only with --live")]
    [DataRow("--exchange coinbase --replay no-such-recording", "error: --replay: the recording directory '")]
    [DataRow("--exchange coinbase --seed 3", "error: --seed: only with --exchange simulator")]
    [DataRow("--exchange coinbase --speed 10", "error: --speed: with --exchange coinbase only for --replay")]
    [DataRow("--symbols BTC-USD", "error: --symbols: only with --exchange coinbase")]
    [DataRow("--replay .", "error: --replay: only with --exchange coinbase")]
    public void A_bad_coinbase_combination_exits_non_zero_naming_the_option_and_writes_nothing(string arguments, string expected)
    {
        var cwd = NewWorkingDirectory();
        var result = Session(cwd, [.. arguments.Split(' '), "--data", "data", "--duration", "1"]);
        Assert.AreEqual(Usage, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error, expected, StringComparison.Ordinal);
        Assert.AreEqual(string.Empty, result.Output, "nothing ran");
        Assert.AreEqual(0, Directory.EnumerateFileSystemEntries(cwd).Count(), "nothing was written: " + string.Join(", ", Directory.EnumerateFileSystemEntries(cwd)));
    }

    [TestMethod]
    public void A_recorded_simulator_session_replays_into_the_paper_exchange_with_the_same_result_every_time()
    {
        var cwd = NewWorkingDirectory();
        var record = Session(cwd, "--speed", "max", "--duration", "20", "--seed", "5", "--record", "--data", "rec");
        Assert.AreEqual(0, record.ExitCode, record.Output + record.Error);
        var recording = Path.Combine(cwd, "rec", "recordings", "SIM-USD");
        StringAssert.Contains(record.Output, $"recording market data into {recording}\n");
        Assert.IsTrue(File.Exists(Path.Combine(recording, "instrument.json")), "the grid is stored with the recording");
        var recorded = Contents(recording);
        Assert.IsTrue(recorded.Keys.Any(k => k.EndsWith(".journal", StringComparison.Ordinal)), "a journal was recorded");

        var first = Session(cwd, "--exchange", "coinbase", "--replay", recording, "--duration", "15", "--data", "one");
        Assert.AreEqual(0, first.ExitCode, first.Output + first.Error);
        Assert.AreEqual(string.Empty, first.Error);
        StringAssert.Contains(first.Output, $"on SIM-USD (replay of {recording} as fast as possible, paper trading)");
        var summary = SessionOutput.Parse(first.Output);
        Assert.IsTrue(summary.Fills > 0, "paper fills against the recorded book: " + first.Output);
        StringAssert.StartsWith(summary.Summary["market time"], "15.0", "ran for the duration of recorded time");
        StringAssert.EndsWith(summary.Summary["orders"], ", 0 open at stop", "stop cancelled every paper order");
        Assert.IsTrue(Directory.Exists(Path.Combine(cwd, "one", "SIM-USD", "journal")), "the engine journaled the paper session");

        var second = Session(cwd, "--exchange", "coinbase", "--replay", recording, "--duration", "15", "--data", "two");
        Assert.AreEqual(0, second.ExitCode, second.Output + second.Error);
        CollectionAssert.AreEqual(summary.DeterministicLines.ToArray(), SessionOutput.Parse(second.Output).DeterministicLines.ToArray(), "same recording, same session");

        // A shorter replay is another session: the duration counts recorded time.
        var shorter = Session(cwd, "--exchange", "coinbase", "--replay", recording, "--duration", "5", "--data", "three");
        Assert.AreEqual(0, shorter.ExitCode, shorter.Output + shorter.Error);
        StringAssert.StartsWith(SessionOutput.Parse(shorter.Output).Summary["market time"], "5.0");
        CollectionAssert.AreNotEqual(summary.DeterministicLines.ToArray(), SessionOutput.Parse(shorter.Output).DeterministicLines.ToArray());

        CollectionAssert.AreEquivalent(recorded.ToArray(), Contents(recording).ToArray(), "replaying never changes the recording");

        // The recording is of SIM-USD: another symbol is refused before anything is written.
        var wrong = Session(cwd, "--exchange", "coinbase", "--replay", recording, "--symbols", "BTC-USD", "--data", "four");
        Assert.AreEqual(Usage, wrong.ExitCode, wrong.Output + wrong.Error);
        StringAssert.StartsWith(wrong.Error, $"error: --symbols: BTC-USD, but the recording '{recording}' is of SIM-USD", StringComparison.Ordinal);
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "four")));
    }

    [TestMethod]
    public void A_recording_with_a_broken_instrument_file_is_refused_naming_replay_and_the_rule()
    {
        var cwd = NewWorkingDirectory();
        var recording = Directory.CreateDirectory(Path.Combine(cwd, "rec")).FullName;
        File.WriteAllText(Path.Combine(recording, "instrument.json"), """{ "Symbol": "BTC-USD", "TickSize": 0, "LotSize": 0.00000001 }""");
        var result = Session(cwd, "--exchange", "coinbase", "--replay", recording, "--data", "data");
        Assert.AreEqual(Usage, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error, $"error: --replay: '{Path.Combine(recording, "instrument.json")}': Symbol must be given and TickSize and LotSize must be positive", StringComparison.Ordinal);
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "data")));
    }
}
