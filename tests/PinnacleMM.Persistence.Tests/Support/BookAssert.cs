using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>Compares two books on everything observable: state hash, trade counter and every order (all fields) in queue order.</summary>
internal static class BookAssert
{
    public static void Same(OrderBook expected, OrderBook actual, string context = "")
    {
        Assert.AreEqual(expected.LastTradeId, actual.LastTradeId, $"{context}: last trade id");
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            CollectionAssert.AreEqual(Orders(expected, side), Orders(actual, side), $"{context}: {side} orders in queue order");
        }

        Assert.AreEqual(expected.ComputeStateHash(), actual.ComputeStateHash(), $"{context}: state hash");
    }

    public static List<OrderInfo> Orders(OrderBook book, Side side)
    {
        var list = new List<OrderInfo>();
        foreach (var order in book.GetOrders(side))
        {
            list.Add(order);
        }

        return list;
    }
}
