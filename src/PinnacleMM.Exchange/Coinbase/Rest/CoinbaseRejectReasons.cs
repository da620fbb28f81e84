using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// Maps Coinbase Exchange REST errors (<c>{"message":"..."}</c> with 400/401/403/404/429/500) and the
/// <c>reject_reason</c> of an order answered with status <c>rejected</c> to a normalized <see cref="RejectReason"/>.
/// The venue documents the status codes, not an enumeration of its texts, so the texts are matched by the words they
/// are known to contain; anything unrecognised is <see cref="RejectReason.VenueRejected"/> (the caller keeps the text).
/// </summary>
public static class CoinbaseRejectReasons
{
    /// <summary>The reject reason for an HTTP status and the venue's message.</summary>
    /// <param name="statusCode">The HTTP status (200 for an order answered with status <c>rejected</c>).</param>
    /// <param name="message">The venue's <c>message</c> or <c>reject_reason</c>; may be null.</param>
    public static RejectReason Map(int statusCode, string? message)
    {
        if (statusCode == 429)
        {
            return RejectReason.RateLimited;
        }

        var text = message ?? "";
        bool Has(string word) => text.Contains(word, StringComparison.OrdinalIgnoreCase);

        if (Has("rate limit"))
        {
            return RejectReason.RateLimited;
        }

        if (Has("insufficient"))
        {
            return RejectReason.InsufficientBalance;
        }

        if (Has("post only") || Has("post_only") || Has("post-only"))
        {
            return RejectReason.PostOnlyWouldCross;
        }

        if (Has("fill or kill") || Has("fok"))
        {
            return RejectReason.FillOrKillNotFillable;
        }

        if (Has("client_oid") && (Has("exist") || Has("duplicate") || Has("already")))
        {
            return RejectReason.DuplicateClientOrderId;
        }

        if (Has("product"))
        {
            return RejectReason.UnknownInstrument;
        }

        if (statusCode == 404 || Has("not found") || Has("already done") || Has("unknown order"))
        {
            return RejectReason.UnknownOrder;
        }

        if (Has("size") && (Has("too small") || Has("minimum")))
        {
            return RejectReason.QuantityBelowMinimum;
        }

        if (Has("size") && (Has("too large") || Has("maximum")))
        {
            return RejectReason.QuantityAboveMaximum;
        }

        if (Has("price"))
        {
            return RejectReason.InvalidPrice;
        }

        if (Has("size"))
        {
            return RejectReason.InvalidQuantity;
        }

        return RejectReason.VenueRejected;
    }
}
