using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>The read-only queries strategies use (<see cref="DepthBook.TryGetTopOfBook"/>, <see cref="DepthBook.SumTopQuantity"/>) against a dictionary model.</summary>
[TestClass]
public sealed class DepthBookStrategyQueryTests
{
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    [TestMethod]
    public void Property_top_of_book_and_summed_depth_match_a_dictionary_model()
    {
        var opGen = from buy in Gen.Elements(true, false)
                    from offset in Gen.Choose(1, 40)
                    from size in Gen.Frequency((3, Gen.Choose(1, 500)), (1, Gen.Constant(0)))
                    select (buy, offset, size);
        Prop.ForAll(Arb.From(from ops in Gen.ArrayOf(opGen, 60) from levels in Gen.Choose(-1, 50) select (ops, levels)), c =>
        {
            var book = new DepthBook(Btc);
            book.ApplySnapshot([], []);
            var bids = new SortedDictionary<long, long>();
            var asks = new SortedDictionary<long, long>();
            foreach (var (buy, offset, size) in c.ops)
            {
                // Bids below 1000, asks above: never crossed.
                var price = buy ? 1_000 - offset : 1_000 + offset;
                var side = buy ? bids : asks;
                book.SetLevel(buy ? Side.Buy : Side.Sell, new Price(price), new Quantity(size));
                if (size == 0)
                {
                    side.Remove(price);
                }
                else
                {
                    side[price] = size;
                }

                var both = book.TryGetTopOfBook(out var bid, out var bidQty, out var ask, out var askQty);
                Assert.AreEqual(bids.Count > 0 && asks.Count > 0, both);
                Assert.AreEqual(bids.Count > 0 ? (bids.Keys.Max(), bids[bids.Keys.Max()]) : (0L, 0L), (bid.Ticks, bidQty.Lots));
                Assert.AreEqual(asks.Count > 0 ? (asks.Keys.Min(), asks[asks.Keys.Min()]) : (0L, 0L), (ask.Ticks, askQty.Lots));
                var n = Math.Max(0, c.levels);
                Assert.AreEqual(bids.OrderByDescending(l => l.Key).Take(n).Sum(l => l.Value), book.SumTopQuantity(Side.Buy, c.levels));
                Assert.AreEqual(asks.OrderBy(l => l.Key).Take(n).Sum(l => l.Value), book.SumTopQuantity(Side.Sell, c.levels));
            }

            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => book.SumTopQuantity((Side)9, 5));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150).WithQuietOnSuccess(true));
    }
}
