namespace PinnacleMM.Exchange.Execution;

/// <summary>What one reconciliation with the venue did, in numbers (journaled as <see cref="OrderActivityKind.VenueReconciled"/>).</summary>
/// <param name="ClosedLocally">Tracked orders the venue no longer had, closed locally.</param>
/// <param name="OrphansCancelled">Venue orders with our ids that we did not track, cancelled.</param>
/// <param name="ForeignOrders">Venue orders placed outside this application, left alone.</param>
/// <param name="FillsRecovered">Fills missed on the execution stream and applied from the venue's fill history.</param>
/// <param name="AfterReconnect">Whether it followed a reconnect of order entry (otherwise the engine's start).</param>
public readonly record struct ReconciliationCounts(int ClosedLocally, int OrphansCancelled, int ForeignOrders, int FillsRecovered, bool AfterReconnect);
