using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// <c>--exchange coinbase --symbols BTC-USD</c> paper trading end to end: the built sample host as a child process
/// against a local Coinbase Exchange feed (<see cref="CoinbaseFeedServer"/>) that plays a scripted market, checked from
/// the host's output and from what it wrote into its data folder.
/// </summary>
[TestClass]
public sealed partial class CoinbaseFeedSessionTests
{
    private const string Product = "BTC-USD";

    // The scripted book: 100.00 / 100.10, ten cents wide, so that the strategy quotes inside it.
    private static readonly (decimal, decimal)[] Bids = [(100.00m, 2m), (99.99m, 3m), (99.98m, 4m)];
    private static readonly (decimal, decimal)[] Asks = [(100.10m, 2m), (100.11m, 3m), (100.12m, 4m)];

    private const decimal SellThrough = 100.00m;
    private const decimal BuyThrough = 100.10m;

    private static string NewWorkingDirectory() => Directory.CreateTempSubdirectory("pmm-coinbase-feed-").FullName;

    private static string[] Session(CoinbaseFeedServer server, double seconds, string data, params string[] more) =>
    [
        "--exchange", "coinbase", "--symbols", Product, "--coinbase-endpoint", server.Endpoint.ToString(),
        "--duration", seconds.ToString(CultureInfo.InvariantCulture), "--plain", "--data", data, .. more,
    ];

    /// <summary>
    /// The market: the book, the opening <c>last_match</c> and a ticker; 2 s for the host to sync and quote inside the
    /// spread; then a seller hits the displayed 100.00 bid, a trade through every bid of ours (they are above it);
    /// 1.5 s later a buyer lifts the 100.10 offer, through every ask of ours. Each print is followed, as on Coinbase,
    /// by the level update it caused and a ticker. Then only heartbeats.
    /// </summary>
    private static async Task TradeThroughBothSides(CoinbaseFeedServer.FeedConnection feed)
    {
        await feed.SnapshotAsync(Bids, Asks);
        await feed.MatchAsync("buy", 100.05m, 0.01m, last: true);
        await feed.TickerAsync(100.05m, "buy");
        await feed.DelayAsync(TimeSpan.FromSeconds(2));

        // side is the maker's: "buy" = a resting bid was hit by a seller.
        await feed.MatchAsync("buy", SellThrough, 0.5m);
        await feed.SetLevelAsync("buy", SellThrough, 1.5m);
        await feed.TickerAsync(SellThrough, "sell");
        await feed.DelayAsync(TimeSpan.FromSeconds(1.5));

        await feed.MatchAsync("sell", BuyThrough, 0.5m);
        await feed.SetLevelAsync("sell", BuyThrough, 1.5m);
        await feed.TickerAsync(BuyThrough, "buy");
    }

    [TestMethod]
    public async Task Paper_trading_on_a_local_feed_syncs_quotes_fills_on_trades_through_our_prices_and_a_second_run_recovers()
    {
        var cwd = NewWorkingDirectory();
        var data = Path.Combine(cwd, "data");
        SampleHostProcess.Result first;
        Uri endpoint;
        await using (var server = await CoinbaseFeedServer.StartAsync(Product, TradeThroughBothSides))
        {
            endpoint = server.Endpoint;
            first = await Task.Run(() => SampleHostProcess.Run(cwd, string.Empty, Session(server, 5, data)));
            Assert.AreEqual(1, server.Connections, "one connection, never dropped");
            StringAssert.Contains(server.Received[0], "\"level2_batch\"", "subscribed to the public book channel");
        }

        Assert.AreEqual(0, first.ExitCode, first.Output + first.Error);
        Assert.AreEqual(string.Empty, first.Error);
        var output = first.Output;
        StringAssert.Contains(output, $"BasicMarketMaker on {Product} (coinbase {endpoint}, paper trading), real time");
        StringAssert.Contains(output, "recovered: nothing (a fresh start)");
        Assert.IsTrue(FeedLine(output, "synced").Success, "the feed reported the book synced:\n" + output);
        Assert.IsTrue(QuoteCounts(output).Any(q => q.Bids > 0 && q.Asks > 0), "quoted both sides on the feed's book:\n" + output);

        // The fills, as the engine journaled them: our bids filled by the sell-through print, then our asks by the
        // buy-through print, each completely, as maker, at our own price inside the scripted spread.
        var activities = EngineJournal.ReadActivities(Path.Combine(data, Product, "journal"));
        var fills = EngineJournal.Fills(activities);
        var buys = fills.Where(f => f.Side == Side.Buy).ToList();
        var sells = fills.Where(f => f.Side == Side.Sell).ToList();
        Assert.IsNotEmpty(buys, "the print at 100.00 filled our bids:\n" + output);
        Assert.IsNotEmpty(sells, "the print at 100.10 filled our asks:\n" + output);
        Assert.IsTrue(fills.FindLastIndex(f => f.Side == Side.Buy) < fills.FindIndex(f => f.Side == Side.Sell), "bids filled at the first print, asks at the second");
        foreach (var fill in fills)
        {
            var price = EngineJournal.Price(fill.Price);
            Assert.IsTrue(price > SellThrough && price < BuyThrough, $"a fill at {price}: a trade through our price fills it at our price, inside the book");
            Assert.AreEqual(Liquidity.Maker, fill.Liquidity, "a resting quote fills as maker");
            Assert.AreEqual(ExecutionEventKind.Filled, fill.Kind, "a trade through the price fills the whole order");
        }

        // The summary agrees with the fills: a position and P&L model written here, average cost as the host reports.
        var summary = SessionOutput.Parse(output);
        var model = PositionModel.Of(fills);
        Assert.AreEqual(fills.Count, summary.Fills);
        Assert.AreEqual($"{model.Position:F8} BTC", summary.Summary["position"]);
        Assert.AreEqual($"{model.Volume:F8} BTC", summary.Summary["volume"]);
        Assert.AreEqual($"{model.Fees:0.000000} USD", summary.Summary["fees"], "maker fee rate 0 in appsettings.json");
        Assert.AreEqual(model.Realized, Money(summary.Summary["realized P&L"]), 0.000001m, "realized P&L, average cost");
        var mid = decimal.Parse(Regex.Match(summary.Summary["unrealized P&L"], @"at the last mid ([0-9.]+)\)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual(model.Unrealized(mid), Money(summary.Summary["unrealized P&L"]), Math.Abs(model.Position) * 0.005m + 0.000001m, "unrealized P&L at the printed (rounded) mid");
        Assert.IsTrue(model.Realized > 0, "bought below and sold above the mid: the round trip earned the spread");

        // A clean stop: every paper order cancelled, the final snapshot taken, the audit log closed with the session's result.
        Assert.AreEqual(1, Directory.EnumerateFiles(Path.Combine(data, Product, "snapshots"), "*.snapshot").Count(), "the final snapshot");
        StringAssert.Contains(output, "stopping: cancelling ");
        StringAssert.EndsWith(summary.Summary["orders"], ", 0 refused locally, 0 open at stop");
        var sent = int.Parse(summary.Summary["orders"].Split(' ')[0], CultureInfo.InvariantCulture);
        Assert.IsTrue(sent < 100, $"a requote after each fill, not a storm of cancels and places: {summary.Summary["orders"]}");
        StringAssert.StartsWith(summary.Summary["feed"], $"1 connections to {endpoint}, 0 resyncs, 0 reconnects");
        var audit = string.Join('\n', Directory.GetFiles(Path.Combine(data, "audit"), "audit-*.jsonl").Select(File.ReadAllText));
        StringAssert.Contains(audit, "\"session.start\"");
        StringAssert.Contains(audit, $"\"fills\":\"{fills.Count}\"");
        Assert.IsTrue(AuditLogVerifier.Verify(Path.Combine(data, "audit")).IsValid, "the audit log's hash chain holds");

        // A second run on the same data recovers the position and P&L, then trades on a quiet market.
        await using (var quiet = await CoinbaseFeedServer.StartAsync(Product, feed => feed.SnapshotAsync(Bids, Asks)))
        {
            var second = await Task.Run(() => SampleHostProcess.Run(cwd, string.Empty, Session(quiet, 1.5, data)));
            Assert.AreEqual(0, second.ExitCode, second.Output + second.Error);
            StringAssert.Contains(second.Output, summary.ExpectedRecoveryLine + "\n", "recovered the first run's final state");
            Assert.IsTrue(FeedLine(second.Output, "synced").Success, "and synced again:\n" + second.Output);
            var after = SessionOutput.Parse(second.Output);
            Assert.AreEqual(summary.Summary["position"], after.Summary["position"], "no trades on the quiet market");
            Assert.AreEqual(summary.Summary["realized P&L"], after.Summary["realized P&L"]);
            Assert.AreEqual(summary.Fills, after.Fills);
        }
    }

    [TestMethod]
    public async Task A_dropped_feed_is_reported_reconnected_and_resynced_and_quoting_continues_on_the_new_book()
    {
        var cwd = NewWorkingDirectory();
        var data = Path.Combine(cwd, "data");

        // The first connection drops after 1.5 s; the next one finds the market moved up by 20 cents.
        static async Task DropOnce(CoinbaseFeedServer.FeedConnection feed)
        {
            if (feed.Number == 1)
            {
                await feed.SnapshotAsync(Bids, Asks);
                await feed.DelayAsync(TimeSpan.FromSeconds(1.5));
                feed.Drop();
                return;
            }

            await feed.SnapshotAsync([.. Bids.Select(b => (b.Item1 + 0.20m, b.Item2))], [.. Asks.Select(a => (a.Item1 + 0.20m, a.Item2))]);
        }

        SampleHostProcess.Result result;
        await using (var server = await CoinbaseFeedServer.StartAsync(Product, DropOnce))
        {
            result = await Task.Run(() => SampleHostProcess.Run(cwd, string.Empty, Session(server, 6, data)));
            Assert.AreEqual(2, server.Connections, "the host reconnected once");
            Assert.AreEqual(2, server.Received.Count(m => m.Contains("\"type\":\"subscribe\"", StringComparison.Ordinal)), "and subscribed again:\n" + result.Output + result.Error);
        }

        Assert.AreEqual(0, result.ExitCode, result.Output + result.Error);
        Assert.AreEqual(string.Empty, result.Error);
        var output = result.Output;
        var synced = FeedLine(output, "synced");
        var dropped = FeedLine(output, "disconnected after Disconnected");
        Assert.IsTrue(synced.Success && dropped.Success, "the drop is reported:\n" + output);
        Assert.IsTrue(dropped.Index > synced.Index, "after the first sync");
        var resynced = FeedLine(output[dropped.Index..], "synced");
        Assert.IsTrue(resynced.Success, "then the reconnect and the new snapshot:\n" + output);
        Assert.IsTrue(FeedLine(output[dropped.Index..], "connecting").Success, "the reconnect attempt is reported:\n" + output);

        // Quoting went on after the reconnect, on the new book (the old book's prices are all below 100.20).
        var places = EngineJournal.Places(EngineJournal.ReadActivities(Path.Combine(data, Product, "journal")));
        Assert.IsTrue(places.Any(p => EngineJournal.Price(p.Price) < 100.10m), "quoted on the first book");
        Assert.IsTrue(places.Any(p => p.Side == Side.Buy && EngineJournal.Price(p.Price) > 100.20m), "and on the book after the reconnect");
        Assert.IsTrue(QuoteCounts(output[(dropped.Index + resynced.Index)..]).Any(q => q.Bids > 0 && q.Asks > 0), "quotes shown after the resync:\n" + output);

        var summary = SessionOutput.Parse(output);
        StringAssert.StartsWith(summary.Summary["feed"], "2 connections to ");
        Assert.IsTrue(Directory.Exists(Path.Combine(data, Product, "snapshots")) && Directory.EnumerateFiles(Path.Combine(data, Product, "snapshots"), "*.snapshot").Any(), "the clean stop took the final snapshot:\n" + output);
        StringAssert.Contains(summary.Summary["feed"], "; last disconnect: ");
        StringAssert.EndsWith(summary.Summary["orders"], ", 0 open at stop");
    }

    [TestMethod]
    public void No_feed_at_the_endpoint_fails_after_the_connect_timeout_naming_the_endpoint_and_why()
    {
        var cwd = NewWorkingDirectory();

        // A port nobody listens on: bound, noted and released.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var endpoint = $"ws://127.0.0.1:{port}/";

        var result = SampleHostProcess.Run(cwd, string.Empty,
            "--exchange", "coinbase", "--symbols", Product, "--coinbase-endpoint", endpoint, "--connect-timeout", "2", "--plain", "--data", "data");
        Assert.AreEqual(1, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error, $"error: could not connect to the Coinbase feed at {endpoint} within 2 s (--connect-timeout); last attempt: ", StringComparison.Ordinal);
        StringAssert.Contains(result.Error, "refused", "the reason of the last attempt");
        StringAssert.Contains(result.Error, "Nothing was traded.");
        Assert.IsTrue(FeedLine(result.Output, "disconnected after Disconnected").Success, "each failed attempt is reported:\n" + result.Output);
        Assert.DoesNotContain("summary:", result.Output);
    }

    [TestMethod]
    [DataRow("--connect-timeout 0", "error: --connect-timeout: '0' must be a number of seconds greater than 0 and at most 3600")]
    [DataRow("--connect-timeout soon", "error: --connect-timeout: 'soon' must be a number of seconds greater than 0 and at most 3600")]
    [DataRow("--exchange simulator --connect-timeout 5", "error: --connect-timeout: only with --exchange coinbase")]
    [DataRow("--replay . --connect-timeout 5", "error: --connect-timeout: not used with --replay")]
    public void A_bad_connect_timeout_is_refused_naming_the_option_and_the_rule(string arguments, string expected)
    {
        var cwd = NewWorkingDirectory();
        var args = arguments.Split(' ').ToList();
        if (!arguments.Contains("--exchange", StringComparison.Ordinal))
        {
            args.InsertRange(0, ["--exchange", "coinbase"]);
        }

        var result = SampleHostProcess.Run(cwd, string.Empty, [.. args, "--data", "data"]);
        Assert.AreEqual(64, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error, expected, StringComparison.Ordinal);
        Assert.IsFalse(Directory.Exists(Path.Combine(cwd, "data")));
    }

    private static Match FeedLine(string output, string state) =>
        Regex.Match(output, $@"^feed: \d\d:\d\d:\d\d\.\d\d\d {Product} {Regex.Escape(state)}", RegexOptions.Multiline);

    private static IEnumerable<(int Bids, int Asks)> QuoteCounts(string output) =>
        QuotesPattern().Matches(output).Select(m => (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)));

    private static decimal Money(string value) => decimal.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\| quotes (\d+) bid (\d+) ask \|")]
    private static partial Regex QuotesPattern();
}
