using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>The kind of one generated order book operation.</summary>
public enum BookCommandKind : byte
{
    Submit,
    Cancel,
    Modify,
}

/// <summary>One pre-generated order book operation, replayed by the benchmarks and the latency harness.</summary>
public readonly struct BookCommand
{
    public BookCommand(in OrderRequest order)
    {
        Kind = BookCommandKind.Submit;
        Order = order;
        OrderId = order.OrderId;
    }

    public BookCommand(BookCommandKind kind, long orderId, Price newPrice = default, Quantity newQuantity = default)
    {
        Kind = kind;
        OrderId = orderId;
        NewPrice = newPrice;
        NewQuantity = newQuantity;
    }

    public BookCommandKind Kind { get; }

    public OrderRequest Order { get; }

    public long OrderId { get; }

    public Price NewPrice { get; }

    public Quantity NewQuantity { get; }

    /// <summary>Applies the command; returns the filled quantity so that the work cannot be optimized away.</summary>
    public long ApplyTo(OrderBook book) => Kind switch
    {
        BookCommandKind.Submit => book.Submit(Order).Filled.Lots,
        BookCommandKind.Cancel => book.Cancel(OrderId).Cancelled.Lots,
        _ => book.Modify(OrderId, NewPrice, NewQuantity).Filled.Lots,
    };
}
