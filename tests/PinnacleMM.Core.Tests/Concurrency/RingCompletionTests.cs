using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>Complete, cancellation and handler failure: how waiting operations end.</summary>
[TestClass]
[DoNotParallelize]
public sealed class RingCompletionTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [TestMethod]
    public void Spsc_read_drains_written_items_then_returns_false_after_complete()
    {
        var ring = new SpscRing<long>(4, WaitStrategy.Blocking);
        ring.Write(1);
        ring.Write(2);
        ring.Complete();

        Assert.IsTrue(ring.IsCompleted);
        Assert.IsTrue(ring.Read(out var first));
        Assert.IsTrue(ring.Read(out var second));
        Assert.IsFalse(ring.Read(out var none));
        Assert.IsFalse(ring.WaitToRead());
        Assert.AreEqual(1, first);
        Assert.AreEqual(2, second);
        Assert.AreEqual(0, none);
    }

    [TestMethod]
    public void Mpsc_read_drains_written_items_then_returns_false_after_complete()
    {
        var ring = new MpscRing<long>(4, WaitStrategy.Blocking);
        ring.Write(1);
        ring.Write(2);
        ring.Complete();

        Assert.IsTrue(ring.Read(out var first));
        Assert.IsTrue(ring.Read(out var second));
        Assert.IsFalse(ring.Read(out _));
        Assert.IsFalse(ring.WaitToRead());
        Assert.AreEqual(1, first);
        Assert.AreEqual(2, second);
    }

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void Spsc_waiting_consumer_ends_when_producer_completes(WaitStrategy strategy)
    {
        var ring = new SpscRing<long>(8, strategy);
        using var cts = new CancellationTokenSource(Deadline);
        var result = (bool?)null;
        var consumer = SpscRingTransferTests.StartThread(() => result = ring.Read(out _, cts.Token));

        // Give the consumer time to reach its wait (parked, for blocking); correctness does not depend on it.
        Thread.Sleep(100);
        ring.Complete();

        Assert.IsTrue(consumer.Join(Deadline), "consumer still waiting after Complete");
        Assert.IsFalse(result);
    }

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void Mpsc_waiting_consumer_ends_when_complete_is_called(WaitStrategy strategy)
    {
        var ring = new MpscRing<long>(8, strategy);
        using var cts = new CancellationTokenSource(Deadline);
        var result = (bool?)null;
        var consumer = SpscRingTransferTests.StartThread(() => result = ring.Read(out _, cts.Token));

        Thread.Sleep(100);
        ring.Complete();

        Assert.IsTrue(consumer.Join(Deadline), "consumer still waiting after Complete");
        Assert.IsFalse(result);
    }

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void Spsc_waiting_read_throws_when_cancelled_and_ring_stays_usable(WaitStrategy strategy)
    {
        var ring = new SpscRing<long>(8, strategy);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.ThrowsExactly<OperationCanceledException>(() => ring.Read(out _, cts.Token));

        Assert.AreEqual(0, ring.Count);
        ring.Write(7);
        Assert.IsTrue(ring.TryRead(out var item));
        Assert.AreEqual(7, item);
    }

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void Spsc_waiting_write_on_full_ring_throws_when_cancelled_and_writes_nothing(WaitStrategy strategy)
    {
        var ring = new SpscRing<long>(2, strategy);
        ring.Write(1);
        ring.Write(2);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.ThrowsExactly<OperationCanceledException>(() => ring.Write(3, cts.Token));

        Assert.AreEqual(2, ring.Count);
        Assert.IsTrue(ring.TryRead(out var a));
        Assert.IsTrue(ring.TryRead(out var b));
        Assert.IsFalse(ring.TryRead(out _));
        Assert.AreEqual((1L, 2L), (a, b));
    }

    [TestMethod]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void Mpsc_waiting_write_on_full_ring_throws_when_cancelled_and_writes_nothing(WaitStrategy strategy)
    {
        var ring = new MpscRing<long>(2, strategy);
        ring.Write(1);
        ring.Write(2);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        Assert.ThrowsExactly<OperationCanceledException>(() => ring.Write(3, cts.Token));

        Assert.AreEqual(2, ring.Count);
        Assert.IsTrue(ring.TryRead(out var a));
        Assert.IsTrue(ring.TryRead(out var b));
        Assert.IsFalse(ring.TryRead(out _));
        Assert.AreEqual((1L, 2L), (a, b));
    }

    [TestMethod]
    public void Already_cancelled_token_throws_on_empty_ring_without_waiting()
    {
        var spsc = new SpscRing<long>(4, WaitStrategy.Blocking);
        var mpsc = new MpscRing<long>(4, WaitStrategy.Blocking);
        using var cts = new CancellationTokenSource();
        cts.Cancel();

        Assert.ThrowsExactly<OperationCanceledException>(() => spsc.WaitToRead(cts.Token));
        Assert.ThrowsExactly<OperationCanceledException>(() => mpsc.WaitToRead(cts.Token));

        // A cancelled token does not stop an operation that need not wait.
        spsc.Write(5, cts.Token);
        Assert.IsTrue(spsc.Read(out var item, cts.Token));
        Assert.AreEqual(5, item);
    }

    [TestMethod]
    public void Writes_after_complete_throw_and_leave_items_in_place()
    {
        var spsc = new SpscRing<long>(4);
        var mpsc = new MpscRing<long>(4);
        spsc.Write(1);
        mpsc.Write(1);
        spsc.Complete();
        mpsc.Complete();
        const string message = "The ring has been completed; no more items can be written.";

        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidOperationException>(() => spsc.TryWrite(2)).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidOperationException>(() => spsc.Write(2)).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidOperationException>(() => spsc.TryWriteBatch(new long[] { 2 })).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidOperationException>(() => mpsc.TryWrite(2)).Message);
        Assert.AreEqual(message, Assert.ThrowsExactly<InvalidOperationException>(() => mpsc.WriteBatch(new long[] { 2 })).Message);

        Assert.AreEqual(1, spsc.Count);
        Assert.AreEqual(1, mpsc.Count);
        Assert.IsTrue(spsc.Read(out var s) && s == 1);
        Assert.IsTrue(mpsc.Read(out var m) && m == 1);
    }

    [TestMethod]
    public void Drain_handler_exception_consumes_items_up_to_the_failing_one()
    {
        var spsc = new SpscRing<long>(8);
        var mpsc = new MpscRing<long>(8);
        for (long i = 1; i <= 5; i++)
        {
            spsc.Write(i);
            mpsc.Write(i);
        }

        var spscHandler = new ThrowingHandler { ThrowOn = 3 };
        var mpscHandler = new ThrowingHandler { ThrowOn = 3 };
        Assert.ThrowsExactly<InvalidDataException>(() => spsc.Drain(ref spscHandler, 10));
        Assert.ThrowsExactly<InvalidDataException>(() => mpsc.Drain(ref mpscHandler, 10));

        // Items 1..3 are gone (3 threw and is not redelivered); 4 and 5 remain, in order.
        Assert.AreEqual(2, spsc.Count);
        Assert.AreEqual(2, mpsc.Count);
        Assert.IsTrue(spsc.TryRead(out var s) && s == 4);
        Assert.IsTrue(mpsc.TryRead(out var m) && m == 4);
        Assert.AreEqual(3, spscHandler.Calls);
    }

    private struct ThrowingHandler : IRingHandler<long>
    {
        public long ThrowOn;
        public int Calls;

        public void OnItem(in long item, long sequence, bool endOfBatch)
        {
            Calls++;
            if (item == ThrowOn)
            {
                throw new InvalidDataException("handler failed");
            }
        }
    }
}
