namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// Receives normalized events about our orders from an <see cref="IOrderEntryConnector"/>. The connector
/// calls it on its delivery thread, one event at a time, never concurrently and in the order the venue
/// reported them; the event is passed by reference and nothing is allocated per event. Keep the call
/// short (copy the event into a ring and return). Implementing it on a struct lets generic consumers be
/// devirtualized.
/// </summary>
public interface IExecutionSink
{
    /// <summary>Handles one event. The reference is only valid for the duration of the call.</summary>
    void OnExecutionEvent(in ExecutionEvent executionEvent);
}
