using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>
/// The textbook C# order book, as many .NET trading projects write it: a <see cref="SortedDictionary{TKey, TValue}"/>
/// of price levels, each a <see cref="LinkedList{T}"/> of orders, and a <see cref="Dictionary{TKey, TValue}"/>
/// from id to list node. It implements the subset of the rules the generated flow uses (limit GTC/IOC,
/// market IOC, cancel, reduce in place, replace) so the benchmarks can compare the same work: the
/// baseline that <see cref="OrderBook"/> is measured against.
/// </summary>
public sealed class NaiveOrderBook
{
    private readonly SortedDictionary<long, LinkedList<NaiveOrder>> _bids = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<long, LinkedList<NaiveOrder>> _asks = new();
    private readonly Dictionary<long, LinkedListNode<NaiveOrder>> _orders = [];

    public int OrderCount => _orders.Count;

    /// <summary>The best bid as this style of book reads it: the first key of the sorted dictionary.</summary>
    public bool TryGetBestBid(out long price)
    {
        foreach (var level in _bids)
        {
            price = level.Key;
            return true;
        }

        price = 0;
        return false;
    }

    /// <summary>The best ask, read like <see cref="TryGetBestBid"/>.</summary>
    public bool TryGetBestAsk(out long price)
    {
        foreach (var level in _asks)
        {
            price = level.Key;
            return true;
        }

        price = 0;
        return false;
    }

    public long Apply(in BookCommand command) => command.Kind switch
    {
        BookCommandKind.Submit => Submit(command.Order),
        BookCommandKind.Cancel => Cancel(command.OrderId),
        _ => Modify(command.OrderId, command.NewPrice.Ticks, command.NewQuantity.Lots),
    };

    private long Submit(in OrderRequest order)
    {
        if (_orders.ContainsKey(order.OrderId))
        {
            return 0;
        }

        var limit = order.Type == OrderType.Market ? (order.Side == Side.Buy ? long.MaxValue : long.MinValue) : order.Price.Ticks;
        return Execute(order.OrderId, order.Side, limit, order.Quantity.Lots, rest: order.Type == OrderType.Limit && order.TimeInForce == TimeInForce.GoodTillCancel);
    }

    private long Execute(long id, Side side, long limit, long quantity, bool rest)
    {
        var opposite = side == Side.Buy ? _asks : _bids;
        var remaining = quantity;
        while (remaining > 0 && opposite.Count > 0)
        {
            var best = opposite.First();
            if (side == Side.Buy ? best.Key > limit : best.Key < limit)
            {
                break;
            }

            var queue = best.Value;
            while (remaining > 0 && queue.First is { } node)
            {
                var traded = Math.Min(remaining, node.Value.Remaining);
                remaining -= traded;
                node.Value.Remaining -= traded;
                if (node.Value.Remaining == 0)
                {
                    queue.RemoveFirst();
                    _orders.Remove(node.Value.Id);
                }
            }

            if (queue.Count == 0)
            {
                opposite.Remove(best.Key);
            }
        }

        if (remaining > 0 && rest)
        {
            var own = side == Side.Buy ? _bids : _asks;
            if (!own.TryGetValue(limit, out var level))
            {
                level = new LinkedList<NaiveOrder>();
                own.Add(limit, level);
            }

            _orders.Add(id, level.AddLast(new NaiveOrder { Id = id, Side = side, Price = limit, Remaining = remaining }));
        }

        return quantity - remaining;
    }

    private long Cancel(long id)
    {
        if (!_orders.Remove(id, out var node))
        {
            return 0;
        }

        RemoveNode(node);
        return node.Value.Remaining;
    }

    private long Modify(long id, long price, long quantity)
    {
        if (!_orders.TryGetValue(id, out var node))
        {
            return 0;
        }

        var order = node.Value;
        if (price == order.Price && quantity <= order.Remaining)
        {
            order.Remaining = quantity;
            return 0;
        }

        _orders.Remove(id);
        RemoveNode(node);
        return Execute(id, order.Side, price, quantity, rest: true);
    }

    private void RemoveNode(LinkedListNode<NaiveOrder> node)
    {
        var level = node.List!;
        level.Remove(node);
        if (level.Count == 0)
        {
            (node.Value.Side == Side.Buy ? _bids : _asks).Remove(node.Value.Price);
        }
    }

    private sealed class NaiveOrder
    {
        public long Id;
        public Side Side;
        public long Price;
        public long Remaining;
    }
}
