using System.Runtime.CompilerServices;
using PinnacleMM.Core.Internal;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// An L2 (price-level) book for one instrument that mirrors an exchange's market data feed: a snapshot
/// replaces both sides, then each update sets one level's absolute size (0 removes it).
/// </summary>
/// <remarks>
/// <para>
/// <b>Snapshots.</b> Either pass both sides as spans (<see cref="ApplySnapshot(long, ReadOnlySpan{DepthLevel}, ReadOnlySpan{DepthLevel})"/>)
/// or, for a connector that decodes <c>[price, size]</c> pairs one at a time, call
/// <see cref="BeginSnapshot(long)"/>, <see cref="AddSnapshotLevel"/> per level (any order) and
/// <see cref="EndSnapshot"/>. The levels are staged aside and only replace the book when the finished
/// snapshot is valid (no bad level, no price twice on a side, not crossed); a rejected snapshot leaves
/// the book exactly as it was.
/// </para>
/// <para>
/// <b>Sequences.</b> A snapshot given a sequence number makes the book <see cref="IsSequenced"/>: every
/// update must then carry a number s, applied when s = <see cref="Sequence"/> + 1, ignored as
/// <see cref="DepthBookResultCode.Stale"/> when s &lt;= <see cref="Sequence"/>, and refused as a
/// <see cref="DepthBookResultCode.Gap"/> when s is higher, after which the book is out of sync
/// (<see cref="IsSynced"/> is false) and refuses updates until the next snapshot. Feeds without
/// sequence numbers use the overloads without one.
/// </para>
/// <para>
/// Expected rejections are returned as <see cref="DepthBookResultCode"/> values, never thrown, and leave
/// the levels and sequence unchanged. Levels live in sorted arrays with the best price at the end, so
/// updates near the top of the book are cheap, and once the book has reached its working depth no
/// operation allocates. Not thread-safe: one thread (the strategy thread) owns a book.
/// </para>
/// </remarks>
public sealed class DepthBook
{
    private readonly PriceLadder _bids;
    private readonly PriceLadder _asks;

    // The snapshot being built, staged aside so that a rejected snapshot leaves the book untouched.
    private long[] _stagedBidPrices;
    private long[] _stagedBidSizes;
    private long[] _stagedAskPrices;
    private long[] _stagedAskSizes;
    private int _stagedBidCount;
    private int _stagedAskCount;
    private bool _building;
    private bool _buildHasSequence;
    private long _buildSequence;
    private DepthBookResultCode _buildError;

    private SyncState _state;
    private long _sequence;
    private bool _isSequenced;

    /// <summary>Creates an empty book for <paramref name="instrument"/>; it accepts updates after its first snapshot.</summary>
    /// <param name="instrument">The instrument's grid; its maximum price is enforced.</param>
    /// <param name="levelCapacity">The number of levels per side to preallocate for; the book grows past it when needed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="levelCapacity"/> is zero or negative.</exception>
    public DepthBook(InstrumentSpec instrument, int levelCapacity = 64)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levelCapacity);
        Instrument = instrument;
        _bids = new PriceLadder(isBid: true, levelCapacity);
        _asks = new PriceLadder(isBid: false, levelCapacity);
        _stagedBidPrices = new long[levelCapacity];
        _stagedBidSizes = new long[levelCapacity];
        _stagedAskPrices = new long[levelCapacity];
        _stagedAskSizes = new long[levelCapacity];
    }

    private enum SyncState : byte
    {
        NoSnapshot,
        Synced,
        OutOfSync,
    }

    /// <summary>The instrument this book mirrors.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>
    /// The sequence number of the last applied snapshot or update; 0 when the book is not
    /// <see cref="IsSequenced"/> or has had no snapshot.
    /// </summary>
    public long Sequence => _sequence;

    /// <summary>Whether the last snapshot carried a sequence number, so that updates must carry one too.</summary>
    public bool IsSequenced => _isSequenced;

    /// <summary>
    /// Whether the book has a snapshot and has seen no gap since: it accepts updates. False before the
    /// first snapshot, after a <see cref="DepthBookResultCode.Gap"/>, <see cref="MarkOutOfSync"/> or <see cref="Clear"/>.
    /// </summary>
    public bool IsSynced => _state == SyncState.Synced;

    /// <summary>Whether a snapshot is being built: <see cref="BeginSnapshot(long)"/> was called and <see cref="EndSnapshot"/> not yet.</summary>
    public bool IsBuildingSnapshot => _building;

    /// <summary>
    /// Whether the best bid is at or above the best ask. A feed's book is never crossed, so this means
    /// messages were lost or misapplied; a connector should resynchronize from a new snapshot.
    /// </summary>
    public bool IsCrossed =>
        _bids.Count > 0 && _asks.Count > 0 && _bids.PriceAt(_bids.BestIndex) >= _asks.PriceAt(_asks.BestIndex);

    /// <summary>The number of bid price levels.</summary>
    public int BidLevelCount => _bids.Count;

    /// <summary>The number of ask price levels.</summary>
    public int AskLevelCount => _asks.Count;

    // ------------------------------------------------------------------ snapshots

    /// <summary>
    /// Replaces both sides with a snapshot from a feed that has sequence numbers, and marks the book
    /// synced at <paramref name="sequence"/>. The levels may come in any order; levels of size 0 are skipped
    /// and <see cref="DepthLevel.OrderCount"/> is ignored.
    /// </summary>
    /// <param name="sequence">The snapshot's sequence number (e.g. Binance's <c>lastUpdateId</c>): the next update must carry <paramref name="sequence"/> + 1.</param>
    /// <param name="bids">The bid levels.</param>
    /// <param name="asks">The ask levels.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or, with the book unchanged, <see cref="DepthBookResultCode.InvalidSequence"/>,
    /// <see cref="DepthBookResultCode.SnapshotInProgress"/>, the level rules of <see cref="AddSnapshotLevel"/>,
    /// <see cref="DepthBookResultCode.DuplicateSnapshotLevel"/> or <see cref="DepthBookResultCode.CrossedSnapshot"/>.
    /// </returns>
    public DepthBookResultCode ApplySnapshot(long sequence, ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        if (_building)
        {
            return DepthBookResultCode.SnapshotInProgress;
        }

        var code = BeginSnapshot(sequence);
        return code == DepthBookResultCode.Applied ? StageAndEnd(bids, asks) : code;
    }

    /// <summary>
    /// Replaces both sides with a snapshot from a feed without sequence numbers, and marks the book synced
    /// and not <see cref="IsSequenced"/>. Same rules as <see cref="ApplySnapshot(long, ReadOnlySpan{DepthLevel}, ReadOnlySpan{DepthLevel})"/>.
    /// </summary>
    /// <param name="bids">The bid levels.</param>
    /// <param name="asks">The ask levels.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or, with the book unchanged, <see cref="DepthBookResultCode.SnapshotInProgress"/>,
    /// the level rules of <see cref="AddSnapshotLevel"/>, <see cref="DepthBookResultCode.DuplicateSnapshotLevel"/> or
    /// <see cref="DepthBookResultCode.CrossedSnapshot"/>.
    /// </returns>
    public DepthBookResultCode ApplySnapshot(ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        if (_building)
        {
            return DepthBookResultCode.SnapshotInProgress;
        }

        BeginSnapshot();
        return StageAndEnd(bids, asks);
    }

    /// <summary>
    /// Starts building a snapshot from a feed that has sequence numbers; add its levels with
    /// <see cref="AddSnapshotLevel"/> and finish with <see cref="EndSnapshot"/>. The book keeps its current
    /// levels, answers queries and refuses updates until then. A snapshot already being built is discarded (unless the sequence is refused).
    /// </summary>
    /// <param name="sequence">The snapshot's sequence number: the next update must carry <paramref name="sequence"/> + 1.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>, or <see cref="DepthBookResultCode.InvalidSequence"/> when it is negative: nothing
    /// changes then, and a snapshot already being built stays in progress.
    /// </returns>
    public DepthBookResultCode BeginSnapshot(long sequence)
    {
        if (sequence < 0)
        {
            return DepthBookResultCode.InvalidSequence;
        }

        StartBuild(hasSequence: true, sequence);
        return DepthBookResultCode.Applied;
    }

    /// <summary>
    /// Starts building a snapshot from a feed without sequence numbers (e.g. Coinbase Exchange level2);
    /// see <see cref="BeginSnapshot(long)"/>. A snapshot already being built is discarded.
    /// </summary>
    public void BeginSnapshot() => StartBuild(hasSequence: false, sequence: 0);

    /// <summary>
    /// Adds one level to the snapshot being built. Levels may come in any order; a size of 0 is skipped.
    /// The first rejected level spoils the snapshot: later levels are ignored and <see cref="EndSnapshot"/>
    /// returns the same code, leaving the book unchanged.
    /// </summary>
    /// <param name="side">The level's side.</param>
    /// <param name="price">The level's price; positive and at most the instrument's maximum price.</param>
    /// <param name="quantity">The level's total size; not negative.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or <see cref="DepthBookResultCode.NoSnapshotInProgress"/>,
    /// <see cref="DepthBookResultCode.InvalidSide"/>, <see cref="DepthBookResultCode.InvalidPrice"/>,
    /// <see cref="DepthBookResultCode.PriceAboveMaximum"/>, <see cref="DepthBookResultCode.InvalidQuantity"/>, or an
    /// earlier level's rejection. Duplicates and crossing are found by <see cref="EndSnapshot"/>.
    /// </returns>
    public DepthBookResultCode AddSnapshotLevel(Side side, Price price, Quantity quantity)
    {
        if (!_building)
        {
            return DepthBookResultCode.NoSnapshotInProgress;
        }

        if (_buildError != DepthBookResultCode.Applied)
        {
            return _buildError;
        }

        var code = ValidateLevel(side, price.Ticks, quantity.Lots);
        if (code != DepthBookResultCode.Applied)
        {
            _buildError = code;
            return code;
        }

        if (quantity.Lots != 0)
        {
            if (side == Side.Buy)
            {
                Stage(ref _stagedBidPrices, ref _stagedBidSizes, ref _stagedBidCount, price.Ticks, quantity.Lots);
            }
            else
            {
                Stage(ref _stagedAskPrices, ref _stagedAskSizes, ref _stagedAskCount, price.Ticks, quantity.Lots);
            }
        }

        return DepthBookResultCode.Applied;
    }

    /// <summary>
    /// Finishes the snapshot being built: when it is valid, replaces both sides with it, takes its sequence
    /// number (if it had one) and marks the book synced. Either way no snapshot is being built afterwards.
    /// </summary>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or, with the book unchanged, <see cref="DepthBookResultCode.NoSnapshotInProgress"/>,
    /// the first level rejection from <see cref="AddSnapshotLevel"/>, <see cref="DepthBookResultCode.DuplicateSnapshotLevel"/>
    /// (a price twice on one side) or <see cref="DepthBookResultCode.CrossedSnapshot"/> (best bid at or above best ask).
    /// </returns>
    public DepthBookResultCode EndSnapshot()
    {
        if (!_building)
        {
            return DepthBookResultCode.NoSnapshotInProgress;
        }

        _building = false;
        if (_buildError != DepthBookResultCode.Applied)
        {
            return _buildError;
        }

        var bidPrices = _stagedBidPrices.AsSpan(0, _stagedBidCount);
        var bidSizes = _stagedBidSizes.AsSpan(0, _stagedBidCount);
        var askPrices = _stagedAskPrices.AsSpan(0, _stagedAskCount);
        var askSizes = _stagedAskSizes.AsSpan(0, _stagedAskCount);
        bidPrices.Sort(bidSizes);
        askPrices.Sort(askSizes);
        if (HasDuplicate(bidPrices) || HasDuplicate(askPrices))
        {
            return DepthBookResultCode.DuplicateSnapshotLevel;
        }

        // Both are sorted ascending: the best bid is the last, the best ask the first.
        if (bidPrices.Length > 0 && askPrices.Length > 0 && bidPrices[^1] >= askPrices[0])
        {
            return DepthBookResultCode.CrossedSnapshot;
        }

        // The ladders keep the best level at the end: bids ascending, asks descending; every insert is an append.
        _bids.Clear();
        for (var i = 0; i < bidPrices.Length; i++)
        {
            _bids.InsertAt(_bids.Count, bidPrices[i], bidSizes[i]);
        }

        _asks.Clear();
        for (var i = askPrices.Length - 1; i >= 0; i--)
        {
            _asks.InsertAt(_asks.Count, askPrices[i], askSizes[i]);
        }

        _isSequenced = _buildHasSequence;
        _sequence = _buildSequence;
        _state = SyncState.Synced;
        return DepthBookResultCode.Applied;
    }

    // ------------------------------------------------------------------ updates

    /// <summary>
    /// Sets one level's absolute size from a feed without sequence numbers: 0 removes the level, any
    /// other size adds or replaces it.
    /// </summary>
    /// <param name="side">The level's side.</param>
    /// <param name="price">The level's price; positive and at most the instrument's maximum price.</param>
    /// <param name="quantity">The level's new total size; not negative, 0 to remove it.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>, or <see cref="DepthBookResultCode.NothingToRemove"/> for size 0 at a price
    /// with no level; or, with the book unchanged, checked in this order: <see cref="DepthBookResultCode.SnapshotInProgress"/>,
    /// <see cref="DepthBookResultCode.NoSnapshot"/>, <see cref="DepthBookResultCode.OutOfSync"/>,
    /// <see cref="DepthBookResultCode.SequenceRequired"/> (the book is <see cref="IsSequenced"/>), <see cref="DepthBookResultCode.InvalidSide"/>,
    /// <see cref="DepthBookResultCode.InvalidPrice"/>, <see cref="DepthBookResultCode.PriceAboveMaximum"/>, <see cref="DepthBookResultCode.InvalidQuantity"/>.
    /// </returns>
    public DepthBookResultCode SetLevel(Side side, Price price, Quantity quantity)
    {
        var code = CheckAcceptsUpdates();
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        if (_isSequenced)
        {
            return DepthBookResultCode.SequenceRequired;
        }

        code = ValidateLevel(side, price.Ticks, quantity.Lots);
        return code != DepthBookResultCode.Applied ? code : Set(side, price.Ticks, quantity.Lots);
    }

    /// <summary>
    /// Sets one level's absolute size from a feed with sequence numbers: applied only when
    /// <paramref name="sequence"/> is <see cref="Sequence"/> + 1, after which it becomes the book's
    /// <see cref="Sequence"/>. 0 removes the level, any other size adds or replaces it.
    /// </summary>
    /// <param name="sequence">The update's sequence number.</param>
    /// <param name="side">The level's side.</param>
    /// <param name="price">The level's price; positive and at most the instrument's maximum price.</param>
    /// <param name="quantity">The level's new total size; not negative, 0 to remove it.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>, or <see cref="DepthBookResultCode.NothingToRemove"/> for size 0 at a price
    /// with no level (the sequence number is consumed either way); or, with the levels and sequence unchanged, checked in
    /// this order: <see cref="DepthBookResultCode.SnapshotInProgress"/>, <see cref="DepthBookResultCode.NoSnapshot"/>,
    /// <see cref="DepthBookResultCode.OutOfSync"/>, <see cref="DepthBookResultCode.UnexpectedSequence"/> (the book is not
    /// <see cref="IsSequenced"/>), <see cref="DepthBookResultCode.InvalidSequence"/>, <see cref="DepthBookResultCode.Stale"/>,
    /// <see cref="DepthBookResultCode.Gap"/> (which also marks the book out of sync), <see cref="DepthBookResultCode.InvalidSide"/>,
    /// <see cref="DepthBookResultCode.InvalidPrice"/>, <see cref="DepthBookResultCode.PriceAboveMaximum"/>,
    /// <see cref="DepthBookResultCode.InvalidQuantity"/>. An update with the right number but invalid content does not
    /// consume the number, so the next update is reported as a gap.
    /// </returns>
    public DepthBookResultCode SetLevel(long sequence, Side side, Price price, Quantity quantity)
    {
        var code = CheckAcceptsUpdates();
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        if (!_isSequenced)
        {
            return DepthBookResultCode.UnexpectedSequence;
        }

        if (sequence < 0)
        {
            return DepthBookResultCode.InvalidSequence;
        }

        if (sequence <= _sequence)
        {
            return DepthBookResultCode.Stale;
        }

        // sequence > _sequence >= 0, so sequence - 1 cannot overflow.
        if (sequence - 1 != _sequence)
        {
            _state = SyncState.OutOfSync;
            return DepthBookResultCode.Gap;
        }

        code = ValidateLevel(side, price.Ticks, quantity.Lots);
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        code = Set(side, price.Ticks, quantity.Lots);
        _sequence = sequence;
        return code;
    }

    /// <summary>
    /// Marks the book out of sync (for instance after a disconnect or on finding it crossed): it keeps its
    /// levels for queries and refuses updates with <see cref="DepthBookResultCode.OutOfSync"/> until the next snapshot.
    /// Does nothing to a book that has had no snapshot.
    /// </summary>
    public void MarkOutOfSync()
    {
        if (_state == SyncState.Synced)
        {
            _state = SyncState.OutOfSync;
        }
    }

    /// <summary>
    /// Removes every level, resets <see cref="Sequence"/> to 0, discards a snapshot being built and returns
    /// the book to its initial state: it refuses updates with <see cref="DepthBookResultCode.NoSnapshot"/> until the next snapshot.
    /// </summary>
    public void Clear()
    {
        _bids.Clear();
        _asks.Clear();
        _building = false;
        _state = SyncState.NoSnapshot;
        _sequence = 0;
        _isSequenced = false;
    }

    // ------------------------------------------------------------------ batched updates

    /// <summary>
    /// Applies one feed message's changes, all or nothing, to a book without sequence numbers (e.g. one
    /// Coinbase Exchange <c>l2update</c>): each level sets that price's absolute size, 0 removes it. Every
    /// level is checked before any is applied, so a message with one bad level changes nothing. Within a
    /// side the levels apply in order (a later change of the same price wins); a removal of a price with no
    /// level is accepted silently, as <see cref="DepthBookResultCode.NothingToRemove"/> is for one level.
    /// <see cref="DepthLevel.OrderCount"/> is ignored.
    /// </summary>
    /// <param name="bids">The changed bid levels.</param>
    /// <param name="asks">The changed ask levels.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or, with the book unchanged, checked in this order:
    /// <see cref="DepthBookResultCode.SnapshotInProgress"/>, <see cref="DepthBookResultCode.NoSnapshot"/>,
    /// <see cref="DepthBookResultCode.OutOfSync"/>, <see cref="DepthBookResultCode.SequenceRequired"/> (the book is
    /// <see cref="IsSequenced"/>), then the first level (bids before asks) that breaks a rule of
    /// <see cref="SetLevel(Side, Price, Quantity)"/>: <see cref="DepthBookResultCode.InvalidPrice"/>,
    /// <see cref="DepthBookResultCode.PriceAboveMaximum"/> or <see cref="DepthBookResultCode.InvalidQuantity"/>.
    /// </returns>
    public DepthBookResultCode ApplyUpdate(ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        var code = CheckAcceptsUpdates();
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        if (_isSequenced)
        {
            return DepthBookResultCode.SequenceRequired;
        }

        code = ValidateBatch(bids, asks);
        if (code == DepthBookResultCode.Applied)
        {
            SetBatch(bids, asks);
        }

        return code;
    }

    /// <summary>
    /// Applies one feed message's changes that share a single sequence number (e.g. a message of a feed
    /// that numbers messages rather than levels), all or nothing: the same as
    /// <see cref="ApplyUpdate(long, long, ReadOnlySpan{DepthLevel}, ReadOnlySpan{DepthLevel})"/> with the range
    /// <paramref name="sequence"/>..<paramref name="sequence"/>, so it applies only when <paramref name="sequence"/>
    /// is <see cref="Sequence"/> + 1.
    /// </summary>
    /// <param name="sequence">The message's sequence number.</param>
    /// <param name="bids">The changed bid levels.</param>
    /// <param name="asks">The changed ask levels.</param>
    /// <returns>See <see cref="ApplyUpdate(long, long, ReadOnlySpan{DepthLevel}, ReadOnlySpan{DepthLevel})"/>.</returns>
    public DepthBookResultCode ApplyUpdate(long sequence, ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks) =>
        ApplyUpdate(sequence, sequence, bids, asks);

    /// <summary>
    /// Applies one feed message's changes that cover the sequence range <paramref name="firstSequence"/>..<paramref name="lastSequence"/>
    /// (Binance's <c>U</c>..<c>u</c>), all or nothing. The message is stale when <paramref name="lastSequence"/> &lt;=
    /// <see cref="Sequence"/>, a gap when <paramref name="firstSequence"/> &gt; <see cref="Sequence"/> + 1 (the book
    /// is then out of sync until the next snapshot), and otherwise applied — also when it overlaps numbers the book
    /// already has, since sizes are absolute — after which <see cref="Sequence"/> is <paramref name="lastSequence"/>.
    /// Level rules as in <see cref="ApplyUpdate(ReadOnlySpan{DepthLevel}, ReadOnlySpan{DepthLevel})"/>.
    /// </summary>
    /// <param name="firstSequence">The first sequence number the message covers; not negative.</param>
    /// <param name="lastSequence">The last sequence number the message covers; not below <paramref name="firstSequence"/>.</param>
    /// <param name="bids">The changed bid levels.</param>
    /// <param name="asks">The changed ask levels.</param>
    /// <returns>
    /// <see cref="DepthBookResultCode.Applied"/>; or, with the levels and sequence unchanged, checked in this order:
    /// <see cref="DepthBookResultCode.SnapshotInProgress"/>, <see cref="DepthBookResultCode.NoSnapshot"/>,
    /// <see cref="DepthBookResultCode.OutOfSync"/>, <see cref="DepthBookResultCode.UnexpectedSequence"/> (the book is not
    /// <see cref="IsSequenced"/>), <see cref="DepthBookResultCode.InvalidSequence"/> (a negative number or a reversed
    /// range), <see cref="DepthBookResultCode.Stale"/>, <see cref="DepthBookResultCode.Gap"/> (which also marks the book
    /// out of sync), then the first level (bids before asks) that breaks a level rule. A message with the right numbers
    /// but a bad level does not consume them, so the next message is reported as a gap.
    /// </returns>
    public DepthBookResultCode ApplyUpdate(long firstSequence, long lastSequence, ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        var code = CheckAcceptsUpdates();
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        if (!_isSequenced)
        {
            return DepthBookResultCode.UnexpectedSequence;
        }

        if (firstSequence < 0 || lastSequence < firstSequence)
        {
            return DepthBookResultCode.InvalidSequence;
        }

        if (lastSequence <= _sequence)
        {
            return DepthBookResultCode.Stale;
        }

        // firstSequence >= 0, so firstSequence - 1 cannot overflow.
        if (firstSequence - 1 > _sequence)
        {
            _state = SyncState.OutOfSync;
            return DepthBookResultCode.Gap;
        }

        code = ValidateBatch(bids, asks);
        if (code != DepthBookResultCode.Applied)
        {
            return code;
        }

        SetBatch(bids, asks);
        _sequence = lastSequence;
        return DepthBookResultCode.Applied;
    }

    private DepthBookResultCode ValidateBatch(ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        foreach (ref readonly var level in bids)
        {
            var code = ValidateLevel(Side.Buy, level.Price.Ticks, level.Quantity.Lots);
            if (code != DepthBookResultCode.Applied)
            {
                return code;
            }
        }

        foreach (ref readonly var level in asks)
        {
            var code = ValidateLevel(Side.Sell, level.Price.Ticks, level.Quantity.Lots);
            if (code != DepthBookResultCode.Applied)
            {
                return code;
            }
        }

        return DepthBookResultCode.Applied;
    }

    private void SetBatch(ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        foreach (ref readonly var level in bids)
        {
            Set(Side.Buy, level.Price.Ticks, level.Quantity.Lots);
        }

        foreach (ref readonly var level in asks)
        {
            Set(Side.Sell, level.Price.Ticks, level.Quantity.Lots);
        }
    }

    // ------------------------------------------------------------------ queries

    /// <summary>The best (highest) bid price and its size.</summary>
    /// <returns><see langword="false"/> when there are no bids (both outputs are then zero).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetBestBid(out Price price, out Quantity quantity) => TryGetBest(_bids, out price, out quantity);

    /// <summary>The best (lowest) ask price and its size.</summary>
    /// <returns><see langword="false"/> when there are no asks (both outputs are then zero).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetBestAsk(out Price price, out Quantity quantity) => TryGetBest(_asks, out price, out quantity);

    /// <summary>
    /// Copies the top levels of <paramref name="side"/>, best first, into <paramref name="destination"/>.
    /// <see cref="DepthLevel.OrderCount"/> is 0: an L2 feed gives no order counts.
    /// </summary>
    /// <param name="side">The side to read.</param>
    /// <param name="destination">Where to write the levels; its length is the most levels wanted.</param>
    /// <returns>How many levels were written: the smaller of the destination's length and the side's level count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is neither buy nor sell (as <see cref="OrderBook.GetDepth"/>).</exception>
    public int GetDepth(Side side, Span<DepthLevel> destination)
    {
        SideExtensions.ThrowIfUndefined(side);

        var ladder = side == Side.Buy ? _bids : _asks;
        var n = Math.Min(destination.Length, ladder.Count);
        for (var i = 0; i < n; i++)
        {
            var index = ladder.BestIndex - i;
            destination[i] = new DepthLevel(new Price(ladder.PriceAt(index)), new Quantity(ladder.ValueAt(index)), 0);
        }

        return n;
    }

    /// <summary>The size at <paramref name="price"/> on <paramref name="side"/>.</summary>
    /// <param name="side">The side to look at.</param>
    /// <param name="price">The price to look up.</param>
    /// <returns>
    /// The level's size, or <see cref="Quantity.Zero"/> when there is no level at that price or side. An undefined side is a key with no
    /// level, like a price off the grid, not an error: a feed's level update is looked up before <see cref="SetLevel(Side, Price, Quantity)"/>
    /// refuses its side with <see cref="DepthBookResultCode.InvalidSide"/>.
    /// </returns>
    public Quantity GetQuantity(Side side, Price price)
    {
        if (!IsDefined(side))
        {
            return Quantity.Zero;
        }

        var ladder = side == Side.Buy ? _bids : _asks;
        var index = ladder.IndexOf(price.Ticks);
        return index >= 0 ? new Quantity(ladder.ValueAt(index)) : Quantity.Zero;
    }

    /// <summary>
    /// A deterministic hash of the book's levels: every (price, size) of both sides, best first. Two books
    /// hold the same levels exactly when their hashes are equal (up to 64-bit collisions), however the
    /// levels got there; the value is the same in every process. <see cref="Sequence"/> and the sync
    /// state are not part of it.
    /// </summary>
    public long ComputeStateHash()
    {
        var hasher = new StateHasher(0x50_4D_4D_44_42); // "PMMDB"
        HashSide(ref hasher, _bids);
        HashSide(ref hasher, _asks);
        return hasher.Finish();
    }

    // ------------------------------------------------------------------ internals

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDefined(Side side) => (byte)side <= (byte)Side.Sell;

    private static bool TryGetBest(PriceLadder ladder, out Price price, out Quantity quantity)
    {
        if (ladder.Count == 0)
        {
            price = default;
            quantity = default;
            return false;
        }

        var best = ladder.BestIndex;
        price = new Price(ladder.PriceAt(best));
        quantity = new Quantity(ladder.ValueAt(best));
        return true;
    }

    private static void HashSide(ref StateHasher hasher, PriceLadder ladder)
    {
        hasher.Add(ladder.Count);
        for (var i = ladder.BestIndex; i >= 0; i--)
        {
            hasher.Add(ladder.PriceAt(i));
            hasher.Add(ladder.ValueAt(i));
        }
    }

    private static bool HasDuplicate(ReadOnlySpan<long> sorted)
    {
        for (var i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] == sorted[i - 1])
            {
                return true;
            }
        }

        return false;
    }

    private static void Stage(ref long[] prices, ref long[] sizes, ref int count, long price, long size)
    {
        if (count == prices.Length)
        {
            Array.Resize(ref prices, prices.Length * 2);
            Array.Resize(ref sizes, sizes.Length * 2);
        }

        prices[count] = price;
        sizes[count] = size;
        count++;
    }

    private void StartBuild(bool hasSequence, long sequence)
    {
        _building = true;
        _buildHasSequence = hasSequence;
        _buildSequence = sequence;
        _buildError = DepthBookResultCode.Applied;
        _stagedBidCount = 0;
        _stagedAskCount = 0;
    }

    private DepthBookResultCode StageAndEnd(ReadOnlySpan<DepthLevel> bids, ReadOnlySpan<DepthLevel> asks)
    {
        foreach (ref readonly var level in bids)
        {
            AddSnapshotLevel(Side.Buy, level.Price, level.Quantity);
        }

        foreach (ref readonly var level in asks)
        {
            AddSnapshotLevel(Side.Sell, level.Price, level.Quantity);
        }

        return EndSnapshot();
    }

    private DepthBookResultCode CheckAcceptsUpdates()
    {
        if (_building)
        {
            return DepthBookResultCode.SnapshotInProgress;
        }

        return _state switch
        {
            SyncState.Synced => DepthBookResultCode.Applied,
            SyncState.NoSnapshot => DepthBookResultCode.NoSnapshot,
            _ => DepthBookResultCode.OutOfSync,
        };
    }

    private DepthBookResultCode ValidateLevel(Side side, long price, long size)
    {
        if (!IsDefined(side))
        {
            return DepthBookResultCode.InvalidSide;
        }

        if (price <= 0)
        {
            return DepthBookResultCode.InvalidPrice;
        }

        if (price > Instrument.MaxPrice.Ticks)
        {
            return DepthBookResultCode.PriceAboveMaximum;
        }

        return size < 0 ? DepthBookResultCode.InvalidQuantity : DepthBookResultCode.Applied;
    }

    private DepthBookResultCode Set(Side side, long price, long size)
    {
        var ladder = side == Side.Buy ? _bids : _asks;
        var index = ladder.IndexOf(price);
        if (size == 0)
        {
            if (index < 0)
            {
                return DepthBookResultCode.NothingToRemove;
            }

            ladder.RemoveAt(index);
        }
        else if (index >= 0)
        {
            ladder.ValueRefAt(index) = size;
        }
        else
        {
            ladder.InsertAt(~index, price, size);
        }

        return DepthBookResultCode.Applied;
    }

    // ------------------------------------------------------------------ strategy queries (read-only)

    /// <summary>
    /// The best bid and best ask with their sizes in one call, for a strategy's decision: cheaper than
    /// <see cref="TryGetBestBid"/> and <see cref="TryGetBestAsk"/> one after the other.
    /// </summary>
    /// <returns><see langword="false"/> unless both sides have a level; the outputs of an empty side are zero.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetTopOfBook(out Price bid, out Quantity bidQuantity, out Price ask, out Quantity askQuantity)
    {
        var hasBid = TryGetBest(_bids, out bid, out bidQuantity);
        var hasAsk = TryGetBest(_asks, out ask, out askQuantity);
        return hasBid & hasAsk;
    }

    /// <summary>
    /// The total size of the best <paramref name="levels"/> levels of <paramref name="side"/> (all of them when the side has fewer),
    /// without copying them: what book-imbalance measures need.
    /// </summary>
    /// <returns>The summed size in lots; 0 when <paramref name="levels"/> is not positive.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is neither buy nor sell.</exception>
    public long SumTopQuantity(Side side, int levels)
    {
        SideExtensions.ThrowIfUndefined(side);
        if (levels <= 0)
        {
            return 0;
        }

        var ladder = side == Side.Buy ? _bids : _asks;
        var last = ladder.BestIndex;
        var first = Math.Max(0, last - levels + 1);
        long sum = 0;
        for (var i = last; i >= first; i--)
        {
            sum += ladder.ValueAt(i);
        }

        return sum;
    }
}
