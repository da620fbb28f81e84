using PinnacleMM.Core.Concurrency;
using PinnacleMM.Testing;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// Ring operations allocate nothing: the bytes allocated by this thread across many operations (after
/// a warm-up pass, so JIT tiering is done) must be exactly zero, for every wait strategy.
/// </summary>
[TestClass]
public sealed class RingAllocationTests
{
    private const int Rounds = 20_000;

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void SpscRing_operations_allocate_nothing(WaitStrategy strategy)
    {
        var ring = new SpscRing<SequencedItem>(64, strategy);
        var batch = new SequencedItem[16];
        var handler = new SumHandler();

        SpscRound(ring, batch, ref handler, Rounds);
        long moved = 0;
        SteadyState.AssertAllocatesNothing($"{Rounds} rounds of ring operations", () => moved = SpscRound(ring, batch, ref handler, Rounds));
        Assert.AreEqual(Rounds * 34L, moved, "items moved (proves the operations ran)");
        Assert.AreEqual(0, ring.Count);
    }

    [TestMethod]
    [DataRow(WaitStrategy.BusySpin)]
    [DataRow(WaitStrategy.Yielding)]
    [DataRow(WaitStrategy.Blocking)]
    public void MpscRing_operations_allocate_nothing(WaitStrategy strategy)
    {
        var ring = new MpscRing<SequencedItem>(64, strategy);
        var batch = new SequencedItem[16];
        var handler = new SumHandler();

        MpscRound(ring, batch, ref handler, Rounds);
        long moved = 0;
        SteadyState.AssertAllocatesNothing($"{Rounds} rounds of ring operations", () => moved = MpscRound(ring, batch, ref handler, Rounds));
        Assert.AreEqual(Rounds * 34L, moved, "items moved (proves the operations ran)");
        Assert.AreEqual(0, ring.Count);
    }

    // Each round moves 34 items through every non-waiting and (not actually waiting) waiting operation.
    private static long SpscRound(SpscRing<SequencedItem> ring, SequencedItem[] batch, ref SumHandler handler, int rounds)
    {
        long moved = 0;
        for (var r = 0; r < rounds; r++)
        {
            var item = SequencedItem.Create(0, r);
            moved += ring.TryWrite(item) && ring.TryRead(out _) ? 1 : 0;
            ring.Write(item);
            moved += ring.WaitToRead() && ring.Read(out _) ? 1 : 0;
            ring.WriteBatch(batch);
            moved += ring.ReadBatch(batch.AsSpan(0, 8));
            moved += ring.Drain(ref handler, 8);
            moved += ring.TryWriteBatch(batch) - ring.Count + ring.Drain(ref handler, 16);
        }

        return moved;
    }

    private static long MpscRound(MpscRing<SequencedItem> ring, SequencedItem[] batch, ref SumHandler handler, int rounds)
    {
        long moved = 0;
        for (var r = 0; r < rounds; r++)
        {
            var item = SequencedItem.Create(0, r);
            moved += ring.TryWrite(item) && ring.TryRead(out _) ? 1 : 0;
            ring.Write(item);
            moved += ring.WaitToRead() && ring.Read(out _) ? 1 : 0;
            ring.WriteBatch(batch);
            moved += ring.ReadBatch(batch.AsSpan(0, 8));
            moved += ring.Drain(ref handler, 8);
            moved += ring.TryWriteBatch(batch) - ring.Count + ring.Drain(ref handler, 16);
        }

        return moved;
    }

    private struct SumHandler : IRingHandler<SequencedItem>
    {
        public long Sum;

        public void OnItem(in SequencedItem item, long sequence, bool endOfBatch) => Sum += item.Payload;
    }
}
