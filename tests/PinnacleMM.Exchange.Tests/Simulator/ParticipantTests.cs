using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class ParticipantTests
{
    private const double Seconds = 600;

    [TestMethod]
    public async Task Each_participant_arrives_at_its_configured_rate_and_trades()
    {
        var options = Options(21);
        options.Takers.RatePerSecond = 3;
        options.Makers.RatePerSecond = 30;
        options.NoiseTraders.RatePerSecond = 8;
        options.NoiseTraders.CancelProbability = 0.25;
        options.InformedTraders.RatePerSecond = 2;
        options.PriceProcess.VolatilityPerSqrtSecond = 4;
        var (simulator, _) = await StartAsync(options, subscribe: false);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(Seconds));
        var stats = simulator.GetStatistics();

        // Poisson counts: mean and variance rate × time; six standard deviations never flake (and the seed is fixed).
        AssertPoisson(stats.Takers.Arrivals, 3 * Seconds, "takers");
        AssertPoisson(stats.Makers.Arrivals, 30 * Seconds, "makers");
        AssertPoisson(stats.NoiseTraders.Arrivals, 8 * Seconds, "noise traders");
        AssertPoisson(stats.InformedTraders.Arrivals, 2 * Seconds, "informed traders");
        AssertBinomial(stats.NoiseTraders.Arrivals - stats.NoiseTraders.OrdersSubmitted, stats.NoiseTraders.Arrivals, 0.25, "noise cancels");

        Assert.AreEqual(stats.Takers.Arrivals, stats.Takers.OrdersSubmitted);
        Assert.IsTrue(stats.Takers.AggressiveTrades > 0);
        Assert.IsTrue(stats.NoiseTraders.AggressiveTrades > 0);
        Assert.IsTrue(stats.InformedTraders.AggressiveTrades > 0);
        Assert.IsTrue(stats.Makers.OrdersSubmitted - stats.Makers.OrdersRefused > stats.Makers.Arrivals / 2);
        Assert.AreEqual(0, stats.Makers.AggressiveTrades, "makers only post");
        Assert.AreEqual((long)(Seconds * 10), stats.PriceSteps);
    }

    [TestMethod]
    public async Task A_zero_rate_turns_a_participant_off()
    {
        var options = Options(2);
        options.Takers.RatePerSecond = 0;
        options.InformedTraders.RatePerSecond = 0;
        var (simulator, _) = await StartAsync(options, subscribe: false);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(60));
        var stats = simulator.GetStatistics();
        Assert.AreEqual(0, stats.Takers.Arrivals);
        Assert.AreEqual(0, stats.InformedTraders.Arrivals);
        Assert.IsTrue(stats.Makers.Arrivals > 0);
    }

    [TestMethod]
    public async Task Uniform_sizes_stay_within_their_bounds()
    {
        var options = Quiet(4);
        options.InitialDepthLevels = 5;
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 1_000_000, MaxLots = 1_000_000 };
        options.Takers.RatePerSecond = 50;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 3, MaxLots = 7 };
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(60));

        // Each taker order trades against one 1,000,000-lot level, so each print is one whole taker order.
        var sizes = sink.Market.Where(e => e.Kind == MarketEventKind.Trade).Select(e => e.Quantity.Lots).ToList();
        Assert.IsTrue(sizes.Count > 1_000);
        Assert.AreEqual(3, sizes.Min());
        Assert.AreEqual(7, sizes.Max());
        Assert.AreEqual(5.0, sizes.Average(), 0.25);
    }

    [TestMethod]
    public async Task The_random_walk_moves_with_its_volatility_and_jump_rate()
    {
        var options = Quiet(8);
        options.PriceProcess.VolatilityPerSqrtSecond = 3;
        options.PriceProcess.JumpRatePerSecond = 0.5;
        options.PriceProcess.JumpStandardDeviation = 0;
        var (simulator, _) = await StartAsync(options, subscribe: false);
        await using var disposeSimulator = simulator;

        var increments = new List<double>();
        var last = simulator.FairPriceTicks;
        for (var i = 0; i < 4_000; i++)
        {
            simulator.RunFor(TimeSpan.FromMilliseconds(100));
            increments.Add(simulator.FairPriceTicks - last);
            last = simulator.FairPriceTicks;
        }

        // Per 0.1 s step: variance 3² × 0.1 = 0.9; the sample variance of 4,000 normals is within 15 %.
        var mean = increments.Average();
        var variance = increments.Sum(d => (d - mean) * (d - mean)) / (increments.Count - 1);
        Assert.AreEqual(0.9, variance, 0.9 * 0.15);
        var expectedJumps = 4_000 * (1 - Math.Exp(-0.05));
        AssertPoisson(simulator.GetStatistics().Jumps, expectedJumps, "jumps");
    }

    [TestMethod]
    public async Task Geometric_brownian_motion_follows_its_drift_and_stays_positive()
    {
        var options = Quiet(9);
        options.PriceProcess.Kind = PriceProcessKind.GeometricBrownianMotion;
        options.PriceProcess.DriftPerSecond = 0.001;
        options.PriceProcess.VolatilityPerSqrtSecond = 0.002;
        var (simulator, _) = await StartAsync(options, subscribe: false);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(1_000));

        // log(S_T / S_0) ~ N((μ − σ²/2)·T, σ²·T) = N(0.998, 0.0632²): six standard deviations.
        var logReturn = Math.Log(simulator.FairPriceTicks / 10_000);
        Assert.AreEqual(1.0 - (0.5 * 0.002 * 0.002 * 1_000), logReturn, 6 * 0.002 * Math.Sqrt(1_000));
    }

    [TestMethod]
    public async Task The_feed_rebuilds_the_venue_book_exactly()
    {
        var options = Options(17);
        options.Latency.MarketData = TimeSpan.Zero;
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(30));

        var depth = new DepthBook(Instrument);
        foreach (var e in sink.Market)
        {
            var code = e.Kind switch
            {
                MarketEventKind.SnapshotBegin => depth.BeginSnapshot(e.Sequence),
                MarketEventKind.SnapshotLevel => depth.AddSnapshotLevel(e.Side, e.Price, e.Quantity),
                MarketEventKind.SnapshotEnd => depth.EndSnapshot(),
                MarketEventKind.LevelUpdate => depth.SetLevel(e.Sequence, e.Side, e.Price, e.Quantity),
                _ => DepthBookResultCode.Applied,
            };
            Assert.AreEqual(DepthBookResultCode.Applied, code, $"{e}");
        }

        Assert.IsTrue(sink.Market.Count(e => e.Kind == MarketEventKind.LevelUpdate) > 1_000);
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var expected = new DepthLevel[500];
            var actual = new DepthLevel[500];
            var n = simulator.Book.GetDepth(side, expected);
            Assert.AreEqual(n, depth.GetDepth(side, actual));
            for (var i = 0; i < n; i++)
            {
                Assert.AreEqual((expected[i].Price, expected[i].Quantity), (actual[i].Price, actual[i].Quantity));
            }
        }
    }

    private static void AssertPoisson(long actual, double mean, string what) =>
        Assert.AreEqual(mean, actual, 6 * Math.Sqrt(mean), $"{what}: {actual} arrivals, expected about {mean}");

    private static void AssertBinomial(long actual, long trials, double p, string what) =>
        Assert.AreEqual(trials * p, actual, 6 * Math.Sqrt(trials * p * (1 - p)), $"{what}: {actual} of {trials}");
}
