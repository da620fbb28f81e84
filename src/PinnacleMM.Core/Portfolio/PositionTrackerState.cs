namespace PinnacleMM.Core.Portfolio;

/// <summary>
/// Everything a <see cref="PositionTracker"/> knows, as plain data for a snapshot: capture it with
/// <see cref="PositionTracker.CaptureState"/> and put it back with <see cref="PositionTracker.RestoreState"/>.
/// </summary>
/// <remarks>
/// Money is kept in the tracker's exact internal unit, the tick-lot (one tick × one lot, in quote currency
/// <c>TickSize × LotSize</c>), except <see cref="Fees"/> and the equity figures, which are quote currency. Restoring
/// the same data gives a tracker that behaves identically, to the last digit. Fee rates are not part of it: they are
/// config, given to the tracker's constructor.
/// </remarks>
public sealed record PositionTrackerState
{
    /// <summary>The instrument's symbol; a restore into a tracker of another instrument is refused.</summary>
    public required string Symbol { get; init; }

    /// <summary>The signed position in lots.</summary>
    public long PositionLots { get; init; }

    /// <summary>The signed average-cost basis in tick-lots (position × average entry price).</summary>
    public decimal CostTickLots { get; init; }

    /// <summary>Realized P&amp;L by average cost, in tick-lots, before fees.</summary>
    public decimal RealizedAverageCostTickLots { get; init; }

    /// <summary>The open FIFO lots, oldest first, each signed like the position; they add up to <see cref="PositionLots"/>.</summary>
    public IReadOnlyList<FifoLot> FifoLots { get; init; } = [];

    /// <summary>Realized P&amp;L by FIFO, in tick-lots, before fees.</summary>
    public decimal RealizedFifoTickLots { get; init; }

    /// <summary>Fees paid, in quote currency.</summary>
    public decimal Fees { get; init; }

    /// <summary>Traded notional in tick-lots.</summary>
    public decimal TradedNotionalTickLots { get; init; }

    /// <summary>Traded quantity in lots.</summary>
    public long TradedLots { get; init; }

    /// <summary>Buy fills applied.</summary>
    public long BuyFillCount { get; init; }

    /// <summary>Sell fills applied.</summary>
    public long SellFillCount { get; init; }

    /// <summary>Maker fills applied.</summary>
    public long MakerFillCount { get; init; }

    /// <summary>Taker fills applied.</summary>
    public long TakerFillCount { get; init; }

    /// <summary>The last mark in ticks; 0 before the first mark.</summary>
    public long LastMarkTicks { get; init; }

    /// <summary>The equity peak, in quote currency.</summary>
    public decimal EquityPeak { get; init; }

    /// <summary>The drawdown from the peak at the last mark, in quote currency.</summary>
    public decimal Drawdown { get; init; }

    /// <summary>The largest drawdown seen, in quote currency.</summary>
    public decimal MaxDrawdown { get; init; }
}
