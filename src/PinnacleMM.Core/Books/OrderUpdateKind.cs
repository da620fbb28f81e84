namespace PinnacleMM.Core.Books;

/// <summary>What happened to an order, apart from trades (see <see cref="IOrderBookListener.OnTrade"/>).</summary>
public enum OrderUpdateKind : byte
{
    /// <summary>The order (or its remainder after trading) now rests in the book.</summary>
    Rested = 0,

    /// <summary>The order, or the part given in <see cref="OrderUpdate.Quantity"/>, left the book without trading.</summary>
    Cancelled,

    /// <summary>The order's size was reduced in place; it keeps its queue position.</summary>
    Reduced,

    /// <summary>The order was taken out of its queue to be re-entered at a new price or larger size (it loses its queue position); trades or <see cref="Rested"/> follow.</summary>
    Replaced,
}
