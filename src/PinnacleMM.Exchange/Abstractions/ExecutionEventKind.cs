namespace PinnacleMM.Exchange.Abstractions;

/// <summary>What an <see cref="ExecutionEvent"/> reports about one of our orders.</summary>
public enum ExecutionEventKind : byte
{
    /// <summary>The venue accepted a new order (acknowledgement). Fills may follow at once for an order that crossed.</summary>
    Accepted = 0,

    /// <summary>The venue refused a new order; <see cref="ExecutionEvent.RejectReason"/> says why. Nothing was changed.</summary>
    Rejected = 1,

    /// <summary>Part of the order filled; <see cref="ExecutionEvent.LeavesQuantity"/> is still open.</summary>
    PartiallyFilled = 2,

    /// <summary>The order's last fill: nothing is left open.</summary>
    Filled = 3,

    /// <summary>
    /// The order (or its unfilled rest) was cancelled: by our cancel (the cancel acknowledgement), or by the
    /// venue (immediate-or-cancel remainder, market order out of liquidity, self-trade prevention);
    /// <see cref="ExecutionEvent.CancelReason"/> says which.
    /// </summary>
    Cancelled = 4,

    /// <summary>A cancel was refused (e.g. the order was already filled or unknown); the order, if any, is unchanged.</summary>
    CancelRejected = 5,

    /// <summary>An amend was applied: <see cref="ExecutionEvent.Price"/> and <see cref="ExecutionEvent.LeavesQuantity"/> are the order's new price and open size. Fills may follow when the new price crosses.</summary>
    Amended = 6,

    /// <summary>An amend was refused; the order is unchanged.</summary>
    AmendRejected = 7,

    /// <summary>The order-entry connection state changed (<see cref="ExecutionEvent.ConnectionState"/>); orders may need reconciling.</summary>
    ConnectionChanged = 8,
}
