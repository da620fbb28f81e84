using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>A strategy that publishes whatever levels the test gives it, to test the base class's rules.</summary>
internal sealed class RawQuoteStrategy : MarketMakerStrategy
{
    public RawQuoteStrategy(InstrumentSpec instrument, int levels, ManualMonotonicClock clock, long positionLimit = long.MaxValue, bool postOnly = true)
        : base(instrument, levels, clock)
    {
        PositionLimitLots = positionLimit;
        PostOnly = postOnly;
    }

    public (Side Side, long Price, long Lots)[] Raw { get; set; } = [];

    public int Decisions { get; private set; }

    public int TradesSeen { get; private set; }

    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        Decisions++;
        foreach (var (side, price, lots) in Raw)
        {
            quotes.TryAdd(side, new Price(price), new Quantity(lots));
        }
    }

    protected override void OnTradeCore(in MarketTrade trade) => TradesSeen++;
}
