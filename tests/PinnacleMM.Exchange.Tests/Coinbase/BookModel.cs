using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>A dictionary per side keyed by decimal price text: the simplest possible L2 book, to compare decoded books with.</summary>
internal sealed class BookModel
{
    public Dictionary<decimal, decimal> Bids { get; } = [];

    public Dictionary<decimal, decimal> Asks { get; } = [];

    public void Snapshot(IEnumerable<(decimal Price, decimal Size)> bids, IEnumerable<(decimal Price, decimal Size)> asks)
    {
        Bids.Clear();
        Asks.Clear();
        foreach (var (p, s) in bids.Where(l => l.Size != 0))
        {
            Bids[p] = s;
        }

        foreach (var (p, s) in asks.Where(l => l.Size != 0))
        {
            Asks[p] = s;
        }
    }

    public void Set(Side side, decimal price, decimal size)
    {
        var levels = side == Side.Buy ? Bids : Asks;
        if (size == 0)
        {
            levels.Remove(price);
        }
        else
        {
            levels[price] = size;
        }
    }

    /// <summary>Whether <paramref name="book"/> holds exactly these levels.</summary>
    public bool Matches(DepthBook book)
    {
        var instrument = book.Instrument;
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var model = side == Side.Buy ? Bids : Asks;
            if ((side == Side.Buy ? book.BidLevelCount : book.AskLevelCount) != model.Count)
            {
                return false;
            }

            foreach (var (price, size) in model)
            {
                if (book.GetQuantity(side, instrument.GetPrice(price)).Lots != (long)(size / instrument.LotSize))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Asserts <paramref name="book"/> holds exactly these levels, converted through the instrument's grid.</summary>
    public void AssertEqual(DepthBook book, string because = "")
    {
        var instrument = book.Instrument;
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var model = side == Side.Buy ? Bids : Asks;
            var expected = (side == Side.Buy ? model.OrderByDescending(p => p.Key) : model.OrderBy(p => p.Key))
                .Select(p => new DepthLevel(instrument.GetPrice(p.Key), new Quantity((long)(p.Value / instrument.LotSize)), 0))
                .ToArray();
            var actual = new DepthLevel[expected.Length + 1];
            var n = book.GetDepth(side, actual);
            CollectionAssert.AreEqual(expected, actual[..n], $"{side} levels {because}");
        }
    }
}
