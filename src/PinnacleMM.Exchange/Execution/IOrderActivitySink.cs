namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// Receives every <see cref="OrderActivity"/> of an <see cref="OrderManager"/>, on its thread, in the order
/// they happened: the engine journals and audits them on its persistence thread.
/// </summary>
public interface IOrderActivitySink
{
    /// <summary>Records one activity (copy it; the reference is valid only during the call).</summary>
    void OnActivity(in OrderActivity activity);
}
