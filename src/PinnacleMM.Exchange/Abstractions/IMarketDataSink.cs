namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// Receives normalized market data from an <see cref="IMarketDataConnector"/>. The connector calls it on
/// its delivery thread, one event at a time, never concurrently and in feed order; the event is passed
/// by reference and nothing is allocated per event. Keep the call short: copy the event into a ring
/// (e.g. <c>SpscRing&lt;MarketEvent&gt;.TryWrite</c>) or apply it, and return. Implementing it on a
/// struct lets generic consumers (<c>where TSink : struct, IMarketDataSink</c>) be devirtualized.
/// </summary>
public interface IMarketDataSink
{
    /// <summary>Handles one event. The reference is only valid for the duration of the call.</summary>
    void OnMarketEvent(in MarketEvent marketEvent);
}
