using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Testing;
using static PinnacleMM.Core.Tests.Books.BookTestKit;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>Once warmed up, the book's commands and queries allocate nothing (allocation counts are deterministic).</summary>
[TestClass]
public sealed class OrderBookAllocationTests
{
    [TestMethod]
    public void Warm_book_allocates_nothing_for_submit_cancel_modify_match_and_queries()
    {
        var listener = new CountingListener();
        var book = new OrderBook(Spec) { Listener = listener };
        var depth = new DepthLevel[16];
        var checksum = 0L;

        // The same work twice: the first round JITs every path and lets the pools reach their working size.
        Churn(book, depth, rounds: 400, ref checksum);
        var tradesBefore = listener.Trades;
        SteadyState.AssertAllocatesNothing("400 rounds of book operations", () => Churn(book, depth, rounds: 400, ref checksum));
        Assert.IsTrue(listener.Trades - tradesBefore > 3 * 1000, $"the measured rounds must actually match ({listener.Trades - tradesBefore} trades)");
        Assert.AreNotEqual(0L, checksum);
    }

    /// <summary>Each round: rests a ladder on both sides, crosses it with limit IOC, market and FOK orders, self-trades under every STP mode, reduces, reprices, increases and cancels.</summary>
    private static void Churn(OrderBook book, DepthLevel[] depth, int rounds, ref long checksum)
    {
        for (var r = 0; r < rounds; r++)
        {
            var id = (r % 4 * 100) + 1;   // ids are reused every 4 rounds: every order is gone by the end of its round
            for (var i = 0; i < 8; i++)
            {
                book.Submit(OrderRequest.Limit(id + i, 1 + (i % 3), Side.Sell, new Price(1000 + i), new Quantity(3 + i)));
                book.Submit(OrderRequest.Limit(id + 10 + i, 1 + (i % 3), Side.Buy, new Price(990 - i), new Quantity(3 + i)));
            }

            book.Submit(OrderRequest.Limit(id + 30, 1, Side.Buy, new Price(1002), new Quantity(12), TimeInForce.ImmediateOrCancel, selfTradePrevention: SelfTradePrevention.CancelResting));
            book.Submit(OrderRequest.Market(id + 31, 2, Side.Sell, new Quantity(9), TimeInForce.FillOrKill));
            book.Submit(OrderRequest.Limit(id + 32, 3, Side.Buy, new Price(1005), new Quantity(6), selfTradePrevention: SelfTradePrevention.CancelIncoming));
            book.Submit(OrderRequest.Limit(id + 33, 2, Side.Sell, new Price(985), new Quantity(4), TimeInForce.ImmediateOrCancel, selfTradePrevention: SelfTradePrevention.CancelBoth));
            book.Submit(OrderRequest.Limit(id + 34, 1, Side.Sell, new Price(1001), new Quantity(5), postOnly: true));
            book.Submit(OrderRequest.Limit(id + 35, 1, Side.Buy, new Price(2000), new Quantity(900), TimeInForce.FillOrKill));   // rejected: not fillable
            book.Modify(id + 7, new Price(1007), new Quantity(4));          // reduce in place
            book.Modify(id + 16, new Price(995), new Quantity(6));          // reprice
            book.Modify(id + 6, new Price(1006), new Quantity(20));         // increase
            book.Modify(id + 17, new Price(1010), new Quantity(5));         // reprice through the spread

            checksum += book.GetDepth(Side.Buy, depth) + book.GetDepth(Side.Sell, depth);
            checksum += book.EstimateMarketImpact(Side.Buy, new Quantity(25)).LevelsConsumed;
            checksum += (long)(book.GetImbalance(5) * 1000);
            checksum += book.TryGetQueuePosition(id + 6, out var ahead, out _) ? ahead : 0;
            checksum += book.TryGetMidTicks(out var mid) ? (long)mid : 0;
            checksum ^= book.ComputeStateHash();
            foreach (var order in book.GetOrders(Side.Sell))
            {
                checksum += order.Remaining.Lots;
            }

            book.Submit(OrderRequest.Market(id + 40, 9, Side.Buy, new Quantity(10_000)));
            book.Submit(OrderRequest.Market(id + 41, 9, Side.Sell, new Quantity(10_000)));
            for (var i = 0; i < 36; i++)
            {
                book.Cancel(id + i);                                        // mostly already gone: UnknownOrderId
            }

            Assert.AreEqual(0, book.OrderCount);
        }
    }
}
