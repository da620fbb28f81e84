using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Exchange.Coinbase.WebSockets;

namespace PinnacleMM.Exchange.Coinbase.Connectors;

/// <summary>
/// What differs between Coinbase Exchange and Advanced Trade for <see cref="CoinbaseOrderEntryConnector"/>: the REST
/// calls and the authenticated order channel. Validation, the live-order tables and event emission stay in the
/// connector, so both APIs share one way of doing each.
/// </summary>
internal interface ICoinbaseOrderVenue : IDisposable
{
    /// <summary>The order channel's protocol for <see cref="CoinbaseFeedClient"/>.</summary>
    ICoinbaseFeedProtocol Protocol { get; }

    /// <summary>How many HTTP 429 answers the venue sent so far.</summary>
    long RateLimitedResponses { get; }

    /// <summary>Raised once per connection when the order channel's subscription is confirmed.</summary>
    event Action? Subscribed;

    Task<CoinbaseRestResult<CoinbaseOrder>> PlaceAsync(CoinbaseOrderRequest request, CancellationToken cancellationToken);

    /// <summary>Cancels one order by the venue's id when known, else by our client id.</summary>
    Task<CoinbaseRestResult<bool>> CancelAsync(Guid venueOrderId, Guid clientOid, string productId, CancellationToken cancellationToken);

    Task<CoinbaseRestResult<bool>> CancelAllAsync(string? productId, CancellationToken cancellationToken);

    Task<CoinbaseRestResult<IReadOnlyList<CoinbaseOrder>>> GetOpenOrdersAsync(string? productId, CancellationToken cancellationToken);

    Task<CoinbaseRestResult<IReadOnlyList<Balance>>> GetBalancesAsync(CancellationToken cancellationToken);

    /// <summary>One order by the venue's id, whatever its status (for the client id of a fill whose order this process never saw).</summary>
    Task<CoinbaseRestResult<CoinbaseOrder>> GetOrderAsync(Guid orderId, CancellationToken cancellationToken);

    /// <summary>Our fills of <paramref name="productId"/> at or after <paramref name="since"/>, oldest first.</summary>
    Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetFillsAsync(string productId, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>Every fill the venue keeps of the orders <paramref name="orderIds"/>, oldest first (to count each order's cumulative size).</summary>
    Task<CoinbaseRestResult<IReadOnlyList<CoinbaseFill>>> GetOrderFillsAsync(IReadOnlyList<Guid> orderIds, CancellationToken cancellationToken);
}
