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

    private struct CountingHandler : IRingHandler<long>
    {
        public int Calls;

        public void OnItem(in long item, long sequence, bool endOfBatch) => Calls++;
    }
}
