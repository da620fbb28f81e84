namespace PinnacleMM.Exchange.Engine;

/// <summary>How a <see cref="TradingEngine"/> runs its stages.</summary>
public enum EngineThreading
{
    /// <summary>
    /// Live trading: the strategy, execution and persistence stages each run on a dedicated thread, connected
    /// by single-producer single-consumer rings; market data and execution events arrive on the connectors'
    /// own threads and are copied into rings.
    /// </summary>
    Threaded = 0,

    /// <summary>
    /// Research and deterministic tests: every stage runs on the connector's delivery thread, inside the
    /// sink call, in event order (commands go to the order-entry connector at once). With the simulator in
    /// virtual time and <see cref="TradingEngineOptions.ClockFollowsEvents"/>, the same seed gives the same
    /// fills and P&amp;L.
    /// </summary>
    Inline = 1,
}
