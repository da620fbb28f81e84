using PinnacleMM.Testing;
using System.Diagnostics;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class RunModeTests
{
    [TestMethod]
    public async Task Running_steps_allocate_nothing_after_warm_up()
    {
        var options = Options(31);
        var simulator = new ExchangeSimulator(options);
        await using var disposeSimulator = simulator;
        var sink = new AmendingSink(simulator);
        await simulator.ConnectAsync((IMarketDataSink)sink);
        await simulator.ConnectAsync((IExecutionSink)sink);
        await simulator.SubscribeAsync(Id);
        await simulator.SendAsync(OrderCommand.Place(Id, new ClientOrderId(1), Side.Buy, new Price(9_000), new Quantity(5)));
        simulator.RunFor(TimeSpan.FromSeconds(120));

        var delivered = 0L;
        var amendsBefore = sink.Amends;
        SteadyState.AssertAllocatesNothing("20 simulated seconds", () => delivered += simulator.RunFor(TimeSpan.FromSeconds(20)));

        Assert.IsTrue(delivered > 5_000, $"{delivered} events");
        Assert.IsTrue(sink.Amends - amendsBefore > 100, $"{sink.Amends - amendsBefore} amends");
    }

    [TestMethod]
    public async Task Real_time_mode_paces_virtual_time_and_stops_on_dispose()
    {
        var options = Options(3);
        options.TimeMode = SimulatorTimeMode.RealTime;
        options.Speed = 100;
        var clock = Stopwatch.StartNew();
        var simulator = new ExchangeSimulator(options);
        var sink = new CountingSink();
        await simulator.ConnectAsync((IMarketDataSink)sink);
        await simulator.ConnectAsync((IExecutionSink)sink);
        await simulator.SubscribeAsync(Id);
        Assert.ThrowsExactly<InvalidOperationException>(() => simulator.RunFor(TimeSpan.FromSeconds(1)));

        while (Interlocked.Read(ref sink.Market) < 50 && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20);
        }

        var virtualNow = simulator.NowNanoseconds;
        var realLimit = clock.Elapsed.Ticks * 100 * 100;
        await simulator.DisposeAsync();
        var afterDispose = Interlocked.Read(ref sink.Market);

        Assert.IsTrue(afterDispose >= 50, $"{afterDispose} events delivered in real-time mode");
        Assert.IsTrue(virtualNow > 0 && virtualNow <= realLimit, $"virtual {virtualNow} ns vs real × speed {realLimit} ns");
        Assert.AreEqual(ConnectionState.Disconnected, simulator.MarketDataState);
        await Task.Delay(50);
        Assert.AreEqual(afterDispose, Interlocked.Read(ref sink.Market), "events delivered after disposal");
    }

    [TestMethod]
    public async Task Connecting_twice_and_running_from_two_threads_are_refused()
    {
        var (simulator, sink) = await StartAsync(Quiet());
        await using var disposeSimulator = simulator;
        await Assert.ThrowsExactlyAsync<InvalidOperationException>(async () => await simulator.ConnectAsync((IMarketDataSink)sink));
        Exception? inner = null;
        sink.OnMarket = _ =>
        {
            try
            {
                Task.Run(() => simulator.RunFor(TimeSpan.FromSeconds(1))).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException ex)
            {
                inner = ex;
            }
        };
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        Assert.IsNotNull(inner);
        StringAssert.Contains(inner.Message, "another thread");
    }

    private sealed class CountingSink : IMarketDataSink, IExecutionSink
    {
        public long Market;

        public void OnMarketEvent(in MarketEvent marketEvent) => Interlocked.Increment(ref Market);

        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
        }
    }

    /// <summary>Moves our one order to the best bid on every ticker: amends exercise the own-order path.</summary>
    private sealed class AmendingSink(ExchangeSimulator simulator) : IMarketDataSink, IExecutionSink
    {
        public long Amends;

        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            if (marketEvent.Kind == MarketEventKind.Ticker && marketEvent.BestBidPrice.Ticks > 1)
            {
                Amends++;
                _ = simulator.SendAsync(OrderCommand.Amend(Id, new ClientOrderId(1), marketEvent.BestBidPrice - 1, new Quantity(5)));
            }
        }

        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
        }
    }
}
