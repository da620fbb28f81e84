using System.Runtime.CompilerServices;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// One producer thread and one consumer thread move millions of items through a small ring, so the
/// full and empty paths (and, for blocking, parking and waking) run very often. Not parallelized:
/// busy-spinning pairs must not compete with other spinning tests on a 2-core machine.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class SpscRingTransferTests
{
    private const int Items = 2_000_000;

    /// <summary>Every wait strategy, with the items published by the producer's cursor and by a slot tag.</summary>
    public static IEnumerable<object[]> Layouts =>
        from slotTag in new[] { false, true }
        from strategy in Enum.GetValues<WaitStrategy>()
        select new object[] { strategy, slotTag };

    // Turns a lost wake-up or a deadlock into a failure instead of a hung test run.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [TestMethod]
    [DynamicData(nameof(Layouts))]
    public void Single_items_arrive_once_intact_and_in_order(WaitStrategy strategy, bool slotTag)
    {
        var ring = NewRing(1024, strategy, slotTag);
        using var cts = new CancellationTokenSource(Deadline);
        var producer = StartThread(() =>
        {
            for (long i = 0; i < Items; i++)
            {
                ring.Write(WithTagByte(SequencedItem.Create(0, i), i), cts.Token);
            }

            ring.Complete();
        });

        var check = new TransferCheck(1);
        while (ring.Read(out var item, cts.Token))
        {
            check.Accept(item);
        }

        Assert.IsTrue(producer.Join(Deadline), "producer did not finish");
        Assert.IsNull(check.FirstError);
        Assert.AreEqual(Items, check.Received);
        Assert.AreEqual(0, ring.Count);
    }

    [TestMethod]
    [DynamicData(nameof(Layouts))]
    public void Batches_and_drain_arrive_once_intact_and_in_order(WaitStrategy strategy, bool slotTag)
    {
        var ring = NewRing(1024, strategy, slotTag);
        using var cts = new CancellationTokenSource(Deadline);
        var producer = StartThread(() =>
        {
            // Batch sizes vary (1..300) so batches straddle the wrap-around point in every position.
            var batch = new SequencedItem[300];
            long next = 0;
            var size = 1;
            while (next < Items)
            {
                var n = (int)Math.Min(size, Items - next);
                for (var i = 0; i < n; i++)
                {
                    batch[i] = WithTagByte(SequencedItem.Create(0, next + i), next + i);
                }

                ring.WriteBatch(batch.AsSpan(0, n), cts.Token);
                next += n;
                size = size % 300 + 1;
            }

            ring.Complete();
        });

        var check = new TransferCheck(1);
        var handler = new TransferHandler(check);
        var readBuffer = new SequencedItem[100];
        var turn = 0;
        while (ring.WaitToRead(cts.Token))
        {
            // Alternate the two batched read paths.
            if ((turn++ & 1) == 0)
            {
                ring.Drain(ref handler, 256);
                handler.NextRingSequence = check.Received;
            }
            else
            {
                var n = ring.ReadBatch(readBuffer);
                for (var i = 0; i < n; i++)
                {
                    check.Accept(readBuffer[i]);
                }

                handler.NextRingSequence = check.Received;
            }
        }

        Assert.IsTrue(producer.Join(Deadline), "producer did not finish");
        Assert.IsNull(check.FirstError);
        Assert.AreEqual(0, handler.RingSequenceErrors);
        Assert.AreEqual(Items, check.Received);
    }

    [TestMethod]
    public void Blocking_ping_pong_on_two_slots_loses_no_wake_up()
    {
        // With two slots nearly every operation finds the ring full or empty and parks, so a lost
        // wake-up would stall the transfer (and fail through the deadline token).
        const int items = 200_000;
        var ring = new SpscRing<SequencedItem>(2, WaitStrategy.Blocking);
        using var cts = new CancellationTokenSource(Deadline);
        var producer = StartThread(() =>
        {
            for (long i = 0; i < items; i++)
            {
                ring.Write(SequencedItem.Create(0, i), cts.Token);
            }

            ring.Complete();
        });

        var check = new TransferCheck(1);
        while (ring.Read(out var item, cts.Token))
        {
            check.Accept(item);
        }

        Assert.IsTrue(producer.Join(Deadline), "producer did not finish");
        Assert.IsNull(check.FirstError);
        Assert.AreEqual(items, check.Received);
    }

    /// <summary>The padding byte after <see cref="SequencedItem.Producer"/>: the slot tag in the tagged rows.</summary>
    private const int TagOffset = 4;

    private static SpscRing<SequencedItem> NewRing(int capacity, WaitStrategy strategy, bool slotTag) =>
        new(capacity, strategy, slotTag ? TagOffset : null);

    /// <summary>
    /// Sets the item's padding byte that a tagged ring uses as its tag to 0, 1 or 2 in turn: the ring must never take
    /// the caller's byte for a published tag, or a consumer could read an item before all of it is written.
    /// </summary>
    private static SequencedItem WithTagByte(SequencedItem item, long i)
    {
        Unsafe.AddByteOffset(ref Unsafe.As<SequencedItem, byte>(ref item), TagOffset) = (byte)(i % 3);
        return item;
    }

    internal static Thread StartThread(Action body)
    {
        var thread = new Thread(() => body()) { IsBackground = true };
        thread.Start();
        return thread;
    }
}
