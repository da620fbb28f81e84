using System.Text;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Security.Credentials;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The order-entry connector's fill history against the local server (both APIs): fills missed on the user channel come
/// back from REST, paged, filtered by time, mapped to the stream's own fill events (same trade ids on Exchange, same
/// cumulative sizes on Advanced Trade), and every request is authenticated and 429-aware.
/// </summary>
[TestClass]
public sealed class CoinbaseFillHistoryTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    private static Quantity Q(decimal size) => size == 0 ? Quantity.Zero : Btc.GetQuantity(size);

    private static long Nanoseconds(DateTimeOffset time) => (time - DateTimeOffset.UnixEpoch).Ticks * 100;

    private static async Task<(CoinbaseTestServer Server, TempVault Vault, CoinbaseOrderEntryConnector Connector, InstrumentId Btc, ExecutionSink Sink)> StartAsync(bool advanced)
    {
        var server = await CoinbaseTestServer.StartAsync(advanced, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 0.5m), (101.50m, 1m)]);
        var vault = AccountVault(server, advanced);

        var registry = new InstrumentRegistry();
        var btc = registry.Register(Btc);
        var options = OrderEntryOptions(server);
        options.Api = advanced ? CoinbaseApi.AdvancedTrade : CoinbaseApi.Exchange;
        options.Rest.PageSize = 2; // four fills make several pages
        var connector = new CoinbaseOrderEntryConnector(options, registry, vault.Vault);
        var sink = new ExecutionSink();
        await connector.ConnectAsync(sink);
        return (server, vault, connector, btc, sink);
    }

    [TestMethod]
    [DataRow(false, DisplayName = "Exchange GET /fills")]
    [DataRow(true, DisplayName = "Advanced Trade orders/historical/fills")]
    public async Task Missed_fills_come_back_paged_filtered_and_mapped_like_the_stream(bool advanced)
    {
        var (server, vault, connector, btc, sink) = await StartAsync(advanced);
        try
        {
            Assert.IsTrue(connector.SupportsFillHistory);
            await connector.SendAsync(OrderCommand.Place(btc, new ClientOrderId(1), Side.Buy, Btc.GetPrice(99.00m), Q(0.5m), TimeInForce.GoodTillCancel, postOnly: true));
            await EventuallyAsync("accepted", () => sink.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
            await server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.1m);
            await EventuallyAsync("the first fill on the channel", () => sink.Of(1).Any(e => e.IsFill));

            // Two fills the channel never delivers (as while disconnected).
            server.UserChannelMuted = true;
            await server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.15m);
            await server.TradeAgainstAsync("BTC-USD", Side.Buy, 0.05m);
            server.UserChannelMuted = false;

            await connector.SendAsync(OrderCommand.Place(btc, new ClientOrderId(2), Side.Sell, Btc.GetPrice(102.00m), Q(0.2m), TimeInForce.GoodTillCancel, postOnly: true));
            await EventuallyAsync("accepted", () => sink.Of(2).Any(e => e.Kind == ExecutionEventKind.Accepted));
            await server.TradeAgainstAsync("BTC-USD", Side.Sell, 0.2m);
            await EventuallyAsync("the second order filled on the channel", () => sink.Of(2).Any(e => e.Kind == ExecutionEventKind.Filled));
            Assert.AreEqual(1, sink.Of(1).Count(e => e.IsFill), "the muted fills were not seen on the channel");

            server.RateLimitNext = 1;
            server.RetryAfterSeconds = 0;
            var requestsBefore = server.RestRequests.Count;
            var limitedBefore = connector.RateLimitedResponses;
            var fills = await connector.GetFillsAsync(btc, 0);

            // Independent model: the server's own record of the trades, with cumulative sizes per order counted here.
            var truth = server.Fills;
            Assert.HasCount(4, truth);
            Assert.HasCount(4, fills);
            var orderOf = new Dictionary<Guid, (long Client, decimal Size)> { [truth[0].OrderId] = (1, 0.5m), [truth[3].OrderId] = (2, 0.2m) };
            var cumulative = new Dictionary<Guid, decimal>();
            for (var i = 0; i < 4; i++)
            {
                var t = truth[i];
                cumulative[t.OrderId] = cumulative.GetValueOrDefault(t.OrderId) + t.Size;
                var (client, size) = orderOf[t.OrderId];
                var leaves = size - cumulative[t.OrderId];
                var expected = new ExecutionEvent
                {
                    Kind = leaves == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
                    Liquidity = Liquidity.Maker,
                    Instrument = btc,
                    ClientOrderId = new ClientOrderId(client),
                    VenueOrderId = new VenueOrderId(t.OrderId),
                    Side = t.Side,
                    Price = Btc.GetPrice(t.Price),
                    Quantity = Q(t.Size),
                    LeavesQuantity = Q(leaves),
                    FilledQuantity = Q(cumulative[t.OrderId]),
                    Fee = t.Fee,
                    TradeId = advanced ? 0 : t.TradeId,
                    ExchangeTimestampNanoseconds = Nanoseconds(t.Time),
                    ReceivedNanoseconds = fills[i].ReceivedNanoseconds,
                };
                Assert.AreEqual(expected, fills[i], $"fill {i}");
            }

            // Paged: more than one page was asked for with the API's cursor, one 429 was waited out.
            var fillRequests = server.RestRequests.Skip(requestsBefore).Where(r => r.Target.Contains("fills", StringComparison.Ordinal) && r.Status == 200).Select(r => r.Target).ToList();
            Assert.IsTrue(fillRequests.Any(t => t.Contains(advanced ? "cursor=" : "after=", StringComparison.Ordinal)), string.Join("\n", fillRequests));
            Assert.IsGreaterThanOrEqualTo(3, fillRequests.Count);
            Assert.AreEqual(limitedBefore + 1, connector.RateLimitedResponses);
            Assert.AreEqual(0, server.RestAuthenticationFailures, "every fill request was authenticated");

            // The fills the channel did deliver are the same fills: a consumer deduplicating by trade id (Exchange) or by
            // the order's cumulative size (Advanced Trade, whose channel has no trade ids) applies each once.
            foreach (var streamed in sink.Events.Where(e => e.IsFill))
            {
                var listed = fills.Single(e => e.ClientOrderId == streamed.ClientOrderId && e.FilledQuantity == streamed.FilledQuantity);
                Assert.AreEqual(streamed.TradeId, listed.TradeId);
                Assert.AreEqual((streamed.Kind, streamed.Price, streamed.Quantity, streamed.LeavesQuantity, streamed.Side, streamed.VenueOrderId), (listed.Kind, listed.Price, listed.Quantity, listed.LeavesQuantity, listed.Side, listed.VenueOrderId));
                if (!advanced)
                {
                    Assert.AreNotEqual(0L, streamed.TradeId);
                    Assert.AreEqual(streamed.ExchangeTimestampNanoseconds, listed.ExchangeTimestampNanoseconds);
                    Assert.AreEqual(streamed.Liquidity, listed.Liquidity);
                }
            }

            // Only fills at or after `since` (inclusive), which on Advanced Trade is FillHistoryLookback (1 minute) earlier
            // than asked; the cumulative size still counts the order's earlier fills.
            var lookback = advanced ? TimeSpan.FromMinutes(1) : TimeSpan.Zero;
            var since = await connector.GetFillsAsync(btc, Nanoseconds(truth[1].Time + lookback));
            CollectionAssert.AreEqual(fills.Skip(1).Select(e => e with { ReceivedNanoseconds = 0 }).ToArray(), since.Select(e => e with { ReceivedNanoseconds = 0 }).ToArray());
            Assert.AreEqual(Q(0.25m), since[0].FilledQuantity);
            Assert.IsEmpty(await connector.GetFillsAsync(InstrumentId.None, Nanoseconds(truth[3].Time + lookback) + 1000));
        }
        finally
        {
            await connector.DisposeAsync();
            await server.DisposeAsync();
            vault.Dispose();
        }
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public async Task Bad_arguments_are_refused_naming_them_and_nothing_is_sent(bool advanced)
    {
        var (server, vault, connector, _, _) = await StartAsync(advanced);
        try
        {
            var before = server.RestRequests.Count;
            var negative = await Assert.ThrowsExactlyAsync<ArgumentOutOfRangeException>(() => connector.GetFillsAsync(new InstrumentId(1), -1).AsTask());
            Assert.AreEqual("sinceExchangeTimestampNanoseconds", negative.ParamName);
            StringAssert.StartsWith((await Assert.ThrowsExactlyAsync<ArgumentException>(() => connector.GetFillsAsync(new InstrumentId(9), 0).AsTask())).Message, "instrument: #9 is not one of this connector's products (BTC-USD).");
            Assert.AreEqual(before, server.RestRequests.Count);
        }
        finally
        {
            await connector.DisposeAsync();
            await server.DisposeAsync();
            vault.Dispose();
        }
    }

    [TestMethod]
    public async Task Exchange_fill_list_with_a_wrong_signature_is_refused_by_the_server()
    {
        await using var server = await CoinbaseTestServer.StartAsync(false, "BTC-USD");
        using var wrong = ExchangeCredential.FromApiKey(CoinbaseAuthenticationTests.ApiKey, Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[64])), Encoding.UTF8.GetBytes(CoinbaseAuthenticationTests.Passphrase));
        using var signer = new CoinbaseRequestSigner(wrong);
        using var rest = new CoinbaseRestClient(new CoinbaseRestOptions { Endpoint = server.RestEndpoint, AllowInsecureLoopback = true }, signer);
        var result = await rest.GetFillsAsync("BTC-USD", null, DateTimeOffset.MinValue);
        Assert.IsFalse(result.IsSuccess);
        Assert.AreEqual(401, result.StatusCode);
        StringAssert.Contains(result.Message, "invalid signature");
        Assert.AreEqual(1, server.RestAuthenticationFailures);

        var both = await rest.GetFillsAsync("BTC-USD", Guid.NewGuid(), DateTimeOffset.MinValue);
        Assert.AreEqual("GET /fills: exactly one of product_id and order_id must be given.", both.Message);
        Assert.AreEqual(0, both.StatusCode, "refused before sending");
    }
}
