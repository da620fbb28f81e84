using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// Four producer threads and one consumer move 4 × 500,000 items through a small MPSC ring: every item
/// arrives exactly once, intact, and each producer's items arrive in that producer's order.
/// </summary>
[TestClass]
[DoNotParallelize]
public sealed class MpscRingTransferTests
{
    private const int Producers = 4;
    private const int ItemsPerProducer = 500_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin, false)]
    [DataRow(WaitStrategy.Yielding, false)]
    [DataRow(WaitStrategy.Blocking, false)]
    [DataRow(WaitStrategy.Yielding, true)]
    [DataRow(WaitStrategy.Blocking, true)]
    public void Every_item_arrives_once_in_per_producer_order(WaitStrategy strategy, bool batched)
    {
        var ring = new MpscRing<SequencedItem>(1024, strategy);
        using var cts = new CancellationTokenSource(Deadline);
        var remaining = Producers;
        var threads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var producer = p;
            threads[p] = SpscRingTransferTests.StartThread(() =>
            {
                if (batched)
                {
                    WriteBatched(ring, producer, cts.Token);
                }
                else
                {
                    for (long i = 0; i < ItemsPerProducer; i++)
                    {
                        ring.Write(SequencedItem.Create(producer, i), cts.Token);
                    }
                }

                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    ring.Complete();
                }
            });
        }

        var check = new TransferCheck(Producers);
        if (batched)
        {
            var handler = new TransferHandler(check);
            while (ring.WaitToRead(cts.Token))
            {
                ring.Drain(ref handler, 128);
            }

            Assert.AreEqual(0, handler.RingSequenceErrors);
        }
        else
        {
            while (ring.Read(out var item, cts.Token))
            {
                check.Accept(item);
            }
        }

        foreach (var thread in threads)
        {
            Assert.IsTrue(thread.Join(Deadline), "producer did not finish");
        }

        Assert.IsNull(check.FirstError);
        Assert.AreEqual((long)Producers * ItemsPerProducer, check.Received);
        for (var p = 0; p < Producers; p++)
        {
            Assert.AreEqual(ItemsPerProducer, check.ExpectedNext(p), $"producer {p}");
        }

        Assert.AreEqual(0, ring.Count);
    }

    [TestMethod]
    public void Blocking_on_two_slots_with_four_producers_loses_no_wake_up()
    {
        const int perProducer = 50_000;
        var ring = new MpscRing<SequencedItem>(2, WaitStrategy.Blocking);
        using var cts = new CancellationTokenSource(Deadline);
        var remaining = Producers;
        var threads = new Thread[Producers];
        for (var p = 0; p < Producers; p++)
        {
            var producer = p;
            threads[p] = SpscRingTransferTests.StartThread(() =>
            {
                for (long i = 0; i < perProducer; i++)
                {
                    ring.Write(SequencedItem.Create(producer, i), cts.Token);
                }

                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    ring.Complete();
                }
            });
        }

        var check = new TransferCheck(Producers);
        while (ring.Read(out var item, cts.Token))
        {
            check.Accept(item);
        }

        foreach (var thread in threads)
        {
            Assert.IsTrue(thread.Join(Deadline), "producer did not finish");
        }

        Assert.IsNull(check.FirstError);
        Assert.AreEqual((long)Producers * perProducer, check.Received);
    }

    private static void WriteBatched(MpscRing<SequencedItem> ring, int producer, CancellationToken token)
    {
        var batch = new SequencedItem[64];
        long next = 0;
        var size = 1;
        while (next < ItemsPerProducer)
        {
            var n = (int)Math.Min(size, ItemsPerProducer - next);
            for (var i = 0; i < n; i++)
            {
                batch[i] = SequencedItem.Create(producer, next + i);
            }

            ring.WriteBatch(batch.AsSpan(0, n), token);
            next += n;
            size = size % 64 + 1;
        }
    }
}
