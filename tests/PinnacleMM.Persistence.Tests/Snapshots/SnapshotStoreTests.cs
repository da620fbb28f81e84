using System.Buffers.Binary;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Snapshots;

[TestClass]
public sealed class SnapshotStoreTests
{
    private static OrderBook SampleBook() => TestBooks.Build(TestBooks.RandomOps(seed: 7, count: 400));

    private static SnapshotStore Store(string directory, int keep = 3, TimeProvider? time = null) => new(directory, TestBooks.Instrument, keep, time);

    [TestMethod]
    public void Round_trip_restores_the_exact_book_and_every_section()
    {
        using var dir = new TempJournalDirectory();
        var time = new ManualTimeProvider();
        var book = SampleBook();
        Assert.IsGreaterThan(20, book.OrderCount, "the sample must have a real book");
        Assert.IsGreaterThan(5L, book.LastTradeId, "and trades");
        var counter = new CounterState();
        counter.Restore([.. CounterState.Payload(41), .. CounterState.Payload(3)]);
        var empty = new CounterState("empty-é");

        var info = Store(dir.Path, time: time).Write(book, 1234, [counter, empty]);

        Assert.AreEqual(Path.Combine(dir.Path, "00000000000000001234.snapshot"), info.Path);
        Assert.AreEqual(time.GetUtcNow(), info.CreatedAt);
        Assert.AreEqual(new FileInfo(info.Path).Length, info.FileLength);
        Assert.AreEqual(book.ComputeStateHash(), info.StateHash);
        var loaded = Store(dir.Path).Load(info.Path);
        BookAssert.Same(book, loaded.Book, "loaded");
        Assert.AreEqual(info with { Path = info.Path }, loaded.Info);
        Assert.HasCount(2, loaded.Sections);
        var restored = new CounterState();
        restored.Restore(loaded.Sections["counter"].Span);
        Assert.AreEqual((41L, 3L), (restored.Total, restored.Count));
        Assert.AreEqual(16, loaded.Sections["empty-é"].Length);
        Assert.IsEmpty(Directory.GetFiles(dir.Path, "*.tmp"), "no temporary file is left");
    }

    [TestMethod]
    public void An_empty_book_round_trips()
    {
        using var dir = new TempJournalDirectory();
        var book = new OrderBook(TestBooks.Instrument);
        var loaded = Store(dir.Path).Load(Store(dir.Path).Write(book, 0).Path);
        BookAssert.Same(book, loaded.Book);
        Assert.IsEmpty(loaded.Sections);
    }

    [TestMethod]
    public void Retention_keeps_the_newest_snapshots()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path, keep: 2);
        var book = SampleBook();
        foreach (var sequence in new long[] { 5, 9, 12, 30 })
        {
            store.Write(book, sequence);
        }

        CollectionAssert.AreEqual(new long[] { 12, 30 }, store.ListSequences().ToArray());
    }

    [TestMethod]
    [DataRow("instrument", "book: its instrument 'OTHER-USD' is not the store's 'TEST-USD' (Parameter 'book')")]
    [DataRow("sequence", "journalSequence ('-1') must be a non-negative value. (Parameter 'journalSequence')\nActual value was -1.")]
    [DataRow("empty name", "stateProviders[1].Name: must be 1 to 255 UTF-8 bytes (was '') (Parameter 'stateProviders')")]
    [DataRow("duplicate name", "stateProviders[1].Name: 'counter' is used by two providers; names must be unique (Parameter 'stateProviders')")]
    public void Bad_arguments_are_rejected_by_name_and_write_nothing(string field, string message)
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var first = store.Write(SampleBook(), 3);
        var before = File.ReadAllBytes(first.Path);
        var book = field == "instrument" ? new OrderBook(new InstrumentSpec("OTHER-USD", 0.01m, 1m)) : SampleBook();
        ISnapshotStateProvider[] providers = field switch
        {
            "empty name" => [new CounterState(), new CounterState("")],
            "duplicate name" => [new CounterState(), new CounterState()],
            _ => [],
        };

        var error = Assert.Throws<ArgumentException>(() => store.Write(book, field == "sequence" ? -1 : 10, providers));
        Assert.AreEqual(message, error.Message);
        CollectionAssert.AreEqual(new long[] { 3 }, store.ListSequences().ToArray());
        CollectionAssert.AreEqual(before, File.ReadAllBytes(first.Path));
    }

    [TestMethod]
    [DataRow(5L)]
    [DataRow(15L)]
    [DataRow(20L)]
    public void A_sequence_not_above_the_newest_snapshot_is_refused_and_the_stored_files_stay(long sequence)
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path, keep: 2);
        var first = store.Write(SampleBook(), 10);
        var second = store.Write(TestBooks.Build(TestBooks.RandomOps(seed: 8, count: 300)), 20);
        var before = Directory.GetFiles(dir.Path).ToDictionary(p => p, File.ReadAllBytes);
        var other = TestBooks.Build(TestBooks.RandomOps(seed: 9, count: 300));

        var error = Assert.ThrowsExactly<ArgumentException>(() => store.Write(other, sequence));

        Assert.AreEqual("journalSequence", error.ParamName);
        Assert.AreEqual(
            $"journalSequence {sequence} must be above the newest stored snapshot's 20: retention would delete an older snapshot at once, "
            + "and one of the same sequence would replace a stored snapshot (Parameter 'journalSequence')",
            error.Message);
        CollectionAssert.AreEqual(new long[] { 10, 20 }, store.ListSequences().ToArray());
        var after = Directory.GetFiles(dir.Path).ToDictionary(p => p, File.ReadAllBytes);
        CollectionAssert.AreEquivalent(before.Keys, after.Keys, "no file is added, replaced or removed (no temporary file either)");
        CollectionAssert.AreEqual(before[first.Path], after[first.Path]);
        CollectionAssert.AreEqual(before[second.Path], after[second.Path]);
        Assert.AreEqual(second.StateHash, store.LoadNewestValid().Snapshot!.Info.StateHash);

        // The next sequence is accepted, and retention then drops 10.
        store.Write(other, 21);
        CollectionAssert.AreEqual(new long[] { 20, 21 }, store.ListSequences().ToArray());
    }

    [TestMethod]
    public void A_failed_write_reports_the_path_and_keeps_the_previous_snapshots()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var book = SampleBook();
        var first = store.Write(book, 3);
        var before = File.ReadAllBytes(first.Path);

        // A directory where the temporary file must go: creating the file fails, as on a broken disk.
        Directory.CreateDirectory(Path.Combine(dir.Path, "00000000000000000010.snapshot.tmp"));
        var error = Assert.Throws<SnapshotException>(() => store.Write(book, 10));
        StringAssert.Contains(error.Message, "Cannot write snapshot '" + Path.Combine(dir.Path, "00000000000000000010.snapshot") + "'");
        Assert.IsNull(error.Fault);
        CollectionAssert.AreEqual(new long[] { 3 }, store.ListSequences().ToArray());
        CollectionAssert.AreEqual(before, File.ReadAllBytes(first.Path));
        Assert.AreEqual(first.StateHash, store.LoadNewestValid().Snapshot!.Info.StateHash);
    }

    // ------------------------------------------------------------------ bad files

    /// <summary>Writes a good snapshot at 10 and a damaged one at 20; loading must report the damage and fall back to 10.</summary>
    private static void AssertFallsBack(Action<string> damage, SnapshotFaultReason reason, string? detail = null)
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var older = TestBooks.Build(TestBooks.RandomOps(seed: 3, count: 200));
        store.Write(older, 10);
        var newest = store.Write(SampleBook(), 20);
        damage(newest.Path);

        var result = store.LoadNewestValid();
        Assert.IsNotNull(result.Snapshot);
        Assert.AreEqual(10L, result.Snapshot.Info.JournalSequence);
        BookAssert.Same(older, result.Snapshot.Book, "fallback");
        Assert.HasCount(1, result.Fallbacks);
        Assert.AreEqual(newest.Path, result.Fallbacks[0].Path);
        Assert.AreEqual(reason, result.Fallbacks[0].Reason, result.Fallbacks[0].ToString());
        if (detail is not null)
        {
            Assert.AreEqual(detail, result.Fallbacks[0].Detail);
        }

        var error = Assert.Throws<SnapshotException>(() => store.Load(newest.Path));
        Assert.AreEqual(reason, error.Fault!.Reason);
        StringAssert.StartsWith(error.Message, $"Invalid snapshot: snapshot {newest.Path}: {reason} (");
    }

    private static void Patch(string path, int offset, params byte[] bytes)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        file.Write(bytes);
    }

    [TestMethod]
    public void Truncated_snapshot_falls_back()
    {
        AssertFallsBack(p => { using var f = new FileStream(p, FileMode.Open); f.SetLength(f.Length - 1); }, SnapshotFaultReason.Truncated);
        AssertFallsBack(p => { using var f = new FileStream(p, FileMode.Open); f.SetLength(50); }, SnapshotFaultReason.Truncated, "the file has 50 bytes, less than the 96-byte header");
        AssertFallsBack(p => { using var f = new FileStream(p, FileMode.Open); f.SetLength(0); }, SnapshotFaultReason.Truncated, "the file has 0 bytes, less than the 96-byte header");
    }

    [TestMethod]
    public void Zero_filled_snapshot_falls_back() =>
        AssertFallsBack(p => File.WriteAllBytes(p, new byte[new FileInfo(p).Length]), SnapshotFaultReason.ZeroFilled, "the header is all zero bytes");

    [TestMethod]
    public void Wrong_version_falls_back() =>
        AssertFallsBack(p => Patch(p, 8, 2, 0), SnapshotFaultReason.UnsupportedVersion, "format version 2; this library reads version 1");

    [TestMethod]
    public void Foreign_files_fall_back()
    {
        AssertFallsBack(p => File.WriteAllText(p, "a text file that happens to have a snapshot's name " + new string('.', 150)), SnapshotFaultReason.NotASnapshot);
        AssertFallsBack(
            p =>
            {
                // A journal segment renamed into the snapshot folder.
                using var journalDir = new TempJournalDirectory();
                using (var writer = JournalWriter.Open(journalDir.Path, new JournalOptions { SegmentSize = 4096, SyncPolicy = JournalSyncPolicy.None }))
                {
                    writer.Append(JournalRecordType.ApplicationBase, 1, [1, 2, 3]);
                }

                File.Copy(journalDir.Segments()[0], p, overwrite: true);
            },
            SnapshotFaultReason.NotASnapshot);
    }

    [TestMethod]
    public void Snapshot_of_another_instrument_falls_back() =>
        AssertFallsBack(
            p =>
            {
                var otherDir = Path.Combine(Path.GetDirectoryName(p)!, "other");
                var other = new SnapshotStore(otherDir, new InstrumentSpec("TEST-EUR", 0.01m, 1m)).Write(new OrderBook(new InstrumentSpec("TEST-EUR", 0.01m, 1m)), 20);
                File.Copy(other.Path, p, overwrite: true);
            },
            SnapshotFaultReason.InstrumentMismatch,
            "the snapshot is of 'TEST-EUR', expected 'TEST-USD'");

    [TestMethod]
    public void Renamed_snapshot_is_refused()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var written = store.Write(SampleBook(), 20);
        var renamed = Path.Combine(dir.Path, "00000000000000000030.snapshot");
        File.Move(written.Path, renamed);

        var result = store.LoadNewestValid();
        Assert.IsNull(result.Snapshot);
        Assert.AreEqual(new SnapshotFault(renamed, SnapshotFaultReason.NameMismatch, "the header says journal sequence 20, the file name 30").ToString(), result.Fallbacks.Single().ToString());
    }

    [TestMethod]
    public void Every_single_bit_flip_in_a_small_snapshot_is_detected()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var book = TestBooks.Build(TestBooks.RandomOps(seed: 11, count: 30));
        var counter = new CounterState();
        var original = File.ReadAllBytes(store.Write(book, 20, [counter]).Path);
        var path = Path.Combine(dir.Path, "00000000000000000020.snapshot");
        for (var bit = 0; bit < original.Length * 8; bit++)
        {
            var damaged = (byte[])original.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(path, damaged);
            var result = store.LoadNewestValid();
            Assert.IsNull(result.Snapshot, $"bit {bit}: a damaged snapshot must never load");
            Assert.HasCount(1, result.Fallbacks, $"bit {bit}");
        }
    }

    [TestMethod]
    public void Valid_checksum_but_inconsistent_body_is_refused()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var path = store.Write(SampleBook(), 20).Path;
        var bytes = File.ReadAllBytes(path);

        // Change the first order's owner and fix the CRC: the recorded state hash no longer matches.
        bytes[96 + 48 + 8] ^= 1;
        var crcOffset = bytes.Length - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(crcOffset), Crc(bytes.AsSpan(0, crcOffset)));
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SnapshotException>(() => store.Load(path));
        Assert.AreEqual(SnapshotFaultReason.InvalidBody, error.Fault!.Reason);
        StringAssert.StartsWith(error.Fault.Detail, "the restored book's state hash is ");
    }

    [TestMethod]
    public void Valid_checksum_but_a_duplicate_order_id_is_refused_naming_the_order()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        var path = store.Write(SampleBook(), 20).Path;
        var bytes = File.ReadAllBytes(path);

        // The second order gets the first one's id (CRC fixed): the bulk restore refuses it by position.
        var firstId = BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(96 + 48));
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(96 + 48 + 48), firstId);
        var crcOffset = bytes.Length - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(crcOffset), Crc(bytes.AsSpan(0, crcOffset)));
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SnapshotException>(() => store.Load(path));
        Assert.AreEqual(SnapshotFaultReason.InvalidBody, error.Fault!.Reason);
        Assert.AreEqual(
            $"in the orders from #0: orders[1]: order {firstId}: orderId: an order with this id is already resting in the book (Parameter 'orders')",
            error.Fault.Detail);
    }

    [TestMethod]
    public void No_snapshot_at_all_gives_no_snapshot_and_no_fallback()
    {
        using var dir = new TempJournalDirectory();
        var result = Store(Path.Combine(dir.Path, "missing")).LoadNewestValid();
        Assert.IsNull(result.Snapshot);
        Assert.IsEmpty(result.Fallbacks);
    }

    [TestMethod]
    public void Snapshots_older_than_the_journal_start_are_skipped_with_a_reason()
    {
        using var dir = new TempJournalDirectory();
        var store = Store(dir.Path);
        store.Write(SampleBook(), 10);
        var result = store.LoadNewestValid(firstJournalSequence: 12);
        Assert.IsNull(result.Snapshot);
        Assert.AreEqual(SnapshotFaultReason.JournalGap, result.Fallbacks.Single().Reason);
        Assert.AreEqual("the snapshot includes records up to 10, but the journal starts at 12", result.Fallbacks[0].Detail);
        Assert.IsNotNull(store.LoadNewestValid(firstJournalSequence: 11).Snapshot, "sequence 11 directly follows the snapshot");
    }

    private static uint Crc(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
