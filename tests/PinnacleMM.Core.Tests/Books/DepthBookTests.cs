using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Books;

[TestClass]
public sealed class DepthBookTests
{
    // maxPrice 1000.00 with tick 0.01: MaxPrice is 100_000 ticks.
    private static readonly InstrumentSpec Instrument = new("BTC-USD", 0.01m, 0.001m, maxPrice: 1_000m);
    private const long MaxPriceTicks = 100_000;

    private static DepthLevel L(long price, long size) => new(new Price(price), new Quantity(size), 0);

    private static Price P(long ticks) => new(ticks);

    private static Quantity Q(long lots) => new(lots);

    /// <summary>Bids 99 (10), 98 (20), 97 (30); asks 101 (11), 102 (21), 103 (31).</summary>
    private static DepthBook Book(long? sequence = 100)
    {
        var book = new DepthBook(Instrument);
        DepthLevel[] bids = [L(98, 20), L(99, 10), L(97, 30)];
        DepthLevel[] asks = [L(103, 31), L(101, 11), L(102, 21)];
        var code = sequence is { } s ? book.ApplySnapshot(s, bids, asks) : book.ApplySnapshot(bids, asks);
        Assert.AreEqual(DepthBookResultCode.Applied, code);
        return book;
    }

    private static DepthLevel[] Levels(DepthBook book, Side side)
    {
        var levels = new DepthLevel[(side == Side.Buy ? book.BidLevelCount : book.AskLevelCount) + 1];
        return levels[..book.GetDepth(side, levels)];
    }

    /// <summary>Runs <paramref name="action"/> and asserts it returns <paramref name="expected"/> with the levels, sequence and sync state unchanged.</summary>
    private static void AssertRejected(DepthBook book, DepthBookResultCode expected, Func<DepthBook, DepthBookResultCode> action)
    {
        var hash = book.ComputeStateHash();
        var sequence = book.Sequence;
        var synced = book.IsSynced;
        var sequenced = book.IsSequenced;
        Assert.AreEqual(expected, action(book));
        Assert.IsFalse(expected.IsAccepted());
        Assert.AreEqual(hash, book.ComputeStateHash(), "levels changed");
        Assert.AreEqual(sequence, book.Sequence, "sequence changed");
        if (expected != DepthBookResultCode.Gap)
        {
            Assert.AreEqual(synced, book.IsSynced, "sync state changed");
        }

        Assert.AreEqual(sequenced, book.IsSequenced, "sequence mode changed");
    }

    // ------------------------------------------------------------------ construction

    [TestMethod]
    public void Constructor_rejects_null_instrument_and_non_positive_capacity()
    {
        Assert.ThrowsExactly<ArgumentNullException>(() => new DepthBook(null!));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DepthBook(Instrument, 0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new DepthBook(Instrument, -1));
    }

    [TestMethod]
    public void New_book_is_empty_unsynced_and_refuses_updates_before_a_snapshot()
    {
        var book = new DepthBook(Instrument);
        Assert.AreSame(Instrument, book.Instrument);
        Assert.IsFalse(book.IsSynced);
        Assert.IsFalse(book.IsSequenced);
        Assert.IsFalse(book.IsCrossed);
        Assert.AreEqual(0, book.BidLevelCount);
        Assert.AreEqual(0, book.AskLevelCount);
        Assert.AreEqual(0, book.Sequence);
        Assert.IsFalse(book.TryGetBestBid(out var bid, out var bidSize));
        Assert.IsFalse(book.TryGetBestAsk(out var ask, out var askSize));
        Assert.AreEqual((Price.Zero, Quantity.Zero, Price.Zero, Quantity.Zero), (bid, bidSize, ask, askSize));

        AssertRejected(book, DepthBookResultCode.NoSnapshot, b => b.SetLevel(Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.NoSnapshot, b => b.SetLevel(1, Side.Buy, P(99), Q(1)));
        Assert.AreEqual(0, book.BidLevelCount);
    }

    // ------------------------------------------------------------------ snapshots

    [TestMethod]
    public void Snapshot_from_spans_sorts_levels_takes_sequence_and_syncs()
    {
        var book = Book(sequence: 100);
        Assert.IsTrue(book.IsSynced);
        Assert.IsTrue(book.IsSequenced);
        Assert.AreEqual(100, book.Sequence);
        CollectionAssert.AreEqual(new[] { L(99, 10), L(98, 20), L(97, 30) }, Levels(book, Side.Buy));
        CollectionAssert.AreEqual(new[] { L(101, 11), L(102, 21), L(103, 31) }, Levels(book, Side.Sell));
        Assert.IsTrue(book.TryGetBestBid(out var bid, out var bidSize));
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out var askSize));
        Assert.AreEqual((P(99), Q(10), P(101), Q(11)), (bid, bidSize, ask, askSize));
        Assert.IsFalse(book.IsCrossed);
    }

    [TestMethod]
    public void Snapshot_without_sequence_makes_an_unsequenced_synced_book()
    {
        var book = Book(sequence: null);
        Assert.IsTrue(book.IsSynced);
        Assert.IsFalse(book.IsSequenced);
        Assert.AreEqual(0, book.Sequence);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Buy, P(99), Q(5)));
        Assert.AreEqual(Q(5), book.GetQuantity(Side.Buy, P(99)));
    }

    [TestMethod]
    public void Snapshot_replaces_both_sides_completely_and_skips_zero_sizes()
    {
        var book = Book();
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(7, [L(50, 1), L(49, 0)], [L(60, 0)]));
        CollectionAssert.AreEqual(new[] { L(50, 1) }, Levels(book, Side.Buy));
        Assert.AreEqual(0, book.AskLevelCount);
        Assert.AreEqual(7, book.Sequence);
        Assert.AreEqual(Quantity.Zero, book.GetQuantity(Side.Buy, P(99)));
    }

    [TestMethod]
    public void Snapshot_resyncs_a_book_that_saw_a_gap_and_may_lower_the_sequence()
    {
        var book = Book(sequence: 100);
        Assert.AreEqual(DepthBookResultCode.Gap, book.SetLevel(105, Side.Buy, P(99), Q(1)));
        Assert.IsFalse(book.IsSynced);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(3, [L(90, 1)], [L(110, 1)]));
        Assert.IsTrue(book.IsSynced);
        Assert.AreEqual(3, book.Sequence);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(4, Side.Buy, P(91), Q(2)));
    }

    [TestMethod]
    public void Empty_snapshot_gives_an_empty_synced_book()
    {
        var book = Book();
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(0, [], []));
        Assert.IsTrue(book.IsSynced);
        Assert.AreEqual(0, book.BidLevelCount + book.AskLevelCount);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(1, Side.Sell, P(5), Q(1)));
    }

    [TestMethod]
    [DataRow(0L, 1L, DepthBookResultCode.InvalidPrice)]
    [DataRow(-5L, 1L, DepthBookResultCode.InvalidPrice)]
    [DataRow(MaxPriceTicks + 1, 1L, DepthBookResultCode.PriceAboveMaximum)]
    [DataRow(long.MaxValue, 1L, DepthBookResultCode.PriceAboveMaximum)]
    [DataRow(50L, -1L, DepthBookResultCode.InvalidQuantity)]
    public void Snapshot_with_an_invalid_level_is_rejected_and_book_unchanged(long price, long size, DepthBookResultCode expected)
    {
        var book = Book();
        AssertRejected(book, expected, b => b.ApplySnapshot(200, [L(40, 1), L(price, size)], [L(110, 1)]));
        AssertRejected(book, expected, b => b.ApplySnapshot(200, [L(40, 1)], [L(price, size)]));
        Assert.AreEqual(3, book.BidLevelCount);
        Assert.IsFalse(book.IsBuildingSnapshot);
    }

    [TestMethod]
    public void Snapshot_with_a_duplicate_price_is_rejected_and_book_unchanged()
    {
        var book = Book();
        AssertRejected(book, DepthBookResultCode.DuplicateSnapshotLevel, b => b.ApplySnapshot(200, [L(40, 1), L(41, 2), L(40, 3)], []));
        AssertRejected(book, DepthBookResultCode.DuplicateSnapshotLevel, b => b.ApplySnapshot(200, [], [L(140, 1), L(140, 1)]));
    }

    [TestMethod]
    public void Same_price_on_both_sides_of_a_snapshot_is_a_crossed_snapshot_not_a_duplicate()
    {
        var book = Book();
        AssertRejected(book, DepthBookResultCode.CrossedSnapshot, b => b.ApplySnapshot(200, [L(100, 1)], [L(100, 1)]));
    }

    [TestMethod]
    [DataRow(100L, 100L)]
    [DataRow(101L, 100L)]
    [DataRow(500L, 1L)]
    public void Crossed_or_locked_snapshot_is_rejected_and_book_unchanged(long bestBid, long bestAsk)
    {
        var book = Book();
        AssertRejected(book, DepthBookResultCode.CrossedSnapshot, b => b.ApplySnapshot(200, [L(1, 5), L(bestBid, 1)], [L(bestAsk, 1), L(1_000, 5)]));
    }

    [TestMethod]
    public void Snapshot_with_negative_sequence_is_rejected_and_book_unchanged()
    {
        var book = Book();
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.ApplySnapshot(-1, [L(40, 1)], []));
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.BeginSnapshot(-1));
        Assert.IsFalse(book.IsBuildingSnapshot);
    }

    // ------------------------------------------------------------------ snapshot builder

    [TestMethod]
    public void Builder_snapshot_levels_in_any_order_replace_the_book_at_end()
    {
        var book = Book();
        Assert.AreEqual(DepthBookResultCode.Applied, book.BeginSnapshot(500));
        Assert.IsTrue(book.IsBuildingSnapshot);
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Sell, P(121), Q(2)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(118), Q(3)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Sell, P(120), Q(1)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(119), Q(4)));

        // Until the end the old book is what queries see.
        Assert.AreEqual(Q(10), book.GetQuantity(Side.Buy, P(99)));
        Assert.AreEqual(100, book.Sequence);

        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());
        Assert.IsFalse(book.IsBuildingSnapshot);
        Assert.AreEqual(500, book.Sequence);
        CollectionAssert.AreEqual(new[] { L(119, 4), L(118, 3) }, Levels(book, Side.Buy));
        CollectionAssert.AreEqual(new[] { L(120, 1), L(121, 2) }, Levels(book, Side.Sell));
    }

    [TestMethod]
    public void A_refused_begin_keeps_the_snapshot_being_built()
    {
        var book = Book();
        Assert.AreEqual(DepthBookResultCode.Applied, book.BeginSnapshot(500));
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(118), Q(3)));

        Assert.AreEqual(DepthBookResultCode.InvalidSequence, book.BeginSnapshot(-1));
        Assert.IsTrue(book.IsBuildingSnapshot, "the pending build survives the bad input");
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Sell, P(120), Q(1)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());
        Assert.AreEqual(500, book.Sequence);
        CollectionAssert.AreEqual(new[] { L(118, 3) }, Levels(book, Side.Buy));
        CollectionAssert.AreEqual(new[] { L(120, 1) }, Levels(book, Side.Sell));
    }

    [TestMethod]
    public void Builder_grows_past_its_capacity_hint()
    {
        var book = new DepthBook(Instrument, levelCapacity: 1);
        book.BeginSnapshot();
        for (var i = 1; i <= 1_000; i++)
        {
            Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(i), Q(i)));
            Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Sell, P(5_000 - i), Q(i)));
        }

        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());
        Assert.AreEqual(1_000, book.BidLevelCount);
        Assert.AreEqual(1_000, book.AskLevelCount);
        Assert.IsTrue(book.TryGetBestBid(out var bid, out _));
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out _));
        Assert.AreEqual((P(1_000), P(4_000)), (bid, ask));
    }

    [TestMethod]
    public void Builder_steps_without_begin_are_rejected()
    {
        var book = Book();
        AssertRejected(book, DepthBookResultCode.NoSnapshotInProgress, b => b.AddSnapshotLevel(Side.Buy, P(5), Q(1)));
        AssertRejected(book, DepthBookResultCode.NoSnapshotInProgress, b => b.EndSnapshot());
    }

    [TestMethod]
    public void Builder_end_twice_is_rejected_the_second_time()
    {
        var book = Book();
        book.BeginSnapshot(7);
        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());
        AssertRejected(book, DepthBookResultCode.NoSnapshotInProgress, b => b.EndSnapshot());
    }

    [TestMethod]
    [DataRow(0L, 1L, (byte)0, DepthBookResultCode.InvalidPrice)]
    [DataRow(MaxPriceTicks + 1, 1L, (byte)1, DepthBookResultCode.PriceAboveMaximum)]
    [DataRow(50L, -2L, (byte)0, DepthBookResultCode.InvalidQuantity)]
    [DataRow(50L, 1L, (byte)2, DepthBookResultCode.InvalidSide)]
    public void Builder_invalid_level_spoils_the_snapshot_and_end_reports_it(long price, long size, byte side, DepthBookResultCode expected)
    {
        var book = Book();
        var hash = book.ComputeStateHash();
        book.BeginSnapshot(300);
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(10), Q(1)));
        Assert.AreEqual(expected, book.AddSnapshotLevel((Side)side, P(price), Q(size)));

        // A later good level does not un-spoil it.
        Assert.AreEqual(expected, book.AddSnapshotLevel(Side.Sell, P(20), Q(1)));
        AssertRejected(book, expected, b => b.EndSnapshot());
        Assert.IsFalse(book.IsBuildingSnapshot);
        Assert.AreEqual(hash, book.ComputeStateHash());
        Assert.AreEqual(100, book.Sequence);
    }

    [TestMethod]
    public void Begin_again_discards_the_levels_staged_so_far()
    {
        var book = Book();
        book.BeginSnapshot(300);
        book.AddSnapshotLevel(Side.Buy, P(10), Q(1));
        book.AddSnapshotLevel(Side.Buy, P(0), Q(1)); // spoils the first attempt
        Assert.AreEqual(DepthBookResultCode.Applied, book.BeginSnapshot(301));
        Assert.AreEqual(DepthBookResultCode.Applied, book.AddSnapshotLevel(Side.Buy, P(11), Q(2)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.EndSnapshot());
        CollectionAssert.AreEqual(new[] { L(11, 2) }, Levels(book, Side.Buy));
        Assert.AreEqual(301, book.Sequence);
    }

    [TestMethod]
    public void Updates_and_span_snapshots_are_refused_while_a_snapshot_is_being_built()
    {
        var book = Book();
        book.BeginSnapshot(300);
        AssertRejected(book, DepthBookResultCode.SnapshotInProgress, b => b.SetLevel(101, Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.SnapshotInProgress, b => b.SetLevel(Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.SnapshotInProgress, b => b.ApplySnapshot(5, [L(1, 1)], []));
        AssertRejected(book, DepthBookResultCode.SnapshotInProgress, b => b.ApplySnapshot([L(1, 1)], []));
        Assert.IsTrue(book.IsBuildingSnapshot, "the refused span snapshot must not end the build");
    }

    [TestMethod]
    public void Crossed_builder_snapshot_is_rejected_and_book_unchanged()
    {
        var book = Book();
        book.BeginSnapshot(300);
        book.AddSnapshotLevel(Side.Buy, P(130), Q(1));
        book.AddSnapshotLevel(Side.Sell, P(120), Q(1));
        AssertRejected(book, DepthBookResultCode.CrossedSnapshot, b => b.EndSnapshot());
    }

    // ------------------------------------------------------------------ level updates

    [TestMethod]
    public void SetLevel_adds_changes_and_removes_levels()
    {
        var book = Book(sequence: null);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Buy, P(100), Q(7)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Buy, P(98), Q(25)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Sell, P(103), Q(0)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Sell, P(150), Q(4)));
        CollectionAssert.AreEqual(new[] { L(100, 7), L(99, 10), L(98, 25), L(97, 30) }, Levels(book, Side.Buy));
        CollectionAssert.AreEqual(new[] { L(101, 11), L(102, 21), L(150, 4) }, Levels(book, Side.Sell));
    }

    [TestMethod]
    public void Removing_an_absent_level_is_accepted_reported_and_changes_nothing_but_the_sequence()
    {
        var book = Book(sequence: 100);
        var hash = book.ComputeStateHash();
        Assert.AreEqual(DepthBookResultCode.NothingToRemove, book.SetLevel(101, Side.Buy, P(42), Q(0)));
        Assert.IsTrue(DepthBookResultCode.NothingToRemove.IsAccepted());
        Assert.AreEqual(hash, book.ComputeStateHash());
        Assert.AreEqual(101, book.Sequence);

        // The ask at 101 exists, but not on the bid side.
        Assert.AreEqual(DepthBookResultCode.NothingToRemove, book.SetLevel(102, Side.Buy, P(101), Q(0)));
        Assert.AreEqual(hash, book.ComputeStateHash());

        var unsequenced = Book(sequence: null);
        Assert.AreEqual(DepthBookResultCode.NothingToRemove, unsequenced.SetLevel(Side.Sell, P(99), Q(0)));
    }

    [TestMethod]
    public void Removed_level_can_be_added_again()
    {
        var book = Book(sequence: 100);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(101, Side.Sell, P(101), Q(0)));
        Assert.AreEqual(Quantity.Zero, book.GetQuantity(Side.Sell, P(101)));
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out _));
        Assert.AreEqual(P(102), ask);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(102, Side.Sell, P(101), Q(9)));
        Assert.IsTrue(book.TryGetBestAsk(out ask, out var size));
        Assert.AreEqual((P(101), Q(9)), (ask, size));
    }

    [TestMethod]
    public void Price_at_the_instrument_maximum_is_accepted()
    {
        var book = Book(sequence: null);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Sell, P(MaxPriceTicks), Q(1)));
        Assert.AreEqual(Q(1), book.GetQuantity(Side.Sell, P(MaxPriceTicks)));
    }

    [TestMethod]
    [DataRow(0L, 1L, (byte)0, DepthBookResultCode.InvalidPrice)]
    [DataRow(-1L, 1L, (byte)1, DepthBookResultCode.InvalidPrice)]
    [DataRow(long.MinValue, 1L, (byte)0, DepthBookResultCode.InvalidPrice)]
    [DataRow(MaxPriceTicks + 1, 1L, (byte)1, DepthBookResultCode.PriceAboveMaximum)]
    [DataRow(99L, -1L, (byte)0, DepthBookResultCode.InvalidQuantity)]
    [DataRow(99L, long.MinValue, (byte)0, DepthBookResultCode.InvalidQuantity)]
    [DataRow(99L, 1L, (byte)2, DepthBookResultCode.InvalidSide)]
    [DataRow(99L, 1L, (byte)255, DepthBookResultCode.InvalidSide)]
    public void Invalid_update_is_rejected_with_its_code_and_book_unchanged(long price, long size, byte side, DepthBookResultCode expected)
    {
        var unsequenced = Book(sequence: null);
        AssertRejected(unsequenced, expected, b => b.SetLevel((Side)side, P(price), Q(size)));

        var sequenced = Book(sequence: 100);
        AssertRejected(sequenced, expected, b => b.SetLevel(101, (Side)side, P(price), Q(size)));

        // The number was not consumed: the corrected update with the same number applies.
        Assert.AreEqual(DepthBookResultCode.Applied, sequenced.SetLevel(101, Side.Buy, P(99), Q(1)));
        Assert.AreEqual(101, sequenced.Sequence);
    }

    [TestMethod]
    public void Side_queries_refuse_an_undefined_side_as_the_order_book_does_and_a_level_lookup_finds_nothing()
    {
        var book = Book();
        var hash = book.ComputeStateHash();
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.GetDepth((Side)7, new DepthLevel[4]));
        StringAssert.StartsWith(e.Message, "side 7 is not Buy or Sell. (Parameter 'side')");
        e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.SumTopQuantity((Side)7, 3));
        StringAssert.StartsWith(e.Message, "side 7 is not Buy or Sell. (Parameter 'side')");
        var o = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new OrderBook(Instrument).GetDepth((Side)7, new DepthLevel[4]));
        Assert.AreEqual(e.Message, o.Message);

        // A lookup by key: a feed's level update is looked up before SetLevel refuses its side.
        Assert.AreEqual(Quantity.Zero, book.GetQuantity((Side)7, P(99)));
        Assert.AreEqual(hash, book.ComputeStateHash());
    }

    // ------------------------------------------------------------------ sequences

    [TestMethod]
    public void Next_sequence_is_applied_and_becomes_the_book_sequence()
    {
        var book = Book(sequence: 100);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(101, Side.Buy, P(99), Q(1)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(102, Side.Sell, P(101), Q(2)));
        Assert.AreEqual(102, book.Sequence);
        Assert.AreEqual((Q(1), Q(2)), (book.GetQuantity(Side.Buy, P(99)), book.GetQuantity(Side.Sell, P(101))));
    }

    [TestMethod]
    [DataRow(100L)]
    [DataRow(99L)]
    [DataRow(0L)]
    public void Stale_sequence_is_ignored_and_the_book_stays_synced(long sequence)
    {
        var book = Book(sequence: 100);
        AssertRejected(book, DepthBookResultCode.Stale, b => b.SetLevel(sequence, Side.Buy, P(99), Q(12345)));
        Assert.IsTrue(book.IsSynced);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(101, Side.Buy, P(99), Q(1)));
    }

    [TestMethod]
    [DataRow(102L)]
    [DataRow(long.MaxValue)]
    public void Gap_is_reported_ignored_and_unsyncs_the_book_until_the_next_snapshot(long sequence)
    {
        var book = Book(sequence: 100);
        AssertRejected(book, DepthBookResultCode.Gap, b => b.SetLevel(sequence, Side.Buy, P(99), Q(12345)));
        Assert.IsFalse(book.IsSynced);

        // Even the number that would have been next is refused now, and so is any other.
        AssertRejected(book, DepthBookResultCode.OutOfSync, b => b.SetLevel(101, Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.OutOfSync, b => b.SetLevel(sequence + 0, Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.OutOfSync, b => b.SetLevel(Side.Buy, P(99), Q(1)));

        // The levels from before the gap stay readable.
        Assert.AreEqual(Q(10), book.GetQuantity(Side.Buy, P(99)));

        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(200, [L(99, 1)], [L(101, 1)]));
        Assert.IsTrue(book.IsSynced);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(201, Side.Buy, P(99), Q(2)));
    }

    [TestMethod]
    public void Negative_sequence_is_rejected()
    {
        var book = Book(sequence: 100);
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.SetLevel(-1, Side.Buy, P(99), Q(1)));
        AssertRejected(book, DepthBookResultCode.InvalidSequence, b => b.SetLevel(long.MinValue, Side.Buy, P(99), Q(1)));
        Assert.IsTrue(book.IsSynced);
    }

    [TestMethod]
    public void Sequenced_book_requires_a_sequence_and_unsequenced_book_refuses_one()
    {
        AssertRejected(Book(sequence: 100), DepthBookResultCode.SequenceRequired, b => b.SetLevel(Side.Buy, P(99), Q(1)));
        AssertRejected(Book(sequence: null), DepthBookResultCode.UnexpectedSequence, b => b.SetLevel(1, Side.Buy, P(99), Q(1)));
    }

    [TestMethod]
    public void Snapshot_at_the_largest_sequence_makes_every_update_stale_without_overflow()
    {
        var book = Book(sequence: long.MaxValue);
        AssertRejected(book, DepthBookResultCode.Stale, b => b.SetLevel(long.MaxValue, Side.Buy, P(99), Q(1)));
        Assert.IsTrue(book.IsSynced);
    }

    [TestMethod]
    public void Snapshot_at_sequence_zero_accepts_update_one()
    {
        var book = Book(sequence: 0);
        Assert.IsTrue(book.IsSequenced);
        AssertRejected(book, DepthBookResultCode.Stale, b => b.SetLevel(0, Side.Buy, P(99), Q(1)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(1, Side.Buy, P(99), Q(1)));
    }

    // ------------------------------------------------------------------ sync state

    [TestMethod]
    public void MarkOutOfSync_refuses_updates_until_the_next_snapshot_but_keeps_levels()
    {
        var book = Book(sequence: 100);
        var hash = book.ComputeStateHash();
        book.MarkOutOfSync();
        Assert.IsFalse(book.IsSynced);
        Assert.AreEqual(hash, book.ComputeStateHash());
        AssertRejected(book, DepthBookResultCode.OutOfSync, b => b.SetLevel(101, Side.Buy, P(99), Q(1)));
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(1, [], []));
        Assert.IsTrue(book.IsSynced);
    }

    [TestMethod]
    public void MarkOutOfSync_before_any_snapshot_keeps_reporting_no_snapshot()
    {
        var book = new DepthBook(Instrument);
        book.MarkOutOfSync();
        AssertRejected(book, DepthBookResultCode.NoSnapshot, b => b.SetLevel(Side.Buy, P(99), Q(1)));
    }

    [TestMethod]
    public void Clear_returns_the_book_to_its_initial_state()
    {
        var book = Book(sequence: 100);
        book.BeginSnapshot(5);
        book.Clear();
        Assert.AreEqual((0, 0, 0L), (book.BidLevelCount, book.AskLevelCount, book.Sequence));
        Assert.IsFalse(book.IsSynced);
        Assert.IsFalse(book.IsSequenced);
        Assert.IsFalse(book.IsBuildingSnapshot);
        Assert.AreEqual(new DepthBook(Instrument).ComputeStateHash(), book.ComputeStateHash());
        AssertRejected(book, DepthBookResultCode.NoSnapshot, b => b.SetLevel(Side.Buy, P(99), Q(1)));
    }

    // ------------------------------------------------------------------ crossed book

    [TestMethod]
    public void Update_that_locks_or_crosses_the_book_is_applied_and_exposed_by_IsCrossed()
    {
        var book = Book(sequence: null);
        Assert.IsFalse(book.IsCrossed);

        // Locked: bid equal to the best ask.
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Buy, P(101), Q(1)));
        Assert.IsTrue(book.IsCrossed);
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Buy, P(101), Q(0)));
        Assert.IsFalse(book.IsCrossed);

        // Crossed: ask below the best bid.
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Sell, P(95), Q(1)));
        Assert.IsTrue(book.IsCrossed);
        Assert.IsTrue(book.IsSynced, "crossing is for the connector to act on; the book itself stays synced");
        Assert.AreEqual(DepthBookResultCode.Applied, book.SetLevel(Side.Sell, P(95), Q(0)));
        Assert.IsFalse(book.IsCrossed);
    }

    [TestMethod]
    public void Book_with_an_empty_side_is_not_crossed()
    {
        var book = new DepthBook(Instrument);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot([L(500, 1)], []));
        Assert.IsFalse(book.IsCrossed);
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot([], [L(1, 1)]));
        Assert.IsFalse(book.IsCrossed);
    }

    // ------------------------------------------------------------------ queries

    [TestMethod]
    public void GetDepth_writes_the_top_levels_best_first_and_returns_how_many()
    {
        var book = Book();
        var two = new DepthLevel[2];
        Assert.AreEqual(2, book.GetDepth(Side.Buy, two));
        CollectionAssert.AreEqual(new[] { L(99, 10), L(98, 20) }, two);
        Assert.AreEqual(2, book.GetDepth(Side.Sell, two));
        CollectionAssert.AreEqual(new[] { L(101, 11), L(102, 21) }, two);

        var ten = new DepthLevel[10];
        ten[3] = L(1, 1);
        Assert.AreEqual(3, book.GetDepth(Side.Sell, ten));
        Assert.AreEqual(L(1, 1), ten[3], "slots past the side's depth are left alone");
        Assert.AreEqual(0, book.GetDepth(Side.Buy, Span<DepthLevel>.Empty));
    }

    [TestMethod]
    public void GetQuantity_returns_the_size_or_zero()
    {
        var book = Book();
        Assert.AreEqual(Q(20), book.GetQuantity(Side.Buy, P(98)));
        Assert.AreEqual(Q(21), book.GetQuantity(Side.Sell, P(102)));
        Assert.AreEqual(Quantity.Zero, book.GetQuantity(Side.Sell, P(98)));
        Assert.AreEqual(Quantity.Zero, book.GetQuantity(Side.Buy, P(100)));
        Assert.AreEqual(Quantity.Zero, book.GetQuantity(Side.Buy, P(1_000_000)));
    }

    // ------------------------------------------------------------------ state hash

    [TestMethod]
    public void Equal_levels_hash_equal_however_they_were_built()
    {
        var fromSnapshot = Book(sequence: 100);

        var fromUpdates = new DepthBook(Instrument);
        fromUpdates.ApplySnapshot([L(5, 1)], [L(500, 1)]);
        fromUpdates.SetLevel(Side.Sell, P(103), Q(31));
        fromUpdates.SetLevel(Side.Buy, P(97), Q(1));
        fromUpdates.SetLevel(Side.Sell, P(500), Q(0));
        fromUpdates.SetLevel(Side.Buy, P(99), Q(10));
        fromUpdates.SetLevel(Side.Sell, P(101), Q(11));
        fromUpdates.SetLevel(Side.Buy, P(5), Q(0));
        fromUpdates.SetLevel(Side.Buy, P(97), Q(30));
        fromUpdates.SetLevel(Side.Sell, P(102), Q(21));
        fromUpdates.SetLevel(Side.Buy, P(98), Q(20));

        var fromBuilder = new DepthBook(Instrument, levelCapacity: 1);
        fromBuilder.BeginSnapshot(9);
        foreach (var (side, price, size) in new[] { (Side.Sell, 102L, 21L), (Side.Buy, 97L, 30L), (Side.Sell, 101L, 11L), (Side.Buy, 99L, 10L), (Side.Sell, 103L, 31L), (Side.Buy, 98L, 20L) })
        {
            fromBuilder.AddSnapshotLevel(side, P(price), Q(size));
        }

        Assert.AreEqual(DepthBookResultCode.Applied, fromBuilder.EndSnapshot());
        Assert.AreEqual(fromSnapshot.ComputeStateHash(), fromUpdates.ComputeStateHash());
        Assert.AreEqual(fromSnapshot.ComputeStateHash(), fromBuilder.ComputeStateHash());
    }

    [TestMethod]
    public void Hash_changes_with_any_size_price_or_side()
    {
        var reference = Book().ComputeStateHash();
        var hashes = new HashSet<long> { reference };

        var size = Book();
        size.SetLevel(101, Side.Buy, P(97), Q(31));
        Assert.IsTrue(hashes.Add(size.ComputeStateHash()), "size");

        var price = Book();
        price.SetLevel(101, Side.Buy, P(97), Q(0));
        price.SetLevel(102, Side.Buy, P(96), Q(30));
        Assert.IsTrue(hashes.Add(price.ComputeStateHash()), "price");

        var side = new DepthBook(Instrument);
        side.ApplySnapshot([L(50, 1)], []);
        var otherSide = new DepthBook(Instrument);
        otherSide.ApplySnapshot([], [L(50, 1)]);
        Assert.AreNotEqual(side.ComputeStateHash(), otherSide.ComputeStateHash(), "side");
    }

    [TestMethod]
    public void Hash_is_a_fixed_value_for_a_fixed_book()
    {
        // Pinned so that a change to the hash (which would break stored hashes) is a deliberate one.
        var a = Book().ComputeStateHash();
        var b = Book(sequence: null).ComputeStateHash();
        Assert.AreEqual(-7647351553149339799L, a, "the hash of a fixed book is the same in every process and on every machine");
        Assert.AreEqual(a, b, "the sequence is not part of the hash");
        Assert.AreNotEqual(new DepthBook(Instrument).ComputeStateHash(), a);
    }

    // ------------------------------------------------------------------ allocation

    [TestMethod]
    public void Steady_state_updates_snapshots_and_reads_do_not_allocate()
    {
        var book = new DepthBook(Instrument, levelCapacity: 128);
        var bids = new DepthLevel[50];
        var asks = new DepthLevel[50];
        for (var i = 0; i < 50; i++)
        {
            bids[i] = L(10_000 - i, 100 + i);
            asks[i] = L(10_001 + i, 100 + i);
        }

        var top = new DepthLevel[10];
        long sequence = 1;
        Assert.AreEqual(DepthBookResultCode.Applied, book.ApplySnapshot(sequence, bids, asks));
        Run(); // warm up: JIT, tiering, lazily created sort helpers

        var applied = 0;
        SteadyState.AssertAllocatesNothing("500 rounds of level updates, snapshots and reads", () => applied = Run());
        Assert.IsTrue(applied > 10_000, $"only {applied} updates applied");
        Assert.IsTrue(book.IsSynced);

        int Run()
        {
            var count = 0;
            for (var round = 0; round < 500; round++)
            {
                for (var k = 0; k < 10; k++)
                {
                    var side = (k & 1) == 0 ? Side.Buy : Side.Sell;
                    var price = side == Side.Buy ? 10_000 - k : 10_001 + k;
                    count += book.SetLevel(++sequence, side, P(price), Q(round + 1)).IsAccepted() ? 1 : 0;
                    count += book.SetLevel(++sequence, side, P(price), Q(0)).IsAccepted() ? 1 : 0;
                    count += book.SetLevel(++sequence, side, P(price), Q(round + 2)).IsAccepted() ? 1 : 0;
                }

                book.TryGetBestBid(out _, out _);
                book.TryGetBestAsk(out _, out _);
                book.GetDepth(Side.Buy, top);
                _ = book.GetQuantity(Side.Sell, P(10_005)) + book.GetQuantity(Side.Buy, P(9_990));
                _ = book.IsCrossed;
                if (round % 100 == 0)
                {
                    book.ComputeStateHash();
                    book.BeginSnapshot(sequence);
                    for (var i = 49; i >= 0; i--)
                    {
                        book.AddSnapshotLevel(Side.Sell, asks[i].Price, asks[i].Quantity);
                        book.AddSnapshotLevel(Side.Buy, bids[i].Price, bids[i].Quantity);
                    }

                    count += book.EndSnapshot() == DepthBookResultCode.Applied ? 1 : 0;
                    count += book.ApplySnapshot(sequence, bids, asks) == DepthBookResultCode.Applied ? 1 : 0;
                }
            }

            return count;
        }
    }

    // ------------------------------------------------------------------ result codes

    [TestMethod]
    public void Every_result_code_is_described_and_only_applied_and_nothing_to_remove_are_accepted()
    {
        foreach (var code in Enum.GetValues<DepthBookResultCode>())
        {
            Assert.AreNotEqual("unknown result code", code.Describe(), code.ToString());
            Assert.AreEqual(code is DepthBookResultCode.Applied or DepthBookResultCode.NothingToRemove, code.IsAccepted(), code.ToString());
        }

        Assert.AreEqual("unknown result code", ((DepthBookResultCode)200).Describe());
    }
}
