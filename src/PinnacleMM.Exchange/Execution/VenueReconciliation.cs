using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>What <see cref="OrderManager.ReconcileWithVenue(IReadOnlyList{OpenOrder}, IReadOnlyList{ExecutionEvent}, bool)"/> did.</summary>
/// <param name="ClosedLocally">Tracked orders the venue no longer has, closed locally.</param>
/// <param name="OrphansCancelled">Venue orders with our client order ids that we did not track, for which a cancel was sent.</param>
/// <param name="ForeignOrders">Venue orders without a client order id (placed outside this application), left alone.</param>
public sealed record VenueReconciliation(IReadOnlyList<ClientOrderId> ClosedLocally, IReadOnlyList<ClientOrderId> OrphansCancelled, int ForeignOrders)
{
    /// <summary>Fills from the venue's fill history that we had missed, applied to the position (each once).</summary>
    public int FillsRecovered { get; init; }

    /// <summary>Fills from the venue's fill history that we already had (recognised as duplicates, not applied again).</summary>
    public int FillsAlreadyKnown { get; init; }

    /// <summary>Orders open on both sides that took the venue's state, price or open size (an acknowledgement or amend answer was missed).</summary>
    public int OrdersCorrected { get; init; }

    /// <summary>Whether the venue's fill history was used; when false, orders closed locally may have had fills we never saw.</summary>
    public bool FillHistoryUsed { get; init; }

    /// <summary>Whether the tracked orders already matched the venue's (and no fill was missed).</summary>
    public bool WasInSync => ClosedLocally.Count == 0 && OrphansCancelled.Count == 0 && FillsRecovered == 0 && OrdersCorrected == 0;

    /// <summary>A one-line account.</summary>
    public override string ToString() =>
        $"{ClosedLocally.Count} tracked orders gone at the venue closed, {OrphansCancelled.Count} orphans cancelled, {OrdersCorrected} corrected, {ForeignOrders} foreign orders left alone, " +
        (FillHistoryUsed ? $"{FillsRecovered} missed fills recovered ({FillsAlreadyKnown} already known)" : "no fill history");
}
