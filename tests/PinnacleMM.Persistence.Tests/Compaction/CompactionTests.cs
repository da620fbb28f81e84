using PinnacleMM.Persistence.Internal;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Compaction;

[TestClass]
public sealed class CompactionTests
{
    private sealed class SimulatedCrashException : Exception
    {
    }

    private static PersistenceOptions Options(string directory, int keep = 2, long threshold = 0) => new()
    {
        DataDirectory = directory,
        JournalSegmentSize = 4096,
        KeepSnapshots = keep,
        CompactionThreshold = threshold,
        SnapshotIntervalMin = 0,
        JournalSyncIntervalMs = 5,
    };

    private static InstrumentPersistenceOptions App(CounterState counter) => new() { StateProviders = [counter], ApplicationRecords = counter };

    /// <summary>A step hook that stops (as a crash would) right after <paramref name="crashStep"/>.</summary>
    private static StepHook CrashAfter(PersistenceStep crashStep) => step =>
    {
        if (step == crashStep)
        {
            throw new SimulatedCrashException();
        }
    };

    /// <summary>
    /// Runs 100 ops, takes a snapshot, runs the rest and takes another, crashing between writing it and journaling its
    /// checkpoint; returns the journal's last sequence, the sequence of that newest snapshot.
    /// </summary>
    private static long SnapshotThenCrashBeforeItsCheckpoint(string directory, IReadOnlyList<TestBooks.Op> ops, InstrumentPersistenceOptions? application)
    {
        using var manager = new PersistenceManager(Options(directory));
        var instrument = manager.Open(TestBooks.Instrument, application);
        Run(instrument, ops.Take(100));
        instrument.TakeSnapshot();
        Run(instrument, ops.Skip(100));
        instrument.StepHook = CrashAfter(PersistenceStep.SnapshotPruned);
        Assert.ThrowsExactly<SimulatedCrashException>(() => instrument.TakeSnapshot());
        instrument.StepHook = null;
        return instrument.LastSequence;
    }

    /// <summary>Runs ops through the instrument; every fourth op is followed by an application record.</summary>
    private static void Run(InstrumentPersistence instrument, IEnumerable<TestBooks.Op> ops)
    {
        var i = 0;
        foreach (var op in ops)
        {
            switch (op)
            {
                case TestBooks.SubmitOp s:
                    instrument.Submit(s.Order);
                    break;
                case TestBooks.CancelOp c:
                    instrument.Cancel(c.OrderId, c.Timestamp);
                    break;
                case TestBooks.ModifyOp m:
                    instrument.Modify(m.OrderId, new(m.Price), new(m.Quantity), m.Timestamp);
                    break;
            }

            if (++i % 4 == 0)
            {
                instrument.AppendApplication(CounterState.RecordType, i, CounterState.Payload(i));
            }
        }
    }

    [TestMethod]
    public void Compactor_removes_only_whole_covered_segments_and_never_the_last()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 4096, SyncPolicy = JournalSyncPolicy.None, PrefaultBytes = 0 }))
        {
            JournalTestData.AppendDeterministic(writer, 300);
        }

        var segments = dir.Segments();
        var firsts = segments.Select(p => long.Parse(Path.GetFileNameWithoutExtension(p), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.IsGreaterThan(4, segments.Length);

        // One short of the end of the third segment: only the first two go.
        var result = JournalCompactor.Compact(dir.Path, firsts[3] - 2);
        Assert.AreEqual(2, result.SegmentsRemoved);
        Assert.AreEqual(firsts[2], result.FirstSequence);
        Assert.AreEqual(2 * 4096L, result.BytesRemoved);
        CollectionAssert.AreEqual(segments[2..], dir.Segments());

        // Covering everything still keeps the last segment.
        result = JournalCompactor.Compact(dir.Path, 10_000);
        CollectionAssert.AreEqual(new[] { segments[^1] }, dir.Segments());
        Assert.AreEqual(firsts[^1], result.FirstSequence);
        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        Assert.AreEqual(firsts[^1], records[0].Sequence);
        Assert.AreEqual(300L, records[^1].Sequence);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JournalCompactor.Compact(dir.Path, -1));
        Assert.AreEqual("coveredSequence", error.ParamName);
    }

    [TestMethod]
    public void After_compaction_the_journal_starts_above_one_and_recovers_the_same_state()
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(21, 900);
        long hash;
        (long, long) counterState;
        using (var manager = new PersistenceManager(Options(dir.Path, keep: 1, threshold: 16 * 1024)))
        {
            var counter = new CounterState();
            var instrument = manager.Open(TestBooks.Instrument, App(counter));
            Run(instrument, ops.Take(800));
            instrument.TakeSnapshot();
            Assert.IsNotNull(instrument.LastCompaction);
            Assert.IsGreaterThan(0, instrument.LastCompaction.SegmentsRemoved);
            Run(instrument, ops.Skip(800));
            hash = instrument.Book.ComputeStateHash();
            counterState = (counter.Total, counter.Count);
        }

        using (var manager = new PersistenceManager(Options(dir.Path, keep: 1)))
        {
            var counter = new CounterState();
            var instrument = manager.Open(TestBooks.Instrument, App(counter));
            Assert.IsGreaterThan(1L, instrument.Recovery.JournalFirstSequence);
            Assert.AreEqual(hash, instrument.Book.ComputeStateHash());
            Assert.AreEqual(counterState, (counter.Total, counter.Count));
            BookAssert.Same(TestBooks.Build(ops), instrument.Book);
        }
    }

    [TestMethod]
    public void A_journal_compacted_and_then_removed_entirely_continues_after_the_snapshot()
    {
        using var dir = new TempJournalDirectory();
        long last;
        using (var manager = new PersistenceManager(Options(dir.Path, keep: 1)))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            Run(instrument, TestBooks.RandomOps(22, 100));
            instrument.TakeSnapshot();
            last = instrument.LastSequence;
        }

        // Lose every segment; the snapshot is newer than anything they held.
        var journal = Path.Combine(dir.Path, "TEST-USD", "journal");
        foreach (var segment in Directory.GetFiles(journal, "*.journal"))
        {
            File.Delete(segment);
        }

        using (var manager = new PersistenceManager(Options(dir.Path, keep: 1)))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            Assert.AreEqual(last - 1, instrument.LastSequence, "the snapshot includes everything but its own checkpoint");
            Assert.AreEqual(last, instrument.AppendApplication(CounterState.RecordType, 1, CounterState.Payload(1)));
        }
    }

    [TestMethod]
    public void A_snapshot_with_nothing_journaled_since_the_last_one_returns_it_and_writes_nothing()
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(24, 200);
        var snapshots = Path.Combine(dir.Path, "TEST-USD", "snapshots");
        var sequence = SnapshotThenCrashBeforeItsCheckpoint(dir.Path, ops, App(new CounterState()));

        var before = Directory.GetFiles(snapshots).ToDictionary(p => p, File.ReadAllBytes);
        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var instrument = manager.Open(TestBooks.Instrument, App(new CounterState()));
            Assert.AreEqual(sequence, instrument.LastSequence, "nothing was journaled after the snapshot");
            Assert.AreEqual(sequence, instrument.Recovery.Snapshot!.JournalSequence);

            var taken = instrument.TakeSnapshot();

            Assert.AreEqual(instrument.Recovery.Snapshot, taken, "the recovered snapshot already holds this state");
            Assert.AreEqual(sequence, instrument.LastSequence, "no checkpoint is journaled");
            var after = Directory.GetFiles(snapshots).ToDictionary(p => p, File.ReadAllBytes);
            CollectionAssert.AreEquivalent(before.Keys, after.Keys);
            foreach (var (path, bytes) in before)
            {
                CollectionAssert.AreEqual(bytes, after[path], path);
            }

            // After a new record, snapshots go on.
            instrument.AppendApplication(CounterState.RecordType, 1, CounterState.Payload(1));
            Assert.AreEqual(sequence + 1, instrument.TakeSnapshot().JournalSequence);
        }
    }

    [TestMethod]
    public void A_snapshot_recovery_skipped_at_the_journal_end_stops_snapshots_with_a_clear_error()
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(25, 200);
        var snapshots = Path.Combine(dir.Path, "TEST-USD", "snapshots");
        var sequence = SnapshotThenCrashBeforeItsCheckpoint(dir.Path, ops, application: null);

        // The newest snapshot, at the journal's last record, is damaged: recovery falls back to the older one.
        var newest = Path.Combine(snapshots, $"{sequence:D20}.snapshot");
        var bytes = File.ReadAllBytes(newest);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(newest, bytes);
        var before = Directory.GetFiles(snapshots).ToDictionary(p => p, File.ReadAllBytes);
        using (var manager = new PersistenceManager(Options(dir.Path)))
        {
            var instrument = manager.Open(TestBooks.Instrument);
            Assert.HasCount(1, instrument.Recovery.SnapshotFallbacks);
            Assert.AreEqual(sequence, instrument.LastSequence);

            var error = Assert.ThrowsExactly<SnapshotException>(() => instrument.TakeSnapshot());

            Assert.AreEqual(
                $"Cannot take a snapshot at journal sequence {sequence}: the snapshot directory '{snapshots}' holds one at {sequence}, "
                + "which recovery did not use (see Recovery.SnapshotFallbacks); move it out of the directory to take snapshots again",
                error.Message);
            Assert.AreEqual(sequence, instrument.LastSequence, "no checkpoint is journaled");
            var after = Directory.GetFiles(snapshots).ToDictionary(p => p, File.ReadAllBytes);
            CollectionAssert.AreEquivalent(before.Keys, after.Keys);
            foreach (var (path, stored) in before)
            {
                CollectionAssert.AreEqual(stored, after[path], path);
            }
        }
    }

    /// <summary>
    /// The heart of issue 3 §4: stop (as a crash would) right after every durable step of snapshot +
    /// retention + checkpoint + compaction, for every occurrence of the step, and recover.
    /// </summary>
    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    public void A_crash_after_any_step_of_snapshot_and_compaction_recovers_the_same_state(int keep)
    {
        var reached = new List<(PersistenceStep, int)>();
        foreach (var step in Enum.GetValues<PersistenceStep>())
        {
            for (var occurrence = 1; occurrence <= (step == PersistenceStep.SegmentDeleted ? 4 : 1); occurrence++)
            {
                if (CrashAt(step, occurrence, keep))
                {
                    reached.Add((step, occurrence));
                }
            }
        }

        CollectionAssert.IsSubsetOf(
            Enum.GetValues<PersistenceStep>().Select(s => (s, 1)).Append((PersistenceStep.SegmentDeleted, 2)).ToArray(),
            reached,
            "every step, and more than one segment deletion, must have been reached: " + string.Join(", ", reached));
    }

    /// <summary>Returns whether the crash point was reached.</summary>
    private static bool CrashAt(PersistenceStep crashStep, int occurrence, int keep)
    {
        using var dir = new TempJournalDirectory();
        var ops = TestBooks.RandomOps(23, 700);
        var context = $"crash after {crashStep} #{occurrence}, keep {keep}";
        long hash;
        (long, long) counterState;
        var reached = false;
        using (var manager = new PersistenceManager(Options(dir.Path, keep)))
        {
            var counter = new CounterState();
            var instrument = manager.Open(TestBooks.Instrument, App(counter));
            Run(instrument, ops.Take(150));
            instrument.TakeSnapshot();
            Run(instrument, ops.Skip(150).Take(150));
            instrument.TakeSnapshot();
            Run(instrument, ops.Skip(300).Take(300));
            hash = instrument.Book.ComputeStateHash();
            counterState = (counter.Total, counter.Count);

            var seen = 0;
            instrument.StepHook = step =>
            {
                if (step == crashStep && ++seen == occurrence)
                {
                    reached = true;
                    throw new SimulatedCrashException();
                }
            };
            try
            {
                instrument.TakeSnapshot();
            }
            catch (SimulatedCrashException)
            {
            }

            instrument.StepHook = null;
        }

        using (var manager = new PersistenceManager(Options(dir.Path, keep)))
        {
            var counter = new CounterState();
            var instrument = manager.Open(TestBooks.Instrument, App(counter));
            Assert.AreEqual(hash, instrument.Book.ComputeStateHash(), context);
            Assert.AreEqual(counterState, (counter.Total, counter.Count), context);
            Assert.IsEmpty(instrument.Recovery.SnapshotFallbacks, context);
            Assert.IsEmpty(Directory.GetFiles(instrument.Directory, "*.tmp", SearchOption.AllDirectories), context + ": temporary files are cleaned up");

            // And it carries on: more ops, a snapshot, compaction, and the same result as a direct run.
            Run(instrument, ops.Skip(600));
            instrument.TakeSnapshot();
        }

        using (var manager = new PersistenceManager(Options(dir.Path, keep)))
        {
            var instrument = manager.Open(TestBooks.Instrument, App(new CounterState()));
            BookAssert.Same(TestBooks.Build(ops), instrument.Book, context);
        }

        return reached;
    }
}
