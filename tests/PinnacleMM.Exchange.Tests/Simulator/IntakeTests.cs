using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Testing;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

/// <summary>How commands get into the simulator: lock-free, in order, stamped with the time they were sent at.</summary>
[TestClass]
public sealed class IntakeTests
{
    private static OrderCommand Bid(long id, long ticks = 9_000) =>
        OrderCommand.Place(Id, new ClientOrderId(id), Side.Buy, new Price(ticks), new Quantity(10));

    [TestMethod]
    public async Task A_send_does_not_wait_for_a_driver_in_the_middle_of_a_batch()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(10));
        Task send;
        using (simulator.Gate.EnterScope())
        {
            // Another thread sends while the simulation's lock is taken, as it is while the driver simulates a batch.
            send = Task.Run(async () => await simulator.SendAsync(Bid(1)));
            Assert.IsTrue(send.Wait(TimeSpan.FromSeconds(10)), "SendAsync returned while the lock was held");
            Assert.AreEqual(0, sink.Executions.Count, "the command has not reached the venue yet");
        }

        await send;
        simulator.RunFor(TimeSpan.FromMilliseconds(10));
        var accepted = sink.Executions.Single();
        Assert.AreEqual(ExecutionEventKind.Accepted, accepted.Kind);
        Assert.AreEqual(new ClientOrderId(1), accepted.ClientOrderId);
    }

    [TestMethod]
    public async Task A_command_sent_from_another_thread_during_a_delivery_is_stamped_with_that_events_time()
    {
        var options = Quiet();
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(5);
        options.Latency.MarketData = TimeSpan.FromMilliseconds(3);
        var (simulator, sink) = await StartAsync(options, subscribe: false);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(100));
        var subscribedAt = simulator.NowNanoseconds;
        long deliveredAt = -1;
        sink.OnMarket = e =>
        {
            if (e.Kind == MarketEventKind.SnapshotEnd)
            {
                // Handed to another thread, which sends while this delivery is still going on (as an engine's strategy thread does).
                deliveredAt = e.ReceivedNanoseconds;
                Task.Run(async () => await simulator.SendAsync(Bid(7))).Wait();
            }
        };
        await simulator.SubscribeAsync(Id);
        simulator.RunFor(TimeSpan.FromMilliseconds(50));

        Assert.AreEqual(subscribedAt + Ms(3), deliveredAt);
        var accepted = sink.Executions.Single();
        Assert.AreEqual(deliveredAt + Ms(5), accepted.ExchangeTimestampNanoseconds, "reached the venue one entry delay after the event it reacted to");
        Assert.AreEqual(deliveredAt + Ms(10), accepted.ReceivedNanoseconds);
    }

    [TestMethod]
    public async Task A_command_sent_between_runs_is_sent_at_the_time_the_simulation_has_reached()
    {
        var options = Quiet();
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(5);
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(250));
        await Task.Run(async () => await simulator.SendAsync(Bid(3)));
        simulator.RunFor(TimeSpan.FromMilliseconds(20));
        Assert.AreEqual(Ms(250) + Ms(5), sink.Executions.Single().ExchangeTimestampNanoseconds);
    }

    [TestMethod]
    public async Task A_burst_larger_than_the_intake_ring_is_taken_in_whole_and_in_order()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(10));
        const int Burst = 2_500; // more than the ring's 1,024 slots: the rest goes through the lock
        for (var i = 1; i <= Burst; i++)
        {
            await simulator.SendAsync(Bid(i, 9_000 - (i % 50)));
        }

        simulator.RunFor(TimeSpan.FromMilliseconds(100));
        var ids = sink.Executions.Where(e => e.Kind == ExecutionEventKind.Accepted).Select(e => e.ClientOrderId.Value).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, Burst).Select(i => (long)i).ToArray(), ids);
        Assert.AreEqual(Burst, (await simulator.GetOpenOrdersAsync(Id)).Count);
    }

    [TestMethod]
    public async Task Batches_are_taken_in_whole_and_in_order_also_beyond_the_intake_ring_and_sent_at_one_time()
    {
        var options = Quiet();
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(5);
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(10));
        const int Batch = 7;
        const int Batches = 400; // 2,800 commands: more than the ring's 1,024 slots, so batches split between ring and lock
        for (var b = 0; b < Batches; b++)
        {
            var commands = Enumerable.Range((b * Batch) + 1, Batch).Select(i => Bid(i, 9_000 - (i % 50))).ToArray();
            Assert.IsTrue(simulator.SendBatchAsync(commands).IsCompletedSuccessfully);
        }

        simulator.RunFor(TimeSpan.FromMilliseconds(100));
        var accepted = sink.Executions.Where(e => e.Kind == ExecutionEventKind.Accepted).ToArray();
        CollectionAssert.AreEqual(Enumerable.Range(1, Batch * Batches).Select(i => (long)i).ToArray(), accepted.Select(e => e.ClientOrderId.Value).ToArray());
        Assert.AreEqual(Ms(10) + Ms(5), accepted[0].ExchangeTimestampNanoseconds, "sent at the time the simulation had reached");
        Assert.AreEqual(Batch * Batches, (await simulator.GetOpenOrdersAsync(Id)).Count);
    }

    [TestMethod]
    public async Task A_batch_while_order_entry_is_down_is_lost_whole_and_an_empty_batch_is_nothing()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(10));
        Assert.IsTrue(simulator.SendBatchAsync([]).IsCompletedSuccessfully);
        simulator.DisconnectOrderEntry();
        await simulator.SendBatchAsync([Bid(1), Bid(2), Bid(3)]);
        simulator.RunFor(TimeSpan.FromMilliseconds(50));
        Assert.AreEqual(3, simulator.GetStatistics().CommandsLost, "all three lost on the way");
        Assert.IsFalse(sink.Executions.Any(e => e.Kind == ExecutionEventKind.Accepted));
    }

    [TestMethod]
    public async Task A_batch_before_connecting_is_refused_naming_the_call()
    {
        await using var simulator = new PinnacleMM.Exchange.Simulator.ExchangeSimulator(Quiet());
        await Task.Yield();
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => simulator.SendBatchAsync([Bid(1)]));
        StringAssert.Contains(error.Message, "order entry is not connected");
    }

    [TestMethod]
    public async Task Sending_allocates_nothing()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var disposeSimulator = simulator;
        var batch = new OrderCommand[4];
        var id = 0L;

        // 200 commands a window: the warm-up and three windows stay within the intake ring (1,024), so every send
        // takes the lock-free path and the simulation need not run in between.
        void Sends()
        {
            for (var i = 0; i < 100; i++)
            {
                var pending = simulator.SendAsync(Bid(++id));
                Assert.IsTrue(pending.IsCompletedSuccessfully);
            }

            // Batches of up to 16 commands too (a requote's).
            for (var i = 0; i < 25; i++)
            {
                for (var k = 0; k < batch.Length; k++)
                {
                    batch[k] = Bid(++id);
                }

                Assert.IsTrue(simulator.SendBatchAsync(batch).IsCompletedSuccessfully);
            }
        }

        Sends();
        SteadyState.AssertAllocatesNothing("100 sends and 25 batches of 4", Sends);
        simulator.RunFor(TimeSpan.FromSeconds(1));
        Assert.AreEqual(800, sink.Executions.Count(e => e.Kind == ExecutionEventKind.Accepted), "every command was taken in and accepted");
    }
}
