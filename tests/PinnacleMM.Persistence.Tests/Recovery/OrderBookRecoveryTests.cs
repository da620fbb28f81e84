using System.Buffers.Binary;
using PinnacleMM.Core.Books;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Journal.Internal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Recovery;

[TestClass]
public sealed class OrderBookRecoveryTests
{
    private sealed class Layout : IDisposable
    {
        private readonly TempJournalDirectory _root = new();

        public string Journal => Path.Combine(_root.Path, "journal");

        public SnapshotStore Snapshots => new(Path.Combine(_root.Path, "snapshots"), TestBooks.Instrument);

        public void Dispose() => _root.Dispose();
    }

    private static RecoveryResult Recover(Layout layout, CounterState? counter = null) =>
        OrderBookRecovery.Recover(layout.Journal, layout.Snapshots, new RecoveryOptions
        {
            Instrument = TestBooks.Instrument,
            StateProviders = counter is null ? [] : [counter],
            ApplicationRecords = counter,
        });

    /// <summary>Journals the ops (every fifth followed by an application record) and returns the live book and counter.</summary>
    private static (OrderBook Book, CounterState Counter) Run(JournalWriter writer, IEnumerable<TestBooks.Op> ops, OrderBook? book = null, CounterState? counter = null)
    {
        book ??= new OrderBook(TestBooks.Instrument);
        counter ??= new CounterState();
        var i = 0;
        foreach (var op in ops)
        {
            JournalOps.Append(writer, op);
            TestBooks.Apply(book, op);
            if (++i % 5 == 0)
            {
                writer.Append(CounterState.RecordType, i, CounterState.Payload(i));
                counter.Apply(new JournalRecord(CounterState.RecordType, writer.LastSequence, i, CounterState.Payload(i)));
            }
        }

        return (book, counter);
    }

    [TestMethod]
    public void Full_replay_without_snapshot_rebuilds_book_and_application_state()
    {
        using var layout = new Layout();
        OrderBook live;
        CounterState liveCounter;
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            (live, liveCounter) = Run(writer, TestBooks.RandomOps(1, 500));
        }

        var counter = new CounterState();
        var (book, report) = Recover(layout, counter);
        BookAssert.Same(live, book);
        Assert.AreEqual((liveCounter.Total, liveCounter.Count), (counter.Total, counter.Count));
        Assert.IsNull(report.Snapshot);
        Assert.AreEqual((600L, 500L, 100L, 0L), (report.RecordsReplayed, report.BookRecords, report.ApplicationRecords, report.UnhandledApplicationRecords));
        Assert.AreEqual((1L, 600L), (report.JournalFirstSequence, report.LastSequence));
        Assert.IsNull(report.TruncatedTail);
        CollectionAssert.AreEqual(new[] { "counter" }, report.MissingSections.ToArray());
        StringAssert.Contains(report.ToString(), "replayed 600 records (500 book, 100 application, 0 unhandled, 0 checkpoints verified) up to sequence 600");
    }

    [TestMethod]
    public void Snapshot_plus_tail_replay_equals_the_live_state_and_restores_sections()
    {
        using var layout = new Layout();
        var ops = TestBooks.RandomOps(2, 600);
        OrderBook live;
        CounterState counterLive;
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            (live, counterLive) = Run(writer, ops.Take(350));
            layout.Snapshots.Write(live, writer.LastSequence, [counterLive]);
            writer.AppendCheckpoint(writer.LastSequence, live.ComputeStateHash(), 0);
            Run(writer, ops.Skip(350), live, counterLive);
        }

        var counter = new CounterState();
        var (book, report) = Recover(layout, counter);
        BookAssert.Same(live, book);
        Assert.AreEqual((counterLive.Total, counterLive.Count), (counter.Total, counter.Count));
        Assert.AreEqual(420L, report.Snapshot!.JournalSequence, "350 ops + 70 application records");
        Assert.AreEqual(1 + 250 + 50L, report.RecordsReplayed, "checkpoint + the ops and application records after the snapshot");
        Assert.AreEqual(1L, report.CheckpointsVerified);
        CollectionAssert.AreEqual(new[] { "counter" }, report.RestoredSections.ToArray());
        Assert.IsEmpty(report.MissingSections);
        Assert.IsTrue(counter.Sequences.All(s => s > 420), "only records after the snapshot reach the handler");
    }

    [TestMethod]
    public void Recovery_writes_nothing()
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            var (live, counter) = Run(writer, TestBooks.RandomOps(3, 300));
            layout.Snapshots.Write(live, writer.LastSequence, [counter]);
            Run(writer, TestBooks.RandomOps(4, 50).Select(o => o is TestBooks.SubmitOp s ? new TestBooks.SubmitOp(s.Order with { OrderId = s.Order.OrderId + 10_000 }) : o));
        }

        var root = Path.GetDirectoryName(layout.Journal)!;
        var before = Directory.GetFiles(root, "*", SearchOption.AllDirectories).ToDictionary(p => p, p => (File.ReadAllBytes(p), File.GetLastWriteTimeUtc(p)));
        Recover(layout, new CounterState());
        Recover(layout, new CounterState());
        var after = Directory.GetFiles(root, "*", SearchOption.AllDirectories);
        CollectionAssert.AreEquivalent(before.Keys.ToArray(), after);
        foreach (var path in after)
        {
            CollectionAssert.AreEqual(before[path].Item1, File.ReadAllBytes(path), path);
            Assert.AreEqual(before[path].Item2, File.GetLastWriteTimeUtc(path), path);
        }
    }

    [TestMethod]
    public void A_torn_tail_is_reported_and_its_record_not_replayed()
    {
        using var layout = new Layout();
        var ops = TestBooks.RandomOps(5, 200);
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            foreach (var op in ops)
            {
                JournalOps.Append(writer, op);
            }
        }

        // Zero the second half of the last record, as a crash in the middle of writing it would leave it.
        var last = SegmentLayout.Parse(Directory.GetFiles(layout.Journal, "*.journal").Order(StringComparer.Ordinal).ToArray())[^1];
        var (offset, size, _) = last.Records[^1];
        using (var file = new FileStream(last.Path, FileMode.Open))
        {
            file.Position = offset + (size / 2);
            file.Write(new byte[size / 2]);
        }

        var (book, report) = Recover(layout);
        BookAssert.Same(TestBooks.Build(ops.Take(199)), book);
        Assert.IsNotNull(report.TruncatedTail);
        Assert.IsTrue(report.TruncatedTail.IsTornTail);
        Assert.AreEqual(200L, report.TruncatedTail.Sequence);
        Assert.AreEqual(199L, report.LastSequence);
        StringAssert.Contains(report.ToString(), "tail: record CRC-32C mismatch");
    }

    [TestMethod]
    public void A_corrupt_newest_snapshot_falls_back_to_the_previous_one_and_replays_more()
    {
        using var layout = new Layout();
        var ops = TestBooks.RandomOps(6, 400);
        OrderBook live;
        string newest;
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            (live, var counter) = Run(writer, ops.Take(100));
            layout.Snapshots.Write(live, writer.LastSequence, [counter]);
            Run(writer, ops.Skip(100).Take(200), live, counter);
            newest = layout.Snapshots.Write(live, writer.LastSequence, [counter]).Path;
            Run(writer, ops.Skip(300), live, counter);
        }

        var bytes = File.ReadAllBytes(newest);
        bytes[200] ^= 0x10;
        File.WriteAllBytes(newest, bytes);

        var (book, report) = Recover(layout, new CounterState());
        BookAssert.Same(live, book);
        Assert.AreEqual(120L, report.Snapshot!.JournalSequence);
        Assert.AreEqual(SnapshotFaultReason.ChecksumMismatch, report.SnapshotFallbacks.Single().Reason);
        Assert.AreEqual(newest, report.SnapshotFallbacks[0].Path);
        StringAssert.Contains(report.ToString(), "skipped snapshot " + newest + ": ChecksumMismatch");
    }

    [TestMethod]
    public void A_section_its_provider_rejects_falls_back_with_the_reason()
    {
        using var layout = new Layout();
        OrderBook live;
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            layout.Snapshots.Write(new OrderBook(TestBooks.Instrument), 0, [new CounterState("bad")]);
            (live, _) = Run(writer, TestBooks.RandomOps(7, 50));
            layout.Snapshots.Write(live, writer.LastSequence, [new CounterState("other"), new BadSection()]);
        }

        var state = new CounterState("bad");
        var (book, report) = OrderBookRecovery.Recover(layout.Journal, layout.Snapshots, new RecoveryOptions
        {
            Instrument = TestBooks.Instrument,
            StateProviders = [state],
        });
        BookAssert.Same(live, book);
        Assert.AreEqual(0L, report.Snapshot!.JournalSequence);
        Assert.AreEqual(SnapshotFaultReason.InvalidStateSection, report.SnapshotFallbacks.Single().Reason);
        Assert.AreEqual("section 'bad': data: a counter section is 16 bytes, not 3 (Parameter 'data')", report.SnapshotFallbacks[0].Detail);
        Assert.AreEqual(10L, report.UnhandledApplicationRecords);
        CollectionAssert.AreEqual(new[] { "bad" }, report.RestoredSections.ToArray(), "restored from the older snapshot");
    }

    private sealed class BadSection : ISnapshotStateProvider
    {
        public string Name => "bad";

        public void Restore(ReadOnlySpan<byte> data) => throw new InvalidOperationException("not used");

        public void Write(System.Buffers.IBufferWriter<byte> writer)
        {
            writer.GetSpan(3)[..3].Fill(7);
            writer.Advance(3);
        }
    }

    [TestMethod]
    public void A_journal_that_starts_after_every_snapshot_is_refused_with_the_reason()
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            foreach (var op in TestBooks.RandomOps(8, 2000))
            {
                JournalOps.Append(writer, op);
            }
        }

        var segments = Directory.GetFiles(layout.Journal, "*.journal").Order(StringComparer.Ordinal).ToArray();
        Assert.IsGreaterThan(2, segments.Length);
        File.Delete(segments[0]);
        var first = long.Parse(Path.GetFileNameWithoutExtension(segments[1]), System.Globalization.CultureInfo.InvariantCulture);

        var error = Assert.Throws<RecoveryException>(() => Recover(layout));
        Assert.AreEqual($"The journal in '{layout.Journal}' starts at sequence {first}, but no valid snapshot includes the records before it (there is no snapshot)", error.Message);
    }

    [TestMethod]
    public void A_checkpoint_that_disagrees_with_the_replayed_book_is_refused()
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            var (live, _) = Run(writer, TestBooks.RandomOps(9, 40));
            writer.AppendCheckpoint(writer.LastSequence, live.ComputeStateHash() ^ 1, 0);
        }

        var error = Assert.Throws<RecoveryException>(() => Recover(layout));
        StringAssert.StartsWith(error.Message, "Checkpoint at sequence 49 records state hash ");
        StringAssert.EndsWith(error.Message, "the journal and the snapshot disagree");
    }

    [TestMethod]
    [DataRow("payload", "Record at sequence 2 of type OrderCancelled has a malformed payload (3 bytes)")]
    [DataRow("type", "Record at sequence 2 has type 9, which this library does not know (a newer format?)")]
    [DataRow("trade", "Trade record at sequence 2 has trade id 5, but the replayed book has only produced trades up to 0: the journal and the book disagree")]
    public void Malformed_records_are_refused_naming_the_sequence(string kind, string message)
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            JournalOps.Append(writer, TestBooks.RandomOps(10, 1)[0]);
            switch (kind)
            {
                case "payload":
                    // The writer refuses a library type of the wrong size: store an application record and retype it
                    // below, as a journal written before that check could hold it.
                    writer.Append(JournalRecordType.ApplicationBase, 0, [1, 2, 3]);
                    break;
                case "type":
                    // The writer refuses reserved types: store an application record and retype it on disk below.
                    writer.Append(JournalRecordType.ApplicationBase, 0, [1]);
                    break;
                default:
                    writer.AppendTrade(new Trade { TradeId = 5, Price = new(100), Quantity = new(1) }, 0);
                    break;
            }
        }

        if (kind == "type")
        {
            // As a newer library version would write it: a valid record (checksum and all) of type 9.
            RetypeRecord(layout.Journal, sequence: 2, type: 9);
        }
        else if (kind == "payload")
        {
            RetypeRecord(layout.Journal, sequence: 2, type: (ushort)JournalRecordType.OrderCancelled);
        }

        var error = Assert.Throws<RecoveryException>(() => Recover(layout));
        Assert.AreEqual(message, error.Message);
    }

    /// <summary>Rewrites one record's type field in its segment file and recomputes the record's CRC-32C.</summary>
    private static void RetypeRecord(string journal, long sequence, ushort type)
    {
        var segments = Directory.GetFiles(journal, "*.journal").Order(StringComparer.Ordinal).ToArray();
        var (segment, record) = SegmentLayout.Parse(segments)
            .SelectMany(s => s.Records.Select(r => (s.Path, r)))
            .Single(x => x.r.Sequence == sequence);
        var bytes = File.ReadAllBytes(segment);
        var offset = (int)record.Offset;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(offset + 4), type);

        // CRC-32C over header bytes [0, 24) and the padded payload, stored at offset 24.
        var crc = Crc32C.Update(Crc32C.Seed, bytes.AsSpan(offset, 24));
        crc = Crc32C.Update(crc, bytes.AsSpan(offset + 32, (int)record.Size - 32));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset + 24), Crc32C.Finish(crc));
        File.WriteAllBytes(segment, bytes);
    }

    [TestMethod]
    public void Corruption_in_the_middle_is_refused()
    {
        using var layout = new Layout();
        using (var writer = JournalWriter.Open(layout.Journal, JournalOps.Small))
        {
            foreach (var op in TestBooks.RandomOps(11, 100))
            {
                JournalOps.Append(writer, op);
            }
        }

        var segment = Directory.GetFiles(layout.Journal, "*.journal").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(segment);
        bytes[64 + 40] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        var error = Assert.Throws<JournalCorruptedException>(() => Recover(layout));
        Assert.AreEqual(JournalFaultReason.RecordChecksumMismatch, error.Fault.Reason);
        Assert.AreEqual(1L, error.Fault.Sequence);
    }
}
