using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>An instrument and deterministic random order flow for persistence tests.</summary>
internal static class TestBooks
{
    /// <summary>Tick 0.01, lot 1; no minimum beyond one lot.</summary>
    public static readonly InstrumentSpec Instrument = new("TEST-USD", 0.01m, 1m);

    /// <summary>A book operation as the journal records it.</summary>
    public abstract record Op;

    public sealed record SubmitOp(OrderRequest Order) : Op;

    public sealed record CancelOp(long OrderId, long Timestamp) : Op;

    public sealed record ModifyOp(long OrderId, long Price, long Quantity, long Timestamp) : Op;

    /// <summary>A random but valid-looking mix of limit orders (some crossing), market orders, cancels and modifies, with some rejections.</summary>
    public static List<Op> RandomOps(int seed, int count)
    {
        var random = new Random(seed);
        var ops = new List<Op>(count);
        var nextId = 1L;
        for (var i = 0; i < count; i++)
        {
            var ts = 1_000L * (i + 1);
            var roll = random.Next(100);
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            if (roll < 60)
            {
                var price = side == Side.Buy ? random.Next(90, 103) : random.Next(98, 111);
                var tif = random.Next(10) == 0 ? TimeInForce.ImmediateOrCancel : TimeInForce.GoodTillCancel;
                var stp = (SelfTradePrevention)random.Next(4);
                ops.Add(new SubmitOp(OrderRequest.Limit(nextId++, random.Next(1, 4), side, new Price(price), new Quantity(random.Next(1, 20)), tif, tif == TimeInForce.GoodTillCancel && random.Next(8) == 0, stp, ts)));
            }
            else if (roll < 67)
            {
                ops.Add(new SubmitOp(OrderRequest.Market(nextId++, random.Next(1, 4), side, new Quantity(random.Next(1, 30)), timestamp: ts)));
            }
            else if (roll < 85)
            {
                ops.Add(new CancelOp(random.NextInt64(1, nextId + 2), ts));
            }
            else
            {
                ops.Add(new ModifyOp(random.NextInt64(1, nextId + 2), random.Next(92, 109), random.Next(0, 25), ts));
            }
        }

        return ops;
    }

    public static void Apply(OrderBook book, Op op)
    {
        switch (op)
        {
            case SubmitOp s:
                book.Submit(s.Order);
                break;
            case CancelOp c:
                book.Cancel(c.OrderId, c.Timestamp);
                break;
            case ModifyOp m:
                book.Modify(m.OrderId, new Price(m.Price), new Quantity(m.Quantity), m.Timestamp);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    public static OrderBook Build(IEnumerable<Op> ops)
    {
        var book = new OrderBook(Instrument);
        foreach (var op in ops)
        {
            Apply(book, op);
        }

        return book;
    }
}
