using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Abstractions;

/// <summary>One of our orders open at a venue, as <see cref="IOrderEntryConnector.GetOpenOrdersAsync"/> reports it for reconciliation at start.</summary>
/// <param name="Instrument">The instrument.</param>
/// <param name="ClientOrderId">Our id; <see cref="ClientOrderId.None"/> for an order placed outside this application.</param>
/// <param name="VenueOrderId">The venue's id.</param>
/// <param name="Side">The side.</param>
/// <param name="Price">The limit price.</param>
/// <param name="Quantity">The order's original size.</param>
/// <param name="LeavesQuantity">The size still open.</param>
/// <param name="FilledQuantity">The size filled so far.</param>
/// <param name="ExchangeTimestampNanoseconds">When the venue accepted it (or last amended it), on the venue's clock.</param>
public readonly record struct OpenOrder(
    InstrumentId Instrument,
    ClientOrderId ClientOrderId,
    VenueOrderId VenueOrderId,
    Side Side,
    Price Price,
    Quantity Quantity,
    Quantity LeavesQuantity,
    Quantity FilledQuantity,
    long ExchangeTimestampNanoseconds);
