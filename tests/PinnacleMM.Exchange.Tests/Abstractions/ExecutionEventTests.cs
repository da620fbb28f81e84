using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

[TestClass]
public sealed class ExecutionEventTests
{
    [TestMethod]
    public void Fill_becomes_a_strategy_fill_with_its_fee()
    {
        var e = new ExecutionEvent
        {
            Kind = ExecutionEventKind.PartiallyFilled,
            ClientOrderId = new ClientOrderId(12),
            Side = Side.Sell,
            Price = new Price(100),
            Quantity = new Quantity(3),
            LeavesQuantity = new Quantity(2),
            Liquidity = Liquidity.Maker,
            Fee = 0.25m,
            ReceivedNanoseconds = 500,
        };

        Assert.IsTrue(e.TryToOrderEvent(out var o));
        Assert.AreEqual(new OrderEvent(OrderEventKind.PartiallyFilled, 12, Side.Sell, new Price(100), new Quantity(3), Liquidity.Maker, 0.25m, 500), o);
    }

    [TestMethod]
    [DataRow(ExecutionEventKind.Accepted, OrderEventKind.Acknowledged)]
    [DataRow(ExecutionEventKind.Cancelled, OrderEventKind.Cancelled)]
    [DataRow(ExecutionEventKind.Amended, OrderEventKind.Amended)]
    [DataRow(ExecutionEventKind.Rejected, OrderEventKind.Rejected)]
    [DataRow(ExecutionEventKind.CancelRejected, OrderEventKind.Rejected)]
    [DataRow(ExecutionEventKind.AmendRejected, OrderEventKind.Rejected)]
    public void Other_kinds_carry_the_open_size_and_no_fee(ExecutionEventKind kind, OrderEventKind expected)
    {
        var e = new ExecutionEvent { Kind = kind, ClientOrderId = new ClientOrderId(5), Price = new Price(90), Quantity = new Quantity(9), LeavesQuantity = new Quantity(4), Fee = 1m };
        Assert.IsTrue(e.TryToOrderEvent(out var o));
        Assert.AreEqual(expected, o.Kind);
        Assert.AreEqual(new Quantity(4), o.Quantity);
        Assert.AreEqual(0m, o.Fee);
    }

    [TestMethod]
    public void Connection_change_is_not_an_order_event()
    {
        var e = new ExecutionEvent { Kind = ExecutionEventKind.ConnectionChanged, ConnectionState = ConnectionState.Disconnected };
        Assert.IsFalse(e.TryToOrderEvent(out _));
    }

    [TestMethod]
    public void Every_reject_reason_names_a_field_and_a_rule()
    {
        foreach (var reason in Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None))
        {
            var text = reason.Describe();
            StringAssert.Contains(text, ": ", $"{reason}");
            Assert.AreNotEqual("unknown reject reason", text);
        }
    }

    [TestMethod]
    public void Every_order_book_rejection_maps_to_its_own_reason()
    {
        var mapped = new HashSet<RejectReason>();
        foreach (var code in Enum.GetValues<OrderBookResultCode>())
        {
            var reason = code.ToRejectReason();
            if (code == OrderBookResultCode.Accepted)
            {
                Assert.AreEqual(RejectReason.None, reason);
                continue;
            }

            Assert.AreNotEqual(RejectReason.None, reason, $"{code}");
            Assert.AreNotEqual(RejectReason.VenueRejected, reason, $"{code}");
            Assert.IsTrue(mapped.Add(reason), $"{code} maps to {reason} twice");
        }
    }
}
