namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// Why a venue refused a command, normalized across connectors. <see cref="RejectReasonExtensions.Describe"/>
/// names the field and the rule.
/// </summary>
public enum RejectReason : byte
{
    /// <summary>Not a rejection.</summary>
    None = 0,

    /// <summary>The command's kind, side, order type or time in force is not a defined value.</summary>
    InvalidEnumValue,

    /// <summary>The instrument is not one this connector trades.</summary>
    UnknownInstrument,

    /// <summary>The client order id is zero or negative.</summary>
    InvalidClientOrderId,

    /// <summary>The client order id of a new order was used before.</summary>
    DuplicateClientOrderId,

    /// <summary>No live order has this client order id (never placed, or already filled or cancelled).</summary>
    UnknownOrder,

    /// <summary>The limit price is zero or negative.</summary>
    InvalidPrice,

    /// <summary>The limit price is above the instrument's maximum price.</summary>
    PriceAboveMaximum,

    /// <summary>The quantity is zero or negative.</summary>
    InvalidQuantity,

    /// <summary>The quantity is below the instrument's minimum.</summary>
    QuantityBelowMinimum,

    /// <summary>The quantity is above the instrument's maximum.</summary>
    QuantityAboveMaximum,

    /// <summary>A market order asked to rest (good-till-cancel).</summary>
    MarketOrderCannotRest,

    /// <summary>Post-only was asked for an order that is not a good-till-cancel limit order.</summary>
    PostOnlyRequiresGoodTillCancelLimit,

    /// <summary>A post-only order (or amend) would have traded on arrival.</summary>
    PostOnlyWouldCross,

    /// <summary>A fill-or-kill order could not be filled completely.</summary>
    FillOrKillNotFillable,

    /// <summary>The venue does not support amending orders: cancel and place instead.</summary>
    AmendNotSupported,

    /// <summary>The account lacks the balance for the order.</summary>
    InsufficientBalance,

    /// <summary>The venue's (or our own) rate limit refused the request.</summary>
    RateLimited,

    /// <summary>The connector is not connected; nothing was sent.</summary>
    NotConnected,

    /// <summary>The venue refused the command for a reason with no normalized code (its text is logged by the connector).</summary>
    VenueRejected,
}
