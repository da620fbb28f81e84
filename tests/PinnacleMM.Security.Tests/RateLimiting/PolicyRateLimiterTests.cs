using System.Net;
using PinnacleMM.Security.RateLimiting;

namespace PinnacleMM.Security.Tests.RateLimiting;

[TestClass]
public sealed class PolicyRateLimiterTests
{
    /// <summary>Polls (real time, on a shared machine the library's pool timer may run late) until one call is allowed.</summary>
    private static TimeSpan WaitUntilAllowed(PolicyRateLimiter limiter, int weight)
    {
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        while (!limiter.TryAcquire(weight).IsAllowed)
        {
            Assert.IsTrue(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "permits never came back");
            Thread.Sleep(5);
        }

        return stopwatch.Elapsed;
    }

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
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(30), false), refused, "refused by the limit, which starts the cooldown");

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromSeconds(1), true), limiter.TryAcquire());

        time.Advance(TimeSpan.FromSeconds(1));
        var after = limiter.TryAcquire();
        Assert.IsFalse(after.InCooldown, "the cooldown is over; the (still full, real-time) window decides and restarts it");
        Assert.AreEqual(TimeSpan.FromSeconds(30), after.RetryAfter);
    }

    [TestMethod]
    public void Sliding_window_refuses_with_one_segment_then_frees_permits_in_real_time()
    {
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = 3, Window = TimeSpan.FromMilliseconds(200), SegmentsPerWindow = 2 });
        Assert.AreEqual(3, AcquireAll(limiter, 5));
        var refused = limiter.TryAcquire();
        Assert.AreEqual(new RateLimitDecision(false, TimeSpan.FromMilliseconds(100), false), refused);
        var waited = WaitUntilAllowed(limiter, 2);
        Assert.IsTrue(waited >= TimeSpan.FromMilliseconds(90), $"permits came back after only {waited}");
    }

    [TestMethod]
    public void Sliding_window_under_concurrent_load_never_allows_more_than_the_limit_in_a_window()
    {
        // Real time: permits granted at t come back at the (segments)th timer tick after t, never before
        // t + window - segment = t + 300 ms; 100 ms of margin absorbs thread preemption between grant and timestamp.
        const int limit = 5;
        using var limiter = new PolicyRateLimiter(new RateLimitPolicy { Limit = limit, Window = TimeSpan.FromMilliseconds(400), SegmentsPerWindow = 4 });
        var granted = new System.Collections.Concurrent.ConcurrentBag<long>();
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        // Dedicated threads, not the pool: the library replenishes from a thread-pool timer, which a
        // saturated pool would delay (that only ever grants fewer permits, but would make this test vacuous).
        var threads = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            while (granted.Count < 3 * limit && stopwatch.ElapsedMilliseconds < 10_000)
            {
                if (limiter.TryAcquire().IsAllowed)
                {
                    granted.Add(stopwatch.ElapsedTicks);
                }

                Thread.Sleep(1);
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var times = granted.Select(t => t * 1000.0 / System.Diagnostics.Stopwatch.Frequency).Order().ToArray();
        Assert.IsTrue(times.Length >= 2 * limit, $"the window must have moved on at least once: {times.Length} grants at {string.Join(", ", times.Select(t => t.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (var i = 0; i + limit < times.Length; i++)
        {
            Assert.IsTrue(times[i + limit] - times[i] >= 200, $"{limit + 1} grants within {times[i + limit] - times[i]:F0} ms");
        }
    }

    [TestMethod]
    public void Weighted_token_bucket_counts_weight_and_reports_the_wait_for_the_missing_weight()
    {
        using var limiter = new PolicyRateLimiter(RateLimitPolicy.Weighted(1200, TimeSpan.FromMinutes(1)));
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
    public void Token_bucket_refills_in_real_time()
    {
        using var limiter = new PolicyRateLimiter(RateLimitPolicy.Weighted(4, TimeSpan.FromMilliseconds(200)) with { SegmentsPerWindow = 2 });
        Assert.IsTrue(limiter.TryAcquire(4).IsAllowed);
        Assert.IsFalse(limiter.TryAcquire(2).IsAllowed);
        var waited = WaitUntilAllowed(limiter, 2);
        Assert.IsTrue(waited >= TimeSpan.FromMilliseconds(90), $"tokens came back after only {waited}");
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
    public void Invalid_policies_are_rejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolicyRateLimiter(new RateLimitPolicy { Limit = 0, Window = TimeSpan.FromSeconds(1) }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolicyRateLimiter(new RateLimitPolicy { Limit = 1, Window = TimeSpan.Zero }));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new PolicyRateLimiter(new RateLimitPolicy { Limit = 1, Window = TimeSpan.FromSeconds(1), Cooldown = TimeSpan.FromSeconds(-1) }));
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
        Assert.AreEqual(TimeSpan.FromSeconds(30), limited.Headers.RetryAfter?.Delta);
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
