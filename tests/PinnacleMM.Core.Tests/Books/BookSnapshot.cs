using System.Globalization;
using System.Text;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// Everything observable about a book's resting state, for "unchanged" assertions: state hash, counts,
/// last trade id, full depth and every order in queue order on both sides.
/// </summary>
internal sealed record BookSnapshot(long Hash, int OrderCount, int BidLevels, int AskLevels, long LastTradeId, string Text)
{
    public static BookSnapshot Of(OrderBook book)
    {
        var text = new StringBuilder();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            text.Append(CultureInfo.InvariantCulture, $"{side} depth:");
            foreach (var level in Depth(book, side))
            {
                text.Append(CultureInfo.InvariantCulture, $" {level.Price.Ticks}x{level.Quantity.Lots}/{level.OrderCount}");
            }

            text.Append(CultureInfo.InvariantCulture, $"\n{side} orders:");
            foreach (var order in Orders(book, side))
            {
                text.Append(CultureInfo.InvariantCulture, $" {order}");
            }

            text.Append('\n');
        }

        return new BookSnapshot(book.ComputeStateHash(), book.OrderCount, book.BidLevelCount, book.AskLevelCount, book.LastTradeId, text.ToString());
    }

    public static List<DepthLevel> Depth(OrderBook book, Side side)
    {
        var buffer = new DepthLevel[Math.Max(1, side == Side.Buy ? book.BidLevelCount : book.AskLevelCount) + 1];
        var n = book.GetDepth(side, buffer);
        return buffer.Take(n).ToList();
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
