using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using static PinnacleMM.Exchange.Tests.Simulator.SimulatorTestKit;

namespace PinnacleMM.Exchange.Tests.Simulator;

[TestClass]
public sealed class LatencyTests
{
    [TestMethod]
    public async Task An_order_reaches_the_venue_after_its_entry_delay_and_its_answers_take_as_long_back()
    {
        var options = Quiet();
        options.InitialDepthLevels = 5;
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(5);
        options.Latency.MarketData = TimeSpan.FromMilliseconds(3);
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromSeconds(1));
        var sentAt = simulator.NowNanoseconds;

        await simulator.SendAsync(OrderCommand.PlaceMarket(Id, new ClientOrderId(1), Side.Buy, new Quantity(12)));
        simulator.RunFor(TimeSpan.FromMilliseconds(9.999));
        Assert.AreEqual(0, sink.Executions.Count, "answers came back before the round trip");
        Assert.IsTrue(simulator.Book.TryGetBestAsk(out var ask, out _));
        Assert.AreEqual(new Price(10002), ask, "the order reached the venue 5 ms after it was sent");

        simulator.RunFor(TimeSpan.FromMilliseconds(1));
        Assert.AreEqual(3, sink.Executions.Count);
        foreach (var e in sink.Executions)
        {
            Assert.AreEqual(sentAt + Ms(5), e.ExchangeTimestampNanoseconds, $"{e}");
            Assert.AreEqual(sentAt + Ms(10), e.ReceivedNanoseconds, $"{e}");
        }

        // The level changes and trades it caused arrive 3 ms after they happened at the venue.
        var caused = sink.Market.Where(e => e.ExchangeTimestampNanoseconds == sentAt + Ms(5)).ToList();
        Assert.IsTrue(caused.Count(e => e.Kind == MarketEventKind.Trade) == 2);
        Assert.IsTrue(caused.All(e => e.ReceivedNanoseconds == sentAt + Ms(8)));
    }

    [TestMethod]
    public async Task With_jitter_nothing_arrives_early_or_out_of_order_and_reactions_are_exact()
    {
        var options = Options(3);
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(2);
        options.Latency.MarketData = TimeSpan.FromMilliseconds(1);
        options.Latency.Jitter = TimeSpan.FromMilliseconds(3);
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;

        // React to every 20th trade print with an order; remember when we sent it.
        var sentAt = new Dictionary<long, long>();
        var prints = 0;
        sink.OnMarket = e =>
        {
            if (e.Kind == MarketEventKind.Trade && ++prints % 20 == 0)
            {
                var id = sentAt.Count + 1;
                sentAt[id] = e.ReceivedNanoseconds;
                simulator.SendAsync(OrderCommand.PlaceMarket(Id, new ClientOrderId(id), e.Side, new Quantity(1))).AsTask().Wait();
            }
        };
        simulator.RunFor(TimeSpan.FromSeconds(60));

        Assert.IsTrue(sentAt.Count > 20);
        long previous = 0;
        foreach (var e in sink.Market)
        {
            Assert.IsTrue(e.ReceivedNanoseconds - e.ExchangeTimestampNanoseconds >= Ms(1), $"{e} arrived early");
            Assert.IsTrue(e.ReceivedNanoseconds >= previous, "market data reordered");
            previous = e.ReceivedNanoseconds;
        }

        previous = 0;
        foreach (var e in sink.Executions)
        {
            Assert.IsTrue(e.ReceivedNanoseconds - e.ExchangeTimestampNanoseconds >= Ms(2), $"{e} arrived early");
            Assert.IsTrue(e.ReceivedNanoseconds >= previous, "executions reordered");
            previous = e.ReceivedNanoseconds;
            var sent = sentAt[e.ClientOrderId.Value];
            Assert.IsTrue(e.ExchangeTimestampNanoseconds >= sent + Ms(2), $"{e} happened before the order could reach the venue");
            Assert.IsTrue(e.ExchangeTimestampNanoseconds <= sent + Ms(5) + Ms(3), $"{e} took longer than latency plus jitter (plus FIFO)");
        }

        Assert.AreEqual(sentAt.Count, sink.Executions.Count(e => e.Kind == ExecutionEventKind.Accepted));
    }

    [TestMethod]
    public async Task A_command_sent_from_a_sink_reaches_the_venue_exactly_its_delay_after_the_event()
    {
        var options = Options(5);
        options.Latency.OrderEntry = TimeSpan.FromMilliseconds(2);
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        var sentAt = new Dictionary<long, long>();
        sink.OnMarket = e =>
        {
            if (e.Kind == MarketEventKind.LevelUpdate && e.Sequence % 7 == 0)
            {
                var id = sentAt.Count + 1;
                sentAt[id] = e.ReceivedNanoseconds;
                simulator.SendAsync(OrderCommand.Cancel(Id, new ClientOrderId(id))).AsTask().Wait();
            }
        };
        simulator.RunFor(TimeSpan.FromSeconds(30));

        var answers = sink.Executions.Where(e => e.Kind == ExecutionEventKind.CancelRejected).ToList();
        Assert.IsTrue(answers.Count > 100);
        foreach (var answer in answers)
        {
            Assert.AreEqual(sentAt[answer.ClientOrderId.Value] + Ms(2), answer.ExchangeTimestampNanoseconds);
        }
    }

    [TestMethod]
    public async Task A_receive_clock_stamps_delivery_with_the_applications_time()
    {
        var options = Quiet();
        var clock = new PinnacleMM.Core.Time.ManualMonotonicClock(123_456);
        options.ReceiveClock = clock;
        var (simulator, sink) = await StartAsync(options);
        await using var disposeSimulator = simulator;
        simulator.RunFor(TimeSpan.FromMilliseconds(5));
        Assert.IsTrue(sink.Market.Count > 0);
        Assert.IsTrue(sink.Market.All(e => e.ReceivedNanoseconds == 123_456));
    }
}
