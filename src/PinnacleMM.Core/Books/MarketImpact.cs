using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// What a market order of a given size would cost against the current book (see
/// <see cref="OrderBook.EstimateMarketImpact"/>). Nothing is changed by computing it.
/// </summary>
public readonly record struct MarketImpact
{
    /// <summary>The quantity that would fill.</summary>
    public Quantity Filled { get; init; }

    /// <summary>The quantity that would not fill because the side ran out.</summary>
    public Quantity Unfilled { get; init; }

    /// <summary>Sum of price × quantity over the fills, in ticks × lots (exact).</summary>
    public Int128 NotionalTicksLots { get; init; }

    /// <summary>The last (worst) price that would trade; zero when nothing fills.</summary>
    public Price WorstPrice { get; init; }

    /// <summary>How many price levels would be touched.</summary>
    public int LevelsConsumed { get; init; }

    /// <summary>The average fill price in (fractional) ticks; zero when nothing fills. Convert with <see cref="InstrumentSpec.TicksToDecimal"/>.</summary>
    public decimal AveragePriceTicks => Filled.Lots == 0 ? 0m : (decimal)NotionalTicksLots / Filled.Lots;
}
