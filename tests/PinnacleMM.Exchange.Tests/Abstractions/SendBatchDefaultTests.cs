using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

/// <summary>The default <see cref="IOrderEntryConnector.SendBatchAsync"/> of a connector that sends one command at a time.</summary>
[TestClass]
public sealed class SendBatchDefaultTests
{
    private static readonly InstrumentId Id = new(1);

    private static OrderCommand[] Commands(int count) =>
        [.. Enumerable.Range(1, count).Select(i => OrderCommand.Place(Id, new ClientOrderId(i), Side.Buy, new Price(1_000 + i), new Quantity(1)))];

    [TestMethod]
    public async Task Sends_that_complete_at_once_go_out_in_order_within_the_call()
    {
        var connector = new OneAtATime();
        IOrderEntryConnector entry = connector;
        var pending = entry.SendBatchAsync(Commands(3));
        Assert.IsTrue(pending.IsCompletedSuccessfully);
        await pending;
        CollectionAssert.AreEqual(new long[] { 1, 2, 3 }, connector.Sent.Select(c => c.ClientOrderId.Value).ToArray());
    }

    [TestMethod]
    public async Task After_a_send_that_waits_the_rest_follow_in_order_each_after_the_one_before_and_the_callers_span_is_free_at_once()
    {
        var connector = new OneAtATime { WaitOn = 2 };
        IOrderEntryConnector entry = connector;
        var commands = Commands(4);
        var pending = entry.SendBatchAsync(commands);
        Assert.IsFalse(pending.IsCompleted, "the second send waits");
        CollectionAssert.AreEqual(new long[] { 1, 2 }, connector.Sent.Select(c => c.ClientOrderId.Value).ToArray(), "the third is not sent before the second completed");

        // The caller reuses its buffer at once: what goes out later is what was passed.
        Array.Fill(commands, OrderCommand.Cancel(Id, new ClientOrderId(99)));
        connector.Complete();
        await pending;
        CollectionAssert.AreEqual(new long[] { 1, 2, 3, 4 }, connector.Sent.Select(c => c.ClientOrderId.Value).ToArray());
        Assert.IsTrue(connector.Sent.All(c => c.Kind == OrderCommandKind.Place));
    }

    [TestMethod]
    public async Task A_send_that_fails_fails_the_batch_and_the_commands_after_it_are_not_sent()
    {
        var connector = new OneAtATime { WaitOn = 2 };
        IOrderEntryConnector entry = connector;
        var pending = entry.SendBatchAsync(Commands(3));
        connector.Fail(new IOException("connection reset"));
        var error = await Assert.ThrowsExactlyAsync<IOException>(async () => await pending);
        Assert.AreEqual("connection reset", error.Message);
        Assert.AreEqual(2, connector.Sent.Count);
    }

    /// <summary>Records each send; the <see cref="WaitOn"/>-th one completes only when told.</summary>
    private sealed class OneAtATime : IOrderEntryConnector
    {
        private readonly TaskCompletionSource _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int WaitOn { get; init; }

        public List<OrderCommand> Sent { get; } = [];

        public string Venue => "one-at-a-time";

        public ConnectionState State => ConnectionState.Synced;

        public bool SupportsAmend => true;

        public void Complete() => _waiting.SetResult();

        public void Fail(Exception e) => _waiting.SetException(e);

        public ValueTask ConnectAsync(IExecutionSink sink, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

        public ValueTask SendAsync(OrderCommand command, CancellationToken cancellationToken = default)
        {
            lock (Sent)
            {
                Sent.Add(command);
                return Sent.Count == WaitOn ? new ValueTask(_waiting.Task) : ValueTask.CompletedTask;
            }
        }

        public ValueTask<IReadOnlyList<OpenOrder>> GetOpenOrdersAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<Balance>> GetBalancesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
