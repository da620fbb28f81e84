using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// Where the <see cref="OrderManager"/> sends the commands that passed every check: the trading engine's
/// ring to its execution thread, or a connector directly. Called on the order manager's thread.
/// </summary>
public interface IOrderCommandSink
{
    /// <summary>Sends one command onwards (copy it; the reference is valid only during the call).</summary>
    /// <param name="command">The command.</param>
    /// <param name="triggerNanoseconds">When the market event (or other input) that led to it was received, on the monotonic clock; 0 when none (the start of tick-to-quote latency).</param>
    void Send(in OrderCommand command, long triggerNanoseconds);
}
