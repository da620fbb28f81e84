using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// <see cref="DepthBook"/> against <see cref="DepthBookModel"/> over random feeds: snapshots (also invalid,
/// duplicated or crossed ones), level updates near the top and deep in the book, removals of present and
/// absent levels, re-adds, invalid input, and — with sequence numbers — duplicates, old numbers and gaps.
/// Everything observable is compared after every single operation.
/// </summary>
[TestClass]
public sealed class DepthBookPropertyTests
{
    private const long Mid = 1_000;
    private const long Depth = 300;

    private static readonly InstrumentSpec Instrument = new("BTC-USD", 0.01m, 0.001m, maxPrice: 100_000m);
    private static readonly long MaxPrice = Instrument.MaxPrice.Ticks;

    [TestMethod]
    public void Random_feed_without_sequence_faults_keeps_book_equal_to_model_after_every_operation()
    {
        var stats = new Stats();
        var gen = from sequenced in Gen.Elements(false, true)
                  from start in Gen.Choose(0, 1_000)
                  from snapshot in SnapshotGen(validOnly: true)
                  from count in Gen.Choose(20, 300)
                  from ops in Gen.ArrayOf(OpGen(withSequenceFaults: false), count)
                  select new Feed(sequenced, start, snapshot, ops);

        Prop.ForAll(Arb.From(gen), feed => Run(feed, stats)).Check(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true));

        // The generator must really produce what the property claims to cover.
        Assert.IsTrue(stats.Added > 1_000, $"added {stats.Added}");
        Assert.IsTrue(stats.Changed > 500, $"changed {stats.Changed}");
        Assert.IsTrue(stats.Removed > 500, $"removed {stats.Removed}");
        Assert.IsTrue(stats.NothingToRemove > 100, $"nothing to remove {stats.NothingToRemove}");
        Assert.IsTrue(stats.Rejected > 100, $"rejected {stats.Rejected}");
        Assert.IsTrue(stats.Crossed > 100, $"crossed {stats.Crossed}");
        Assert.IsTrue(stats.DeepLevels > 100, $"deep {stats.DeepLevels}");
        Assert.IsTrue(stats.Snapshots > 50, $"snapshots {stats.Snapshots}");
    }

    [TestMethod]
    public void Random_sequenced_feed_with_gaps_and_stale_numbers_reports_them_exactly_and_leaves_state_unchanged()
    {
        var stats = new Stats();
        var gen = from start in Gen.Choose(0, 1_000)
                  from snapshot in SnapshotGen(validOnly: true)
                  from count in Gen.Choose(20, 300)
                  from ops in Gen.ArrayOf(OpGen(withSequenceFaults: true), count)
                  select new Feed(true, start, snapshot, ops);

        Prop.ForAll(Arb.From(gen), feed => Run(feed, stats)).Check(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true));

        Assert.IsTrue(stats.Gaps > 100, $"gaps {stats.Gaps}");
        Assert.IsTrue(stats.Stale > 100, $"stale {stats.Stale}");
        Assert.IsTrue(stats.OutOfSync > 100, $"out of sync {stats.OutOfSync}");
        Assert.IsTrue(stats.Resyncs > 20, $"resyncs {stats.Resyncs}");
        Assert.IsTrue(stats.Added + stats.Changed + stats.Removed > 2_000, "updates applied");
    }

    private static void Run(Feed feed, Stats stats)
    {
        var book = new DepthBook(Instrument, levelCapacity: 16);
        var model = new DepthBookModel(MaxPrice);
        long? snapshotSequence = feed.Sequenced ? feed.Start : null;
        AssertSnapshot(book, model, snapshotSequence, feed.Snapshot, useBuilder: true, stats);

        foreach (var op in feed.Ops)
        {
            if (op.Snapshot is { } levels)
            {
                long? sequence = feed.Sequenced ? Math.Max(0, model.Sequence + op.SequenceDelta) : null;
                AssertSnapshot(book, model, sequence, levels, op.UseBuilder, stats);
                continue;
            }

            long? seq = feed.Sequenced ? model.Sequence + op.SequenceDelta : null;
            var hashBefore = book.ComputeStateHash();
            var sequenceBefore = book.Sequence;
            var existed = model.SizeAt(op.Side, op.Price) != 0;

            var expected = model.Update(seq, op.Side, op.Price, op.Size);
            var actual = seq is { } s
                ? book.SetLevel(s, op.Side, new Price(op.Price), new Quantity(op.Size))
                : book.SetLevel(op.Side, new Price(op.Price), new Quantity(op.Size));

            Assert.AreEqual(expected, actual, $"result of {op} at sequence {seq}");
            if (!actual.IsAccepted())
            {
                Assert.AreEqual(hashBefore, book.ComputeStateHash(), $"{actual} changed the levels");
                Assert.AreEqual(sequenceBefore, book.Sequence, $"{actual} changed the sequence");
            }

            stats.Count(actual, existed, op, book.IsCrossed);
            AssertSameAsModel(book, model, op.Price, op.TopN);
        }
    }

    private static void AssertSnapshot(DepthBook book, DepthBookModel model, long? sequence, Level[] levels, bool useBuilder, Stats stats)
    {
        var hashBefore = book.ComputeStateHash();
        var sequenceBefore = book.Sequence;
        var syncedBefore = book.IsSynced;
        var expected = model.Snapshot(sequence, [.. levels.Select(l => (l.Side, l.Price, l.Size))]);
        DepthBookResultCode actual;
        if (useBuilder)
        {
            actual = sequence is { } s ? book.BeginSnapshot(s) : Begin(book);
            foreach (var level in levels)
            {
                book.AddSnapshotLevel(level.Side, new Price(level.Price), new Quantity(level.Size));
            }

            actual = book.EndSnapshot();
        }
        else
        {
            var bids = levels.Where(l => l.Side == Side.Buy).Select(l => new DepthLevel(new Price(l.Price), new Quantity(l.Size), 0)).ToArray();
            var asks = levels.Where(l => l.Side == Side.Sell).Select(l => new DepthLevel(new Price(l.Price), new Quantity(l.Size), 0)).ToArray();
            actual = sequence is { } s ? book.ApplySnapshot(s, bids, asks) : book.ApplySnapshot(bids, asks);
        }

        Assert.AreEqual(expected, actual, $"snapshot result (builder: {useBuilder})");
        Assert.IsFalse(book.IsBuildingSnapshot);
        if (actual == DepthBookResultCode.Applied)
        {
            stats.Snapshots++;
            stats.Resyncs += syncedBefore ? 0 : 1;
        }
        else
        {
            Assert.AreEqual(hashBefore, book.ComputeStateHash(), "a rejected snapshot changed the levels");
            Assert.AreEqual(sequenceBefore, book.Sequence, "a rejected snapshot changed the sequence");
            Assert.AreEqual(syncedBefore, book.IsSynced, "a rejected snapshot changed the sync state");
        }

        AssertSameAsModel(book, model, Mid, 5);
    }

    private static DepthBookResultCode Begin(DepthBook book)
    {
        book.BeginSnapshot();
        return DepthBookResultCode.Applied;
    }

    private static void AssertSameAsModel(DepthBook book, DepthBookModel model, long probePrice, int topN)
    {
        Assert.AreEqual(model.Sequence, book.Sequence, "Sequence");
        Assert.AreEqual(model.IsSynced, book.IsSynced, "IsSynced");
        Assert.AreEqual(model.IsSequenced, book.IsSequenced, "IsSequenced");
        Assert.AreEqual(model.IsCrossed, book.IsCrossed, "IsCrossed");

        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var expected = model.Levels(side);
            Assert.AreEqual(expected.Count, side == Side.Buy ? book.BidLevelCount : book.AskLevelCount, $"{side} level count");

            // Every level, in order: one more slot than needed proves nothing extra is written.
            Span<DepthLevel> all = new DepthLevel[expected.Count + 1];
            Assert.AreEqual(expected.Count, book.GetDepth(side, all), $"{side} depth length");
            for (var i = 0; i < expected.Count; i++)
            {
                Assert.AreEqual(new DepthLevel(new Price(expected[i].Price), new Quantity(expected[i].Size), 0), all[i], $"{side} level {i}");
            }

            Span<DepthLevel> top = new DepthLevel[topN];
            var n = book.GetDepth(side, top);
            Assert.AreEqual(Math.Min(topN, expected.Count), n, $"{side} top-{topN} length");
            for (var i = 0; i < n; i++)
            {
                Assert.AreEqual(expected[i].Price, top[i].Price.Ticks, $"{side} top-{topN} level {i}");
                Assert.AreEqual(expected[i].Size, top[i].Quantity.Lots, $"{side} top-{topN} size {i}");
            }

            var best = model.Best(side);
            var hasBest = side == Side.Buy ? book.TryGetBestBid(out var price, out var size) : book.TryGetBestAsk(out price, out size);
            Assert.AreEqual(best.HasValue, hasBest, $"{side} has best");
            Assert.AreEqual(best?.Price ?? 0, price.Ticks, $"{side} best price");
            Assert.AreEqual(best?.Size ?? 0, size.Lots, $"{side} best size");

            Assert.AreEqual(model.SizeAt(side, probePrice), book.GetQuantity(side, new Price(probePrice)).Lots, $"{side} size at {probePrice}");
        }
    }

    // ------------------------------------------------------------------ generators

    private static Gen<long> PriceGen(Side side, bool validOnly)
    {
        // Near the top most of the time, anywhere in a deep book some of the time, across the spread
        // (crossing the book) now and then, and off the valid range rarely.
        var near = side == Side.Buy ? Gen.Choose((int)(Mid - 10), (int)Mid + 3) : Gen.Choose((int)Mid - 2, (int)(Mid + 11));
        var deep = side == Side.Buy ? Gen.Choose((int)(Mid - Depth), (int)Mid) : Gen.Choose((int)Mid + 1, (int)(Mid + Depth));
        var valid = Gen.Frequency((6, near), (3, deep)).Select(p => (long)p);
        return validOnly
            ? valid
            : Gen.Frequency((95, valid), (5, Gen.Elements(0L, -1L, -Mid, MaxPrice + 1, long.MaxValue, MaxPrice)));
    }

    private static Gen<long> SizeGen(bool validOnly)
    {
        var positive = Gen.Frequency((3, Gen.Choose(1, 5)), (2, Gen.Choose(1, 1_000_000))).Select(s => (long)s);
        var valid = Gen.Frequency((4, Gen.Constant(0L)), (6, positive));
        return validOnly ? valid : Gen.Frequency((96, valid), (4, Gen.Elements(-1L, long.MinValue)));
    }

    private static Gen<Level> LevelGen(bool validOnly, bool snapshot) =>
        from side in Gen.Elements(Side.Buy, Side.Sell)
        from price in snapshot
            ? (side == Side.Buy ? Gen.Choose((int)(Mid - Depth), (int)Mid - 1) : Gen.Choose((int)Mid + 1, (int)(Mid + Depth))).Select(p => (long)p)
            : PriceGen(side, validOnly)
        from size in snapshot ? Gen.Frequency((1, Gen.Constant(0L)), (20, Gen.Choose(1, 10_000).Select(s => (long)s))) : SizeGen(validOnly)
        select new Level(side, price, size);

    /// <summary>
    /// A snapshot of up to ~240 levels on non-crossing price ranges with distinct prices per side; when
    /// not <paramref name="validOnly"/> it may also hold a bad level, a duplicate price or a crossing level.
    /// </summary>
    private static Gen<Level[]> SnapshotGen(bool validOnly)
    {
        var clean = from count in Gen.Frequency((1, Gen.Choose(0, 3)), (4, Gen.Choose(4, 240)))
                    from levels in Gen.ArrayOf(LevelGen(validOnly: true, snapshot: true), count)
                    select levels.DistinctBy(l => (l.Side, l.Price)).ToArray();
        if (validOnly)
        {
            return clean;
        }

        var spoiled = from levels in clean.Where(l => l.Length > 0)
                      from kind in Gen.Choose(0, 3)
                      from at in Gen.Choose(0, levels.Length - 1)
                      select Spoil(levels, kind, at);
        return Gen.Frequency((4, clean), (1, spoiled));
    }

    private static Level[] Spoil(Level[] levels, int kind, int at)
    {
        var copy = levels.ToList();
        var l = copy[at];
        switch (kind)
        {
            case 0:
                copy.Add(l with { Size = l.Size + 1 }); // the same price twice
                break;
            case 1:
                copy.Add(new Level(l.Side == Side.Buy ? Side.Sell : Side.Buy, l.Price, 7)); // crosses (or locks) the book
                break;
            case 2:
                copy[at] = l with { Price = 0 };
                break;
            default:
                copy[at] = l with { Size = -3 };
                break;
        }

        return [.. copy];
    }

    private static Gen<Op> OpGen(bool withSequenceFaults)
    {
        var delta = withSequenceFaults
            ? Gen.Frequency(
                (85, Gen.Constant(1L)),
                (5, Gen.Constant(0L)),
                (4, Gen.Choose(-5, -1).Select(d => (long)d)),
                (3, Gen.Choose(2, 6).Select(d => (long)d)))
            : Gen.Constant(1L);
        var update = from level in LevelGen(validOnly: false, snapshot: false)
                     from d in delta
                     from topN in Gen.Choose(1, 8)
                     select new Op(level.Side, level.Price, level.Size, d, topN, null, false);
        var snapshot = from levels in SnapshotGen(validOnly: false)
                       from d in withSequenceFaults ? Gen.Choose(-3, 10).Select(x => (long)x) : Gen.Constant(1L)
                       from builder in Gen.Elements(false, true)
                       select new Op(Side.Buy, 0, 0, d, 1, levels, builder);
        return Gen.Frequency((97, update), (3, snapshot));
    }

    internal sealed record Level(Side Side, long Price, long Size);

    internal sealed record Op(Side Side, long Price, long Size, long SequenceDelta, int TopN, Level[]? Snapshot, bool UseBuilder)
    {
        public override string ToString() => Snapshot is null
            ? $"SetLevel({Side}, {Price}, {Size}, seq+{SequenceDelta})"
            : $"Snapshot({Snapshot.Length} levels, seq+{SequenceDelta}, builder: {UseBuilder})";
    }

    internal sealed record Feed(bool Sequenced, long Start, Level[] Snapshot, Op[] Ops)
    {
        public override string ToString() => $"Feed(sequenced: {Sequenced}, start: {Start}, snapshot: {Snapshot.Length} levels, ops: [{string.Join(", ", Ops.Select(o => o.ToString()))}])";
    }

    private sealed class Stats
    {
        public int Added;
        public int Changed;
        public int Removed;
        public int NothingToRemove;
        public int Rejected;
        public int Crossed;
        public int DeepLevels;
        public int Snapshots;
        public int Resyncs;
        public int Gaps;
        public int Stale;
        public int OutOfSync;

        public void Count(DepthBookResultCode code, bool existed, Op op, bool crossed)
        {
            switch (code)
            {
                case DepthBookResultCode.Applied when op.Size == 0:
                    Removed++;
                    break;
                case DepthBookResultCode.Applied:
                    _ = existed ? Changed++ : Added++;
                    DeepLevels += Math.Abs(op.Price - Mid) > 50 ? 1 : 0;
                    break;
                case DepthBookResultCode.NothingToRemove:
                    NothingToRemove++;
                    break;
                case DepthBookResultCode.Gap:
                    Gaps++;
                    break;
                case DepthBookResultCode.Stale:
                    Stale++;
                    break;
                case DepthBookResultCode.OutOfSync:
                    OutOfSync++;
                    break;
                default:
                    Rejected++;
                    break;
            }

            Crossed += crossed ? 1 : 0;
        }
    }
}
