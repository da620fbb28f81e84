using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// The bid and ask levels a strategy wants resting in the book, best first on each side, in storage
/// preallocated for a fixed number of levels per side so that deciding allocates nothing. A
/// <see cref="QuoteReconciler"/> turns them into orders.
/// </summary>
/// <remarks>Not thread-safe: the strategy thread writes it and the engine reads it on the same thread.</remarks>
public sealed class DesiredQuotes
{
    private readonly QuoteLevel[] _bids;
    private readonly QuoteLevel[] _asks;

    /// <summary>Creates empty quotes with room for <paramref name="capacityPerSide"/> levels per side.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacityPerSide"/> is not between 1 and 1024.</exception>
    public DesiredQuotes(int capacityPerSide)
    {
        if (capacityPerSide is < 1 or > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(capacityPerSide), capacityPerSide, $"capacityPerSide {capacityPerSide} must be between 1 and 1024.");
        }

        _bids = new QuoteLevel[capacityPerSide];
        _asks = new QuoteLevel[capacityPerSide];
    }

    /// <summary>The most levels each side can hold.</summary>
    public int CapacityPerSide => _bids.Length;

    /// <summary>How many bid levels are desired.</summary>
    public int BidCount { get; private set; }

    /// <summary>How many ask levels are desired.</summary>
    public int AskCount { get; private set; }

    /// <summary>The desired bids, best (highest) first.</summary>
    public ReadOnlySpan<QuoteLevel> Bids => _bids.AsSpan(0, BidCount);

    /// <summary>The desired asks, best (lowest) first.</summary>
    public ReadOnlySpan<QuoteLevel> Asks => _asks.AsSpan(0, AskCount);

    /// <summary>Whether no level is desired on either side (quote nothing, cancel everything).</summary>
    public bool IsEmpty => BidCount == 0 && AskCount == 0;

    /// <summary>The desired levels of <paramref name="side"/>, best first (empty for an undefined side).</summary>
    public ReadOnlySpan<QuoteLevel> Levels(Side side) => side switch
    {
        Side.Buy => Bids,
        Side.Sell => Asks,
        _ => [],
    };

    /// <summary>Removes every level.</summary>
    public void Clear()
    {
        BidCount = 0;
        AskCount = 0;
    }

    /// <summary>
    /// Appends a level to <paramref name="side"/>; add levels best first. Refuses (returns
    /// <see langword="false"/>, nothing changed) an undefined side, a non-positive price or quantity, or a full side.
    /// </summary>
    public bool TryAdd(Side side, Price price, Quantity quantity)
    {
        if (price.Ticks <= 0 || quantity.Lots <= 0)
        {
            return false;
        }

        switch (side)
        {
            case Side.Buy when BidCount < _bids.Length:
                _bids[BidCount++] = new QuoteLevel(price, quantity);
                return true;
            case Side.Sell when AskCount < _asks.Length:
                _asks[AskCount++] = new QuoteLevel(price, quantity);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Copies <paramref name="other"/>'s levels into this instance (which must have at least its capacity).</summary>
    /// <exception cref="ArgumentException"><paramref name="other"/> holds more levels than this instance can.</exception>
    public void CopyFrom(DesiredQuotes other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.BidCount > _bids.Length || other.AskCount > _asks.Length)
        {
            throw new ArgumentException($"other holds {other.BidCount} bids and {other.AskCount} asks; this instance holds at most {_bids.Length} per side.", nameof(other));
        }

        other.Bids.CopyTo(_bids);
        other.Asks.CopyTo(_asks);
        BidCount = other.BidCount;
        AskCount = other.AskCount;
    }

    internal Span<QuoteLevel> MutableLevels(Side side) => side == Side.Buy ? _bids.AsSpan(0, BidCount) : _asks.AsSpan(0, AskCount);

    internal void SetCount(Side side, int count)
    {
        if (side == Side.Buy)
        {
            BidCount = count;
        }
        else
        {
            AskCount = count;
        }
    }
}
