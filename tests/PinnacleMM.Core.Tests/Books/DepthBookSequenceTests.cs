using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// The batched update members of <see cref="DepthBook"/>: one message's changes applied all or nothing,
/// without a sequence, under one per-message sequence number, or under a <c>U..u</c> range.
/// </summary>
[TestClass]
public sealed class DepthBookSequenceTests
{
    private static readonly InstrumentSpec Instrument = new("BTC-USD", 0.01m, 0.001m, maxPrice: 1_000m);
    private const long MaxPriceTicks = 100_000;

    private static DepthLevel L(long price, long size) => new(new Price(price), new Quantity(size), 0);

    /// <summary>Bids 99 (10), 98 (20); asks 101 (11), 102 (21).</summary>
    private static DepthBook Book(long? sequence)
    {
        var book = new DepthBook(Instrument);
        DepthLevel[] bids = [L(99, 10), L(98, 20)];
        DepthLevel[] asks = [L(101, 11), L(102, 21)];
        Assert.AreEqual(DepthBookResultCode.Applied, sequence is { } s ? book.ApplySnapshot(s, bids, asks) : book.ApplySnapshot(bids, asks));
        return book;
    }

    private static void AssertRejected(DepthBook book, DepthBookResultCode expected, Func<DepthBook, DepthBookResultCode> action)
    {
        var hash = book.ComputeStateHash();
        var sequence = book.Sequence;
        var synced = book.IsSynced;
        Assert.AreEqual(expected, action(book));
        Assert.AreEqual(hash, book.ComputeStateHash(), "levels changed");
        Assert.AreEqual(sequence, book.Sequence, "sequence changed");
        Assert.AreEqual(expected == DepthBookResultCode.Gap ? false : synced, book.IsSynced, "sync state");
    }

    [TestMethod]
    public void Unsequenced_batch_sets_adds_and_removes_levels_in_order()
    {
        var book = Book(sequence: null);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplyUpdate([L(99, 0), L(97, 5), L(97, 6), L(96, 0)], [L(101, 12)]));
        Assert.AreEqual(0, book.GetQuantity(Side.Buy, new Price(99)).Lots);
        Assert.AreEqual(6, book.GetQuantity(Side.Buy, new Price(97)).Lots, "the later change of one price wins");
        Assert.AreEqual(12, book.GetQuantity(Side.Sell, new Price(101)).Lots);
        Assert.AreEqual(2, book.BidLevelCount);
        Assert.AreEqual(0, book.Sequence);
    }

    [TestMethod]
    public void Batch_with_one_bad_level_changes_nothing_and_names_the_rule()
    {
        var book = Book(sequence: null);
        AssertRejected(book, DepthBookResultCode.InvalidQuantity, b => b.ApplyUpdate([L(99, 1), L(97, -1)], [L(101, 1)]));
        AssertRejected(book, DepthBookResultCode.InvalidPrice, b => b.ApplyUpdate([L(99, 1)], [L(101, 1), L(0, 1)]));
        AssertRejected(book, DepthBookResultCode.PriceAboveMaximum, b => b.ApplyUpdate([L(MaxPriceTicks + 1, 1)], []));
        Assert.AreEqual("size: must not be negative", DepthBookResultCode.InvalidQuantity.Describe());

        var sequenced = Book(sequence: 10);
        AssertRejected(sequenced, DepthBookResultCode.InvalidPrice, b => b.ApplyUpdate(11, [L(-5, 1)], []));
        Assert.AreEqual(DepthBookResultCode.Gap, sequenced.ApplyUpdate(12, [L(99, 1)], []), "a rejected message does not consume its number");
    }

    [TestMethod]
    public void Batch_state_rules_come_before_level_rules()
    {
        var fresh = new DepthBook(Instrument);
        AssertRejected(fresh, DepthBookResultCode.NoSnapshot, b => b.ApplyUpdate([L(-1, 1)], []));
        AssertRejected(fresh, DepthBookResultCode.NoSnapshot, b => b.ApplyUpdate(1, [L(1, 1)], []));

        var book = Book(sequence: null);
        AssertRejected(book, DepthBookResultCode.UnexpectedSequence, b => b.ApplyUpdate(1, [L(99, 1)], []));
        book.BeginSnapshot();
        Assert.AreEqual(DepthBookResultCode.SnapshotInProgress, book.ApplyUpdate([L(99, 1)], []));
        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());

        var sequenced = Book(sequence: 5);
        AssertRejected(sequenced, DepthBookResultCode.SequenceRequired, b => b.ApplyUpdate([L(99, 1)], []));
        sequenced.MarkOutOfSync();
        AssertRejected(sequenced, DepthBookResultCode.OutOfSync, b => b.ApplyUpdate(6, [L(99, 1)], []));
    }

    [TestMethod]
    public void Per_message_sequence_applies_next_ignores_stale_and_stops_at_a_gap()
    {
        var book = Book(sequence: 100);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplyUpdate(101, [L(99, 1)], [L(101, 0)]));
        Assert.AreEqual(101, book.Sequence);
        AssertRejected(book, DepthBookResultCode.Stale, b => b.ApplyUpdate(101, [L(99, 7)], []));
        AssertRejected(book, DepthBookResultCode.Stale, b => b.ApplyUpdate(3, [L(99, 7)], []));
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.ApplyUpdate(-1, [L(99, 7)], []));
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.ApplyUpdate(103, 102, [L(99, 7)], []));
        StringAssert.Contains(DepthBookResultCode.InvalidSequence.Describe(), "first sequence must not exceed its last");
        AssertRejected(book, DepthBookResultCode.Gap, b => b.ApplyUpdate(103, [L(99, 7)], []));
        Assert.IsFalse(book.IsSynced);
        Assert.AreEqual(DepthBookResultCode.OutOfSync, book.ApplyUpdate(102, [L(99, 7)], []));
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(200, [L(50, 1)], [L(60, 1)]));
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplyUpdate(201, [L(50, 2)], []));
        Assert.AreEqual(2, book.GetQuantity(Side.Buy, new Price(50)).Lots);
    }

    [TestMethod]
    public void Range_sequence_follows_the_first_last_rules()
    {
        var book = Book(sequence: 100);
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.ApplyUpdate(105, 104, [L(99, 1)], []));
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.ApplyUpdate(-1, 104, [L(99, 1)], []));
        AssertRejected(book, DepthBookResultCode.Stale, b => b.ApplyUpdate(90, 100, [L(99, 1)], []));

        // Overlapping the book's number is fine: sizes are absolute.
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplyUpdate(95, 110, [L(99, 3)], []));
        Assert.AreEqual(110, book.Sequence);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplyUpdate(111, 111, [], [L(101, 4)]));
        Assert.AreEqual(111, book.Sequence);
        AssertRejected(book, DepthBookResultCode.Gap, b => b.ApplyUpdate(113, 120, [L(99, 1)], []));
        Assert.AreEqual(3, book.GetQuantity(Side.Buy, new Price(99)).Lots);
        Assert.AreEqual(4, book.GetQuantity(Side.Sell, new Price(101)).Lots);
    }

    [TestMethod]
    public void Random_batches_match_a_dictionary_model_applying_their_levels_one_by_one()
    {
        var levelGen = from side in Gen.Elements(Side.Buy, Side.Sell)
                       from price in Gen.Frequency((20, Gen.Choose(900, 1_100).Select(p => (long)p)), (1, Gen.Elements(0L, -3L, MaxPriceTicks + 1)))
                       from size in Gen.Frequency((6, Gen.Choose(1, 50).Select(s => (long)s)), (3, Gen.Constant(0L)), (1, Gen.Constant(-1L)))
                       select (Side: side, Price: price, Size: size);
        var batchGen = from count in Gen.Choose(0, 6)
                       from levels in Gen.ArrayOf(levelGen, count)
                       from first in Gen.Frequency((8, Gen.Constant(1)), (1, Gen.Choose(-2, 0)), (1, Gen.Choose(2, 3)))
                       from width in Gen.Frequency((6, Gen.Constant(0)), (3, Gen.Choose(1, 3)), (1, Gen.Constant(-1)))
                       select (Levels: levels, FirstDelta: (long)first, Width: (long)width);
        var feedGen = from sequenced in Gen.Elements(false, true)
                      from batches in Gen.ArrayOf(batchGen, 60)
                      select (Sequenced: sequenced, Batches: batches);

        var applied = 0;
        var rejected = 0;
        var gaps = 0;
        Prop.ForAll(Arb.From(feedGen), feed =>
        {
            var book = new DepthBook(Instrument, levelCapacity: 4);
            var model = new BatchModel();
            Resync(book, model, feed.Sequenced, 50);

            foreach (var batch in feed.Batches)
            {
                var first = model.Sequence + batch.FirstDelta;
                var last = first + batch.Width;
                var expected = model.Apply(feed.Sequenced, first, last, batch.Levels);
                var bids = batch.Levels.Where(l => l.Side == Side.Buy).Select(l => L(l.Price, l.Size)).ToArray();
                var asks = batch.Levels.Where(l => l.Side == Side.Sell).Select(l => L(l.Price, l.Size)).ToArray();
                var hash = book.ComputeStateHash();
                var actual = feed.Sequenced ? book.ApplyUpdate(first, last, bids, asks) : book.ApplyUpdate(bids, asks);
                Assert.AreEqual(expected, actual, $"batch {string.Join(' ', batch.Levels)} at {first}..{last}");
                if (actual == DepthBookResultCode.Applied)
                {
                    applied++;
                }
                else
                {
                    rejected++;
                    gaps += actual == DepthBookResultCode.Gap ? 1 : 0;
                    Assert.AreEqual(hash, book.ComputeStateHash(), "a rejected batch changed the levels");
                }

                Assert.AreEqual(model.Sequence, book.Sequence);
                Assert.AreEqual(model.Synced, book.IsSynced);
                foreach (var side in new[] { Side.Buy, Side.Sell })
                {
                    var levels = model.Levels(side);
                    var depth = new DepthLevel[levels.Length + 1];
                    Assert.AreEqual(levels.Length, book.GetDepth(side, depth));
                    CollectionAssert.AreEqual(levels, depth[..levels.Length]);
                }

                if (!model.Synced)
                {
                    // Resync as a connector would, so the rest of the feed keeps testing updates.
                    Resync(book, model, feed.Sequenced, model.Sequence + 7);
                }
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(60).WithQuietOnSuccess(true));

        Assert.IsTrue(applied > 1_000, $"applied {applied}");
        Assert.IsTrue(rejected > 300, $"rejected {rejected}");
        Assert.IsTrue(gaps > 50, $"gaps {gaps}");
    }

    private static void Resync(DepthBook book, BatchModel model, bool sequenced, long sequence)
    {
        var code = sequenced ? book.ApplySnapshot(sequence, [L(990, 5)], [L(1_010, 5)]) : book.ApplySnapshot([L(990, 5)], [L(1_010, 5)]);
        Assert.AreEqual(DepthBookResultCode.Applied, code);
        model.Snapshot(sequenced ? sequence : 0);
    }

    /// <summary>The batch rules written from the specification: checks in order, then every level in order.</summary>
    private sealed class BatchModel
    {
        private readonly Dictionary<long, long> _bids = [];
        private readonly Dictionary<long, long> _asks = [];

        public long Sequence { get; private set; }

        public bool Synced { get; private set; }

        public void Snapshot(long sequence)
        {
            _bids.Clear();
            _asks.Clear();
            _bids[990] = 5;
            _asks[1_010] = 5;
            Sequence = sequence;
            Synced = true;
        }

        public DepthLevel[] Levels(Side side) => side == Side.Buy
            ? [.. _bids.OrderByDescending(p => p.Key).Select(p => L(p.Key, p.Value))]
            : [.. _asks.OrderBy(p => p.Key).Select(p => L(p.Key, p.Value))];

        public DepthBookResultCode Apply(bool sequenced, long first, long last, (Side Side, long Price, long Size)[] levels)
        {
            if (sequenced)
            {
                if (first < 0 || last < first)
                {
                    return DepthBookResultCode.InvalidSequence;
                }

                if (last <= Sequence)
                {
                    return DepthBookResultCode.Stale;
                }

                if (first > Sequence + 1)
                {
                    Synced = false;
                    return DepthBookResultCode.Gap;
                }
            }

            var ordered = levels.Where(l => l.Side == Side.Buy).Concat(levels.Where(l => l.Side == Side.Sell)).ToArray();
            foreach (var (_, price, size) in ordered)
            {
                if (price <= 0)
                {
                    return DepthBookResultCode.InvalidPrice;
                }

                if (price > MaxPriceTicks)
                {
                    return DepthBookResultCode.PriceAboveMaximum;
                }

                if (size < 0)
                {
                    return DepthBookResultCode.InvalidQuantity;
                }
            }

            foreach (var (side, price, size) in ordered)
            {
                var map = side == Side.Buy ? _bids : _asks;
                if (size == 0)
                {
                    map.Remove(price);
                }
                else
                {
                    map[price] = size;
                }
            }

            if (sequenced)
            {
                Sequence = last;
            }

            return DepthBookResultCode.Applied;
        }
    }
}
