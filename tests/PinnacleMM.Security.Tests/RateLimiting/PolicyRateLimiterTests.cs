using System.Net;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Security.Tests.RateLimiting;

[TestClass]
public sealed class PolicyRateLimiterTests
{
    private static int AcquireAll(PolicyRateLimiter limiter, int attempts, int weight = 1)
    {
        var allowed = 0;
        for (var i = 0; i < attempts; i++)
        {
            if (limiter.TryAcquire(weight).IsAllowed)
            {
                allowed++;
            }
        }

        return allowed;
    }

    [TestMethod]
    [DataRow(RateLimitCategory.GeneralApi, 1000, 60, 60)]
    [DataRow(RateLimitCategory.MarketData, 5000, 60, 30)]
    [DataRow(RateLimitCategory.Authentication, 5, 900, 300)]
    [DataRow(RateLimitCategory.OrderSubmit, 100, 60, 30)]
    [DataRow(RateLimitCategory.OrderCancel, 500, 60, 15)]
    [DataRow(RateLimitCategory.OrderModify, 200, 60, 30)]
    [DataRow(RateLimitCategory.ConfigRead, 100, 60, 0)]
    [DataRow(RateLimitCategory.ConfigWrite, 10, 300, 60)]
    [DataRow(RateLimitCategory.WebSocketConnect, 50, 300, 120)]
    public void Default_policies_match_the_issue_and_are_enforced(RateLimitCategory category, int limit, int windowSeconds, int cooldownSeconds)
    {
        var policy = RateLimitPolicy.Default(category);
        Assert.AreEqual((limit, TimeSpan.FromSeconds(windowSeconds), TimeSpan.FromSeconds(cooldownSeconds)), (policy.Limit, policy.Window, policy.Cooldown));
        var time = new ManualTimeProvider();
        using var set = new RateLimiterSet(timeProvider: time);
        Assert.AreEqual(limit, AcquireAll(set[category], limit + 5));
        Assert.AreEqual(5, set[category].RefusedCount);
    }

    [TestMethod]
    public void Exceeding_starts_a_cooldown_measured_on_the_time_provider()
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 10, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromSeconds(30) }, time);
        Assert.AreEqual(10, AcquireAll(limiter, 10));

        var refused = limiter.TryAcquire();
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(60), false), refused, "refused by the limit, which starts the 30 s cooldown; the permits come back at t=60 s");

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(31), true), limiter.TryAcquire());

        time.Advance(TimeSpan.FromSeconds(1));
        var after = limiter.TryAcquire();
        Assert.IsFalse(after.InCooldown, "the cooldown is over; the still full window refuses and restarts it");
        Assert.AreEqual(TimeSpan.FromSeconds(30), after.RetryAfter);

        time.Advance(TimeSpan.FromSeconds(30));
        Assert.IsTrue(limiter.TryAcquire().IsAllowed, "at t=60 s the window and the second cooldown are over");
    }

    [TestMethod]
    public void Sliding_window_frees_permits_when_their_segment_leaves_the_window_on_the_time_provider()
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 10, Window = TimeSpan.FromMinutes(1), SegmentsPerWindow = 6 }, time);
        Assert.AreEqual(6, AcquireAll(limiter, 6));                       // segment [0 s, 10 s)
        time.Advance(TimeSpan.FromSeconds(25));
        Assert.AreEqual(4, AcquireAll(limiter, 10));                      // segment [20 s, 30 s)
        var refused = limiter.TryAcquire(5);
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(35), false), refused, "the 6 permits of t=0 come back at t=60 s");
        time.Advance(TimeSpan.FromSeconds(35) - TimeSpan.FromTicks(1));
        Assert.IsFalse(limiter.TryAcquire().IsAllowed, "one tick early");
        time.Advance(TimeSpan.FromTicks(1));
        Assert.AreEqual(6, AcquireAll(limiter, 10));
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(20), false), limiter.TryAcquire(4), "the 4 of t=25 s come back at t=80 s");
    }

    [TestMethod]
    public void Token_bucket_refills_on_the_time_provider()
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(RateLimitPolicy.Weighted(1200, TimeSpan.FromMinutes(1)), time);
        Assert.IsTrue(limiter.TryAcquire(1200).IsAllowed);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(11), false), limiter.TryAcquire(240), "refills of 120 at t=6 s and t=12 s");
        time.Advance(TimeSpan.FromSeconds(11) - TimeSpan.FromTicks(1));
        Assert.IsFalse(limiter.TryAcquire(240).IsAllowed);
        Assert.IsTrue(limiter.TryAcquire(120).IsAllowed, "one refill has come");
        time.Advance(TimeSpan.FromTicks(1));
        Assert.IsTrue(limiter.TryAcquire(120).IsAllowed);
        time.Advance(TimeSpan.FromHours(1));
        Assert.IsTrue(limiter.TryAcquire(1200).IsAllowed, "a long pause refills the bucket to its limit, not beyond");
        Assert.IsFalse(limiter.TryAcquire(1).IsAllowed);
    }

    [TestMethod]
    public void Under_concurrent_load_each_period_allows_exactly_what_a_window_model_predicts()
    {
        // Phases: 4 threads hammer the limiter, then the fake clock jumps 1 to 5 segments. Demand always exceeds
        // supply, so each phase must grant exactly what an independent model of the sliding window has free,
        // and a refused call's RetryAfter must be the model's time until a permit comes back.
        const int Limit = 40;
        const int Segments = 4;
        var segment = TimeSpan.FromSeconds(15);
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = Limit, Window = segment * Segments, SegmentsPerWindow = Segments }, time);
        var grants = new List<(long Segment, long Weight)>();
        var random = new Random(1234);
        long now = 0;
        for (var phase = 0; phase < 30; phase++)
        {
            var expected = Limit - grants.Where(g => g.Segment > now - Segments).Sum(g => g.Weight);
            long granted = 0;
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, worker =>
            {
                for (var i = 0; i < 200; i++)
                {
                    if (limiter.TryAcquire().IsAllowed)
                    {
                        Interlocked.Increment(ref granted);
                    }
                }
            });
            Assert.AreEqual(expected, granted, $"phase {phase} at segment {now}");
            grants.Add((now, granted));

            var refused = limiter.TryAcquire();
            var freeAt = grants.Where(g => g.Weight > 0).Select(g => g.Segment + Segments).Where(s => s > now).Min();
            Assert.AreEqual(new RateLimitDecision(false, (freeAt - now) * segment, false), refused, $"phase {phase}");

            var jump = random.Next(1, 6);
            now += jump;
            time.Advance(jump * segment);
        }
    }

    [TestMethod]
    public void Under_concurrent_load_a_weighted_bucket_never_grants_more_than_it_refilled()
    {
        // The clock moves on while 4 threads take random weights: the total granted can never exceed the
        // initial bucket plus every refill due by the end, and refills are whole periods of the fake clock.
        // The clock starts once every taker runs and the initial bucket is spent (less than the largest weight
        // left), so a clock that finished before the takers started cannot make the run empty.
        var time = new ManualTimeProvider();
        var policy = RateLimitPolicy.Weighted(600, TimeSpan.FromMinutes(1));          // 60 per 6 s
        using var limiter = new PolicyRateLimiter(policy, time);
        long grantedWeight = 0;
        var clockDone = 0;
        using var started = new CountdownEvent(4);
        var takers = Enumerable.Range(0, 4).Select(worker => new Thread(() =>
        {
            var random = new Random(worker);
            started.Signal();
            while (Volatile.Read(ref clockDone) == 0)
            {
                var weight = random.Next(1, 20);
                if (limiter.TryAcquire(weight).IsAllowed)
                {
                    Interlocked.Add(ref grantedWeight, weight);
                }
            }
        })).ToArray();
        foreach (var taker in takers)
        {
            taker.Start();
        }

        Assert.IsTrue(started.Wait(TimeSpan.FromSeconds(30)), "every taker started");
        var spent = SpinWait.SpinUntil(() => Interlocked.Read(ref grantedWeight) > 600 - 20, TimeSpan.FromSeconds(30));
        Assert.IsTrue(spent, "the takers spent the initial bucket");
        for (var i = 0; i < 300; i++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            Thread.Yield();
        }

        Volatile.Write(ref clockDone, 1);
        foreach (var taker in takers)
        {
            taker.Join();
        }

        var refills = 300 / 6;
        Assert.IsLessThanOrEqualTo(600L + (refills * 60L), grantedWeight);
        Assert.IsGreaterThanOrEqualTo(600L - 19, grantedWeight, "the initial bucket at least was used");
    }

    [TestMethod]
    public void Weighted_token_bucket_counts_weight_and_reports_the_wait_for_the_missing_weight()
    {
        using var limiter = new PolicyRateLimiter(RateLimitPolicy.Weighted(1200, TimeSpan.FromMinutes(1)), new ManualTimeProvider());
        Assert.IsTrue(limiter.TryAcquire(1000).IsAllowed);
        Assert.IsTrue(limiter.TryAcquire(200).IsAllowed);
        var refused = limiter.TryAcquire(240);
        Assert.IsFalse(refused.IsAllowed);
        Assert.AreEqual(TimeSpan.FromSeconds(12), refused.RetryAfter, "240 weight = two refills of 120 every 6 s");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => limiter.TryAcquire(1201));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => limiter.TryAcquire(0));
        Assert.AreEqual(2, limiter.AllowedCount);
    }

    [TestMethod]
    public void Under_concurrent_load_exactly_the_limit_is_allowed()
    {
        var time = new ManualTimeProvider();
        using var sliding = new PolicyRateLimiter(RateLimitPolicy.Default(RateLimitCategory.OrderSubmit), time);
        using var bucket = new PolicyRateLimiter(RateLimitPolicy.Weighted(1200, TimeSpan.FromMinutes(10)), time);
        long allowedCount = 0;
        long allowedWeight = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, worker =>
        {
            var random = new Random(worker);
            for (var i = 0; i < 2000; i++)
            {
                if (sliding.TryAcquire().IsAllowed)
                {
                    Interlocked.Increment(ref allowedCount);
                }

                var weight = random.Next(1, 11);
                if (bucket.TryAcquire(weight).IsAllowed)
                {
                    Interlocked.Add(ref allowedWeight, weight);
                }
            }
        });

        Assert.AreEqual(100, allowedCount);
        Assert.AreEqual(100, sliding.AllowedCount);
        Assert.AreEqual(16_000 - 100, sliding.RefusedCount);
        Assert.AreEqual(1200, allowedWeight, "weight-1 requests keep coming until the bucket is exactly empty");
    }

    [TestMethod]
    public void Invalid_policies_are_rejected_naming_the_field_its_value_and_the_rule()
    {
        var valid = new RateLimitPolicy { Limit = 10, Window = TimeSpan.FromSeconds(1) };
        var cases = new (RateLimitPolicy Policy, string Field, string Message)[]
        {
            (valid with { Limit = 0 }, "Limit", "Limit 0 must be positive."),
            (valid with { Window = TimeSpan.Zero }, "Window", "Window 00:00:00 must be positive."),
            (valid with { Cooldown = TimeSpan.FromSeconds(-1) }, "Cooldown", "Cooldown -00:00:01 must not be negative."),
            (valid with { Cooldown = TimeSpan.FromDays(1) + TimeSpan.FromTicks(1) }, "Cooldown", "Cooldown 1.00:00:00.0000001 must be at most 1.00:00:00."),
            (valid with { Cooldown = TimeSpan.MaxValue }, "Cooldown", "Cooldown 10675199.02:48:05.4775807 must be at most 1.00:00:00."),
            (valid with { Algorithm = (RateLimitAlgorithm)5 }, "Algorithm", "Algorithm 5 must be SlidingWindow or TokenBucket."),
            (valid with { SegmentsPerWindow = 0 }, "SegmentsPerWindow", "SegmentsPerWindow 0 must be 1 to 1000."),
            (valid with { SegmentsPerWindow = 1001 }, "SegmentsPerWindow", "SegmentsPerWindow 1001 must be 1 to 1000."),
            (valid with { Window = TimeSpan.FromTicks(5) }, "Window", "Window 00:00:00.0000005 must be at least one tick (100 ns) per segment (SegmentsPerWindow 10)."),
        };
        foreach (var (policy, field, message) in cases)
        {
            var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolicyRateLimiter(policy), message);
            Assert.AreEqual((field, $"{message} (Parameter '{field}')"), (ex.ParamName, ex.Message));
        }
    }

    [TestMethod]
    public void The_longest_cooldown_is_accepted_and_a_refusal_starts_it()
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 1, Window = TimeSpan.FromSeconds(1), Cooldown = RateLimitPolicy.MaxCooldown }, time);
        Assert.IsTrue(limiter.TryAcquire().IsAllowed);
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromDays(1), false), limiter.TryAcquire());
        time.Advance(TimeSpan.FromDays(1) - TimeSpan.FromTicks(1));
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromTicks(1), true), limiter.TryAcquire());
        time.Advance(TimeSpan.FromTicks(1));
        Assert.IsTrue(limiter.TryAcquire().IsAllowed);
        Assert.AreEqual((2L, 2L), (limiter.AllowedCount, limiter.RefusedCount));
    }

    [TestMethod]
    [DataRow(RateLimitAlgorithm.SlidingWindow, 0)]
    [DataRow(RateLimitAlgorithm.SlidingWindow, -1)]
    [DataRow(RateLimitAlgorithm.SlidingWindow, 11)]
    [DataRow(RateLimitAlgorithm.TokenBucket, 0)]
    [DataRow(RateLimitAlgorithm.TokenBucket, int.MinValue)]
    [DataRow(RateLimitAlgorithm.TokenBucket, 11)]
    public void A_weight_outside_1_to_the_limit_is_refused_naming_weight_and_changes_nothing(RateLimitAlgorithm algorithm, int weight)
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 10, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromSeconds(30), Algorithm = algorithm }, time);
        Assert.IsTrue(limiter.TryAcquire(4).IsAllowed);

        var ex = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => limiter.TryAcquire(weight));
        Assert.AreEqual(("weight", $"weight {weight} must be 1 to the policy's Limit 10. (Parameter 'weight')"), (ex.ParamName, ex.Message));
        Assert.AreEqual((1L, 0L), (limiter.AllowedCount, limiter.RefusedCount), "neither allowed nor refused");

        // No permits taken and no cooldown started: the other 6 are still there, and only then is the limit reached.
        Assert.IsTrue(limiter.TryAcquire(6).IsAllowed);
        Assert.IsFalse(limiter.TryAcquire().InCooldown);
        Assert.AreEqual((2L, 1L), (limiter.AllowedCount, limiter.RefusedCount));
    }

    [TestMethod]
    public void A_null_invalid_or_unknown_override_is_refused_naming_its_category()
    {
        var valid = new RateLimitPolicy { Limit = 1, Window = TimeSpan.FromMinutes(1) };
        var cases = new (Dictionary<RateLimitCategory, RateLimitPolicy> Overrides, string Message)[]
        {
            (new() { [RateLimitCategory.OrderSubmit] = null! }, "rateLimits.OrderSubmit is null: set a policy or leave the category out for its default"),
            (new() { [RateLimitCategory.OrderSubmit] = valid with { Limit = 0 } }, "rateLimits.OrderSubmit.limit: Limit 0 must be positive."),
            (new() { [RateLimitCategory.ConfigWrite] = valid with { Algorithm = (RateLimitAlgorithm)5 } }, "rateLimits.ConfigWrite.algorithm: Algorithm 5 must be SlidingWindow or TokenBucket."),
            (new() { [RateLimitCategory.MarketData] = valid with { Cooldown = TimeSpan.FromDays(2) } }, "rateLimits.MarketData.cooldown: Cooldown 2.00:00:00 must be at most 1.00:00:00."),
            (new() { [(RateLimitCategory)99] = valid }, $"rateLimits.99 is not a rate-limit category (one of {string.Join(", ", Enum.GetNames<RateLimitCategory>())})"),
        };
        foreach (var (overrides, message) in cases)
        {
            var ex = Assert.ThrowsExactly<ArgumentException>(() => new RateLimiterSet(overrides), message);
            Assert.AreEqual(("overrides", $"{message} (Parameter 'overrides')"), (ex.ParamName, ex.Message));
        }

        Assert.IsInstanceOfType<ArgumentOutOfRangeException>(Assert.ThrowsExactly<ArgumentException>(() => new RateLimiterSet(cases[1].Overrides)).InnerException);
    }

    [TestMethod]
    public async Task Http_handler_answers_429_with_retry_after_and_does_not_send()
    {
        var time = new ManualTimeProvider();
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 2, Window = TimeSpan.FromMinutes(1), Cooldown = TimeSpan.FromSeconds(30) }, time);
        var inner = new CountingHandler();
        using var client = new HttpClient(new RateLimitingHandler(limiter) { InnerHandler = inner });
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync(new Uri("https://example.test/a"))).StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync(new Uri("https://example.test/b"))).StatusCode);
        using var limited = await client.GetAsync(new Uri("https://example.test/c"));
        Assert.AreEqual(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.AreEqual(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta, "the window frees the permits at t=60 s, after the 30 s cooldown");
        Assert.AreEqual(2, inner.Calls);
    }

    [TestMethod]
    public async Task Http_handler_limits_by_category()
    {
        var time = new ManualTimeProvider();
        using var set = new RateLimiterSet(new Dictionary<RateLimitCategory, RateLimitPolicy>
        {
            [RateLimitCategory.OrderSubmit] = new() { Limit = 1, Window = TimeSpan.FromMinutes(1) },
        }, time);
        var inner = new CountingHandler();
        using var client = new HttpClient(new RateLimitingHandler(set, r => r.Method == HttpMethod.Post ? RateLimitCategory.OrderSubmit : RateLimitCategory.MarketData) { InnerHandler = inner });
        using var content = new StringContent("{}");
        Assert.AreEqual(HttpStatusCode.OK, (await client.PostAsync(new Uri("https://example.test/orders"), content)).StatusCode);
        Assert.AreEqual(HttpStatusCode.TooManyRequests, (await client.PostAsync(new Uri("https://example.test/orders"), content)).StatusCode);
        Assert.AreEqual(HttpStatusCode.OK, (await client.GetAsync(new Uri("https://example.test/book"))).StatusCode);
        Assert.AreEqual(2, inner.Calls);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }
}
