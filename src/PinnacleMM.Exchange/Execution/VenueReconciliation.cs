using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>What <see cref="OrderManager.ReconcileWithVenue"/> did.</summary>
/// <param name="ClosedLocally">Tracked orders the venue no longer has, closed locally.</param>
/// <param name="OrphansCancelled">Venue orders with our client order ids that we did not track, for which a cancel was sent.</param>
/// <param name="ForeignOrders">Venue orders without a client order id (placed outside this application), left alone.</param>
public sealed record VenueReconciliation(IReadOnlyList<ClientOrderId> ClosedLocally, IReadOnlyList<ClientOrderId> OrphansCancelled, int ForeignOrders)
{
    /// <summary>Whether the tracked orders already matched the venue's.</summary>
    public bool WasInSync => ClosedLocally.Count == 0 && OrphansCancelled.Count == 0;

    /// <summary>A one-line account.</summary>
    public override string ToString() =>
        $"{ClosedLocally.Count} tracked orders gone at the venue closed, {OrphansCancelled.Count} orphans cancelled, {ForeignOrders} foreign orders left alone";
}
