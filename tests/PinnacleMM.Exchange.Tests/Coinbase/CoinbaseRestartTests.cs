using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// A restarted order-entry connector (a new process: a new connector on the same account) against the local server,
/// both APIs: it takes the previous run's open orders into its live tables, so it can cancel them and reports their
/// fills; it learns the orders of fills it never saw, so the fill history carries our client order ids and leaves out
/// another program's fills; Advanced Trade's channel fills carry the venue's time.
/// </summary>
[TestClass]
public sealed class CoinbaseRestartTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    private static Quantity Q(decimal size) => size == 0 ? Quantity.Zero : Btc.GetQuantity(size);

    private static long Nanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private sealed class Account : IAsyncDisposable
    {
        private readonly TempVault _vault;
        private readonly List<CoinbaseOrderEntryConnector> _connectors = [];

        private Account(CoinbaseTestServer server, TempVault vault, bool advanced)
        {
            Server = server;
            _vault = vault;
            Advanced = advanced;
            Instrument = Registry.Register(Btc);
        }

        public CoinbaseTestServer Server { get; }

        public bool Advanced { get; }

        public InstrumentRegistry Registry { get; } = new();

        public InstrumentId Instrument { get; }

        public static async Task<Account> StartAsync(bool advanced)
        {
            var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD");
            await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 0.5m), (101.50m, 1m)]);
            return new Account(server, AccountVault(server, advanced), advanced);
        }

        /// <summary>A new connector on the account, connected: one run of an application (<paramref name="prefix"/> tells applications apart).</summary>
        public async Task<(CoinbaseOrderEntryConnector Connector, ExecutionSink Sink)> RunAsync(long prefix = 0x504D4D)
        {
            var options = OrderEntryOptions(Server);
            options.Api = Advanced ? CoinbaseApi.AdvancedTrade : CoinbaseApi.Exchange;
            options.ClientOidPrefix = prefix;
            var connector = new CoinbaseOrderEntryConnector(options, Registry, _vault.Vault);
            _connectors.Add(connector);
            var sink = new ExecutionSink();
            await connector.ConnectAsync(sink);
            return (connector, sink);
        }

        public OrderCommand Limit(long id, Side side, decimal price, decimal size) =>
            OrderCommand.Place(Instrument, new ClientOrderId(id), side, Btc.GetPrice(price), Q(size), TimeInForce.GoodTillCancel, postOnly: true);

        public async ValueTask DisposeAsync()
        {
            foreach (var connector in _connectors)
            {
                await connector.DisposeAsync();
            }

            await Server.DisposeAsync();
            _vault.Dispose();
        }
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange")]
    [DataRow(true, DisplayName = "Advanced Trade")]
    public async Task A_restart_takes_over_the_previous_runs_open_orders_reports_their_fills_and_cancels_them(bool advanced)
    {
        await using var account = await Account.StartAsync(advanced);
        var (first, firstSink) = await account.RunAsync();
        await first.SendAsync(account.Limit(7, Side.Buy, 99.00m, 0.5m));
        await EventuallyAsync("accepted", () => firstSink.Of(7).Any(e => e.Kind == ExecutionEventKind.Accepted));
        await account.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
        await EventuallyAsync("the first fill", () => firstSink.Of(7).Any(e => e.IsFill));
        await first.DisposeAsync(); // the process ends; its order rests on

        var (second, sink) = await account.RunAsync();
        var open = await second.GetOpenOrdersAsync(account.Instrument);
        var venueOrder = account.Server.Orders.Single();
        Assert.HasCount(1, open);
        Assert.AreEqual(
            new OpenOrder(account.Instrument, new ClientOrderId(7), new VenueOrderId(venueOrder.Id), Side.Buy, Btc.GetPrice(99.00m), Q(0.5m), Q(0.4m), Q(0.1m), open[0].ExchangeTimestampNanoseconds),
            open[0]);

        // A fill after the restart is reported at its own price and fee: the order's earlier fill is not counted again.
        await account.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.15m);
        await EventuallyAsync("the fill after the restart", () => sink.Of(7).Any(e => e.IsFill));
        var fill = sink.Of(7).Single(e => e.IsFill);
        var truth = account.Server.Fills[^1];
        Assert.AreEqual(
            (ExecutionEventKind.PartiallyFilled, Liquidity.Maker, Btc.GetPrice(99.00m), Q(0.15m), Q(0.25m), Q(0.25m), new VenueOrderId(venueOrder.Id)),
            (fill.Kind, fill.Liquidity, fill.Price, fill.Quantity, fill.LeavesQuantity, fill.FilledQuantity, fill.VenueOrderId));
        Assert.AreEqual(truth.Fee, fill.Fee);
        if (advanced)
        {
            // The channel's message time: a little after the trade, never before it.
            Assert.IsGreaterThanOrEqualTo(Nanoseconds(truth.Time), fill.ExchangeTimestampNanoseconds);
            Assert.IsLessThan(Nanoseconds(truth.Time) + 5_000_000_000L, fill.ExchangeTimestampNanoseconds);
        }
        else
        {
            Assert.AreEqual(Nanoseconds(truth.Time), fill.ExchangeTimestampNanoseconds);
        }

        // The cancel the engine sends again at start reaches the venue and its end comes back.
        await second.SendAsync(OrderCommand.Cancel(account.Instrument, new ClientOrderId(7)));
        await EventuallyAsync("cancelled", () => sink.Of(7).Any(e => e.Kind == ExecutionEventKind.Cancelled));
        var cancelled = sink.Of(7).Single(e => e.Kind == ExecutionEventKind.Cancelled);
        Assert.AreEqual((CancelReason.Requested, Q(0.25m), Q(0.25m)), (cancelled.CancelReason, cancelled.Quantity, cancelled.FilledQuantity));
        Assert.IsFalse(venueOrder.Open, "the venue cancelled it");
        Assert.IsEmpty(sink.Events.Where(e => e.Kind == ExecutionEventKind.CancelRejected));
        Assert.IsEmpty(await second.GetOpenOrdersAsync(account.Instrument));
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange")]
    [DataRow(true, DisplayName = "Advanced Trade")]
    public async Task After_a_restart_the_fill_history_names_our_orders_and_leaves_out_another_programs(bool advanced)
    {
        await using var account = await Account.StartAsync(advanced);
        var (first, firstSink) = await account.RunAsync();
        var (other, otherSink) = await account.RunAsync(prefix: 0x0BEEF);
        await first.SendAsync(account.Limit(1, Side.Buy, 99.00m, 0.3m));
        await other.SendAsync(account.Limit(1, Side.Buy, 98.00m, 0.2m)); // the same id in another program's namespace
        await EventuallyAsync("both accepted", () => firstSink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted) && otherSink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        await account.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
        await EventuallyAsync("our first fill", () => firstSink.Of(1).Any(e => e.IsFill));
        var seen = firstSink.Of(1).Single(e => e.IsFill);
        await first.DisposeAsync();

        // While we are down: our order fills completely, then the other program's order trades.
        await account.Server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.3m);
        var truth = account.Server.Fills;
        Assert.HasCount(3, truth);
        var ours = account.Server.Orders[0];
        Assert.AreEqual(ours.Id, truth[1].OrderId);
        Assert.AreNotEqual(ours.Id, truth[2].OrderId);

        var (second, _) = await account.RunAsync();
        var fills = await second.GetFillsAsync(account.Instrument, seen.ExchangeTimestampNanoseconds);

        // Our two fills, named and sized as the stream would have; the other program's fill is not ours.
        Assert.HasCount(2, fills);
        Assert.AreEqual(
            (ExecutionEventKind.PartiallyFilled, new ClientOrderId(1), Q(0.1m), Q(0.2m), Q(0.1m)),
            (fills[0].Kind, fills[0].ClientOrderId, fills[0].Quantity, fills[0].LeavesQuantity, fills[0].FilledQuantity));
        Assert.AreEqual(
            (ExecutionEventKind.Filled, new ClientOrderId(1), Q(0.2m), Q(0m), Q(0.3m), Nanoseconds(truth[1].Time)),
            (fills[1].Kind, fills[1].ClientOrderId, fills[1].Quantity, fills[1].LeavesQuantity, fills[1].FilledQuantity, fills[1].ExchangeTimestampNanoseconds));

        // The fill seen on the stream is listed again (Advanced Trade's list reaches back before the channel's message
        // time; Exchange lists from its trade time), and is the same fill a consumer recognises.
        Assert.AreEqual((seen.ClientOrderId, seen.FilledQuantity, seen.TradeId), (fills[0].ClientOrderId, fills[0].FilledQuantity, fills[0].TradeId));

        // Each unknown order was asked for once; the second query asks nothing again.
        CollectionAssert.AreEquivalent(new[] { ours.Id, truth[2].OrderId }, account.Server.OrderLookups);
        var again = await second.GetFillsAsync(account.Instrument, seen.ExchangeTimestampNanoseconds);
        CollectionAssert.AreEqual(fills.Select(e => e with { ReceivedNanoseconds = 0 }).ToArray(), again.Select(e => e with { ReceivedNanoseconds = 0 }).ToArray());
        Assert.HasCount(2, account.Server.OrderLookups);
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange")]
    [DataRow(true, DisplayName = "Advanced Trade")]
    public async Task The_open_order_list_is_the_venues_word_even_for_an_order_whose_fills_the_channel_lost(bool advanced)
    {
        await using var account = await Account.StartAsync(advanced);
        var (connector, sink) = await account.RunAsync();
        await connector.SendAsync(account.Limit(3, Side.Sell, 102.00m, 0.4m));
        await EventuallyAsync("accepted", () => sink.Of(3).Any(e => e.Kind == ExecutionEventKind.Accepted));
        account.Server.UserChannelMuted = true;
        await account.Server.TradeAgainstAsync("BTC-USD", Side.Sell, 0.15m);

        var open = await connector.GetOpenOrdersAsync(InstrumentId.None);
        Assert.HasCount(1, open);
        Assert.AreEqual((new ClientOrderId(3), Q(0.4m), Q(0.25m), Q(0.15m)), (open[0].ClientOrderId, open[0].Quantity, open[0].LeavesQuantity, open[0].FilledQuantity));
        Assert.IsEmpty(sink.Of(3).Where(e => e.IsFill), "the channel lost the fill");
    }
}
