using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// Records what a book reports: trades and order updates interleaved in the order they happen, depth
/// changes, and an L2 view (price → total, count per side) maintained only from the depth changes.
/// </summary>
internal sealed class RecordingListener : IOrderBookListener
{
    /// <summary>Trades (<see cref="Trade"/>) and order updates (<see cref="OrderUpdate"/>), boxed, in order.</summary>
    public List<object> Events { get; } = [];

    public List<(Side Side, Price Price, Quantity Total, int Count)> DepthChanges { get; } = [];

    public SortedDictionary<long, (long Total, int Count)> BidL2 { get; } = [];

    public SortedDictionary<long, (long Total, int Count)> AskL2 { get; } = [];

    /// <summary>Depth changes that reported a level exactly as the L2 view already had it (or removed an absent level).</summary>
    public int UnchangedDepthReports { get; private set; }

    public IEnumerable<Trade> Trades => Events.OfType<Trade>();

    public IEnumerable<OrderUpdate> Updates => Events.OfType<OrderUpdate>();

    public void OnTrade(in Trade trade) => Events.Add(trade);

    public void OnOrderUpdate(in OrderUpdate update) => Events.Add(update);

    public void OnDepthChanged(Side side, Price price, Quantity totalQuantity, int orderCount)
    {
        DepthChanges.Add((side, price, totalQuantity, orderCount));
        var l2 = side == Side.Buy ? BidL2 : AskL2;
        var known = l2.TryGetValue(price.Ticks, out var old);
        if (orderCount == 0 ? !known : known && old == (totalQuantity.Lots, orderCount))
        {
            UnchangedDepthReports++;
        }

        if (orderCount == 0)
        {
            l2.Remove(price.Ticks);
        }
        else
        {
            l2[price.Ticks] = (totalQuantity.Lots, orderCount);
        }
    }

    /// <summary>The L2 view built from depth changes, best first, for comparison with <see cref="OrderBook.GetDepth"/>.</summary>
    public List<DepthLevel> L2(Side side)
    {
        var levels = (side == Side.Buy ? BidL2.Reverse() : AskL2).Select(kv => new DepthLevel(new Price(kv.Key), new Quantity(kv.Value.Total), kv.Value.Count));
        return levels.ToList();
    }

    public void Clear()
    {
        Events.Clear();
        DepthChanges.Clear();
    }
}
