namespace PinnacleMM.Exchange.Abstractions;

/// <summary>What an <see cref="OrderCommand"/> asks the venue to do.</summary>
public enum OrderCommandKind : byte
{
    /// <summary>Place a new order.</summary>
    Place = 0,

    /// <summary>Cancel a live order by its client order id.</summary>
    Cancel = 1,

    /// <summary>Change a live order's price and/or open size, keeping its client order id (only where <see cref="IOrderEntryConnector.SupportsAmend"/>).</summary>
    Amend = 2,

    /// <summary>Cancel every live order of one instrument, or of all instruments when the instrument is <see cref="InstrumentId.None"/>.</summary>
    CancelAll = 3,
}
