using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>
/// An order-entry connector whose sends complete later, on another thread, as a network connector's do: every
/// command reaches the simulator from a thread-pool continuation, never inside <see cref="SendAsync"/>. It can hold
/// the sends back until <see cref="Release"/>, and fail one chosen send (asynchronously, or by throwing at once)
/// without forwarding it. It records the commands in the order <see cref="SendAsync"/> was called and the largest
/// number of sends it had in flight at once.
/// </summary>
internal sealed class AsyncOrderEntry(ExchangeSimulator simulator) : IOrderEntryConnector
{
    private readonly Lock _gate = new();
    private readonly List<OrderCommand> _received = [];
    private TaskCompletionSource _release = Released();
    private int _inFlight;
    private int _maxInFlight;

    /// <summary>The 1-based number of the send that fails with an <see cref="IOException"/>; 0 for none.</summary>
    public int FailSend { get; init; }

    /// <summary>Whether the failing send throws inside <see cref="SendAsync"/> instead of faulting its task later.</summary>
    public bool FailSynchronously { get; init; }

    public string Venue => "async-simulator";

    public ConnectionState State => simulator.OrderEntryState;

    public bool SupportsAmend => simulator.SupportsAmend;

    public int MaxConcurrentSends => Volatile.Read(ref _maxInFlight);

    public int InFlight => Volatile.Read(ref _inFlight);

    public OrderCommand[] Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>From now on, sends wait (after <see cref="SendAsync"/> returned) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (_gate)
        {
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Release()
    {
        lock (_gate)
        {
            _release.TrySetResult();
        }
    }

    public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default) => simulator.ConnectAsync(sink, cancellationToken);

    public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
    {
        int number;
        Task release;
        lock (_gate)
        {
            _received.Add(command);
            number = _received.Count;
            release = _release.Task;
        }

        if (number == FailSend)
        {
            return FailSynchronously
                ? throw new IOException($"send {number}: connection reset by the venue")
                : new ValueTask(FailLaterAsync(number));
        }

        return new ValueTask(ForwardAsync(command, release));
    }

    public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => simulator.GetOpenOrdersAsync(instrument, cancellationToken);

    public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => simulator.GetBalancesAsync(cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource();
        released.SetResult();
        return released;
    }

    private static async Task FailLaterAsync(int number)
    {
        await Task.Yield();
        throw new IOException($"send {number}: connection reset by the venue");
    }

    private async Task ForwardAsync(OrderCommand command, Task release)
    {
        var inFlight = Interlocked.Increment(ref _inFlight);
        int max;
        while (inFlight > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, inFlight, max) != max)
        {
        }

        try
        {
            // Never completes inside SendAsync: the rest runs on the thread pool.
            await Task.Yield();
            await release.ConfigureAwait(false);
            await simulator.SendAsync(command).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}
