using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>Builds the event structs the <see cref="OrderBook"/> reports, in one place.</summary>
internal static class OrderBookListenerExtensions
{
    public static void NotifyOrder(
        this IOrderBookListener listener,
        OrderUpdateKind kind,
        long orderId,
        long ownerId,
        Side side,
        long price,
        long quantity,
        long remaining,
        CancelReason reason,
        long timestamp)
    {
        var update = new OrderUpdate
        {
            Kind = kind,
            OrderId = orderId,
            OwnerId = ownerId,
            Side = side,
            Price = new Price(price),
            Quantity = new Quantity(quantity),
            Remaining = new Quantity(remaining),
            Reason = reason,
            Timestamp = timestamp,
        };
        listener.OnOrderUpdate(in update);
    }
}
