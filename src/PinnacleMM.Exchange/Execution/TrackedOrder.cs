using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>A copy of one order as the <see cref="OrderTracker"/> knows it.</summary>
/// <param name="ClientOrderId">Our id.</param>
/// <param name="VenueOrderId">The venue's id; <see cref="VenueOrderId.None"/> until acknowledged (or filled).</param>
/// <param name="Side">The side.</param>
/// <param name="Price">The limit price (the latest acknowledged one).</param>
/// <param name="Quantity">The order's size: filled plus open (changed by acknowledged amends).</param>
/// <param name="LeavesQuantity">The size still open.</param>
/// <param name="FilledQuantity">The size filled so far.</param>
/// <param name="State">The lifecycle state.</param>
/// <param name="CreatedNanoseconds">When it was sent (or last amended), on the engine's monotonic clock.</param>
/// <param name="CancelSentNanoseconds">When a cancel was last sent; 0 when none was (kept when the venue refuses the cancel).</param>
/// <param name="CancelAttempts">How many cancels were sent for it.</param>
/// <param name="AmendPending">Whether an amend was sent and not yet answered.</param>
/// <param name="Manual">Whether it was placed manually (<see cref="OrderManager.PlaceOrder"/>) rather than by quote reconciliation.</param>
public readonly record struct TrackedOrder(
    ClientOrderId ClientOrderId,
    VenueOrderId VenueOrderId,
    Side Side,
    Price Price,
    Quantity Quantity,
    Quantity LeavesQuantity,
    Quantity FilledQuantity,
    OrderState State,
    long CreatedNanoseconds,
    long CancelSentNanoseconds,
    int CancelAttempts,
    bool AmendPending,
    bool Manual)
{
    /// <summary>
    /// How many cancels of this order the venue refused in a row, for a reason other than not knowing it (rate limit,
    /// busy, too late...); 0 when none was. Such an order rests at the venue and stays on its way out: the
    /// <see cref="OrderManager"/> sends its next cancel after a wait that grows with this count
    /// (<see cref="OrderManagerOptions.CancelRefusalBackoff"/>). It lasts as long as the order: a cancel the venue accepts closes it.
    /// </summary>
    public int CancelRefusals { get; init; }

    /// <summary>When the venue last refused a cancel of this order, on the order manager's monotonic clock; 0 when it never did.</summary>
    public long CancelRefusedNanoseconds { get; init; }

    /// <summary>Whether the order is closed (filled, cancelled or rejected).</summary>
    public bool IsClosed => State is OrderState.Filled or OrderState.Cancelled or OrderState.Rejected;
}
