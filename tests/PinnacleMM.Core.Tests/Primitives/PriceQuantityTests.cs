using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Primitives;

/// <summary>Price and Quantity operators: comparisons, checked arithmetic, helpers and formatting; Side helpers.</summary>
[TestClass]
public sealed class PriceQuantityTests
{
    [TestMethod]
    [DataRow(5L, 7L)]
    [DataRow(-3L, 0L)]
    [DataRow(long.MinValue, long.MaxValue)]
    public void Price_comparisons(long low, long high)
    {
        Price a = new(low), b = new(high);
        Assert.IsTrue(a < b && b > a && a <= b && b >= a && a <= new Price(low) && a >= new Price(low));
        Assert.IsFalse(a > b || b < a || a >= b || b <= a);
        Assert.AreEqual((-1, 1, 0), (a.CompareTo(b), b.CompareTo(a), a.CompareTo(Price.FromTicks(low))));
        Assert.AreNotEqual(a, b);
        Assert.AreEqual(a, Price.FromTicks(low));
    }

    [TestMethod]
    public void Price_arithmetic_is_checked()
    {
        Assert.AreEqual(new Price(105), new Price(100) + 5);
        Assert.AreEqual(new Price(95), new Price(100) - 5);
        Assert.AreEqual(7L, new Price(107) - new Price(100));
        Assert.AreEqual(-7L, new Price(100) - new Price(107));
        Assert.ThrowsExactly<OverflowException>(() => new Price(long.MaxValue) + 1);
        Assert.ThrowsExactly<OverflowException>(() => new Price(long.MinValue) - 1);
        Assert.ThrowsExactly<OverflowException>(() => new Price(long.MaxValue) - new Price(-1));
        Assert.AreEqual(Price.Zero, default);
        Assert.AreEqual("12345t", new Price(12345).ToString());
        Assert.AreEqual("-3t", new Price(-3).ToString());
    }

    [TestMethod]
    public void Quantity_comparisons_and_helpers()
    {
        Quantity a = new(2), b = new(9);
        Assert.IsTrue(a < b && b > a && a <= b && b >= a && a <= new Quantity(2) && a >= new Quantity(2));
        Assert.IsFalse(a > b || b < a || a >= b || b <= a);
        Assert.AreEqual((-1, 1, 0), (a.CompareTo(b), b.CompareTo(a), a.CompareTo(Quantity.FromLots(2))));
        Assert.AreEqual(a, Quantity.Min(a, b));
        Assert.AreEqual(a, Quantity.Min(b, a));
        Assert.IsTrue(Quantity.Zero.IsZero);
        Assert.IsFalse(a.IsZero);
        Assert.AreEqual("250L", new Quantity(250).ToString());
    }

    [TestMethod]
    public void Quantity_arithmetic_is_checked()
    {
        Assert.AreEqual(new Quantity(11), new Quantity(2) + new Quantity(9));
        Assert.AreEqual(new Quantity(-7), new Quantity(2) - new Quantity(9));
        Assert.ThrowsExactly<OverflowException>(() => new Quantity(long.MaxValue) + new Quantity(1));
        Assert.ThrowsExactly<OverflowException>(() => new Quantity(long.MinValue) - new Quantity(1));
    }

    [TestMethod]
    public void Side_helpers()
    {
        Assert.AreEqual((Side.Sell, Side.Buy), (Side.Buy.Opposite(), Side.Sell.Opposite()));
        Assert.AreEqual((1, -1), (Side.Buy.Sign(), Side.Sell.Sign()));
    }
}
