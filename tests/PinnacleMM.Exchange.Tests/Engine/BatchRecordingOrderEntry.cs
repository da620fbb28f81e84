using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// The simulator's order entry, passed through, recording each hand-over: a <see cref="SendAsync"/> as a batch of one,
/// a <see cref="SendBatchAsync"/> as the commands it carried.
/// </summary>
internal sealed class BatchRecordingOrderEntry(ExchangeSimulator simulator) : IOrderEntryConnector
{
    private readonly Lock _gate = new();
    private readonly List<OrderCommand[]> _handOvers = [];

    public string Venue => simulator.Venue;

    public ConnectionState State => simulator.OrderEntryState;

    public bool SupportsAmend => simulator.SupportsAmend;

    /// <summary>The hand-overs so far, oldest first.</summary>
    public OrderCommand[][] HandOvers
    {
        get
        {
            lock (_gate)
            {
                return [.. _handOvers];
            }
        }
    }

    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default) => simulator.ConnectAsync(sink, cancellationToken);

    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
    {
        Record([command]);
        return simulator.SendAsync(command, cancellationToken);
    }

    public ValueTask SendBatchAsync(ReadOnlySpan<OrderCommand> commands, CancellationToken cancellationToken = default)
    {
        Record(commands.ToArray());
        return simulator.SendBatchAsync(commands, cancellationToken);
    }

    public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.GetOpenOrdersAsync(instrument, cancellationToken);

    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => simulator.GetBalancesAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private void Record(OrderCommand[] commands)
    {
        lock (_gate)
        {
            _handOvers.Add(commands);
        }
    }
}
