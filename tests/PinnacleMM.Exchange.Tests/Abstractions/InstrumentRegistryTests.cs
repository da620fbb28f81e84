using PinnacleMM.Testing;
using System.Text;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Tests.Abstractions;

[TestClass]
public sealed class InstrumentRegistryTests
{
    [TestMethod]
    public void Ids_count_up_from_one_and_map_back()
    {
        var registry = new InstrumentRegistry();
        var btc = new InstrumentSpec("BTC-USD", 0.01m, 0.0001m);
        var eth = new InstrumentSpec("ETH-USD", 0.01m, 0.001m);
        Assert.AreEqual(new InstrumentId(1), registry.Register(btc));
        Assert.AreEqual(new InstrumentId(2), registry.Register(eth));
        Assert.AreSame(eth, registry.Get(new InstrumentId(2)));
        Assert.IsTrue(registry.TryGetId("BTC-USD", out var id));
        Assert.AreEqual(new InstrumentId(1), id);
        Assert.IsFalse(registry.TryGetId("btc-usd", out _));
        Assert.IsFalse(registry.TryGet(new InstrumentId(3), out _));
        Assert.IsFalse(registry.TryGet(InstrumentId.None, out _));
    }

    [TestMethod]
    public void A_duplicate_symbol_is_rejected_and_changes_nothing()
    {
        var registry = new InstrumentRegistry();
        var btc = new InstrumentSpec("BTC-USD", 0.01m, 0.0001m);
        registry.Register(btc);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => registry.Register(new InstrumentSpec("BTC-USD", 0.1m, 0.1m)));
        StringAssert.Contains(ex.Message, "symbol BTC-USD is already registered");
        Assert.AreEqual(1, registry.Count);
        Assert.AreSame(btc, registry.Get(new InstrumentId(1)));
        var missing = Assert.ThrowsExactly<ArgumentException>(() => registry.Get(new InstrumentId(9)));
        StringAssert.Contains(missing.Message, "#9 is not registered");
    }

    [TestMethod]
    public void Utf8_lookup_allocates_nothing()
    {
        var registry = new InstrumentRegistry();
        registry.Register(new InstrumentSpec("BTC-USD", 0.01m, 0.0001m));
        registry.Register(new InstrumentSpec("ETH-USD", 0.01m, 0.001m));
        var symbol = Encoding.UTF8.GetBytes("ETH-USD");
        registry.TryGetId(symbol, out _);

        var found = 0;
        SteadyState.AssertAllocatesNothing("1,000 look-ups", () =>
        {
            found = 0;
            for (var i = 0; i < 1000; i++)
            {
                found += registry.TryGetId(symbol, out var id) ? id.Value : 0;
            }
        });
        Assert.AreEqual(2000, found);
    }
}
