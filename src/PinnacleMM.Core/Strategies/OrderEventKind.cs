namespace PinnacleMM.Core.Strategies;

/// <summary>What happened to one of the strategy's own orders.</summary>
public enum OrderEventKind : byte
{
    /// <summary>The venue accepted the order; it rests in the book.</summary>
    Acknowledged = 0,

    /// <summary>Part of the order was filled; the rest still rests.</summary>
    PartiallyFilled = 1,

    /// <summary>The order was filled completely (the last fill); it no longer rests.</summary>
    Filled = 2,

    /// <summary>The order was cancelled (by us, by the venue, or on expiry); it no longer rests.</summary>
    Cancelled = 3,

    /// <summary>The venue refused the order (or a cancel or amend of it).</summary>
    Rejected = 4,

    /// <summary>The venue applied an amend: new price and/or size.</summary>
    Amended = 5,
}
