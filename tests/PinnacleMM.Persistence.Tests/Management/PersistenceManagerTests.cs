using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;
using PinnacleMM.Testing;

namespace PinnacleMM.Persistence.Tests.Management;

[TestClass]
public sealed class PersistenceManagerTests
{
    private static PersistenceOptions Options(string directory) => new()
    {
        DataDirectory = directory,
        JournalSegmentSize = 64 * 1024,
        SnapshotIntervalMin = 0,
    };

    [TestMethod]
    [DataRow("DataDirectory", "DataDirectory: is required (the base directory for journals and snapshots)")]
    [DataRow("JournalSyncIntervalMs", "JournalSyncIntervalMs: must be 0 (sync every append) to 3600000 ms (was -1)")]
    [DataRow("SnapshotIntervalMin", "SnapshotIntervalMin: must be 0 (no periodic snapshots) to 10080 minutes (was 10081)")]
    [DataRow("KeepSnapshots", "KeepSnapshots: must be 1 to 1000 (was 0)")]
    [DataRow("CompactionThreshold", "CompactionThreshold: must be 0 or more bytes (was -5)")]
    [DataRow("JournalSegmentSize", "JournalSegmentSize: must be a multiple of 4096 from 4096 to 1073741824 bytes (was 5000)")]
    public void Invalid_options_are_rejected_naming_the_setting_and_create_nothing(string field, string message)
    {
        using var dir = new TempJournalDirectory();
        var data = Path.Combine(dir.Path, "data");
        var options = Options(data);
        switch (field)
        {
            case "DataDirectory": options.DataDirectory = " "; break;
            case "JournalSyncIntervalMs": options.JournalSyncIntervalMs = -1; break;
            case "SnapshotIntervalMin": options.SnapshotIntervalMin = 10_081; break;
            case "KeepSnapshots": options.KeepSnapshots = 0; break;
            case "CompactionThreshold": options.CompactionThreshold = -5; break;
            default: options.JournalSegmentSize = 5000; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new PersistenceManager(options));
        Assert.AreEqual("Invalid PersistenceOptions: " + message, error.Message);
        Assert.IsFalse(Directory.Exists(data), "nothing is created for invalid options");
    }

    [TestMethod]
    public void Every_broken_rule_is_listed()
    {
        var errors = new PersistenceOptions { KeepSnapshots = 0, CompactionThreshold = -1 }.GetErrors();
        Assert.HasCount(3, errors);
        Assert.IsEmpty(new PersistenceOptions { DataDirectory = "x" }.GetErrors(), "the defaults are valid");
    }

    [TestMethod]
    public void Each_instrument_gets_its_own_folder_and_recovers_after_a_restart()
    {
        using var dir = new TempJournalDirectory();
        var eth = new InstrumentSpec("ETH/USD", 0.01m, 1m);
        var dots = new InstrumentSpec("..", 0.01m, 1m);
        var ops = TestBooks.RandomOps(31, 300);
        long ethHash;
        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var test = manager.Open(TestBooks.Instrument);
            var other = manager.Open(eth);
            manager.Open(dots);
            foreach (var op in ops)
            {
                Apply(test, op);
            }

            other.Submit(OrderRequest.Limit(1, 1, Side.Buy, new Price(5), new Quantity(5)));
            test.TakeSnapshot();
            ethHash = other.Book.ComputeStateHash();
            Assert.HasCount(3, manager.Instruments);
            var twice = Assert.Throws<InvalidOperationException>(() => manager.Open(eth));
            Assert.AreEqual("instrument: 'ETH/USD' is already open in this manager", twice.Message);
        }

        CollectionAssert.AreEquivalent(
            new[] { "ETH~2FUSD", "TEST-USD", "~2E~2E" },
            Directory.GetDirectories(dir.Path).Select(Path.GetFileName).ToArray());
        Assert.IsTrue(Directory.Exists(Path.Combine(dir.Path, "TEST-USD", "journal")));
        Assert.HasCount(1, Directory.GetFiles(Path.Combine(dir.Path, "TEST-USD", "snapshots"), "*.snapshot"));

        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var test = manager.Open(TestBooks.Instrument);
            BookAssert.Same(TestBooks.Build(ops), test.Book);
            Assert.IsNotNull(test.Recovery.Snapshot);
            Assert.AreEqual(1L, test.Recovery.CheckpointsVerified);
            Assert.AreEqual(ethHash, manager.Open(eth).Book.ComputeStateHash());
        }
    }

    [TestMethod]
    [DataRow("Side")]
    [DataRow("Type")]
    [DataRow("TimeInForce")]
    [DataRow("SelfTradePrevention")]
    public void An_order_the_journal_cannot_hold_is_rejected_unjournaled_and_the_instrument_reopens(string field)
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(32, 60);
        var journal = Path.Combine(dir.Path, "TEST-USD", "journal");
        long last;
        long hash;
        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            foreach (var op in ops)
            {
                Apply(instrument, op);
            }

            instrument.Flush();
            last = instrument.LastSequence;
            hash = instrument.Book.ComputeStateHash();
            var before = JournalTestData.Snapshot(journal);

            var result = instrument.Submit(OrderBookRecordCodecTests.UndefinedIn(field) with { OrderId = 1_000_000 });

            Assert.AreEqual(OrderBookResultCode.InvalidEnumValue, result.Code);
            Assert.AreEqual(1_000_000L, result.OrderId);
            StringAssert.Contains(result.ToString(), "rejected InvalidEnumValue (side/type/timeInForce/selfTradePrevention: not a defined value)");
            instrument.Flush();
            Assert.AreEqual(last, instrument.LastSequence, "nothing is journaled");
            Assert.AreEqual(hash, instrument.Book.ComputeStateHash(), "the book is unchanged");
            var after = JournalTestData.Snapshot(journal);
            CollectionAssert.AreEquivalent(before.Keys, after.Keys);
            foreach (var (path, bytes) in before)
            {
                CollectionAssert.AreEqual(bytes, after[path], path);
            }
        }

        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            Assert.AreEqual(last, instrument.LastSequence);
            BookAssert.Same(TestBooks.Build(ops), instrument.Book);
            Assert.AreEqual(hash, instrument.Book.ComputeStateHash());
        }
    }

    private static void Apply(InstrumentPersistence instrument, TestBooks.Op op)
    {
        switch (op)
        {
            case TestBooks.SubmitOp s: instrument.Submit(s.Order); break;
            case TestBooks.CancelOp c: instrument.Cancel(c.OrderId, c.Timestamp); break;
            case TestBooks.ModifyOp m: instrument.Modify(m.OrderId, new Price(m.Price), new Quantity(m.Quantity), m.Timestamp); break;
        }
    }

    [TestMethod]
    public void A_second_manager_in_this_process_gets_a_clear_error()
    {
        using var dir = new TempJournalDirectory();
        using var first = new PersistenceManager(Options(dir.Path));
        var error = Assert.Throws<PersistenceException>(() => new PersistenceManager(Options(dir.Path)));
        Assert.AreEqual(
            $"The data directory '{dir.Path}' is in use by another process (its lock file '{Path.Combine(dir.Path, "pinnaclemm.lock")}' is held): only one process may use a data directory at a time",
            error.Message);
    }

    [TestMethod]
    public void A_data_directory_held_by_another_process_is_refused_until_that_process_ends()
    {
        using var dir = new TempJournalDirectory();
        using var child = CrashWriterProcess.Start("hold", dir.Path);
        Assert.AreEqual("locked", CrashWriterProcess.FirstLine(child));

        var error = Assert.Throws<PersistenceException>(() => new PersistenceManager(Options(dir.Path)));
        StringAssert.Contains(error.Message, "is in use by another process");

        // SIGKILL: the kernel releases the lock with the process.
        child.Kill();
        child.WaitForExit();
        using var manager = new PersistenceManager(Options(dir.Path));
        Assert.AreEqual(dir.Path, manager.DataDirectory);
    }

    [TestMethod]
    public async Task Dispose_async_makes_every_record_durable()
    {
        using var dir = new TempJournalDirectory();
        var options = Options(dir.Path);
        options.JournalSyncIntervalMs = 3_600_000; // no background flush within the test
        long last;
        await using (var manager = new PersistenceManager(options))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            for (var i = 1; i <= 50; i++)
            {
                instrument.Submit(OrderRequest.Limit(i, 1, Side.Buy, new Price(100 - (i % 5)), new Quantity(1)));
            }

            last = instrument.LastSequence;
            Assert.AreEqual(0L, instrument.DurableSequence, "nothing flushed yet");
        }

        var (records, fault) = JournalTestData.ReadAll(Path.Combine(dir.Path, "TEST-USD", "journal"));
        Assert.IsNull(fault);
        Assert.AreEqual(last, records[^1].Sequence);
    }

    [TestMethod]
    public void Periodic_snapshots_follow_the_time_provider()
    {
        using var dir = new TempJournalDirectory();
        var time = new ManualTimeProvider();
        var options = Options(dir.Path);
        options.SnapshotIntervalMin = 5;
        using var manager = new PersistenceManager(options, time);
        var instrument = manager.Open(TestBooks.Instrument);
        instrument.Submit(OrderRequest.Limit(1, 1, Side.Buy, new Price(100), new Quantity(1)));

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.IsNull(instrument.LastSnapshot, "not yet due");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.IsNotNull(instrument.LastSnapshot);
        Assert.AreEqual(1L, instrument.LastSnapshot.JournalSequence);
        Assert.AreEqual(new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero), instrument.LastSnapshot.CreatedAt);

        instrument.Submit(OrderRequest.Limit(2, 1, Side.Buy, new Price(99), new Quantity(1)));
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.AreEqual(3L, instrument.LastSnapshot.JournalSequence, "after the first checkpoint (2) and the second order (3)");
        Assert.IsNull(instrument.LastSnapshotError);

        manager.Dispose();
        Assert.AreEqual(0, time.ActiveTimers, "disposing stops the timer");
    }

    [TestMethod]
    public void Opening_logs_what_was_recovered_warns_of_a_cut_torn_tail_and_a_failed_snapshot_is_an_error()
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(33, 50);
        var log = new RecordingLogger();
        using (var manager = new PersistenceManager(Options(dir.Path), loggerFactory: log))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            foreach (var op in ops)
            {
                Apply(instrument, op);
            }
        }

        var opened = log.Records.Single();
        Assert.AreEqual((LogLevel.Information, 3001, typeof(PersistenceManager).FullName), (opened.Level, opened.EventId.Id, opened.Category));
        Assert.AreEqual($"TEST-USD recovered from {Path.Combine(dir.Path, "TEST-USD")}: snapshot: none; replayed 0 records (0 book, 0 application, 0 unhandled, 0 checkpoints verified) up to sequence 0; tail: clean; took ", opened.Message[..opened.Message.IndexOf("took ", StringComparison.Ordinal)] + "took ");

        // A crash in the middle of the last append: reopening cuts it off, and says so as a warning.
        var journal = Path.Combine(dir.Path, "TEST-USD", "journal");
        var last = SegmentLayout.Parse(Directory.GetFiles(journal, "*.journal").Order(StringComparer.Ordinal).ToArray())[^1];
        var (offset, size, _) = last.Records[^1];
        using (var file = new FileStream(last.Path, FileMode.Open))
        {
            file.Position = offset + (size / 2);
            file.Write(new byte[size / 2]);
        }

        var time = new ManualTimeProvider();
        var options = Options(dir.Path);
        options.SnapshotIntervalMin = 5;
        log = new RecordingLogger();
        using (var manager = new PersistenceManager(options, time, log))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            var torn = log.Records[0];
            Assert.AreEqual((LogLevel.Warning, 3002), (torn.Level, torn.EventId.Id));
            StringAssert.StartsWith(torn.Message, "TEST-USD: the journal ended in a record that was never completely written (a crash mid-append); it was cut off: ");
            StringAssert.Contains(torn.Message, instrument.Recovery.TruncatedTail!.ToString());
            Assert.AreEqual(3001, log.Records[1].EventId.Id);
            StringAssert.Contains(log.Records[1].Message, "; tail: " + instrument.Recovery.TruncatedTail);

            // A snapshot that cannot be written (a file where its folder should be) is an error each period it fails.
            var snapshots = Path.Combine(dir.Path, "TEST-USD", "snapshots");
            if (Directory.Exists(snapshots))
            {
                Directory.Delete(snapshots, recursive: true);
            }

            File.WriteAllText(snapshots, "not a folder");
            time.Advance(TimeSpan.FromMinutes(5));
            Assert.IsNotNull(instrument.LastSnapshotError);
            var failed = log.Records[^1];
            Assert.AreEqual((LogLevel.Error, 3004, "TEST-USD: the periodic snapshot failed; the next period tries again"), (failed.Level, failed.EventId.Id, failed.Message));
            Assert.AreSame(instrument.LastSnapshotError, failed.Exception);
        }
    }

    [TestMethod]
    public void Application_records_reach_the_handler_live_and_after_recovery()
    {
        using var dir = new TempJournalDirectory();
        (long, long) live;
        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var counter = new CounterState();
            var instrument = manager.Open(TestBooks.Instrument, new InstrumentPersistenceOptions { StateProviders = [counter], ApplicationRecords = counter });
            instrument.AppendApplication(CounterState.RecordType, 1, CounterState.Payload(5));
            instrument.TakeSnapshot();
            instrument.AppendApplication(CounterState.RecordType, 2, CounterState.Payload(7));
            live = (counter.Total, counter.Count);
            Assert.AreEqual((12L, 2L), live);

            var error = Assert.Throws<ArgumentException>(() => instrument.AppendApplication(JournalRecordType.Trade, 3, []));
            Assert.AreEqual("type: application records use types from ApplicationBase (0x1000) up (was 0x4) (Parameter 'type')", error.Message);
            Assert.AreEqual(3L, instrument.LastSequence, "a rejected record is not journaled");
        }

        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var counter = new CounterState();
            manager.Open(TestBooks.Instrument, new InstrumentPersistenceOptions { StateProviders = [counter], ApplicationRecords = counter });
            Assert.AreEqual(live, (counter.Total, counter.Count));
            CollectionAssert.AreEqual(new long[] { 3 }, counter.Sequences, "only the record after the snapshot is replayed");
        }
    }

    // ------------------------------------------------------------------ dependency injection

    [TestMethod]
    public async Task Di_registers_a_validated_manager_disposed_with_the_container()
    {
        using var dir = new TempJournalDirectory();
        var services = new ServiceCollection();
        services.AddPinnacleMMPersistence(o =>
        {
            o.DataDirectory = dir.Path;
            o.KeepSnapshots = 7;
        });
        services.AddPinnacleMMPersistence(o => o.DataDirectory = dir.Path); // TryAdd: still one manager
        Assert.AreEqual(1, services.Count(d => d.ServiceType == typeof(PersistenceManager)));

        await using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            var manager = provider.GetRequiredService<PersistenceManager>();
            Assert.AreSame(manager, provider.GetRequiredService<PersistenceManager>());
            Assert.AreEqual(7, manager.Options.KeepSnapshots);
            manager.Open(TestBooks.Instrument).Submit(OrderRequest.Limit(1, 1, Side.Buy, new Price(100), new Quantity(1)));
        }

        // The container disposed the manager: the lock is free and the record durable.
        using var again = new PersistenceManager(Options(dir.Path));
        Assert.AreEqual(1, again.Open(TestBooks.Instrument).Book.OrderCount);
    }

    [TestMethod]
    public void Di_validation_at_start_names_every_broken_setting()
    {
        var services = new ServiceCollection();
        services.AddPinnacleMMPersistence(o => o.KeepSnapshots = 0);
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        StringAssert.Contains(error.Message, "DataDirectory: is required");
        StringAssert.Contains(error.Message, "KeepSnapshots: must be 1 to 1000 (was 0)");
    }

    [TestMethod]
    public void Di_binds_options_from_configuration()
    {
        using var dir = new TempJournalDirectory();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["PinnacleMM:Persistence:DataDirectory"] = dir.Path,
            ["PinnacleMM:Persistence:JournalSyncIntervalMs"] = "25",
            ["PinnacleMM:Persistence:SnapshotIntervalMin"] = "0",
            ["PinnacleMM:Persistence:KeepSnapshots"] = "4",
            ["PinnacleMM:Persistence:CompactionThreshold"] = "1048576",
        }).Build();
        var services = new ServiceCollection();
        services.AddPinnacleMMPersistence(configuration.GetSection(PersistenceOptions.SectionName));
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<PersistenceManager>().Options;
        Assert.AreEqual((dir.Path, 25, 0, 4, 1048576L), (options.DataDirectory, options.JournalSyncIntervalMs, options.SnapshotIntervalMin, options.KeepSnapshots, options.CompactionThreshold));
    }
}
