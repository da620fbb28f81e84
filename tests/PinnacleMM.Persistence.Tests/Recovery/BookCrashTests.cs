using System.Globalization;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Recovery;

/// <summary>
/// Issue 3 §7 crash test with the book: a child process applies a deterministic order flow through
/// <see cref="InstrumentPersistence"/> (snapshots and compaction every 40 ops, 4 KiB segments) and reports
/// how many ops are durable; it is killed with SIGKILL at random moments. After each kill the recovered
/// book must be exactly the book of the first n ops, with n at least what was acknowledged, and the next
/// round continues from there. Rounds: PINNACLEMM_CRASH_ROUNDS (default 5) per sync policy.
/// </summary>
[TestClass]
public sealed class BookCrashTests
{
    private const int Seed = 77;

    [TestMethod]
    [DataRow(JournalSyncPolicy.EveryAppend)]
    [DataRow(JournalSyncPolicy.Interval)]
    public void The_recovered_book_is_exactly_the_acknowledged_prefix_after_sigkill(JournalSyncPolicy policy)
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(Seed, OpCounter.MaxOps);
        var random = new Random(policy == JournalSyncPolicy.EveryAppend ? 3 : 4);
        long previous = 0;
        long totalAcknowledged = 0;
        for (var round = 0; round < JournalCrashTests.Rounds; round++)
        {
            var context = $"{policy} round {round}";
            using var process = CrashWriterProcess.Start("book", dir.Path, policy.ToString(), Seed.ToString(CultureInfo.InvariantCulture));
            var (ready, acknowledged) = CrashWriterProcess.RunAndKill(process, random.Next(20, 200), context);
            Assert.AreEqual($"ready {previous}", ready, $"{context}: the child resumed where the last recovery ended");
            Assert.IsGreaterThan(previous, acknowledged, $"{context}: the child acknowledges only op counts above where it started");

            var counter = new OpCounter();
            using var manager = new PersistenceManager(new PersistenceOptions
            {
                DataDirectory = dir.Path,
                JournalSegmentSize = 4096,
                SnapshotIntervalMin = 0,
                KeepSnapshots = 2,
            });
            var instrument = manager.Open(TestBooks.Instrument, new InstrumentPersistenceOptions { StateProviders = [counter] });
            var recovered = counter.Value + instrument.Recovery.BookRecords;
            Assert.IsGreaterThanOrEqualTo(acknowledged, recovered, $"{context}: every op acknowledged as durable is recovered");
            Assert.IsEmpty(instrument.Recovery.SnapshotFallbacks, $"{context}: {string.Join("; ", instrument.Recovery.SnapshotFallbacks)}");
            BookAssert.Same(TestBooks.Build(ops.Take((int)recovered)), instrument.Book, context);
            totalAcknowledged += acknowledged - previous;
            previous = recovered;
        }

        Assert.IsGreaterThanOrEqualTo((long)JournalCrashTests.Rounds, totalAcknowledged, "every round acknowledged ops of its own");
    }
}
