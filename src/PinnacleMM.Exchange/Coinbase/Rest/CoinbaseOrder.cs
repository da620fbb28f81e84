using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.Rest;

/// <summary>An order as the Coinbase Exchange REST API reports it (<c>POST /orders</c>, <c>GET /orders</c>).</summary>
/// <param name="Id">The venue's order id.</param>
/// <param name="ClientOid">Our <c>client_oid</c>; <see cref="Guid.Empty"/> when the order has none.</param>
/// <param name="ProductId">The product id.</param>
/// <param name="Side">Buy or sell.</param>
/// <param name="Price">The limit price (0 for a market order).</param>
/// <param name="Size">The order size.</param>
/// <param name="FilledSize">The size filled so far.</param>
/// <param name="Status">The venue's status: <c>pending</c>, <c>open</c>, <c>active</c>, <c>done</c>, or <c>rejected</c>.</param>
/// <param name="RejectReason">The venue's <c>reject_reason</c> when <see cref="Status"/> is <c>rejected</c> (e.g. a post-only order that would take); otherwise null.</param>
/// <param name="CreatedAt">When the venue received it; null when not reported.</param>
/// <param name="TimeInForce">How long it works: GTC (also for Coinbase's good-till-time), IOC or FOK; GTC when not reported.</param>
/// <param name="PostOnly">Whether it may only rest (maker only).</param>
/// <param name="FilledValue">The quote value of what filled so far: price x size summed over its fills (Exchange <c>executed_value</c>, Advanced Trade <c>filled_value</c>).</param>
/// <param name="TotalFees">The fees charged on it so far, in quote currency (Exchange <c>fill_fees</c>, Advanced Trade <c>total_fees</c>).</param>
public sealed record CoinbaseOrder(
    Guid Id,
    Guid ClientOid,
    string ProductId,
    Side Side,
    decimal Price,
    decimal Size,
    decimal FilledSize,
    string Status,
    string? RejectReason,
    DateTimeOffset? CreatedAt,
    TimeInForce TimeInForce = TimeInForce.GoodTillCancel,
    bool PostOnly = false,
    decimal FilledValue = 0m,
    decimal TotalFees = 0m);
