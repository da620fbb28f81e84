using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>
/// Maps Coinbase Exchange REST errors (<c>{"message":"..."}</c> with an HTTP status) and the <c>reject_reason</c> of an
/// order answered with status <c>rejected</c> to a normalized <see cref="RejectReason"/>, as precisely as the
/// documentation allows. Coinbase Exchange documents the status codes (400, 401, 403, 404, 429, 500) and only a
/// few message texts; it has no error codes. So:
/// <list type="bullet">
/// <item><b>Exact, by status</b> (documented): 429 is <see cref="RejectReason.RateLimited"/>; 404 on an order
/// endpoint is <see cref="RejectReason.UnknownOrder"/>; 401 (invalid key or signature), 403 (no access) and 5xx are
/// <see cref="RejectReason.VenueRejected"/> whatever the text says.</item>
/// <item><b>Exact, by whole message</b> (compared case-insensitively): the documented <c>Invalid Price</c>, and the
/// texts the venue is known to send whole (<see cref="ExactMessages"/>).</item>
/// <item><b>Best effort, by message prefix</b>: texts that carry a number after a fixed beginning, e.g.
/// <c>size is too small. Minimum size is 0.001</c> (<see cref="MessagePrefixes"/>), and a <c>reject_reason</c>
/// mentioning fill-or-kill. These are observed, not documented, texts.</item>
/// </list>
/// Anything else is <see cref="RejectReason.VenueRejected"/>; the caller keeps the venue's text in its message.
/// </summary>
public static class CoinbaseRejectReasons
{
    /// <summary>Whole messages (case-insensitive) and their reasons; <c>Invalid Price</c> is the documented example.</summary>
    public static IReadOnlyDictionary<string, RejectReason> ExactMessages { get; } = new Dictionary<string, RejectReason>(StringComparer.OrdinalIgnoreCase)
    {
        ["Invalid Price"] = RejectReason.InvalidPrice,
        ["Invalid size"] = RejectReason.InvalidQuantity,
        ["Insufficient funds"] = RejectReason.InsufficientBalance,
        ["Product not found"] = RejectReason.UnknownInstrument,
        ["Invalid product_id"] = RejectReason.UnknownInstrument,
        ["Order already done"] = RejectReason.UnknownOrder,
        ["order not found"] = RejectReason.UnknownOrder,
        ["NotFound"] = RejectReason.UnknownOrder,
        ["post only"] = RejectReason.PostOnlyWouldCross,
        ["Rate limit exceeded"] = RejectReason.RateLimited,
    };

    /// <summary>Message beginnings (case-insensitive) followed by venue-specific numbers, and their reasons: a best effort.</summary>
    public static IReadOnlyList<KeyValuePair<string, RejectReason>> MessagePrefixes { get; } =
    [
        new("size is too small", RejectReason.QuantityBelowMinimum),
        new("size is too large", RejectReason.QuantityAboveMaximum),
        new("price is too accurate", RejectReason.InvalidPrice),
        new("size is too accurate", RejectReason.InvalidQuantity),
        new("client_oid already exists", RejectReason.DuplicateClientOrderId),
        new("FOK order", RejectReason.FillOrKillNotFillable),
    ];

    /// <summary>The reject reason for an HTTP status and the venue's message.</summary>
    /// <param name="statusCode">The HTTP status (200 for an order answered with status <c>rejected</c>).</param>
    /// <param name="message">The venue's <c>message</c> or <c>reject_reason</c>; may be null.</param>
    public static RejectReason Map(int statusCode, string? message)
    {
        switch (statusCode)
        {
            case 429:
                return RejectReason.RateLimited;
            case 404:
                return RejectReason.UnknownOrder;
            case 401 or 403 or >= 500:
                return RejectReason.VenueRejected;
        }

        var text = message?.Trim() ?? "";
        if (ExactMessages.TryGetValue(text, out var exact))
        {
            return exact;
        }

        foreach (var (prefix, reason) in MessagePrefixes)
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return reason;
            }
        }

        return RejectReason.VenueRejected;
    }
}
