using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using static PinnacleMM.Exchange.Tests.Paper.PaperRun;

namespace PinnacleMM.Exchange.Tests.Paper;

/// <summary>The paper exchange's fill history (reconciliation after a reconnect) and resync passed to the live feed.</summary>
[TestClass]
public sealed class PaperFillHistoryTests
{
    private static readonly (long, long)[] Bids = [(9999, 5), (9998, 7)];
    private static readonly (long, long)[] Asks = [(10001, 4), (10002, 6), (10003, 9)];

    [TestMethod]
    public async Task Fills_are_listed_as_the_stream_sent_them_and_filtered_by_venue_time()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        var first = (await run.BuyAsync(1, 10002, 10)).Where(e => e.IsFill).ToList();
        run.Level(Side.Sell, 10003, 9);
        var second = (await run.SellAsync(2, 9999, 3)).Where(e => e.IsFill).ToList();
        Assert.AreEqual(2, first.Count);
        Assert.AreEqual(1, second.Count);

        IOrderEntryConnector venue = run.Paper;
        Assert.IsTrue(venue.SupportsFillHistory);
        var all = await venue.GetFillsAsync(Id, 0);
        CollectionAssert.AreEqual(first.Concat(second).ToList(), all.ToList(), "the same events the stream delivered");
        var later = await venue.GetFillsAsync(Id, second[0].ExchangeTimestampNanoseconds);
        Assert.AreEqual(second[0], later.Single());
        Assert.AreEqual(0, (await venue.GetFillsAsync(new InstrumentId(99), 0)).Count, "another instrument has none");
        var error = await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(async () => await venue.GetFillsAsync(Id, -1));
        Assert.AreEqual("sinceExchangeTimestampNanoseconds", error.ParamName);
    }

    [TestMethod]
    public async Task Resync_is_asked_of_the_live_feed_which_by_default_resubscribes()
    {
        await using var run = await StartAsync();
        run.Snapshot(Bids, Asks);
        run.Feed.Calls.Clear();
        await ((IMarketDataConnector)run.Paper.MarketData).ResyncAsync(Id);
        CollectionAssert.AreEqual(new[] { "-" + Id.Value, "+" + Id.Value }, run.Feed.Calls, "the interface's default: unsubscribe, then subscribe");
    }
}
