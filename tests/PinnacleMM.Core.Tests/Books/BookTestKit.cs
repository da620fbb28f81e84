using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>Shorthands for the unit tests: an instrument with limits, order builders and an "unchanged" check.</summary>
internal static class BookTestKit
{
    /// <summary>Tick 0.01, lot 0.001; min 2 lots, max 100 000 lots, max price 10 000 000 ticks.</summary>
    public static readonly InstrumentSpec Spec = new("BTC-USD", 0.01m, 0.001m, minQuantity: 0.002m, maxQuantity: 100m, maxPrice: 100000m);

    public static (OrderBook Book, RecordingListener Listener) NewBook()
    {
        var listener = new RecordingListener();
        return (new OrderBook(Spec) { Listener = listener }, listener);
    }

    public static OrderRequest Buy(long id, long price, long quantity, long owner = 1, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false, SelfTradePrevention stp = SelfTradePrevention.None) =>
        OrderRequest.Limit(id, owner, Side.Buy, new Price(price), new Quantity(quantity), tif, postOnly, stp);

    public static OrderRequest Sell(long id, long price, long quantity, long owner = 1, TimeInForce tif = TimeInForce.GoodTillCancel, bool postOnly = false, SelfTradePrevention stp = SelfTradePrevention.None) =>
        OrderRequest.Limit(id, owner, Side.Sell, new Price(price), new Quantity(quantity), tif, postOnly, stp);

    public static OrderRequest Market(long id, Side side, long quantity, long owner = 1, TimeInForce tif = TimeInForce.ImmediateOrCancel, SelfTradePrevention stp = SelfTradePrevention.None) =>
        OrderRequest.Market(id, owner, side, new Quantity(quantity), tif, stp);

    /// <summary>Submits and asserts acceptance.</summary>
    public static OrderResult Accept(this OrderBook book, in OrderRequest request)
    {
        var result = book.Submit(request);
        Assert.AreEqual(OrderBookResultCode.Accepted, result.Code, $"submit {request}");
        return result;
    }

    /// <summary>Ids of one side's resting orders in priority order.</summary>
    public static long[] Ids(this OrderBook book, Side side) => [.. BookSnapshot.Orders(book, side).Select(o => o.OrderId)];

    /// <summary>A book with bids 3@99 (id 1, owner 1), 4@98 (id 2, owner 2) and asks 5@101 (id 3, owner 1), 6@102 (id 4, owner 2).</summary>
    public static (OrderBook Book, RecordingListener Listener) Seeded()
    {
        var (book, listener) = NewBook();
        book.Accept(Buy(1, 99, 3, owner: 1));
        book.Accept(Buy(2, 98, 4, owner: 2));
        book.Accept(Sell(3, 101, 5, owner: 1));
        book.Accept(Sell(4, 102, 6, owner: 2));
        listener.Clear();
        return (book, listener);
    }

    /// <summary>Asserts that <paramref name="action"/> is rejected with <paramref name="code"/> and changes and reports nothing.</summary>
    public static void AssertRejectedUnchanged(OrderBook book, RecordingListener listener, OrderBookResultCode code, Func<OrderBook, OrderResult> action)
    {
        var before = BookSnapshot.Of(book);
        listener.Clear();
        var result = action(book);
        Assert.AreEqual(code, result.Code);
        Assert.IsFalse(result.IsAccepted);
        Assert.AreEqual(default, (result.Filled, result.Resting, result.Cancelled, result.TradeCount, result.CancelReason));
        Assert.AreEqual(before, BookSnapshot.Of(book), "the book changed on a rejection");
        Assert.AreEqual(0, listener.Events.Count + listener.DepthChanges.Count, "a rejection reported events");
    }
}
