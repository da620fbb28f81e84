using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Paper;

/// <summary>
/// The paper exchange's state for one instrument: the live book as the feed shows it (without us), our resting
/// orders, the liquidity we took, and the renumbering of the feed's sequence numbers around the level updates
/// the paper exchange inserts.
/// </summary>
internal sealed class PaperBook
{
    public PaperBook(InstrumentId id, InstrumentSpec spec)
    {
        Id = id;
        Spec = spec;
        Live = new DepthBook(spec);
        var separator = spec.Symbol.IndexOfAny(['-', '/']);
        if (separator > 0 && separator < spec.Symbol.Length - 1)
        {
            BaseCurrency = spec.Symbol[..separator];
            QuoteCurrency = spec.Symbol[(separator + 1)..];
        }
        else
        {
            BaseCurrency = spec.Symbol;
            QuoteCurrency = "QUOTE";
        }
    }

    public InstrumentId Id { get; }

    public InstrumentSpec Spec { get; }

    public string BaseCurrency { get; }

    public string QuoteCurrency { get; }

    /// <summary>The live levels, exactly as the feed reports them (our paper orders are not in it).</summary>
    public DepthBook Live { get; }

    /// <summary>Our resting orders in time priority (arrival order).</summary>
    public List<PaperOrder> Orders { get; } = new(16);

    /// <summary>Lots of a live level that our orders took and the feed has not yet shown gone, by (side, price ticks).</summary>
    public Dictionary<(Side Side, long Price), long> Consumed { get; } = new(16);

    /// <summary>How many level updates the paper exchange inserted into this instrument's sequenced feed so far.</summary>
    public long SequenceOffset;

    /// <summary>The snapshot being received, held back until its end so that it can be passed on merged with our orders.</summary>
    public List<MarketEvent> PendingSnapshot { get; } = new(64);

    public bool IsTradable => Live.IsSynced && !Live.IsBuildingSnapshot;

    /// <summary>The live size at a level minus what we took from it.</summary>
    public long Available(Side side, Price price)
    {
        var live = Live.GetQuantity(side, price).Lots;
        return Consumed.Count != 0 && Consumed.TryGetValue((side, price.Ticks), out var taken) ? Math.Max(0, live - taken) : live;
    }

    /// <summary>Our resting leaves (and how many orders) at a level.</summary>
    public long OwnAt(Side side, Price price, out int count)
    {
        long lots = 0;
        count = 0;
        foreach (var order in Orders)
        {
            if (order.Side == side && order.Price == price)
            {
                lots += order.Leaves;
                count++;
            }
        }

        return lots;
    }

    /// <summary>The best price among our resting orders on <paramref name="side"/>.</summary>
    public bool TryGetOwnBest(Side side, out Price best)
    {
        var found = false;
        best = default;
        foreach (var order in Orders)
        {
            if (order.Side == side && (!found || (side == Side.Buy ? order.Price > best : order.Price < best)))
            {
                best = order.Price;
                found = true;
            }
        }

        return found;
    }
}
