namespace PinnacleMM.Exchange.Execution;

/// <summary>What <see cref="OrderTracker.Apply(in PinnacleMM.Exchange.Abstractions.ExecutionEvent, long)"/> did with one execution event.</summary>
public enum ExecutionOutcome : byte
{
    /// <summary>The event changed the order's state (acknowledgement, cancel, reject, amend); no fill.</summary>
    Applied = 0,

    /// <summary>A new fill of a tracked order: applied to the order (and the position).</summary>
    FillApplied = 1,

    /// <summary>A fill of an order already closed locally (e.g. cancelled on timeout) that the venue still filled: applied, so the position stays right.</summary>
    LateFillApplied = 2,

    /// <summary>A fill for an order we do not know, whose trade was not seen before: applied to the position (the venue traded our account) but no order is tracked.</summary>
    UnknownFillApplied = 3,

    /// <summary>A repeat of an event already applied (same trade id, or a cumulative filled size already reached): ignored.</summary>
    Duplicate = 4,

    /// <summary>A non-fill event for an order already closed (e.g. a cancel after the last fill, an acknowledgement after a cancel): ignored.</summary>
    Late = 5,

    /// <summary>A non-fill event for an order we do not know: ignored.</summary>
    Unknown = 6,

    /// <summary>Not about an order (<see cref="Abstractions.ExecutionEventKind.ConnectionChanged"/>): ignored by the tracker.</summary>
    NotAnOrderEvent = 7,

    /// <summary>A malformed event (a fill with a non-positive price or size, an undefined side or kind): ignored and counted, nothing changed.</summary>
    Invalid = 8,
}
