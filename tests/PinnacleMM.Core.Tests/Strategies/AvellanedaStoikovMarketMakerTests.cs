using PinnacleMM.Testing;
using System.Globalization;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>
/// Scripted markets with exact expected quotes. The expected values are computed here in quote currency
/// (USD) straight from the published formulas r = s − qγσ²τ and δ = γσ²τ + (2/γ)ln(1 + γ/κ), then put on the
/// 0.01 grid (bid down, ask up); the strategy computes in ticks. Market 9990.00 / 10010.00 unless stated.
/// </summary>
[TestClass]
public sealed class AvellanedaStoikovMarketMakerTests
{
    private const double Tick = 0.01;
    private static readonly InstrumentSpec Btc = new("BTC-USD", 0.01m, 0.001m);

    private static (long Bid, long Ask) Expected(double s, double q, double gamma, double kappa, double sigma, double tau, double minBps = 0)
    {
        var r = s - (q * gamma * sigma * sigma * tau);
        var d = Math.Max((gamma * sigma * sigma * tau) + (2 / gamma * Math.Log(1 + (gamma / kappa))), s * minBps / 10_000);
        return ((long)Math.Floor((r - (d / 2)) / Tick), (long)Math.Ceiling((r + (d / 2)) / Tick));
    }

    private static AvellanedaStoikovMarketMaker Create(Action<AvellanedaStoikovOptions>? configure = null, ManualMonotonicClock? clock = null, TimeProvider? time = null, long bid = 999_000, long ask = 1_001_000)
    {
        var options = new AvellanedaStoikovOptions { Volatility = 0.5, QuoteUpdateInterval = TimeSpan.Zero };
        configure?.Invoke(options);
        var s = new AvellanedaStoikovMarketMaker(Btc, options, clock ?? new ManualMonotonicClock(1), time);
        SetBook(s, bid, ask);
        return s;
    }

    private static void SetBook(MarketMakerStrategy s, long bid, long ask) =>
        Assert.AreEqual(DepthBookResultCode.Applied, s.Book.ApplySnapshot([new DepthLevel(new Price(bid), new Quantity(1_000), 0)], [new DepthLevel(new Price(ask), new Quantity(1_000), 0)]));

    private static void Hold(MarketMakerStrategy s, long lots) =>
        s.OnOrderEvent(OrderEvent.Fill(1, lots > 0 ? Side.Buy : Side.Sell, new Price(1_000_000), new Quantity(Math.Abs(lots)), Liquidity.Maker, 1));

    private static string Quote(AvellanedaStoikovMarketMaker s)
    {
        s.Requote();
        return BasicMarketMakerTests.Format(s.Quotes);
    }

    private static string Text((long Bid, long Ask) p, long bidLots = 10, long askLots = 10) =>
        string.Create(CultureInfo.InvariantCulture, $"B {p.Bid}x{bidLots} | A {p.Ask}x{askLots}");

    [TestMethod]
    public void Flat_quotes_are_symmetric_around_the_mid_with_the_model_spread()
    {
        // γσ²τ = 0.1 × 0.25 × 60 = 1.5; (2/γ)ln(1 + γ/κ) = 20 ln(1.0667) = 1.2908; δ = 2.7908.
        Assert.AreEqual("B 999860x10 | A 1000140x10", Quote(Create()));
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, 1.5, 0.5, 60)), Quote(Create()));
    }

    [TestMethod]
    [DataRow(30L)]
    [DataRow(-50L)]
    [DataRow(60L)]
    public void Inventory_moves_the_reservation_price_by_q_gamma_sigma2_tau(long lots)
    {
        var s = Create();
        Hold(s, lots);
        var q = lots / 10.0; // in orders of 0.01
        var expected = Expected(10_000, q, 0.1, 1.5, 0.5, 60);
        var bidLots = q > 0 ? (long)Math.Floor(10 * Math.Exp(-0.05 * q)) : 10;
        var askLots = q < 0 ? (long)Math.Floor(10 * Math.Exp(0.05 * q)) : 10;
        Assert.AreEqual(Text(expected, bidLots, askLots), Quote(s));
        Assert.AreEqual(10_000 / Tick - (q * 1.5 / Tick), s.LastReservationTicks, 1e-6);
    }

    [TestMethod]
    public void RiskAversion_and_Kappa_change_both_terms()
    {
        Assert.AreEqual(Text(Expected(10_000, 0, 0.5, 1.5, 0.5, 60)), Quote(Create(o => o.RiskAversion = 0.5)));
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, 0.3, 0.5, 60)), Quote(Create(o => o.Kappa = 0.3)));
        var s = Create(o => o.RiskAversion = 0.5);
        Hold(s, 10);
        Assert.AreEqual(Text(Expected(10_000, 1, 0.5, 1.5, 0.5, 60), bidLots: (long)Math.Floor(10 * Math.Exp(-0.05))), Quote(s));
    }

    [TestMethod]
    public void TargetPosition_measures_inventory_from_the_target()
    {
        var s = Create(o => o.TargetPosition = 0.05m);
        Hold(s, 20); // q = (20 − 50) / 10 = −3
        Assert.AreEqual(Text(Expected(10_000, -3, 0.1, 1.5, 0.5, 60), askLots: (long)Math.Floor(10 * Math.Exp(-0.15))), Quote(s));
    }

    [TestMethod]
    public void SizeShapingFactor_shrinks_the_side_that_grows_the_inventory()
    {
        string After(double eta, long lots)
        {
            var s = Create(o => o.SizeShapingFactor = eta);
            Hold(s, lots);
            s.Requote();
            return string.Create(CultureInfo.InvariantCulture, $"{s.Quotes.Bids[0].Quantity.Lots}/{s.Quotes.Asks[0].Quantity.Lots}");
        }

        Assert.AreEqual("8/10", After(0.05, 30));  // 10 e^-0.15 = 8.61
        Assert.AreEqual("5/10", After(0.2, 30));   // 10 e^-0.6 = 5.49
        Assert.AreEqual("10/3", After(0.2, -60));  // 10 e^-1.2 = 3.01
        Assert.AreEqual("10/10", After(0, 60));
    }

    [TestMethod]
    public void OrderQuantity_sets_the_size_and_the_unit_of_inventory()
    {
        var s = Create(o => o.OrderQuantity = 0.03m);
        Hold(s, 30); // q = 1
        Assert.AreEqual(Text(Expected(10_000, 1, 0.1, 1.5, 0.5, 60), bidLots: (long)Math.Floor(30 * Math.Exp(-0.05)), askLots: 30), Quote(s));
    }

    [TestMethod]
    public void MinSpreadBps_floors_the_total_spread()
    {
        Assert.AreEqual("B 999500x10 | A 1000500x10", Quote(Create(o => o.MinSpreadBps = 10)));
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, 1.5, 0.5, 60, minBps: 2)), Quote(Create(o => o.MinSpreadBps = 2)));
    }

    [TestMethod]
    public void Horizon_sets_tau_in_infinite_mode()
    {
        var s = Create(o => o.Horizon = TimeSpan.FromSeconds(300));
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, 1.5, 0.5, 300)), Quote(s));
        Assert.AreEqual(300.0, s.LastTimeToHorizonSeconds);
    }

    [TestMethod]
    public void Finite_horizon_uses_the_time_left_in_the_UTC_session()
    {
        var time = new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 10, 0, 30, TimeSpan.Zero));
        var s = Create(o => { o.HorizonMode = HorizonMode.Finite; o.Horizon = TimeSpan.FromMinutes(1); }, time: time);
        Hold(s, 40);
        var shaped = (long)Math.Floor(10 * Math.Exp(-0.2));
        Assert.AreEqual(Text(Expected(10_000, 4, 0.1, 1.5, 0.5, 30), shaped), Quote(s));
        Assert.AreEqual(30.0, s.LastTimeToHorizonSeconds);

        time.Now = time.Now.AddSeconds(29.5); // half a second before the session ends: the skew has almost faded
        Assert.AreEqual(Text(Expected(10_000, 4, 0.1, 1.5, 0.5, 0.5), shaped), Quote(s));

        // Sessions of 7 h start at 00:00, 07:00, 14:00 and 21:00; the last ends at midnight.
        var day = Create(o => { o.HorizonMode = HorizonMode.Finite; o.Horizon = TimeSpan.FromHours(7); }, time: new ManualTimeProvider(new DateTimeOffset(2025, 3, 4, 23, 59, 50, TimeSpan.Zero)));
        day.Requote();
        Assert.AreEqual(10.0, day.LastTimeToHorizonSeconds);
    }

    [TestMethod]
    public void Volatility_is_estimated_from_mid_returns_when_not_configured()
    {
        var clock = new ManualMonotonicClock(1);
        var s = Create(o => { o.Volatility = 0; o.RiskAversion = 0.01; }, clock);
        s.OnBookUpdated();
        Assert.AreEqual(Text(Expected(10_000, 0, 0.01, 1.5, 0, 60)), BasicMarketMakerTests.Format(s.Quotes)); // no return yet: σ = 0

        clock.Advance(100_000_000);
        SetBook(s, 999_200, 1_001_200); // mid 10002.00: a return of 2 bps over one 0.1 s sample
        s.OnBookUpdated();
        var sigma = 10_002 * 0.0002 / Math.Sqrt(0.1);
        Assert.AreEqual(sigma, s.LastVolatility, 1e-9);
        Assert.AreEqual(Text(Expected(10_002, 0, 0.01, 1.5, sigma, 60)), BasicMarketMakerTests.Format(s.Quotes));

        // VolatilitySampleInterval sets both the sampling and the time unit of the return.
        var slow = Create(o => { o.Volatility = 0; o.VolatilitySampleInterval = TimeSpan.FromSeconds(1); }, clock);
        slow.OnBookUpdated();
        clock.Advance(100_000_000);
        SetBook(slow, 999_200, 1_001_200);
        slow.OnBookUpdated();
        Assert.AreEqual(0.0, slow.LastVolatility); // not sampled yet
        clock.Advance(900_000_000);
        slow.OnBookUpdated();
        Assert.AreEqual(10_002 * 0.0002 / Math.Sqrt(1), slow.LastVolatility, 1e-9);
    }

    [TestMethod]
    public void Kappa_is_estimated_from_trade_intensity_against_distance_from_the_mid()
    {
        // Tail counts N(≥ d ticks) = 1000 e^(−0.5 d) exactly: κ = 0.5 per tick = 50 per USD.
        var s = Create(o => { o.EstimateKappa = true; o.KappaMinTrades = 100; o.KappaHalfLifeTrades = 1e12; o.KappaBucketCount = 8; });
        s.OnBookUpdated();
        var tails = Enumerable.Range(0, 8).Select(d => Math.Round(1_000 * Math.Exp(-0.5 * d))).Append(0).ToArray();
        var trades = 0;
        for (var d = 0; d < 8; d++)
        {
            for (var k = 0; k < (int)(tails[d] - tails[d + 1]); k++)
            {
                var side = k % 2 == 0 ? Side.Buy : Side.Sell;
                s.OnTrade(new MarketTrade(new Price(side == Side.Buy ? 1_000_000 + d : 1_000_000 - d), new Quantity(1), side, 1));
                trades++;
                if (trades == 99)
                {
                    Assert.AreEqual(1.5, s.LastKappa); // the configured κ until enough trades
                }
            }
        }

        Assert.IsTrue(s.TradeIntensity.TryGetKappaPerTick(out var perTick));
        Assert.AreEqual(0.5, perTick, 0.01);
        s.Requote();
        Assert.AreEqual(perTick / Tick, s.LastKappa, 1e-9);
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, perTick / Tick, 0.5, 60)), BasicMarketMakerTests.Format(s.Quotes));

        // Without EstimateKappa the same trades change nothing.
        var fixedKappa = Create(o => o.KappaMinTrades = 2);
        fixedKappa.OnTrade(new MarketTrade(new Price(1_000_005), new Quantity(1), Side.Buy, 1));
        Assert.AreEqual(Text(Expected(10_000, 0, 0.1, 1.5, 0.5, 60)), Quote(fixedKappa));
    }

    [TestMethod]
    public void PostOnly_keeps_quotes_a_tick_inside_the_opposite_best_and_MaxPosition_cuts_sizes()
    {
        // Market 9999.99 / 10000.01 with a 2.79 USD model spread: quotes already clear the touch.
        Assert.AreEqual("B 999860x10 | A 1000140x10", Quote(Create(bid: 999_999, ask: 1_000_001)));

        // Short 0.5 with a strong lean: the reservation rises far above the best ask.
        var s = Create(o => o.RiskAversion = 1, bid: 999_999, ask: 1_000_001);
        Hold(s, -500);
        Assert.AreEqual(1_000_000L, Quote(s) is var text && s.Quotes.BidCount == 1 ? s.Quotes.Bids[0].Price.Ticks : -1, text);
        var loose = Create(o => { o.RiskAversion = 1; o.PostOnly = false; }, bid: 999_999, ask: 1_000_001);
        Hold(loose, -500);
        loose.Requote();
        Assert.IsTrue(loose.Quotes.Bids[0].Price.Ticks > 1_000_001);

        var capped = Create(o => o.MaxPosition = 0.015m);
        Hold(capped, 10);
        Assert.AreEqual(5L, Quote(capped) is var _ ? capped.Quotes.Bids[0].Quantity.Lots : 0);
    }

    [TestMethod]
    public void QuoteUpdateInterval_limits_how_often_book_updates_requote()
    {
        var clock = new ManualMonotonicClock(1);
        var s = Create(o => o.QuoteUpdateInterval = TimeSpan.FromMilliseconds(50), clock);
        Assert.IsTrue(s.OnBookUpdated());
        clock.Advance(49_999_999);
        Assert.IsFalse(s.OnBookUpdated());
        Assert.IsTrue(s.OnOrderEvent(OrderEvent.Fill(1, Side.Buy, new Price(1_000_000), new Quantity(1), Liquidity.Maker, 1)));
        clock.Advance(50_000_000);
        Assert.IsTrue(s.OnBookUpdated());
    }

    [TestMethod]
    [DataRow("RiskAversion", "0", "RiskAversion: 0 must be a positive number.")]
    [DataRow("Kappa", "-1", "Kappa: -1 must be a positive number.")]
    [DataRow("KappaBucketCount", "1", "KappaBucketCount: 1 must be between 2 and 1024.")]
    [DataRow("KappaMinTrades", "1", "KappaMinTrades: 1 must be between 2 and 2147483647.")]
    [DataRow("Volatility", "-0.1", "Volatility: -0.1 must be between 0 and 1000000000000.")]
    [DataRow("VolatilitySampleInterval", "00:00:00", "VolatilitySampleInterval: 00:00:00 must be positive and at most 365 days.")]
    [DataRow("VolatilitySampleInterval", "10675199.02:48:05.4775807", "VolatilitySampleInterval: 10675199.02:48:05.4775807 must be positive and at most 365 days.")]
    [DataRow("Horizon", "1.00:00:01", "Horizon: 1.00:00:01 must be positive and at most one day.")]
    [DataRow("OrderQuantity", "0", "OrderQuantity: 0 must be positive.")]
    [DataRow("TargetPosition", "11", "TargetPosition: 11 must be within ±MaxPosition 10.")]
    [DataRow("SizeShapingFactor", "-1", "SizeShapingFactor: -1 must be between 0 and 100.")]
    [DataRow("MinSpreadBps", "NaN", "MinSpreadBps: NaN must be between 0 and 10000.")]
    [DataRow("QuoteUpdateInterval", "-00:00:01", "QuoteUpdateInterval: -00:00:01 must be between 0 and 365 days.")]
    [DataRow("QuoteUpdateInterval", "10675199.02:48:05.4775807", "QuoteUpdateInterval: 10675199.02:48:05.4775807 must be between 0 and 365 days.")]
    public void A_broken_rule_is_reported_naming_the_field(string field, string value, string expected)
    {
        var o = new AvellanedaStoikovOptions();
        var property = typeof(AvellanedaStoikovOptions).GetProperty(field)!;
        object parsed = property.PropertyType == typeof(TimeSpan)
            ? TimeSpan.Parse(value, CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture);
        property.SetValue(o, parsed);
        Assert.AreEqual(expected, string.Join("|", o.Validate()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AvellanedaStoikovMarketMaker(Btc, o));
        Assert.AreEqual(expected, e.Message);
    }

    [TestMethod]
    public void The_circuit_breakers_cooldown_beyond_365_days_is_refused_naming_it()
    {
        var o = new AvellanedaStoikovOptions();
        o.CircuitBreaker.Cooldown = TimeSpan.MaxValue;
        const string Expected = "CircuitBreaker.Cooldown: 10675199.02:48:05.4775807 must be between 0 and 365 days.";
        Assert.AreEqual(Expected, string.Join("|", o.Validate()));
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AvellanedaStoikovMarketMaker(Btc, o));
        Assert.AreEqual(Expected, e.Message);
    }

    [TestMethod]
    public void A_365_day_sample_interval_reaches_the_volatility_estimate_in_exact_nanoseconds()
    {
        var s = Create(o => { o.VolatilitySampleInterval = TimeSpan.FromDays(365); o.QuoteUpdateInterval = TimeSpan.FromDays(365); });
        Assert.AreEqual(365L * 86_400 * 1_000_000_000, s.Volatility.SampleIntervalNanoseconds);
    }

    [TestMethod]
    public void Defaults_are_valid_and_a_quantity_off_the_lot_grid_is_refused_naming_the_field()
    {
        Assert.AreEqual(0, new AvellanedaStoikovOptions().Validate().Count);
        var e = Assert.ThrowsExactly<ArgumentException>(() => new AvellanedaStoikovMarketMaker(Btc, new AvellanedaStoikovOptions { MaxPosition = 1.0005m }));
        Assert.AreEqual("MaxPosition 1.0005 is not a multiple of the lot size 0.001 of BTC-USD. (Parameter 'MaxPosition')", e.Message);
    }

    [TestMethod]
    public void A_decision_allocates_nothing()
    {
        var clock = new ManualMonotonicClock(1);
        var s = Create(o => { o.Volatility = 0; o.EstimateKappa = true; o.HorizonMode = HorizonMode.Finite; o.KappaMinTrades = 2; }, clock, TimeProvider.System);
        s.OnBookUpdated();
        void Decisions()
        {
            for (var i = 0; i < 2_000; i++)
            {
                clock.Advance(10_000_000);
                s.Book.SetLevel(Side.Buy, new Price(999_000 - (i % 7)), new Quantity(1_000 + i));
                s.OnTrade(new MarketTrade(new Price(1_000_000 + (i % 5)), new Quantity(1), Side.Buy, clock.NowNanoseconds));
                s.OnBookUpdated();
            }
        }

        Decisions();
        SteadyState.AssertAllocatesNothing("2,000 trades and decisions", Decisions);
        Assert.AreEqual(1, s.Quotes.BidCount);
    }
}
