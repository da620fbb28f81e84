using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// Single-threaded properties: over random sequences of writes, reads, batches and drains, each ring
/// behaves exactly like a bounded FIFO queue model (same results, same items, same count).
/// </summary>
[TestClass]
public sealed class RingModelTests
{
    private enum OpKind
    {
        TryWrite,
        TryRead,
        TryWriteBatch,
        ReadBatch,
        Drain,
    }

    private sealed record Op(OpKind Kind, int Size)
    {
        public override string ToString() => $"{Kind}({Size})";
    }

    private sealed record Scenario(int Capacity, Op[] Ops)
    {
        public override string ToString() => $"capacity {Capacity}: {string.Join(", ", (object[])Ops)}";
    }

    private static readonly Gen<Scenario> Scenarios =
        from capacity in Gen.Elements(2, 4, 8, 16)
        from ops in Gen.ArrayOf(
            from kind in Gen.Elements(Enum.GetValues<OpKind>())
            from size in Gen.Choose(1, 20)
            select new Op(kind, size))
        select new Scenario(capacity, ops);

    [TestMethod]
    public void SpscRing_behaves_like_a_bounded_queue()
    {
        Prop.ForAll(Arb.From(Scenarios), scenario => Run(scenario, new SpscAdapter(new SpscRing<long>(scenario.Capacity))))
            .QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void SpscRing_with_a_slot_tag_behaves_like_a_bounded_queue()
    {
        Prop.ForAll(Arb.From(Scenarios), scenario => Run(scenario, new TaggedSpscAdapter(new SpscRing<TaggedLong>(scenario.Capacity, slotTagOffset: TaggedLong.TagOffset))))
            .QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void MpscRing_behaves_like_a_bounded_queue()
    {
        Prop.ForAll(Arb.From(Scenarios), scenario => Run(scenario, new MpscAdapter(new MpscRing<long>(scenario.Capacity))))
            .QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void Drain_reports_sequences_and_end_of_batch_on_the_last_item_only()
    {
        var ring = new SpscRing<long>(8);
        for (long i = 0; i < 6; i++)
        {
            ring.Write(i * 10);
        }

        var handler = new RecordingHandler { Seen = [] };
        Assert.AreEqual(4, ring.Drain(ref handler, 4));
        Assert.AreEqual(2, ring.Drain(ref handler, 4));
        Assert.AreEqual(0, ring.Drain(ref handler, 4));

        CollectionAssert.AreEqual(
            new[] { (0L, 0L, false), (10L, 1L, false), (20L, 2L, false), (30L, 3L, true), (40L, 4L, false), (50L, 5L, true) },
            handler.Seen);
    }

    [TestMethod]
    public void Drain_with_a_slot_tag_ends_its_batch_at_the_last_published_item()
    {
        var ring = new SpscRing<TaggedLong>(8, slotTagOffset: TaggedLong.TagOffset);
        for (long i = 0; i < 6; i++)
        {
            ring.Write(new TaggedLong(i * 10));
        }

        var handler = new TaggedRecordingHandler { Seen = [], Ends = [] };
        Assert.AreEqual(4, ring.Drain(ref handler, 4));
        Assert.AreEqual(2, ring.Drain(ref handler, 4));
        Assert.AreEqual(0, ring.Drain(ref handler, 4));

        CollectionAssert.AreEqual(new long[] { 0, 10, 20, 30, 40, 50 }, handler.Seen);
        CollectionAssert.AreEqual(new[] { false, false, false, true, false, true }, handler.Ends);
        Assert.AreEqual(0, ring.Count);
    }

    private static bool Run(Scenario scenario, IRingAdapter ring)
    {
        var model = new Queue<long>();
        long next = 1;
        foreach (var op in scenario.Ops)
        {
            switch (op.Kind)
            {
                case OpKind.TryWrite:
                {
                    var accepted = ring.TryWrite(next);
                    if (accepted != (model.Count < scenario.Capacity))
                    {
                        return false;
                    }

                    if (accepted)
                    {
                        model.Enqueue(next);
                    }

                    next++;
                    break;
                }

                case OpKind.TryRead:
                {
                    var read = ring.TryRead(out var item);
                    if (read != model.TryDequeue(out var expected) || (read && item != expected))
                    {
                        return false;
                    }

                    break;
                }

                case OpKind.TryWriteBatch:
                {
                    var batch = new long[op.Size];
                    for (var i = 0; i < batch.Length; i++)
                    {
                        batch[i] = next + i;
                    }

                    var written = ring.TryWriteBatch(batch);
                    if (written != Math.Min(op.Size, scenario.Capacity - model.Count))
                    {
                        return false;
                    }

                    for (var i = 0; i < written; i++)
                    {
                        model.Enqueue(batch[i]);
                    }

                    next += op.Size;
                    break;
                }

                case OpKind.ReadBatch:
                case OpKind.Drain:
                {
                    var items = op.Kind == OpKind.ReadBatch ? ring.ReadBatch(op.Size) : ring.Drain(op.Size);
                    if (items.Length != Math.Min(op.Size, model.Count))
                    {
                        return false;
                    }

                    foreach (var item in items)
                    {
                        if (item != model.Dequeue())
                        {
                            return false;
                        }
                    }

                    break;
                }
            }

            if (ring.Count != model.Count)
            {
                return false;
            }
        }

        return true;
    }

    private interface IRingAdapter
    {
        int Count { get; }

        bool TryWrite(long item);

        bool TryRead(out long item);

        int TryWriteBatch(long[] items);

        long[] ReadBatch(int max);

        long[] Drain(int max);
    }

    private sealed class SpscAdapter(SpscRing<long> ring) : IRingAdapter
    {
        public int Count => ring.Count;

        public bool TryWrite(long item) => ring.TryWrite(item);

        public bool TryRead(out long item) => ring.TryRead(out item);

        public int TryWriteBatch(long[] items) => ring.TryWriteBatch(items);

        public long[] ReadBatch(int max)
        {
            var buffer = new long[max];
            return buffer[..ring.ReadBatch(buffer)];
        }

        public long[] Drain(int max)
        {
            var handler = new RecordingHandler { Seen = [] };
            var n = ring.Drain(ref handler, max);
            return n == handler.Seen.Count ? handler.Seen.Select(s => s.Item).ToArray() : [];
        }
    }

    /// <summary>
    /// An SpscRing with a slot tag, written with items whose tag byte is 0, 1 or 2 (what a published tag looks like), so
    /// that a ring taking the caller's byte for its tag would hand out items that were never written.
    /// </summary>
    private sealed class TaggedSpscAdapter(SpscRing<TaggedLong> ring) : IRingAdapter
    {
        public int Count => ring.Count;

        public bool TryWrite(long item) => ring.TryWrite(new TaggedLong(item));

        public bool TryRead(out long item)
        {
            var read = ring.TryRead(out var tagged);
            item = tagged.Value;
            return read;
        }

        public int TryWriteBatch(long[] items) => ring.TryWriteBatch(items.Select(i => new TaggedLong(i)).ToArray());

        public long[] ReadBatch(int max)
        {
            var buffer = new TaggedLong[max];
            return buffer[..ring.ReadBatch(buffer)].Select(t => t.Value).ToArray();
        }

        public long[] Drain(int max)
        {
            var handler = new TaggedRecordingHandler { Seen = [] };
            var n = ring.Drain(ref handler, max);
            return n == handler.Seen.Count ? handler.Seen.ToArray() : [];
        }
    }

    private readonly struct TaggedLong(long value)
    {
        public const int TagOffset = 8;

        public readonly long Value = value;

        // The tag byte; the ring changes it in the items it hands out.
        public readonly byte Spare = (byte)(value % 3);
    }

    private struct TaggedRecordingHandler : IRingHandler<TaggedLong>
    {
        public List<long> Seen;

        public List<bool>? Ends;

        public readonly void OnItem(in TaggedLong item, long sequence, bool endOfBatch)
        {
            Seen.Add(item.Value);
            Ends?.Add(endOfBatch);
        }
    }

    private sealed class MpscAdapter(MpscRing<long> ring) : IRingAdapter
    {
        public int Count => ring.Count;

        public bool TryWrite(long item) => ring.TryWrite(item);

        public bool TryRead(out long item) => ring.TryRead(out item);

        public int TryWriteBatch(long[] items) => ring.TryWriteBatch(items);

        public long[] ReadBatch(int max)
        {
            var buffer = new long[max];
            return buffer[..ring.ReadBatch(buffer)];
        }

        public long[] Drain(int max)
        {
            var handler = new RecordingHandler { Seen = [] };
            var n = ring.Drain(ref handler, max);
            return n == handler.Seen.Count ? handler.Seen.Select(s => s.Item).ToArray() : [];
        }
    }

    private struct RecordingHandler : IRingHandler<long>
    {
        public List<(long Item, long Sequence, bool EndOfBatch)> Seen;

        public readonly void OnItem(in long item, long sequence, bool endOfBatch) => Seen.Add((item, sequence, endOfBatch));
    }
}
