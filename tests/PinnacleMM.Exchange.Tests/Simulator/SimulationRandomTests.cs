using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class SimulationRandomTests
{
    [TestMethod]
    public void Bounded_draws_stay_in_range() =>
        Prop.ForAll<long, PositiveInt>((seed, bound) =>
        {
            var random = new SimulationRandom(seed);
            for (var i = 0; i < 100; i++)
            {
                var x = random.NextInt64(bound.Get);
                if (x < 0 || x >= bound.Get)
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();

    [TestMethod]
    public void The_same_seed_replays_and_another_seed_does_not()
    {
        var a = new SimulationRandom(5);
        var b = new SimulationRandom(5);
        var c = new SimulationRandom(6);
        var same = Enumerable.Range(0, 100).All(_ => a.NextUInt64() == b.NextUInt64());
        Assert.IsTrue(same);
        Assert.AreNotEqual(new SimulationRandom(5).NextUInt64(), c.NextUInt64());

        // The first output of xoshiro256** seeded by SplitMix64(0) is fixed by the algorithms' definitions.
        Assert.AreEqual(0x99EC5F36CB75F2B4UL, new SimulationRandom(0).NextUInt64());
    }

    [TestMethod]
    public void Distributions_have_their_moments()
    {
        var random = new SimulationRandom(42);
        const int n = 200_000;
        double sumU = 0, sumE = 0, sumN = 0, sumN2 = 0;
        for (var i = 0; i < n; i++)
        {
            sumU += random.NextDouble();
            sumE += random.NextExponential(3);
            var z = random.NextNormal();
            sumN += z;
            sumN2 += z * z;
        }

        // Six standard errors: uniform σ = 0.289, exponential σ = mean, normal σ = 1, χ² of one σ = √2.
        Assert.AreEqual(0.5, sumU / n, 6 * 0.289 / Math.Sqrt(n));
        Assert.AreEqual(3.0, sumE / n, 6 * 3 / Math.Sqrt(n));
        Assert.AreEqual(0.0, sumN / n, 6 / Math.Sqrt(n));
        Assert.AreEqual(1.0, sumN2 / n, 6 * Math.Sqrt(2) / Math.Sqrt(n));
    }
}
