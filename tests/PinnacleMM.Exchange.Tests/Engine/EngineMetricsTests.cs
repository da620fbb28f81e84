using System.Diagnostics.Metrics;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Diagnostics;

namespace PinnacleMM.Exchange.Tests.Engine;

[TestClass]
public sealed class EngineMetricsTests
{
    [TestMethod]
    public async Task Meter_reports_latency_quotes_orders_fills_rejections_by_reason_position_and_pnl()
    {
        await using var run = await EngineRun.StartInlineAsync(61);
        var meter = run.Engine.Metrics.Meter;
        var longs = new Dictionary<string, long>();
        var doubles = new Dictionary<string, double>();
        var latencies = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => longs[Key(instrument, tags)] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "pinnaclemm.engine.tick_to_quote")
            {
                latencies.Add(value);
                Assert.AreEqual("instrument=SIM-USD", string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")));
            }
            else
            {
                doubles[Key(instrument, tags)] = value;
            }
        });
        listener.Start();

        // Reduce-only while flat: a manual buy is refused by risk, so that rejections by reason show up.
        run.Simulator.RunFor(TimeSpan.FromSeconds(1));
        run.Strategy.Risk.Reduce("metrics test");
        var refused = run.Engine.Orders.PlaceOrder(Core.Primitives.Side.Buy, 99m, 0.05m);
        Assert.AreEqual(RiskRejectReason.ReduceOnly, refused.RiskReason);
        run.Strategy.Risk.Resume("metrics test");
        run.Simulator.RunFor(TimeSpan.FromSeconds(8));
        await run.StopAsync();
        listener.RecordObservableInstruments();

        var orders = run.Engine.Orders;
        Assert.AreEqual(latencies.Count, (int)run.Engine.TickToQuote.Count, "every measured latency reaches the histogram");
        Assert.IsTrue(latencies.Count > 0);
        Assert.AreEqual(orders.PlacesSent, longs["pinnaclemm.engine.orders|kind=place"]);
        Assert.AreEqual(orders.CancelsSent, longs["pinnaclemm.engine.orders|kind=cancel"]);
        Assert.AreEqual(orders.AmendsSent, longs["pinnaclemm.engine.orders|kind=amend"]);
        Assert.AreEqual(orders.Reconciles, longs["pinnaclemm.engine.quotes|"]);
        Assert.AreEqual(orders.FillsApplied, longs["pinnaclemm.engine.fills|"]);
        Assert.IsTrue(orders.FillsApplied > 0);
        Assert.AreEqual(run.Engine.MarketEventsProcessed, longs["pinnaclemm.engine.market_events|"]);
        Assert.IsTrue(longs["pinnaclemm.engine.rejections|source=risk,reason=ReduceOnly"] > 0);
        Assert.AreEqual(orders.RiskRefusalCount(RiskRejectReason.ReduceOnly), longs["pinnaclemm.engine.rejections|source=risk,reason=ReduceOnly"]);
        Assert.AreEqual(0, longs["pinnaclemm.engine.rejections|source=local,reason=RateLimited"]);
        Assert.AreEqual((double)run.Strategy.Position.Position, doubles["pinnaclemm.engine.position|"]);
        var status = run.Engine.Status;
        Assert.AreEqual((double)status.RealizedPnl, doubles["pinnaclemm.engine.pnl|kind=realized"]);
        Assert.AreEqual((double)status.Fees, doubles["pinnaclemm.engine.pnl|kind=fees"]);
        Assert.AreEqual((double)status.NetPnl, doubles["pinnaclemm.engine.pnl|kind=net"]);
    }

    [TestMethod]
    public void Latency_histogram_percentiles_stay_within_their_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100_000; v++)
        {
            histogram.Record(v * 10L);
        }

        var p = histogram.GetPercentiles();
        Assert.AreEqual(100_000, p.Count);
        Assert.AreEqual(1_000_000, p.Max);
        foreach (var (actual, exact) in new[] { (p.P50, 500_000.0), (p.P90, 900_000.0), (p.P99, 990_000.0), (p.P999, 999_000.0) })
        {
            Assert.IsTrue(actual >= exact && actual <= exact * (1 + (1 / 64.0)), $"{actual} vs {exact}");
        }

        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(100.5));
        Assert.AreEqual(0, new LatencyHistogram().ValueAtPercentile(99));
    }

    private static string Key(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        instrument.Name + "|" + string.Join(",", tags.ToArray().Where(t => t.Key != "instrument").Select(t => $"{t.Key}={t.Value}"));
}
