using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// Maps Coinbase Advanced Trade's documented error CODES to <see cref="RejectReason"/>: the create-order
/// <c>error_response</c> (<c>error</c>, <c>new_order_failure_reason</c>, <c>preview_failure_reason</c>), the
/// batch-cancel <c>failure_reason</c> and the HTTP error body's <c>error</c>. Codes are matched exactly (never the free
/// text of <c>message</c>); a code without a normalized equivalent, or one not listed here, is
/// <see cref="RejectReason.VenueRejected"/> and the connector's message quotes it.
/// </summary>
public static class AdvancedTradeRejectReasons
{
    private static readonly Dictionary<string, RejectReason> Orders = new(StringComparer.Ordinal)
    {
        // NewOrderFailureReason (error_response.error / new_order_failure_reason)
        ["INVALID_SIDE"] = RejectReason.InvalidEnumValue,
        ["INVALID_PRODUCT_ID"] = RejectReason.UnknownInstrument,
        ["INELIGIBLE_PAIR"] = RejectReason.UnknownInstrument,
        ["INVALID_SIZE_PRECISION"] = RejectReason.InvalidQuantity,
        ["INVALID_PRICE_PRECISION"] = RejectReason.InvalidPrice,
        ["INVALID_LIMIT_PRICE"] = RejectReason.InvalidPrice,
        ["INSUFFICIENT_FUND"] = RejectReason.InsufficientBalance,
        ["INSUFFICIENT_FUNDS"] = RejectReason.InsufficientBalance,
        ["INVALID_LEDGER_BALANCE"] = RejectReason.InsufficientBalance,
        ["INVALID_LIMIT_PRICE_POST_ONLY"] = RejectReason.PostOnlyWouldCross,

        // PreviewFailureReason (error_response.preview_failure_reason): the more specific size and price limits.
        ["PREVIEW_INVALID_SIDE"] = RejectReason.InvalidEnumValue,
        ["PREVIEW_INVALID_PRODUCT_ID"] = RejectReason.UnknownInstrument,
        ["PREVIEW_INVALID_SIZE_PRECISION"] = RejectReason.InvalidQuantity,
        ["PREVIEW_INVALID_BASE_SIZE_TOO_SMALL"] = RejectReason.QuantityBelowMinimum,
        ["PREVIEW_INVALID_BASE_SIZE_TOO_LARGE"] = RejectReason.QuantityAboveMaximum,
        ["PREVIEW_INVALID_PRICE_PRECISION"] = RejectReason.InvalidPrice,
        ["PREVIEW_INVALID_LIMIT_PRICE"] = RejectReason.InvalidPrice,
        ["PREVIEW_INVALID_PRICE_TOO_LARGE"] = RejectReason.PriceAboveMaximum,
        ["PREVIEW_INSUFFICIENT_FUND"] = RejectReason.InsufficientBalance,
        ["PREVIEW_INSUFFICIENT_LEDGER_BALANCE"] = RejectReason.InsufficientBalance,
        ["PREVIEW_INVALID_LEDGER_BALANCE"] = RejectReason.InsufficientBalance,
        ["PREVIEW_INVALID_LIMIT_PRICE_POST_ONLY"] = RejectReason.PostOnlyWouldCross,
    };

    private static readonly Dictionary<string, RejectReason> Cancels = new(StringComparer.Ordinal)
    {
        // CancelOrderFailureReason: the order is not live (never known, or already done) or not of this product.
        ["UNKNOWN_CANCEL_ORDER"] = RejectReason.UnknownOrder,
        ["ORDER_IS_FULLY_FILLED"] = RejectReason.UnknownOrder,
        ["INVALID_CANCEL_PRODUCT_ID"] = RejectReason.UnknownInstrument,
    };

    /// <summary>
    /// The reason of a refused new order. The preview reason wins when it maps to something more precise than
    /// <see cref="RejectReason.VenueRejected"/> (it tells a base size too small from a size precision error), then
    /// <paramref name="error"/>, then <paramref name="newOrderFailureReason"/>.
    /// </summary>
    /// <param name="error"><c>error_response.error</c>, e.g. <c>INSUFFICIENT_FUND</c>; may be null.</param>
    /// <param name="previewFailureReason"><c>error_response.preview_failure_reason</c>, e.g. <c>PREVIEW_INVALID_BASE_SIZE_TOO_SMALL</c>; may be null.</param>
    /// <param name="newOrderFailureReason"><c>error_response.new_order_failure_reason</c> (or the deprecated top-level <c>failure_reason</c>); may be null.</param>
    public static RejectReason MapOrder(string? error, string? previewFailureReason, string? newOrderFailureReason)
    {
        foreach (var code in (ReadOnlySpan<string?>)[previewFailureReason, error, newOrderFailureReason])
        {
            if (code is not null && Orders.TryGetValue(code, out var reason))
            {
                return reason;
            }
        }

        return RejectReason.VenueRejected;
    }

    /// <summary>The reason of one refused cancel of <c>batch_cancel</c>: its <c>failure_reason</c> code.</summary>
    public static RejectReason MapCancel(string? failureReason) =>
        failureReason is not null && Cancels.TryGetValue(failureReason, out var reason) ? reason : RejectReason.VenueRejected;

    /// <summary>
    /// The reason of an HTTP error: 429 is <see cref="RejectReason.RateLimited"/>, 404 or the gRPC-gateway code
    /// <c>NOT_FOUND</c> is <see cref="RejectReason.UnknownOrder"/>; otherwise the body's <c>error</c> as an order code
    /// (<see cref="MapOrder"/>), else <see cref="RejectReason.VenueRejected"/>.
    /// </summary>
    /// <param name="statusCode">The HTTP status.</param>
    /// <param name="error">The body's <c>error</c> code; may be null.</param>
    public static RejectReason MapHttp(int statusCode, string? error) =>
        statusCode == 429 ? RejectReason.RateLimited
        : statusCode == 404 || error == "NOT_FOUND" ? RejectReason.UnknownOrder
        : MapOrder(error, null, null);
}
