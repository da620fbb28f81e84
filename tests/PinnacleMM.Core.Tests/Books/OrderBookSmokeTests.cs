using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

[TestClass]
public sealed class OrderBookSmokeTests
{
    [TestMethod]
    public void Crossing_limit_order_trades_at_resting_price()
    {
        var book = new OrderBook(new InstrumentSpec("BTC-USD", 0.01m, 0.001m));
        Assert.IsTrue(book.Submit(OrderRequest.Limit(1, 10, Side.Sell, new Price(100), new Quantity(5))).IsAccepted);
        var result = book.Submit(OrderRequest.Limit(2, 20, Side.Buy, new Price(101), new Quantity(3)));
        Assert.AreEqual(new Quantity(3), result.Filled);
        Assert.IsTrue(book.TryGetBestAsk(out var ask, out var askQty));
        Assert.AreEqual(new Price(100), ask);
        Assert.AreEqual(new Quantity(2), askQty);
    }
}
