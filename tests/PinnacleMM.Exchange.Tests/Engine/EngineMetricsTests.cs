using System.Diagnostics.Metrics;
using PinnacleMM.Core.Risk;
using PinnacleMM.Exchange.Diagnostics;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;

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
        var ints = new Dictionary<string, int>();
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => ints[Key(instrument, tags)] = value);
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
        Assert.AreEqual(0, ints["pinnaclemm.engine.open_orders|state=working"], "a clean stop closed every order");
        Assert.AreEqual(0, ints["pinnaclemm.engine.open_orders|state=pending_cancel"]);
        Assert.AreEqual(0, ints["pinnaclemm.engine.orders_left_open|"]);
        Assert.AreEqual(0, ints["pinnaclemm.engine.trading_state|"]);
    }

    [TestMethod]
    public async Task Gauges_show_open_orders_the_trading_state_and_the_orders_a_stop_left_open()
    {
        FaultyVenue? venue = null;
        await using var run = await EngineRun.StartAsync(83, EngineThreading.Inline, wrap: simulator =>
        {
            venue = new FaultyVenue(simulator);
            return (venue, venue);
        }, configureEngine: o => o.StopTimeout = TimeSpan.FromSeconds(2));
        var ints = Listen(run.Engine.Metrics.Meter, out var listener);
        using (listener)
        {
            run.Simulator.RunFor(TimeSpan.FromSeconds(5));
            listener.RecordObservableInstruments();
            var open = run.Engine.Status.OpenOrders;
            Assert.IsTrue(open.Count >= 2);
            Assert.AreEqual(open.Count(o => o.State != OrderState.PendingCancel), ints["pinnaclemm.engine.open_orders|state=working"]);
            Assert.AreEqual(0, ints["pinnaclemm.engine.orders_left_open|"]);
            Assert.AreEqual(0, ints["pinnaclemm.engine.trading_state|"]);

            // Halted: published at the next timer tick.
            run.Strategy.Pause("metrics test");
            run.Simulator.RunFor(TimeSpan.FromMilliseconds(200));
            listener.RecordObservableInstruments();
            Assert.AreEqual((int)TradingState.Halted, ints["pinnaclemm.engine.trading_state|"]);
            run.Strategy.Resume("metrics test");
            run.Simulator.RunFor(TimeSpan.FromSeconds(2));

            // Every cancel of the stop is lost: the stop ends at its timeout with the orders open at the venue.
            venue!.DropNextCancels = 1_000;
            await run.StopAsync();
            listener.RecordObservableInstruments();
            var leftOpen = run.Engine.Status.Stop!.OrdersLeftOpen.Count;
            Assert.IsTrue(leftOpen >= 1, run.Engine.Status.Stop.ToString());
            Assert.AreEqual(leftOpen, ints["pinnaclemm.engine.orders_left_open|"]);
            Assert.AreEqual(run.Engine.Status.Stop.PendingCancelCount, ints["pinnaclemm.engine.open_orders|state=pending_cancel"]);
            Assert.AreEqual(leftOpen - run.Engine.Status.Stop.PendingCancelCount, ints["pinnaclemm.engine.open_orders|state=working"]);
            Assert.AreEqual((int)TradingState.Active, ints["pinnaclemm.engine.trading_state|"]);
        }
    }

    /// <summary>Listens to the int instruments of <paramref name="meter"/>: the latest value per instrument and tags (without the instrument tag).</summary>
    private static Dictionary<string, int> Listen(Meter meter, out MeterListener listener)
    {
        var ints = new Dictionary<string, int>();
        listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => ints[Key(instrument, tags)] = value);
        listener.Start();
        return ints;
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
