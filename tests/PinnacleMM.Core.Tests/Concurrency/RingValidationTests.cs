using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

[TestClass]
public sealed class RingValidationTests
{
    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(-8)]
    [DataRow(3)]
    [DataRow(1000)]
    [DataRow(int.MinValue)]
    [DataRow(int.MaxValue)]
    public void Capacity_that_is_not_a_power_of_two_in_range_is_rejected_with_the_rule(int capacity)
    {
        var expected = $"Capacity must be a power of two between 2 and 1073741824; got {capacity}. (Parameter 'capacity')";

        var spsc = Assert.ThrowsExactly<ArgumentException>(() => new SpscRing<long>(capacity));
        var mpsc = Assert.ThrowsExactly<ArgumentException>(() => new MpscRing<long>(capacity));

        Assert.AreEqual(expected, spsc.Message);
        Assert.AreEqual("capacity", spsc.ParamName);
        Assert.AreEqual(expected, mpsc.Message);
        Assert.AreEqual("capacity", mpsc.ParamName);
    }

    [TestMethod]
    [DataRow(2)]
    [DataRow(1024)]
    [DataRow(1 << 20)]
    public void Power_of_two_capacity_is_accepted(int capacity)
    {
        Assert.AreEqual(capacity, new SpscRing<long>(capacity).Capacity);
        Assert.AreEqual(capacity, new MpscRing<long>(capacity).Capacity);
    }

    [TestMethod]
    public void Undefined_wait_strategy_is_rejected()
    {
        var spsc = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SpscRing<long>(8, (WaitStrategy)42));
        var mpsc = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MpscRing<long>(8, (WaitStrategy)42));

        Assert.AreEqual("waitStrategy", spsc.ParamName);
        Assert.AreEqual("waitStrategy", mpsc.ParamName);
        Assert.StartsWith("Unknown wait strategy.", spsc.Message);
    }

    [TestMethod]
    [DataRow(-1)]
    [DataRow(8)]
    [DataRow(int.MaxValue)]
    public void Slot_tag_outside_the_item_is_rejected_with_the_rule(int offset)
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SpscRing<long>(8, slotTagOffset: offset));

        Assert.AreEqual("slotTagOffset", e.ParamName);
        StringAssert.Contains(e.Message, offset < 0 ? "must be a non-negative value" : "must be less than '8'");
    }

    [TestMethod]
    public void Slot_tag_for_an_item_with_references_is_rejected_with_the_rule()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SpscRing<(long, string)>(8, slotTagOffset: 0));

        Assert.AreEqual("slotTagOffset", e.ParamName);
        StringAssert.StartsWith(e.Message, "slotTagOffset: a slot tag needs an item type without references");
    }

    [TestMethod]
    public void Slots_of_an_item_without_references_start_on_a_cache_line()
    {
        // Several rings of several sizes, so that their arrays start at different places.
        for (var i = 0; i < 32; i++)
        {
            AssertLineAligned(new SpscRing<Line>(2 << (i % 8)));
            AssertLineAligned(new SpscRing<long>(2 << (i % 8)));
            _ = new byte[8 + (i * 8)];
        }
    }

    private static unsafe void AssertLineAligned<T>(SpscRing<T> ring)
        where T : struct
    {
        var address = (nint)Unsafe.AsPointer(ref ring.FirstSlot);
        Assert.AreEqual(0, address % 64, $"first slot of a ring of {typeof(T).Name} at {address:x}");
    }

    [TestMethod]
    [DataRow(0)]
    [DataRow(-1)]
    public void Drain_rejects_non_positive_max_items_and_leaves_items_in_place(int maxItems)
    {
        var spsc = new SpscRing<long>(8);
        var mpsc = new MpscRing<long>(8);
        spsc.Write(1);
        mpsc.Write(1);
        var handler = new CountingHandler();

        var a = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => spsc.Drain(ref handler, maxItems));
        var b = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => mpsc.Drain(ref handler, maxItems));

        Assert.AreEqual("maxItems", a.ParamName);
        Assert.AreEqual("maxItems", b.ParamName);
        Assert.AreEqual(0, handler.Calls);
        Assert.AreEqual(1, spsc.Count);
        Assert.AreEqual(1, mpsc.Count);
    }

    [StructLayout(LayoutKind.Sequential, Size = 64)]
    private struct Line
    {
        public long Value;
    }

    private struct CountingHandler : IRingHandler<long>
    {
        public int Calls;

        public void OnItem(in long item, long sequence, bool endOfBatch) => Calls++;
    }
}
