namespace PinnacleMM.Exchange.Replay;

/// <summary>How a <see cref="ReplayMarketDataConnector"/> delivers the recorded events.</summary>
public enum ReplayPacing
{
    /// <summary>The caller drives the replay on its own thread with <see cref="ReplayMarketDataConnector.ReplayNext"/> or <see cref="ReplayMarketDataConnector.ReplayAll"/>: fully deterministic.</summary>
    Manual = 0,

    /// <summary>A background thread, started by the first subscription, delivers every event as fast as the sink takes them.</summary>
    AsFastAsPossible = 1,

    /// <summary>
    /// A background thread, started by the first subscription, delivers each event when the time since the first one
    /// reaches its original <see cref="Abstractions.MarketEvent.ReceivedNanoseconds"/> distance ÷ <see cref="ReplayOptions.Speed"/>
    /// (waits have the timer's millisecond resolution; each event's time is measured from the first, so errors do not add up).
    /// </summary>
    Paced = 2,
}
