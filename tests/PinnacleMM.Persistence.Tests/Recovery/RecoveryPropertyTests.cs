using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;
using PinnacleMM.Persistence.Tests.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Recovery;

/// <summary>
/// Issue 3 §7: for any sequence of book operations, journal + recovery gives the book that applying them
/// directly gives (the reference), with or without a snapshot at a random point; and damaged journals
/// recover exactly their valid prefix.
/// </summary>
[TestClass]
public sealed class RecoveryPropertyTests
{
    private static readonly Config Config = FsCheck.Config.QuickThrowOnFailure.WithMaxTest(40);

    /// <summary>Maps raw generated numbers to ops (shrinking the array shrinks the op sequence).</summary>
    private static List<TestBooks.Op> ToOps(int[] raw)
    {
        var ops = new List<TestBooks.Op>(raw.Length);
        var nextId = 1L;
        foreach (var r in raw)
        {
            var side = (r & 1) == 0 ? Side.Buy : Side.Sell;
            var price = 95 + ((r >> 1) % 11);
            var quantity = 1 + ((r >> 5) % 9);
            var owner = (r >> 9) % 3;
            var ts = r;
            switch ((r >> 12) % 10)
            {
                case < 6:
                    var tif = (r >> 16) % 7 == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel;
                    var stp = (SelfTradePrevention)((r >> 18) % 4);
                    ops.Add(new TestBooks.SubmitOp(OrderRequest.Limit(nextId++, owner, side, new Price(price), new Quantity(quantity), tif, tif == TimeInForce.GoodTillCancel && (r >> 20) % 5 == 0, stp, ts)));
                    break;
                case 6:
                    ops.Add(new TestBooks.SubmitOp(OrderRequest.Market(nextId++, owner, side, new Quantity(quantity * 2), timestamp: ts)));
                    break;
                case < 9:
                    ops.Add(new TestBooks.CancelOp(1 + ((r >> 16) % nextId), ts));
                    break;
                default:
                    ops.Add(new TestBooks.ModifyOp(1 + ((r >> 16) % nextId), price, (r >> 20) % 10, ts));
                    break;
            }
        }

        return ops;
    }

    private static Arbitrary<int[]> RawOps => Arb.From(Gen.Choose(0, int.MaxValue).ArrayOf());

    private static RecoveryResult Recover(string root) =>
        OrderBookRecovery.Recover(Path.Combine(root, "journal"), new SnapshotStore(Path.Combine(root, "snapshots"), TestBooks.Instrument), new RecoveryOptions { Instrument = TestBooks.Instrument });

    [TestMethod]
    public void Any_op_sequence_journaled_and_replayed_equals_direct_application()
    {
        Check.One(Config, Prop.ForAll(RawOps, raw =>
        {
            var ops = ToOps(raw);
            using var dir = new TempJournalDirectory();
            using (var writer = JournalWriter.Open(Path.Combine(dir.Path, "journal"), JournalOps.Small))
            {
                ops.ForEach(op => JournalOps.Append(writer, op));
            }

            var (book, report) = Recover(dir.Path);
            BookAssert.Same(TestBooks.Build(ops), book);
            Assert.AreEqual(ops.Count, report.BookRecords);
        }));
    }

    [TestMethod]
    public void Snapshot_at_a_random_point_plus_tail_replay_equals_full_replay()
    {
        var cases = RawOps.Generator.SelectMany(raw => Gen.Choose(0, raw.Length).Select(point => (raw, point)));
        Check.One(Config, Prop.ForAll(Arb.From(cases), c =>
        {
            var ops = ToOps(c.raw);
            using var full = new TempJournalDirectory();
            using var withSnapshot = new TempJournalDirectory();
            var live = new OrderBook(TestBooks.Instrument);
            using (var a = JournalWriter.Open(Path.Combine(full.Path, "journal"), JournalOps.Small))
            using (var b = JournalWriter.Open(Path.Combine(withSnapshot.Path, "journal"), JournalOps.Small))
            {
                for (var i = 0; i <= ops.Count; i++)
                {
                    if (i == c.point)
                    {
                        new SnapshotStore(Path.Combine(withSnapshot.Path, "snapshots"), TestBooks.Instrument).Write(live, b.LastSequence);
                    }

                    if (i < ops.Count)
                    {
                        JournalOps.Append(a, ops[i]);
                        JournalOps.Append(b, ops[i]);
                        TestBooks.Apply(live, ops[i]);
                    }
                }
            }

            var (fromFull, fullReport) = Recover(full.Path);
            var (fromSnapshot, report) = Recover(withSnapshot.Path);
            BookAssert.Same(fromFull, fromSnapshot, $"snapshot after {c.point} of {ops.Count} ops");
            BookAssert.Same(live, fromSnapshot);
            Assert.AreEqual(c.point, report.Snapshot!.JournalSequence);
            Assert.AreEqual(ops.Count - c.point, report.BookRecords);
            Assert.AreEqual(ops.Count, fullReport.BookRecords);
        }));
    }

    [TestMethod]
    public void A_last_record_cut_at_every_byte_recovers_the_book_of_the_valid_prefix()
    {
        var ops = TestBooks.RandomOps(41, 60);
        using var dir = new TempJournalDirectory();
        var journal = Path.Combine(dir.Path, "journal");
        using (var writer = JournalWriter.Open(journal, JournalOps.Small))
        {
            ops.ForEach(op => JournalOps.Append(writer, op));
        }

        var segment = Directory.GetFiles(journal, "*.journal").Single();
        var original = File.ReadAllBytes(segment);
        var (offset, size, _) = SegmentLayout.Parse([segment])[0].Records[^1];
        var withoutLast = TestBooks.Build(ops.Take(59));
        var all = TestBooks.Build(ops);
        for (var cut = 0; cut <= size; cut++)
        {
            // Keep `cut` bytes of the last record: the rest is zero (preallocated space) or the file ends there.
            var bytes = (byte[])original.Clone();
            Array.Clear(bytes, (int)offset + cut, (int)size - cut);
            File.WriteAllBytes(segment, cut % 2 == 0 ? bytes : bytes[..((int)offset + cut)]);
            var (book, report) = Recover(dir.Path);
            // Clearing bytes that were zero anyway (high bytes of a small number) leaves the record whole.
            var complete = cut == size || (cut % 2 == 0 && !original.AsSpan((int)offset + cut, (int)size - cut).ContainsAnyExcept((byte)0));
            BookAssert.Same(complete ? all : withoutLast, book, $"cut at {cut} of {size}");
            Assert.AreEqual(complete ? 60L : 59L, report.LastSequence, $"cut at {cut}");
            Assert.AreEqual(cut > 0 && !complete, report.TruncatedTail is not null, $"cut at {cut}: torn tail reported");
        }
    }

    [TestMethod]
    public void Random_bit_flips_anywhere_in_the_journal_never_give_a_wrong_book()
    {
        var ops = TestBooks.RandomOps(42, 400);
        using var dir = new TempJournalDirectory();
        var journal = Path.Combine(dir.Path, "journal");
        using (var writer = JournalWriter.Open(journal, JournalOps.Small))
        {
            ops.ForEach(op => JournalOps.Append(writer, op));
        }

        var segments = Directory.GetFiles(journal, "*.journal").Order(StringComparer.Ordinal).ToArray();
        var originals = segments.Select(File.ReadAllBytes).ToArray();
        var random = new Random(42);
        int prefixes = 0, refused = 0;
        for (var round = 0; round < 150; round++)
        {
            // Half the flips hit the end of the journal (last records and the zeros after them), half anywhere.
            var atEnd = round % 2 == 0;
            var which = atEnd ? segments.Length - 1 : random.Next(segments.Length);
            var bytes = (byte[])originals[which].Clone();
            var used = (int)SegmentLayout.Parse([segments[which]])[0].EndOffset;
            var position = atEnd ? random.Next(used - 100, used + 64) : random.Next(Math.Min(bytes.Length, used + 64));
            bytes[position] ^= (byte)(1 << random.Next(8));
            File.WriteAllBytes(segments[which], bytes);
            try
            {
                var (book, report) = Recover(dir.Path);
                // Whatever was recovered is exactly a prefix of the ops.
                BookAssert.Same(TestBooks.Build(ops.Take((int)report.LastSequence)), book, $"flip at {which}:{position}");
                prefixes++;
            }
            catch (JournalCorruptedException e)
            {
                Assert.IsFalse(e.Fault.IsTornTail);
                refused++;
            }
            finally
            {
                File.WriteAllBytes(segments[which], originals[which]);
            }
        }

        Assert.IsGreaterThan(0, refused, "flips in the middle are refused");
        Assert.IsGreaterThan(0, prefixes, "flips in the last records give a shorter, exact prefix");
    }
}
