using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>A listener that only counts, so it allocates nothing: for allocation tests.</summary>
internal sealed class CountingListener : IOrderBookListener
{
    public long Trades { get; private set; }

    public long TradedLots { get; private set; }

    public long Updates { get; private set; }

    public long DepthChanges { get; private set; }

    public void OnTrade(in Trade trade)
    {
        Trades++;
        TradedLots += trade.Quantity.Lots;
    }

    public void OnOrderUpdate(in OrderUpdate update) => Updates++;

    public void OnDepthChanged(Side side, Price price, Quantity totalQuantity, int orderCount) => DepthChanges++;
}
