using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// One order update from the Advanced Trade <c>user</c> channel. The id and status spans point into the
/// decoder's buffer and are valid only during the listener call: copy what must outlive it.
/// </summary>
public readonly ref struct CoinbaseUserOrder
{
    /// <summary>Creates an order update.</summary>
    public CoinbaseUserOrder(
        int productIndex,
        ReadOnlySpan<byte> orderId,
        ReadOnlySpan<byte> clientOrderId,
        ReadOnlySpan<byte> status,
        Side side,
        Quantity cumulativeQuantity,
        Quantity leavesQuantity,
        decimal averagePrice,
        decimal totalFees = 0m,
        long timeUnixNanoseconds = 0)
    {
        ProductIndex = productIndex;
        OrderId = orderId;
        ClientOrderId = clientOrderId;
        Status = status;
        Side = side;
        CumulativeQuantity = cumulativeQuantity;
        LeavesQuantity = leavesQuantity;
        AveragePrice = averagePrice;
        TotalFees = totalFees;
        TimeUnixNanoseconds = timeUnixNanoseconds;
    }

    /// <summary>The product's index in <see cref="CoinbaseProductBooks"/>.</summary>
    public int ProductIndex { get; }

    /// <summary>The venue's order id (UTF-8).</summary>
    public ReadOnlySpan<byte> OrderId { get; }

    /// <summary>Our client order id (UTF-8); empty when the order had none.</summary>
    public ReadOnlySpan<byte> ClientOrderId { get; }

    /// <summary>The order status as the venue writes it, e.g. <c>OPEN</c>, <c>FILLED</c>, <c>CANCELLED</c> (UTF-8).</summary>
    public ReadOnlySpan<byte> Status { get; }

    /// <summary>The order's side.</summary>
    public Side Side { get; }

    /// <summary>How much has been filled so far.</summary>
    public Quantity CumulativeQuantity { get; }

    /// <summary>How much is still open.</summary>
    public Quantity LeavesQuantity { get; }

    /// <summary>The average fill price in quote currency (an average is generally off the tick grid, so it stays a decimal).</summary>
    public decimal AveragePrice { get; }

    /// <summary>The fees charged on the order so far (<c>total_fees</c>), in quote currency; a fill's fee is the increase.</summary>
    public decimal TotalFees { get; }

    /// <summary>
    /// The message's <c>timestamp</c> (when the venue sent the update) in Unix nanoseconds; 0 when absent or not an ISO
    /// 8601 time. The channel reports no time of the fill itself: this is the closest venue time it gives.
    /// </summary>
    public long TimeUnixNanoseconds { get; }
}
