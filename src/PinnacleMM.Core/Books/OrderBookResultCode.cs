namespace PinnacleMM.Core.Books;

/// <summary>
/// The outcome of an <see cref="OrderBook"/> operation. Every code but <see cref="Accepted"/> is a
/// rejection that left the book exactly as it was; <see cref="OrderBookResultCodeExtensions.Describe"/>
/// says which field broke which rule.
/// </summary>
public enum OrderBookResultCode : byte
{
    /// <summary>The operation was applied.</summary>
    Accepted = 0,

    /// <summary>The order id is zero or negative.</summary>
    InvalidOrderId,

    /// <summary>An order with this id is already resting in the book.</summary>
    DuplicateOrderId,

    /// <summary>No order with this id is resting in the book.</summary>
    UnknownOrderId,

    /// <summary>The limit price is zero or negative.</summary>
    InvalidPrice,

    /// <summary>The limit price is above the instrument's maximum price.</summary>
    PriceAboveMaximum,

    /// <summary>The quantity is zero or negative.</summary>
    InvalidQuantity,

    /// <summary>The quantity is below the instrument's minimum quantity.</summary>
    QuantityBelowMinimum,

    /// <summary>The quantity is above the instrument's maximum quantity.</summary>
    QuantityAboveMaximum,

    /// <summary>The side, order type, time in force or self-trade prevention value is not defined.</summary>
    InvalidEnumValue,

    /// <summary>A market order asked to rest (good-till-cancel): market orders are immediate-or-cancel or fill-or-kill.</summary>
    MarketOrderCannotRest,

    /// <summary>Post-only was asked for an order that is not a good-till-cancel limit order.</summary>
    PostOnlyRequiresGoodTillCancelLimit,

    /// <summary>A post-only order would have traded on arrival.</summary>
    PostOnlyWouldCross,

    /// <summary>A fill-or-kill order could not be filled completely.</summary>
    FillOrKillNotFillable,
}
