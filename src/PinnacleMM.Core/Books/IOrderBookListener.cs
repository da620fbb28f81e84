using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// Receives what an <see cref="OrderBook"/> does, synchronously on the thread that called it, in the
/// order it happens. Events are passed by reference as structs: nothing is allocated per event. A
/// listener must not call back into the book that is notifying it.
/// </summary>
public interface IOrderBookListener
{
    /// <summary>A trade happened.</summary>
    void OnTrade(in Trade trade);

    /// <summary>An order rested, was cancelled (in whole or in part), reduced or taken out for a replace.</summary>
    void OnOrderUpdate(in OrderUpdate update);

    /// <summary>The aggregated level at <paramref name="price"/> on <paramref name="side"/> changed: its new total and order count (both zero when the level is gone). This is the L2 view of the book.</summary>
    void OnDepthChanged(Side side, Price price, Quantity totalQuantity, int orderCount);
}
