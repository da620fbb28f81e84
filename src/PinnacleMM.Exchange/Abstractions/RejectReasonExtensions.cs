using PinnacleMM.Core.Books;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>Explanations of <see cref="RejectReason"/> values and the mapping from order book result codes.</summary>
public static class RejectReasonExtensions
{
    /// <summary>
    /// Says which field broke which rule, e.g. <c>"price: must be positive for a limit order"</c>.
    /// Returns a constant string: safe to call on a hot path.
    /// </summary>
    public static string Describe(this RejectReason reason) => reason switch
    {
        RejectReason.None => "not rejected",
        RejectReason.InvalidEnumValue => "kind/side/type/timeInForce: not a defined value",
        RejectReason.UnknownInstrument => "instrument: not traded by this connector",
        RejectReason.InvalidClientOrderId => "clientOrderId: must be positive",
        RejectReason.DuplicateClientOrderId => "clientOrderId: already used by another order",
        RejectReason.UnknownOrder => "clientOrderId: no live order with this id (never placed, or already filled or cancelled)",
        RejectReason.InvalidPrice => "price: must be positive for a limit order",
        RejectReason.PriceAboveMaximum => "price: must not exceed the instrument's maximum price",
        RejectReason.InvalidQuantity => "quantity: must be positive",
        RejectReason.QuantityBelowMinimum => "quantity: must be at least the instrument's minimum quantity",
        RejectReason.QuantityAboveMaximum => "quantity: must not exceed the instrument's maximum quantity",
        RejectReason.MarketOrderCannotRest => "timeInForce: a market order must be immediate-or-cancel or fill-or-kill",
        RejectReason.PostOnlyRequiresGoodTillCancelLimit => "postOnly: only a good-till-cancel limit order can be post-only",
        RejectReason.PostOnlyWouldCross => "postOnly: the order would trade on arrival (its price crosses the opposite best price)",
        RejectReason.FillOrKillNotFillable => "timeInForce: fill-or-kill order cannot be filled completely at its limit",
        RejectReason.AmendNotSupported => "kind: the venue cannot amend orders; cancel and place instead",
        RejectReason.InsufficientBalance => "quantity: the account's available balance does not cover the order",
        RejectReason.RateLimited => "request rate: over the rate limit, try again later",
        RejectReason.NotConnected => "connection: not connected, nothing was sent",
        RejectReason.VenueRejected => "venue: refused the command (see the connector's log for its text)",
        _ => "unknown reject reason",
    };

    /// <summary>
    /// The reject reason for an <see cref="OrderBook"/> rejection, for venues (like the simulator) that
    /// match with the Core order book. <see cref="OrderBookResultCode.Accepted"/> maps to <see cref="RejectReason.None"/>.
    /// </summary>
    public static RejectReason ToRejectReason(this OrderBookResultCode code) => code switch
    {
        OrderBookResultCode.Accepted => RejectReason.None,
        OrderBookResultCode.InvalidOrderId => RejectReason.InvalidClientOrderId,
        OrderBookResultCode.DuplicateOrderId => RejectReason.DuplicateClientOrderId,
        OrderBookResultCode.UnknownOrderId => RejectReason.UnknownOrder,
        OrderBookResultCode.InvalidPrice => RejectReason.InvalidPrice,
        OrderBookResultCode.PriceAboveMaximum => RejectReason.PriceAboveMaximum,
        OrderBookResultCode.InvalidQuantity => RejectReason.InvalidQuantity,
        OrderBookResultCode.QuantityBelowMinimum => RejectReason.QuantityBelowMinimum,
        OrderBookResultCode.QuantityAboveMaximum => RejectReason.QuantityAboveMaximum,
        OrderBookResultCode.InvalidEnumValue => RejectReason.InvalidEnumValue,
        OrderBookResultCode.MarketOrderCannotRest => RejectReason.MarketOrderCannotRest,
        OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit => RejectReason.PostOnlyRequiresGoodTillCancelLimit,
        OrderBookResultCode.PostOnlyWouldCross => RejectReason.PostOnlyWouldCross,
        OrderBookResultCode.FillOrKillNotFillable => RejectReason.FillOrKillNotFillable,
        _ => RejectReason.VenueRejected,
    };
}
