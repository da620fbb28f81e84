using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Tests.Engine;
using PinnacleMM.Persistence;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The trading engine on Coinbase (both APIs, the local server): a run that ends without cancelling its orders
/// (<see cref="TradingEngine.AbortAsync"/>) leaves them resting at the venue; the next run, a new engine with new
/// connectors on the same data directory, recovers the fill the venue made meanwhile exactly once and its stop
/// cancels every one of those orders at the venue.
/// </summary>
[TestClass]
public sealed class CoinbaseEngineRestartTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    private sealed class Run : IAsyncDisposable
    {
        private Run(TradingEngine engine, BasicMarketMaker strategy, CoinbaseMarketDataConnector marketData, CoinbaseOrderEntryConnector orderEntry, PersistenceManager persistence)
        {
            Persistence = persistence;
            Engine = engine;
            Strategy = strategy;
            MarketData = marketData;
            OrderEntry = orderEntry;
        }

        public TradingEngine Engine { get; }

        public BasicMarketMaker Strategy { get; }

        public CoinbaseMarketDataConnector MarketData { get; }

        public CoinbaseOrderEntryConnector OrderEntry { get; }

        public PersistenceManager Persistence { get; }

        public EngineRecoveryReport? Recovery { get; private set; }

        public static async Task<Run> StartAsync(CoinbaseTestServer server, TempVault vault, bool advanced, string dataDirectory)
        {
            var registry = new InstrumentRegistry();
            var id = registry.Register(Btc);
            var api = advanced ? CoinbaseApi.AdvancedTrade : CoinbaseApi.Exchange;
            var marketData = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Api = api, Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry);
            var options = OrderEntryOptions(server);
            options.Api = api;
            var orderEntry = new CoinbaseOrderEntryConnector(options, registry, vault.Vault);
            var strategyOptions = new BasicMarketMakerOptions
            {
                BaseSpreadBps = 20,
                MinSpreadBps = 10,
                OrderQuantity = 0.05m,
                MinOrderQuantity = 0.01m,
                MaxOrderQuantity = 1m,
                MaxPosition = 5m,
                MaxLevels = 1,
                QuoteUpdateInterval = TimeSpan.FromMilliseconds(50),
                OrderTimeout = TimeSpan.FromMinutes(10), // no refreshes: the orders of the first run stay what they were
                CancelRetryInterval = TimeSpan.FromMilliseconds(500),
                Capital = 1_000_000m,
            };
            var strategy = new BasicMarketMaker(Btc, strategyOptions, MonotonicClock.System, position: new PositionTracker(Btc, 0.004m, 0.006m));
            var persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = dataDirectory, SnapshotIntervalMin = 0, JournalSegmentSize = 1 << 20 });
            var engine = new TradingEngine(
                new TradingEngineOptions
                {
                    Threading = EngineThreading.Threaded,
                    WaitStrategy = WaitStrategy.Blocking,
                    StopTimeout = TimeSpan.FromSeconds(10),
                    Orders = new PinnacleMM.Exchange.Execution.OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions() },
                },
                strategy,
                id,
                marketData,
                orderEntry,
                persistence);
            var run = new Run(engine, strategy, marketData, orderEntry, persistence);
            run.Recovery = await engine.StartAsync();
            return run;
        }

        public async ValueTask DisposeAsync()
        {
            await Engine.DisposeAsync();
            await OrderEntry.DisposeAsync();
            await MarketData.DisposeAsync();
            await Persistence.DisposeAsync();
        }
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange")]
    [DataRow(true, DisplayName = "Advanced Trade")]
    public async Task A_run_that_left_orders_resting_is_followed_by_one_that_recovers_their_fills_and_cancels_them_at_the_venue(bool advanced)
    {
        await using var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        using var vault = AccountVault(server, advanced, authenticatedMarketData: false); // REST and the user channel verify every JWT

        var data = Directory.CreateTempSubdirectory("pmm-cb-restart-").FullName;
        try
        {
            bool Resting(Side side) => server.Orders.Any(o => o.Open && o.Side == side);

            // First run: quotes on both sides, one fill the channel reports (so the engine knows the venue's time), then
            // it ends without cancelling.
            await using (var first = await Run.StartAsync(server, vault, advanced, data))
            {
                await EngineWait.WaitUntilAsync(() => Resting(Side.Buy) && Resting(Side.Sell), "a quote resting on each side: " + first.Engine.Status + " venue " + string.Join(", ", server.Orders.Select(o => $"{o.Side} {o.Price} {o.Open}")));
                await server.TradeAgainstAsync("BTC-USD", Side.Sell, 0.01m);
                await EngineWait.WaitUntilAsync(() => first.Engine.Status.FillCount == 1, "the first fill reached the engine");
                await EngineWait.WaitUntilAsync(() => first.Engine.CommandsInTransit == 0 && first.Engine.Orders.Tracker.OpenCount == server.Orders.Count(o => o.Open), "the engine and the venue agree on the open orders");
                await first.Engine.AbortAsync();
            }

            var left = server.Orders.Where(o => o.Open).ToList();
            Assert.IsNotEmpty(left, "the first run left orders resting");

            // While nothing runs, the venue fills part of our bid.
            await server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.02m);
            Assert.HasCount(2, server.Fills);

            await using var second = await Run.StartAsync(server, vault, advanced, data);
            Assert.AreEqual(1, second.Recovery!.Venue!.FillsRecovered, "the fill made while nothing ran, once: " + second.Recovery);
            Assert.AreEqual((0L, 0L), (second.Engine.Reconnects, second.Engine.VenueReconciliations), "connecting at start is no reconnect: the start reconciled once");

            // Both fills count once: 0.01 sold, 0.02 bought.
            Assert.AreEqual(0.01m, second.Strategy.Position.Position);
            Assert.AreEqual(2, second.Engine.Status.FillCount);

            await second.Engine.StopAsync();
            Assert.IsTrue(second.Engine.Status.Stop!.IsClean, second.Engine.Status.Stop.ToString());
            Assert.IsEmpty(server.Orders.Where(o => o.Open), "every order, the first run's too, was cancelled at the venue");
            Assert.IsTrue(left.All(o => !o.Open));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
