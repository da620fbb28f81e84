// A user's application using each PinnacleMM package through its public API, as the package READMEs show.
// Every check prints "ok <name>: <detail>" or "FAILED <name>: <detail>"; the exit code is 0 only if all held.
using System.Text;
using PackageConsumer;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;

var checks = new Checks();
var work = Directory.CreateTempSubdirectory("pinnaclemm-consumer-");
try
{
    Core(checks);
    Persistence(checks, work.FullName);
    await SecurityAsync(checks, work.FullName);
    await ExchangeAsync(checks);
}
catch (Exception e)
{
    checks.That("unexpected-exception", false, e.ToString());
}
finally
{
    work.Delete(recursive: true);
}

return checks.Finish();

static void Core(Checks checks)
{
    var btc = new InstrumentSpec("BTC-USD", tickSize: 0.01m, lotSize: 0.0001m, minQuantity: 0.001m);
    var book = new OrderBook(btc);
    book.Submit(OrderRequest.Limit(1, ownerId: 7, Side.Sell, btc.GetPrice(65_000.10m), btc.GetQuantity(0.5m)));
    var taker = book.Submit(OrderRequest.Limit(2, ownerId: 9, Side.Buy, btc.GetPrice(65_000.50m), btc.GetQuantity(0.2m), TimeInForce.ImmediateOrCancel));
    checks.That("core.orderbook-match", taker.IsAccepted && taker.Filled == btc.GetQuantity(0.2m) && taker.TradeCount == 1 && book.LastTradeId == 1, taker.ToString());

    book.TryGetBestAsk(out var ask, out var askSize);
    checks.That("core.best-ask", btc.Format(ask) == "65000.10" && btc.Format(askSize) == "0.3000", $"{btc.Format(ask)} x {btc.Format(askSize)}");

    var postOnly = book.Submit(OrderRequest.Limit(3, ownerId: 9, Side.Buy, btc.GetPrice(65_001m), btc.GetQuantity(1m), postOnly: true));
    checks.That("core.post-only-rejected", postOnly.Code == OrderBookResultCode.PostOnlyWouldCross && book.OrderCount == 1, postOnly.ToString());

    var onGrid = btc.TryGetPrice(65_000.005m, out _, out var error);
    checks.That("core.off-grid-rejected", !onGrid && error!.Contains("tick size", StringComparison.Ordinal), error ?? "accepted");

    // The strategy sees an L2 book 64990.00 / 65010.00 and quotes 2.00 either side of the 65000.00 mid.
    var strategy = new FixedSpreadMarketMaker(btc, halfSpreadTicks: 200, btc.GetQuantity(0.01m));
    strategy.Book.ApplySnapshot(
        bids: [new DepthLevel(btc.GetPrice(64_990m), btc.GetQuantity(1m), 1)],
        asks: [new DepthLevel(btc.GetPrice(65_010m), btc.GetQuantity(1m), 1)]);
    var decided = strategy.OnBookUpdated();
    var quotes = strategy.Quotes;
    var text = quotes.IsEmpty ? "no quotes" : $"{btc.Format(quotes.Bids[0].Quantity)} @ {btc.Format(quotes.Bids[0].Price)} / {btc.Format(quotes.Asks[0].Quantity)} @ {btc.Format(quotes.Asks[0].Price)}";
    checks.That("core.strategy-quotes", decided && quotes.BidCount == 1 && quotes.AskCount == 1 && text == "0.0100 @ 64998.00 / 0.0100 @ 65002.00", text);
}

static void Persistence(Checks checks, string work)
{
    var eth = new InstrumentSpec("ETH-USD", tickSize: 0.01m, lotSize: 0.001m);
    var journalDirectory = Path.Combine(work, "ETH-USD", "journal");
    var live = new OrderBook(eth);
    OrderRequest[] orders =
    [
        OrderRequest.Limit(1, ownerId: 1, Side.Sell, eth.GetPrice(3_000.50m), eth.GetQuantity(2m), timestamp: 1),
        OrderRequest.Limit(2, ownerId: 1, Side.Sell, eth.GetPrice(3_001.00m), eth.GetQuantity(1m), timestamp: 2),
        OrderRequest.Limit(3, ownerId: 2, Side.Buy, eth.GetPrice(3_000.75m), eth.GetQuantity(0.5m), timestamp: 3),
        OrderRequest.Limit(4, ownerId: 2, Side.Buy, eth.GetPrice(2_999.00m), eth.GetQuantity(3m), timestamp: 4),
    ];
    var note = Encoding.UTF8.GetBytes("session started");
    using (var journal = JournalWriter.Open(journalDirectory, new JournalOptions { SegmentSize = 1 << 20, SyncPolicy = JournalSyncPolicy.None }))
    {
        journal.Append(JournalRecordType.ApplicationBase + 1, timestampNs: 0, note);
        foreach (var order in orders)
        {
            journal.AppendOrder(order, order.Timestamp); // journaled first, then applied
            live.Submit(order);
        }

        journal.Flush();
        checks.That("persistence.journal-durable", journal.LastSequence == 5 && journal.DurableSequence == 5, $"last {journal.LastSequence}, durable {journal.DurableSequence}");
    }

    var types = new List<string>();
    var noteRead = false;
    using (var reader = JournalReader.Open(journalDirectory, fromSequence: 1))
    {
        while (reader.TryRead(out var record))
        {
            types.Add($"{record.Sequence}:{record.Type}");
            noteRead |= record.Sequence == 1 && record.Payload.SequenceEqual(note);
        }

        checks.That("persistence.journal-read-back", reader.Fault is null && noteRead && types.Count == 5, string.Join(' ', types) + (reader.Fault is { } f ? $" fault {f}" : ""));
    }

    var store = new SnapshotStore(Path.Combine(work, "ETH-USD", "snapshots"), eth);
    var (recovered, report) = OrderBookRecovery.Recover(journalDirectory, store, new RecoveryOptions { Instrument = eth });
    checks.That(
        "persistence.recovery",
        recovered.ComputeStateHash() == live.ComputeStateHash() && recovered.LastTradeId == 1 && report.BookRecords == 4 && report.UnhandledApplicationRecords == 1,
        $"state hash {recovered.ComputeStateHash():X16} (live {live.ComputeStateHash():X16}), {report.BookRecords} book records replayed, {recovered.OrderCount} orders resting");
}

static async Task SecurityAsync(Checks checks, string work)
{
    // scrypt at N = 2^10 unlocks in milliseconds: only acceptable with the explicit test-only switch.
    var options = new VaultOptions { Kdf = KdfParameters.Scrypt(1 << 10, 8, 1), AllowInsecureKdfParametersForTesting = true };
    var path = Path.Combine(work, "credentials.vault");
    using (var vault = CredentialVault.Create(path, "correct horse", options))
    using (var key = ExchangeCredential.FromApiKey("my-key", "s3cret"u8, "phrase"u8))
    {
        vault.Add("coinbase", key);
    }

    using (var vault = CredentialVault.Open(path, "correct horse", options))
    using (var credential = vault.Get("coinbase"))
    {
        var same = credential.ApiKey == "my-key" && credential.Secret.SequenceEqual("s3cret"u8) && credential.Passphrase.SequenceEqual("phrase"u8);
        checks.That("security.vault-round-trip", same && vault.Names.SequenceEqual(["coinbase"]), credential.ToString());
    }

    VaultErrorReason? reason = null;
    try
    {
        using var wrong = CredentialVault.Open(path, "wrong password", options);
    }
    catch (VaultException e)
    {
        reason = e.Reason;
    }

    checks.That("security.vault-wrong-password", reason == VaultErrorReason.WrongPassword, reason?.ToString() ?? "opened");

    var auditDirectory = Path.Combine(work, "audit");
    await using (var audit = new AuditLog(new AuditLogOptions { Directory = auditDirectory }, TimeProvider.System))
    {
        var written = audit.TryWrite(new AuditEvent("vault.open", "alice", "consumer", "credentials.vault", AuditOutcome.Success))
            & audit.TryWrite(new AuditEvent("vault.open", "mallory", "consumer", "credentials.vault", AuditOutcome.Denied, new Dictionary<string, string> { ["reason"] = "WrongPassword" }))
            & audit.TryWrite(new AuditEvent("order.place", "strategy", "consumer", "BTC-USD", AuditOutcome.Info));
        await audit.FlushAsync();
        checks.That("security.audit-write", written && audit.RecordsWritten == 3 && audit.Fault is null, $"{audit.RecordsWritten} records written");
    }

    var result = AuditLogVerifier.Verify(auditDirectory);
    checks.That("security.audit-verify", result.IsValid && result.RecordCount == 3 && result.LastSequence == 3, $"{result.RecordCount} records, last sequence {result.LastSequence}, {result.Problems.Count} problems");

    // Editing a record must be caught: the verifier is only worth something if it can fail.
    var file = result.Files[0];
    File.WriteAllText(file, File.ReadAllText(file).Replace("mallory", "malloxy", StringComparison.Ordinal));
    var tampered = AuditLogVerifier.Verify(auditDirectory);
    checks.That("security.audit-tamper-detected", tampered.Problems.Any(p => p.Kind == AuditProblemKind.Edited), string.Join("; ", tampered.Problems));
}

static async Task ExchangeAsync(Checks checks)
{
    var (first, firstFingerprint) = await RunSimulatorAsync(seed: 42);
    var (_, secondFingerprint) = await RunSimulatorAsync(seed: 42);
    var (own, trades, position, virtualSeconds) = first;
    checks.That("exchange.simulator-run", trades > 0 && virtualSeconds >= 30, $"{trades} trades in {virtualSeconds:F0} s of virtual time");
    checks.That("exchange.own-orders", own.Accepted == 3 && own.FilledLots == 50 && position == own.NetLots, $"{own.Accepted} accepted, {own.FilledLots} lots filled, strategy position {position} lots (venue says {own.NetLots})");
    checks.That("exchange.deterministic", firstFingerprint == secondFingerprint, $"fingerprint {firstFingerprint:X16} twice");
}

static async Task<((OwnOrders Own, int Trades, long PositionLots, double VirtualSeconds) Run, long Fingerprint)> RunSimulatorAsync(long seed)
{
    var spec = new InstrumentSpec("SIM-USD", tickSize: 0.01m, lotSize: 0.001m);
    var id = new InstrumentId(1);
    await using var simulator = new ExchangeSimulator(new ExchangeSimulatorOptions
    {
        Instrument = spec,
        InstrumentId = id,
        Seed = seed,
        InitialPrice = 100m,
        MakerFeeRate = 0.001m,
        TakerFeeRate = 0.002m,
        Latency = { OrderEntry = TimeSpan.FromMilliseconds(2), MarketData = TimeSpan.FromMilliseconds(1) },
    });
    var strategy = new FixedSpreadMarketMaker(spec, halfSpreadTicks: 5, spec.GetQuantity(0.02m));
    var sink = new StrategySink(strategy);
    await simulator.ConnectAsync((IMarketDataSink)sink);
    await simulator.ConnectAsync((IExecutionSink)sink);
    await simulator.SubscribeAsync(id);
    simulator.RunFor(TimeSpan.FromSeconds(1));

    // Quote what the strategy wants from the simulator's book, and take 0.05 at the market.
    strategy.OnBookUpdated();
    await simulator.SendAsync(OrderCommand.Place(id, new ClientOrderId(1), Side.Buy, strategy.Quotes.Bids[0].Price, strategy.Quotes.Bids[0].Quantity, postOnly: true));
    await simulator.SendAsync(OrderCommand.Place(id, new ClientOrderId(2), Side.Sell, strategy.Quotes.Asks[0].Price, strategy.Quotes.Asks[0].Quantity, postOnly: true));
    await simulator.SendAsync(OrderCommand.PlaceMarket(id, new ClientOrderId(3), Side.Buy, spec.GetQuantity(0.05m)));
    simulator.RunFor(TimeSpan.FromSeconds(30));

    var own = new OwnOrders(
        sink.Executions.Count(e => e.Kind == ExecutionEventKind.Accepted),
        sink.Executions.Where(e => e.IsFill && e.ClientOrderId.Value == 3).Sum(e => e.Quantity.Lots),
        sink.Executions.Where(e => e.IsFill).Sum(e => e.Side == Side.Buy ? e.Quantity.Lots : -e.Quantity.Lots));
    var seconds = simulator.GetStatistics().VirtualNanoseconds / 1e9;
    return ((own, sink.Trades, strategy.Position.PositionLots, seconds), sink.Fingerprint);
}

internal readonly record struct OwnOrders(int Accepted, long FilledLots, long NetLots);
