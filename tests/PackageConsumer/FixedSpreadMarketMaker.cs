using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;

namespace PackageConsumer;

/// <summary>
/// The smallest useful strategy: one bid and one ask a fixed number of ticks either side of the mid,
/// written as desired quotes (the base class enforces post-only, ordering and size rules).
/// </summary>
internal sealed class FixedSpreadMarketMaker(InstrumentSpec instrument, long halfSpreadTicks, Quantity size)
    : MarketMakerStrategy(instrument, maxLevelsPerSide: 1)
{
    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        if (!TryGetTopOfBook(out var bid, out _, out var ask, out _))
        {
            return;
        }

        var mid = (bid.Ticks + ask.Ticks) / 2;
        quotes.TryAdd(Side.Buy, new Price(mid - halfSpreadTicks), size);
        quotes.TryAdd(Side.Sell, new Price(mid + halfSpreadTicks), size);
    }
}
