namespace PinnacleMM.Exchange.Execution;

/// <summary>What an <see cref="OrderActivity"/> records.</summary>
public enum OrderActivityKind : byte
{
    /// <summary>A command (place, cancel, amend) was sent to the venue; <see cref="OrderActivity.Command"/>.</summary>
    CommandSent = 0,

    /// <summary>A command was refused locally and not sent; <see cref="OrderActivity.Command"/> and <see cref="OrderActivity.Refusal"/>.</summary>
    CommandRefused = 1,

    /// <summary>An execution event came from the venue; <see cref="OrderActivity.Execution"/> and what the tracker did with it, <see cref="OrderActivity.Outcome"/>.</summary>
    ExecutionReceived = 2,

    /// <summary>An order was closed without a venue event (gone at the venue on reconciliation); <see cref="OrderActivity.ClientOrderId"/> and <see cref="OrderActivity.ClosedAs"/>.</summary>
    ClosedLocally = 3,

    /// <summary>
    /// The tracked orders were reconciled with the venue's (at start or after a reconnect); <see cref="OrderActivity.Reconciliation"/>
    /// says what was done. The closes, cancels and recovered fills themselves are journaled before it as activities of
    /// their own; this record changes no state.
    /// </summary>
    VenueReconciled = 4,
}
