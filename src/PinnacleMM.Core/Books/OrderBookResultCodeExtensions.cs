namespace PinnacleMM.Core.Books;

/// <summary>Human-readable explanations of <see cref="OrderBookResultCode"/> values.</summary>
public static class OrderBookResultCodeExtensions
{
    /// <summary>
    /// Says which field broke which rule, e.g. <c>"quantity: must be at least the instrument's minimum quantity"</c>.
    /// Returns a constant string: safe to call on a hot path.
    /// </summary>
    public static string Describe(this OrderBookResultCode code) => code switch
    {
        OrderBookResultCode.Accepted => "accepted",
        OrderBookResultCode.InvalidOrderId => "orderId: must be positive",
        OrderBookResultCode.DuplicateOrderId => "orderId: an order with this id is already resting in the book",
        OrderBookResultCode.UnknownOrderId => "orderId: no order with this id is resting in the book",
        OrderBookResultCode.InvalidPrice => "price: must be positive for a limit order",
        OrderBookResultCode.PriceAboveMaximum => "price: must not exceed the instrument's maximum price",
        OrderBookResultCode.InvalidQuantity => "quantity: must be positive",
        OrderBookResultCode.QuantityBelowMinimum => "quantity: must be at least the instrument's minimum quantity",
        OrderBookResultCode.QuantityAboveMaximum => "quantity: must not exceed the instrument's maximum quantity",
        OrderBookResultCode.InvalidEnumValue => "side/type/timeInForce/selfTradePrevention: not a defined value",
        OrderBookResultCode.MarketOrderCannotRest => "timeInForce: a market order must be immediate-or-cancel or fill-or-kill",
        OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit => "postOnly: only a good-till-cancel limit order can be post-only",
        OrderBookResultCode.PostOnlyWouldCross => "postOnly: the order would trade on arrival (its price crosses the opposite best price)",
        OrderBookResultCode.FillOrKillNotFillable => "timeInForce: fill-or-kill order cannot be filled completely at its limit",
        _ => "unknown result code",
    };
}
