using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Core.Internal;

namespace PinnacleMM.Core.Tests.Internal;

/// <summary>The order-id index against <see cref="Dictionary{TKey, TValue}"/>, for the id patterns venues use.</summary>
[TestClass]
public sealed class LongIntMapTests
{
    [TestMethod]
    [DataRow("sequential", 1L, 1L)]
    [DataRow("stride 64", 64L, 64L)]
    [DataRow("stride 2^20", 1L << 20, 1L << 20)]
    [DataRow("stride 2^40", 1L << 40, 1L << 40)]
    [DataRow("nanosecond-like", 1_700_000_000_000_000_000L, 977L)]
    public void Matches_a_dictionary_under_churn_for_patterned_keys(string pattern, long first, long stride)
    {
        var map = new LongIntMap(16);
        var model = new Dictionary<long, int>();
        var random = new Random(pattern.Length);
        var live = new List<long>();
        for (var i = 0; i < 20_000; i++)
        {
            var key = first + (i * stride);
            map.Add(key, i);
            model.Add(key, i);
            live.Add(key);
            if (random.Next(3) == 0)
            {
                var victim = live[random.Next(live.Count)];
                live.Remove(victim);
                Assert.IsTrue(map.Remove(victim));
                Assert.IsTrue(model.Remove(victim));
            }
        }

        Assert.AreEqual(model.Count, map.Count, pattern);
        foreach (var (key, value) in model)
        {
            Assert.IsTrue(map.TryGetValue(key, out var found), $"{pattern}: {key} lost");
            Assert.AreEqual(value, found);
        }

        Assert.IsFalse(map.TryGetValue(first + (20_000 * stride), out _));
        Assert.IsFalse(map.Remove(first + (20_001 * stride)));
    }

    [TestMethod]
    public void Random_operations_agree_with_a_dictionary()
    {
        var ops = Gen.Choose(0, 2).SelectMany(kind => Gen.Choose(1, 300).Select(key => (kind, key: (long)key * 61))).ListOf();
        Prop.ForAll(Arb.From(ops), list =>
        {
            var map = new LongIntMap(16);
            var model = new Dictionary<long, int>();
            var step = 0;
            foreach (var (kind, key) in list)
            {
                step++;
                switch (kind)
                {
                    case 0 when !model.ContainsKey(key):
                        map.Add(key, step);
                        model.Add(key, step);
                        break;
                    case 0:
                        map.SetExisting(key, step);
                        model[key] = step;
                        break;
                    case 1:
                        Assert.AreEqual(model.Remove(key), map.Remove(key));
                        break;
                    default:
                        Assert.AreEqual(model.TryGetValue(key, out var expected), map.TryGetValue(key, out var actual));
                        Assert.AreEqual(model.ContainsKey(key) ? expected : -1, actual);
                        break;
                }

                Assert.AreEqual(model.Count, map.Count);
            }
        }).QuickCheckThrowOnFailure();
    }
}
