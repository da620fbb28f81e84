namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// The simulated network between us and the venue. Each channel is first-in first-out, as over a TCP
/// connection: jitter delays messages but never reorders them.
/// </summary>
public sealed class LatencyOptions
{
    /// <summary>One way between us and the venue's matching engine: a command arrives this long after it is sent, and its answer takes as long back. Zero or positive. Default 1 ms.</summary>
    public TimeSpan OrderEntry { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>From the venue's matching engine to us, for market data. Zero or positive. Default 1 ms.</summary>
    public TimeSpan MarketData { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>The largest extra delay, drawn uniformly from zero to this for each message. Zero or positive. Default 0.</summary>
    public TimeSpan Jitter { get; set; }
}
