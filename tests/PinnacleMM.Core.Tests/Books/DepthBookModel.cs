using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// A deliberately simple reference for <see cref="DepthBook"/>: one dictionary per side, sorted with LINQ
/// on every read, and the result rules written out from the specification rather than from the
/// implementation. Slow and obviously right is the point.
/// </summary>
internal sealed class DepthBookModel(long maxPriceTicks)
{
    private readonly Dictionary<long, long> _bids = [];
    private readonly Dictionary<long, long> _asks = [];
    private bool _hasSnapshot;
    private bool _outOfSync;

    public bool IsSequenced { get; private set; }

    public long Sequence { get; private set; }

    public bool IsSynced => _hasSnapshot && !_outOfSync;

    public bool IsCrossed => _bids.Count > 0 && _asks.Count > 0 && _bids.Keys.Max() >= _asks.Keys.Min();

    public int Count(Side side) => Levels(side).Count;

    /// <summary>Levels best first: bids by descending price, asks by ascending price.</summary>
    public List<(long Price, long Size)> Levels(Side side) => side == Side.Buy
        ? [.. _bids.OrderByDescending(p => p.Key).Select(p => (p.Key, p.Value))]
        : [.. _asks.OrderBy(p => p.Key).Select(p => (p.Key, p.Value))];

    public (long Price, long Size)? Best(Side side)
    {
        var levels = Levels(side);
        return levels.Count == 0 ? null : levels[0];
    }

    public long SizeAt(Side side, long price) => SideOf(side).TryGetValue(price, out var size) ? size : 0;

    public DepthBookResultCode Snapshot(long? sequence, IReadOnlyList<(Side Side, long Price, long Size)> levels)
    {
        if (sequence < 0)
        {
            return DepthBookResultCode.InvalidSequence;
        }

        foreach (var (side, price, size) in levels)
        {
            var invalid = Validate(side, price, size);
            if (invalid is { } code)
            {
                return code;
            }
        }

        var nonZero = levels.Where(l => l.Size != 0).ToList();
        var bids = nonZero.Where(l => l.Side == Side.Buy).ToList();
        var asks = nonZero.Where(l => l.Side == Side.Sell).ToList();
        if (bids.Select(l => l.Price).Distinct().Count() != bids.Count || asks.Select(l => l.Price).Distinct().Count() != asks.Count)
        {
            return DepthBookResultCode.DuplicateSnapshotLevel;
        }

        if (bids.Count > 0 && asks.Count > 0 && bids.Max(l => l.Price) >= asks.Min(l => l.Price))
        {
            return DepthBookResultCode.CrossedSnapshot;
        }

        _bids.Clear();
        _asks.Clear();
        foreach (var (side, price, size) in nonZero)
        {
            SideOf(side)[price] = size;
        }

        _hasSnapshot = true;
        _outOfSync = false;
        IsSequenced = sequence.HasValue;
        Sequence = sequence ?? 0;
        return DepthBookResultCode.Applied;
    }

    public DepthBookResultCode Update(long? sequence, Side side, long price, long size)
    {
        if (!_hasSnapshot)
        {
            return DepthBookResultCode.NoSnapshot;
        }

        if (_outOfSync)
        {
            return DepthBookResultCode.OutOfSync;
        }

        if (sequence is { } s)
        {
            if (!IsSequenced)
            {
                return DepthBookResultCode.UnexpectedSequence;
            }

            if (s < 0)
            {
                return DepthBookResultCode.InvalidSequence;
            }

            if (s <= Sequence)
            {
                return DepthBookResultCode.Stale;
            }

            if (s != Sequence + 1)
            {
                _outOfSync = true;
                return DepthBookResultCode.Gap;
            }
        }
        else if (IsSequenced)
        {
            return DepthBookResultCode.SequenceRequired;
        }

        if (Validate(side, price, size) is { } invalid)
        {
            return invalid;
        }

        if (sequence is { } applied)
        {
            Sequence = applied;
        }

        var levels = SideOf(side);
        if (size == 0)
        {
            return levels.Remove(price) ? DepthBookResultCode.Applied : DepthBookResultCode.NothingToRemove;
        }

        levels[price] = size;
        return DepthBookResultCode.Applied;
    }

    private DepthBookResultCode? Validate(Side side, long price, long size) =>
        side is not (Side.Buy or Side.Sell) ? DepthBookResultCode.InvalidSide
        : price <= 0 ? DepthBookResultCode.InvalidPrice
        : price > maxPriceTicks ? DepthBookResultCode.PriceAboveMaximum
        : size < 0 ? DepthBookResultCode.InvalidQuantity
        : null;

    private Dictionary<long, long> SideOf(Side side) => side == Side.Buy ? _bids : _asks;
}
