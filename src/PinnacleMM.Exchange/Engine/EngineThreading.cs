namespace PinnacleMM.Exchange.Engine;

/// <summary>How a <see cref="TradingEngine"/> runs its stages.</summary>
/// <remarks>
/// <para>
/// Which layout to use: <see cref="Threaded"/> when the order-entry connector's <c>SendAsync</c> does real work
/// before it returns (a REST request: serialization, signing, a socket write) or can wait on I/O, and the machine
/// has a core for each busy thread (4 or more); the strategy thread then never waits for the venue.
/// <see cref="ThreadedDirectSend"/> on small machines (2 cores) and whenever <c>SendAsync</c> completes synchronously
/// (the simulator, the paper exchange): one hop between threads fewer per command and one thread fewer competing
/// for the cores. <see cref="Inline"/> for research and deterministic tests.
/// </para>
/// </remarks>
public enum EngineThreading
{
    /// <summary>
    /// Live trading with a dedicated execution thread: the strategy, execution and persistence stages each run on
    /// their own thread, connected by single-producer single-consumer rings; market data and execution events
    /// arrive on the connectors' own threads and are copied into rings. The strategy thread writes each command
    /// into a ring and the execution thread hands it to the order-entry connector, waiting for each send to
    /// complete (so a blocking connector never holds up the strategy). Costs a thread hand-off per command.
    /// </summary>
    Threaded = 0,

    /// <summary>
    /// Research and deterministic tests: every stage runs on the connector's delivery thread, inside the
    /// sink call, in event order (commands go to the order-entry connector at once). With the simulator in
    /// virtual time and <see cref="TradingEngineOptions.ClockFollowsEvents"/>, the same seed gives the same
    /// fills and P&amp;L. A connector may answer from inside <c>SendAsync</c>: the engine holds what it delivers
    /// there until the decision that sent the command has finished, then handles it, in order.
    /// </summary>
    Inline = 1,

    /// <summary>
    /// Live trading on small machines: like <see cref="Threaded"/> (market data and execution events through rings
    /// to the strategy thread, journaling on the persistence thread) but without the execution thread: the
    /// strategy thread hands each command to the order-entry connector itself, right after the decision. A send
    /// that completes synchronously costs nothing more; one that does not (network I/O) is never waited for: the
    /// commands after it are queued and sent in order as each earlier send completes, and a failed send stops the
    /// engine (<see cref="TradingEngine.Fault"/>), like a failure of any other stage.
    /// </summary>
    ThreadedDirectSend = 2,
}
