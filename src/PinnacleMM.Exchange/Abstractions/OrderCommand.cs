using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// One normalized order-entry command, the same for every connector: a fixed-size struct without
/// references (48 bytes), so that it travels from the strategy thread to the execution thread through a
/// <c>SpscRing&lt;OrderCommand&gt;</c> and into the journal without allocation. Build one with
/// <see cref="Place"/>, <see cref="Cancel"/>, <see cref="Amend"/> or <see cref="CancelAll"/>.
/// </summary>
/// <remarks>
/// A connector never throws for a bad command: it answers with an <see cref="ExecutionEventKind.Rejected"/>,
/// <see cref="ExecutionEventKind.CancelRejected"/> or <see cref="ExecutionEventKind.AmendRejected"/> event
/// whose <see cref="ExecutionEvent.RejectReason"/> names the field and the rule, and changes nothing.
/// </remarks>
public readonly record struct OrderCommand
{
    /// <summary>What to do.</summary>
    public OrderCommandKind Kind { get; init; }

    /// <summary>Place: the side.</summary>
    public Side Side { get; init; }

    /// <summary>Place: limit or market.</summary>
    public OrderType Type { get; init; }

    /// <summary>Place: what happens to the part that does not trade on arrival (a market order is immediate-or-cancel or fill-or-kill).</summary>
    public TimeInForce TimeInForce { get; init; }

    /// <summary>Place: maker-only; the venue rejects the order (reason <see cref="RejectReason.PostOnlyWouldCross"/>) instead of letting it trade on arrival.</summary>
    public bool PostOnly { get; init; }

    /// <summary>The instrument; for <see cref="OrderCommandKind.CancelAll"/>, <see cref="InstrumentId.None"/> means all.</summary>
    public InstrumentId Instrument { get; init; }

    /// <summary>Place: the new order's id (positive, never used before). Cancel, amend: the live order's id. Cancel all: unused.</summary>
    public ClientOrderId ClientOrderId { get; init; }

    /// <summary>Place: the limit price (ignored for a market order). Amend: the new price.</summary>
    public Price Price { get; init; }

    /// <summary>Place: the size. Amend: the new open (unfilled) size.</summary>
    public Quantity Quantity { get; init; }

    /// <summary>When the command was created, on the application's monotonic clock: the end of tick-to-quote latency.</summary>
    public long CreatedNanoseconds { get; init; }

    /// <summary>A limit order.</summary>
    public static OrderCommand Place(
        InstrumentId instrument,
        ClientOrderId clientOrderId,
        Side side,
        Price price,
        Quantity quantity,
        TimeInForce timeInForce = TimeInForce.GoodTillCancel,
        bool postOnly = false,
        long createdNanoseconds = 0) => new()
        {
            Kind = OrderCommandKind.Place,
            Instrument = instrument,
            ClientOrderId = clientOrderId,
            Side = side,
            Type = OrderType.Limit,
            Price = price,
            Quantity = quantity,
            TimeInForce = timeInForce,
            PostOnly = postOnly,
            CreatedNanoseconds = createdNanoseconds,
        };

    /// <summary>A market order: immediate-or-cancel unless <paramref name="timeInForce"/> is fill-or-kill.</summary>
    public static OrderCommand PlaceMarket(
        InstrumentId instrument,
        ClientOrderId clientOrderId,
        Side side,
        Quantity quantity,
        TimeInForce timeInForce = TimeInForce.ImmediateOrCancel,
        long createdNanoseconds = 0) => new()
        {
            Kind = OrderCommandKind.Place,
            Instrument = instrument,
            ClientOrderId = clientOrderId,
            Side = side,
            Type = OrderType.Market,
            Quantity = quantity,
            TimeInForce = timeInForce,
            CreatedNanoseconds = createdNanoseconds,
        };

    /// <summary>Cancels the live order <paramref name="clientOrderId"/>.</summary>
    public static OrderCommand Cancel(InstrumentId instrument, ClientOrderId clientOrderId, long createdNanoseconds = 0) => new()
    {
        Kind = OrderCommandKind.Cancel,
        Instrument = instrument,
        ClientOrderId = clientOrderId,
        CreatedNanoseconds = createdNanoseconds,
    };

    /// <summary>
    /// Changes the live order <paramref name="clientOrderId"/> to <paramref name="newPrice"/> and an open size
    /// of <paramref name="newQuantity"/>. As on exchanges, a smaller size at the same price keeps the order's
    /// queue position; a new price or a larger size sends it to the back of the queue.
    /// </summary>
    public static OrderCommand Amend(InstrumentId instrument, ClientOrderId clientOrderId, Price newPrice, Quantity newQuantity, long createdNanoseconds = 0) => new()
    {
        Kind = OrderCommandKind.Amend,
        Instrument = instrument,
        ClientOrderId = clientOrderId,
        Price = newPrice,
        Quantity = newQuantity,
        CreatedNanoseconds = createdNanoseconds,
    };

    /// <summary>Cancels every live order of <paramref name="instrument"/> (all instruments for <see cref="InstrumentId.None"/>).</summary>
    public static OrderCommand CancelAll(InstrumentId instrument, long createdNanoseconds = 0) => new()
    {
        Kind = OrderCommandKind.CancelAll,
        Instrument = instrument,
        CreatedNanoseconds = createdNanoseconds,
    };
}
