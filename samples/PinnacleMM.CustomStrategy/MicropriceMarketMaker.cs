using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.CustomStrategy;

/// <summary>
/// A custom strategy in a few lines: one bid and one ask at a fixed half-spread around the microprice, both shifted
/// against the inventory. Everything else — the book, fills into the position, the position limit, post-only
/// clamping, the kill switch, reconciling the quotes with live orders — comes from <see cref="MarketMakerStrategy"/>
/// and the engine.
/// </summary>
public sealed class MicropriceMarketMaker : MarketMakerStrategy
{
    private readonly double _halfSpreadTicks;
    private readonly Quantity _size;

    /// <summary>Creates the strategy.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="halfSpreadTicks">Distance of each quote from the (skewed) microprice, in ticks; positive.</param>
    /// <param name="size">The size of each quote.</param>
    /// <param name="maxPositionLots">The position limit in lots either way; the quotes lean fully one way at it.</param>
    /// <param name="clock">The engine's clock.</param>
    /// <param name="position">The position (with the venue's fee rates).</param>
    /// <exception cref="ArgumentOutOfRangeException">The half-spread or the position limit is not positive.</exception>
    public MicropriceMarketMaker(InstrumentSpec instrument, double halfSpreadTicks, Quantity size, long maxPositionLots, MonotonicClock clock, PositionTracker position)
        : base(instrument, maxLevelsPerSide: 1, clock, position: position)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(halfSpreadTicks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPositionLots);
        _halfSpreadTicks = halfSpreadTicks;
        _size = size;
        PositionLimitLots = maxPositionLots;
    }

    /// <summary>Called on every fill, after the position was updated (on the engine's strategy thread).</summary>
    public Action<OrderEvent>? Filled { get; set; }

    /// <inheritdoc />
    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        if (!TryGetTopOfBook(out var bid, out var bidSize, out var ask, out var askSize))
        {
            return;
        }

        // The microprice leans the mid towards the thinner side, where the next trade more likely moves the price.
        var microprice = ((bid.Ticks * (double)askSize.Lots) + (ask.Ticks * (double)bidSize.Lots)) / (bidSize.Lots + askSize.Lots);

        // Long: both quotes move down (sell sooner, buy later); short: up. A full half-spread at the position limit.
        var skew = (double)Position.PositionLots / PositionLimitLots * _halfSpreadTicks;
        quotes.TryAdd(Side.Buy, FloorToTick(microprice - skew - _halfSpreadTicks), _size);
        quotes.TryAdd(Side.Sell, CeilToTick(microprice - skew + _halfSpreadTicks), _size);
    }

    /// <inheritdoc />
    protected override void OnOrderEventCore(in OrderEvent orderEvent)
    {
        if (orderEvent.IsFill)
        {
            Filled?.Invoke(orderEvent);
        }
    }
}
