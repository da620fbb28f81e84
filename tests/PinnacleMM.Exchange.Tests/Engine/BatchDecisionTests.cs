using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Tests.Simulator;

namespace PinnacleMM.Exchange.Tests.Engine;

/// <summary>The strategy thread decides once per batch of market events it takes from the ring, on the book after all of them.</summary>
[TestClass]
public sealed class BatchDecisionTests
{
    private static readonly long Ms = 1_000_000;

    [TestMethod]
    public async Task A_burst_taken_together_gets_one_decision_on_the_last_book_timed_from_its_first_event()
    {
        var clock = new ManualMonotonicClock(1 * Ms);
        await using var run = await QuotingRun.StartAsync(clock);
        var engine = run.Engine;
        var decisions = run.Strategy.BookUpdates;
        var timedBefore = engine.TickToQuote.Count;

        // The strategy thread is held while a burst of 10 updates arrives: the best bid steps up a tick at a time,
        // stamped 1 ms apart from 10 ms on.
        var release = run.HoldStrategyThread();
        for (var i = 1; i <= 10; i++)
        {
            run.Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(10_000 + i), new Quantity(100), 1, 0, 0, (9 + i) * Ms));
        }

        clock.Set(50 * Ms);
        await release();
        await EngineWait.WaitUntilAsync(() => engine.EventsHandled >= 16, "the burst handled");
        var timed = engine.TickToQuote.Count - timedBefore;
        await run.StopAsync();
        Assert.AreEqual(1, run.Strategy.BookUpdates - decisions, "one decision for the burst, not one per update");
        Assert.AreEqual(10_010, run.Strategy.BidSeen, "on the book after the last update");
        Assert.AreEqual(2, engine.Orders.AmendsSent, "one requote: the bid and the ask amended to the new mid once");
        Assert.AreEqual(40 * Ms, engine.TickToQuote.GetPercentiles().Max, 40 * Ms / 100, "timed from the burst's first event (10 ms) to the send (50 ms)");
        Assert.AreEqual(2, timed, "one tick-to-quote sample per command of the batch");

        // Each decision's commands were handed to the venue at once: the first quotes, the burst's requote, the
        // stop's cancels.
        CollectionAssert.AreEqual(
            new[] { "Place,Place", "Amend,Amend", "Cancel,Cancel" },
            run.OrderEntry.HandOvers.Select(h => string.Join(",", h.Select(c => c.Kind))).ToArray());

        // The burst's updates are journaled before the decision they led to, all of them and in the order they came
        // (the journal is written when the strategy thread has nothing left to do, in the order things happened).
        var journal = run.ReadJournal();
        CollectionAssert.AreEqual(
            Enumerable.Range(1, 10).Select(i => $"update {10_000 + i}").Concat(["amend CommandSent", "amend CommandSent"]).ToArray(),
            journal,
            string.Join(", ", journal));
    }

    [TestMethod]
    public async Task A_backlog_longer_than_the_held_journal_buffer_is_journaled_whole_and_in_order()
    {
        // 1,300 updates wait while the strategy thread is held. It then takes them 256 at a time without ever running
        // out of input, so the journal items it holds (512 at most) are handed over because the buffer is full, twice,
        // before the idle hand-over of the rest. The first batch's decision amends both quotes (the venue never
        // answers, so later decisions find the amends pending and send nothing): its records belong after update 256.
        var clock = new ManualMonotonicClock(1 * Ms);
        await using var run = await QuotingRun.StartAsync(clock);
        var release = run.HoldStrategyThread();
        const int updates = 1_300;
        var prices = new long[updates];
        for (var i = 0; i < updates; i++)
        {
            // Bids from 10,001 to 10,040 appear one by one, then go again: the best bid moves, the book never crosses.
            prices[i] = 10_001 + (i % 40);
            var quantity = i % 80 < 40 ? 100 : 0;
            run.Feed.Send(MarketEvent.LevelUpdate(Id, Side.Buy, new Price(prices[i]), new Quantity(quantity), 1, 0, 0, (10 + i) * Ms));
        }

        await release();
        await EngineWait.WaitUntilAsync(() => run.Engine.EventsHandled >= 6 + updates, "the backlog handled");
        await run.StopAsync();

        Assert.AreEqual(2, run.Engine.Orders.AmendsSent);
        var expected = prices.Select(p => $"update {p}").ToList();
        expected.InsertRange(256, ["amend CommandSent", "amend CommandSent"]);
        var journal = run.ReadJournal();
        CollectionAssert.AreEqual(expected.ToArray(), journal, "every update once, in order, the decision's records after the batch it was made on");
    }

    private static readonly InstrumentId Id = SimulatorTestKit.Id;
}
