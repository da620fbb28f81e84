using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// One normalized event about one of our orders, the same for every connector: acknowledgement,
/// rejection, fill, cancel, amend. A fixed-size struct without references, so that it travels from the
/// execution thread to the strategy thread through a <c>SpscRing&lt;ExecutionEvent&gt;</c> and into the
/// journal without allocation.
/// </summary>
/// <remarks>
/// Quantities always add up per order: after each event, <see cref="FilledQuantity"/> +
/// <see cref="LeavesQuantity"/> + (everything cancelled so far) equals the order's size. An order manager
/// can therefore recognise a duplicate or late fill by its <see cref="FilledQuantity"/> (or its
/// <see cref="TradeId"/>). <see cref="Sequence"/> counts the events of one connector's stream: 1, 2, 3…
/// </remarks>
public readonly record struct ExecutionEvent
{
    /// <summary>What happened.</summary>
    public ExecutionEventKind Kind { get; init; }

    /// <summary>The order's side.</summary>
    public Side Side { get; init; }

    /// <summary>Fills: whether our order was the maker (resting) or the taker; it selects the fee rate.</summary>
    public Liquidity Liquidity { get; init; }

    /// <summary>Rejections (<see cref="ExecutionEventKind.Rejected"/>, <see cref="ExecutionEventKind.CancelRejected"/>, <see cref="ExecutionEventKind.AmendRejected"/>): why.</summary>
    public RejectReason RejectReason { get; init; }

    /// <summary><see cref="ExecutionEventKind.Cancelled"/>: why (<see cref="CancelReason.Requested"/> for our own cancel).</summary>
    public CancelReason CancelReason { get; init; }

    /// <summary><see cref="ExecutionEventKind.ConnectionChanged"/>: the new state.</summary>
    public ConnectionState ConnectionState { get; init; }

    /// <summary>The instrument.</summary>
    public InstrumentId Instrument { get; init; }

    /// <summary>Our id of the order.</summary>
    public ClientOrderId ClientOrderId { get; init; }

    /// <summary>The venue's id of the order; <see cref="VenueOrderId.None"/> when it has none (a rejected order).</summary>
    public VenueOrderId VenueOrderId { get; init; }

    /// <summary>Fills: the fill price. Other kinds: the order's limit price (0 for a market order).</summary>
    public Price Price { get; init; }

    /// <summary>Fills: the fill size. Accepted: the order's size. Amended: the new open size. Cancelled: the size cancelled. Rejections: the command's size.</summary>
    public Quantity Quantity { get; init; }

    /// <summary>The order's open (resting or still to be matched) size after the event; 0 once it is filled, cancelled or rejected.</summary>
    public Quantity LeavesQuantity { get; init; }

    /// <summary>The order's cumulative filled size after the event.</summary>
    public Quantity FilledQuantity { get; init; }

    /// <summary>Fills: the fee charged in quote currency, exact (0 when free; negative for a rebate).</summary>
    public decimal Fee { get; init; }

    /// <summary>Fills: the venue's trade id; 0 when none.</summary>
    public long TradeId { get; init; }

    /// <summary>The position of the event in the connector's execution stream: 1, 2, 3… (0 when the connector does not number them).</summary>
    public long Sequence { get; init; }

    /// <summary>The venue's time of the event in nanoseconds (Unix epoch for a real venue, virtual time for the simulator); 0 when unknown.</summary>
    public long ExchangeTimestampNanoseconds { get; init; }

    /// <summary>When the connector received the event, on the application's monotonic clock (nanoseconds).</summary>
    public long ReceivedNanoseconds { get; init; }

    /// <summary>Whether the event is a fill (partial or last).</summary>
    public bool IsFill => Kind is ExecutionEventKind.PartiallyFilled or ExecutionEventKind.Filled;

    /// <summary>Whether the event is a rejection of a new order, a cancel or an amend.</summary>
    public bool IsRejection => Kind is ExecutionEventKind.Rejected or ExecutionEventKind.CancelRejected or ExecutionEventKind.AmendRejected;

    /// <summary>
    /// The strategy's view of the event (<see cref="OrderEvent"/>): fills carry the fill price and size and
    /// <see cref="Fee"/>; the other kinds the order's price and open size. Rejections of cancels and amends
    /// become <see cref="OrderEventKind.Rejected"/>.
    /// </summary>
    /// <param name="orderEvent">The converted event.</param>
    /// <returns><see langword="false"/> for <see cref="ExecutionEventKind.ConnectionChanged"/>, which is not about an order.</returns>
    public bool TryToOrderEvent(out OrderEvent orderEvent)
    {
        OrderEventKind kind;
        switch (Kind)
        {
            case ExecutionEventKind.Accepted: kind = OrderEventKind.Acknowledged; break;
            case ExecutionEventKind.PartiallyFilled: kind = OrderEventKind.PartiallyFilled; break;
            case ExecutionEventKind.Filled: kind = OrderEventKind.Filled; break;
            case ExecutionEventKind.Cancelled: kind = OrderEventKind.Cancelled; break;
            case ExecutionEventKind.Amended: kind = OrderEventKind.Amended; break;
            case ExecutionEventKind.Rejected or ExecutionEventKind.CancelRejected or ExecutionEventKind.AmendRejected: kind = OrderEventKind.Rejected; break;
            default:
                orderEvent = default;
                return false;
        }

        var quantity = IsFill ? Quantity : LeavesQuantity;
        orderEvent = new OrderEvent(kind, ClientOrderId.Value, Side, Price, quantity, Liquidity, IsFill ? Fee : 0m, ReceivedNanoseconds);
        return true;
    }

    /// <summary>The kind and the fields meaningful for it.</summary>
    public override string ToString() => Kind switch
    {
        ExecutionEventKind.PartiallyFilled or ExecutionEventKind.Filled =>
            $"{Kind} {ClientOrderId} {Side} {Quantity} @ {Price} {Liquidity} fee {Fee} leaves {LeavesQuantity} filled {FilledQuantity} seq {Sequence}",
        ExecutionEventKind.Rejected or ExecutionEventKind.CancelRejected or ExecutionEventKind.AmendRejected =>
            $"{Kind} {ClientOrderId} {RejectReason} ({RejectReason.Describe()}) seq {Sequence}",
        ExecutionEventKind.Cancelled => $"Cancelled {ClientOrderId} {Quantity} ({CancelReason}) seq {Sequence}",
        ExecutionEventKind.ConnectionChanged => $"ConnectionChanged {ConnectionState} seq {Sequence}",
        _ => $"{Kind} {ClientOrderId} {Side} {Quantity} @ {Price} leaves {LeavesQuantity} seq {Sequence}",
    };
}
