using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// One of our orders that is resting or on its way, as the order manager tracks it and hands it to
/// <see cref="QuoteReconciler.Reconcile"/>.
/// </summary>
/// <param name="OrderId">The client order id.</param>
/// <param name="Side">The side.</param>
/// <param name="Price">The limit price.</param>
/// <param name="Quantity">The remaining (unfilled) size.</param>
/// <param name="CreatedNanoseconds">When it was placed (or last amended), on the monotonic clock.</param>
/// <param name="CancelSentNanoseconds">When a cancel was last sent for it, or 0 when none was: such an order is leaving and is not matched to a quote.</param>
public readonly record struct LiveOrder(long OrderId, Side Side, Price Price, Quantity Quantity, long CreatedNanoseconds, long CancelSentNanoseconds = 0)
{
    /// <summary>Whether a cancel has been sent for this order.</summary>
    public bool IsCancelPending => CancelSentNanoseconds != 0;
}
