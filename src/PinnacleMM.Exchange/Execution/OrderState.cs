namespace PinnacleMM.Exchange.Execution;

/// <summary>Where one of our orders stands in its lifecycle, as the <see cref="OrderTracker"/> knows it.</summary>
public enum OrderState : byte
{
    /// <summary>Sent, not yet acknowledged by the venue.</summary>
    PendingNew = 0,

    /// <summary>Acknowledged and resting, nothing filled.</summary>
    Open = 1,

    /// <summary>Acknowledged (or filled before its acknowledgement), part of it filled, the rest resting.</summary>
    PartiallyFilled = 2,

    /// <summary>Completely filled: closed.</summary>
    Filled = 3,

    /// <summary>A cancel was sent and not yet answered; the order may still fill.</summary>
    PendingCancel = 4,

    /// <summary>Cancelled by us or the venue, or found gone at the venue: closed (late fills are still applied).</summary>
    Cancelled = 5,

    /// <summary>Refused by the venue, or never reached it: closed.</summary>
    Rejected = 6,
}
