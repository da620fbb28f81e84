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

    /// <summary>
    /// Sends the commands of one decision (a requote, a cancel of everything) onwards together, in order, so that a
    /// sink can hand them over at once (<see cref="IOrderEntryConnector.SendBatchAsync"/>). The default sends them one
    /// by one with <see cref="Send"/>.
    /// </summary>
    /// <param name="commands">The commands, in the order they were decided (copy them; the span is valid only during the call).</param>
    /// <param name="triggerNanoseconds">As for <see cref="Send"/>, shared by every command of the decision.</param>
    void SendBatch(ReadOnlySpan<OrderCommand> commands, long triggerNanoseconds)
    {
        foreach (ref readonly var command in commands)
        {
            Send(command, triggerNanoseconds);
        }
    }
}
