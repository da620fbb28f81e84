namespace PinnacleMM.Exchange.Coinbase.MarketData;

/// <summary>
/// What Advanced Trade's <c>sequence_num</c> counts. The documentation describes it per product, but widely
/// used clients see it rise by one per message on the whole connection; both are supported.
/// </summary>
public enum AdvancedTradeSequenceScope : byte
{
    /// <summary>
    /// One counter per connection (the default, as observed): any skipped number means a message was lost,
    /// and every book on the connection is marked out of sync, because the lost message may have held its changes.
    /// </summary>
    Connection = 0,

    /// <summary>
    /// One counter per product, checked by each product's book (<c>l2_data</c> messages only): a skipped number
    /// marks only that product's book out of sync.
    /// </summary>
    Product = 1,
}
