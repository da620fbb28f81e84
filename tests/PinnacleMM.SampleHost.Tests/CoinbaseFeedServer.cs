using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// A Coinbase Exchange WebSocket feed for one product on 127.0.0.1 (Kestrel), as the documentation describes it: the
/// client must subscribe within 5 s (<c>level2_batch</c>, <c>heartbeat</c>, <c>ticker</c>, <c>matches</c>) and gets a
/// <c>subscriptions</c> reply, a <c>snapshot</c> of the book and a <c>last_match</c>; then <c>heartbeat</c>s every
/// 200 ms and whatever the test's script plays (<c>l2update</c>, <c>ticker</c>, <c>match</c>, a dropped socket). An
/// unsubscribe and subscribe of the book channel (a resync) is answered with a fresh snapshot. Any other first message
/// gets the documented <c>error</c> and the connection is closed.
/// </summary>
internal sealed class CoinbaseFeedServer : IAsyncDisposable
{
    private static readonly string[] RequiredChannels = ["level2_batch", "heartbeat", "ticker", "matches"];

    private readonly WebApplication _app;
    private readonly string _product;
    private readonly Func<FeedConnection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<string> _received = [];
    private int _connections;

    private CoinbaseFeedServer(WebApplication app, string product, Func<FeedConnection, Task> script)
    {
        _app = app;
        _product = product;
        _script = script;
    }

    /// <summary>ws://127.0.0.1:port/</summary>
    public Uri Endpoint { get; private set; } = null!;

    /// <summary>How many connections subscribed.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Every message the clients sent, in order.</summary>
    public IReadOnlyList<string> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Starts the server; <paramref name="script"/> plays the market on each connection after its snapshot.</summary>
    public static async Task<CoinbaseFeedServer> StartAsync(string product, Func<FeedConnection, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new CoinbaseFeedServer(app, product, script);
        app.UseWebSockets();
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Urls.Single();
        server.Endpoint = new Uri(address.Replace("http://", "ws://", StringComparison.Ordinal) + "/");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, context.RequestAborted);
        var connection = new FeedConnection(this, socket, lifetime);
        try
        {
            // The venue disconnects a client that does not subscribe within 5 s.
            using var first = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
            first.CancelAfter(TimeSpan.FromSeconds(5));
            var subscribe = await connection.ReceiveAsync(first.Token);
            string? problem = "no subscribe message";
            if (subscribe is null || !connection.Subscribe(subscribe, out problem))
            {
                await connection.SendAsync(Json(w =>
                {
                    w.WriteString("type", "error");
                    w.WriteString("message", "Failed to subscribe");
                    w.WriteString("reason", problem);
                }));
                await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "Failed to subscribe", CancellationToken.None);
                return;
            }

            connection.Number = Interlocked.Increment(ref _connections);
            await connection.SendSubscriptionsAsync();
            var heartbeats = connection.HeartbeatAsync();
            var requests = connection.AnswerRequestsAsync();
            await _script(connection);
            await Task.WhenAll(heartbeats, requests);
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException or ConnectionAbortedException)
        {
            // The client or the script ended the connection.
        }
    }

    private void Record(string message)
    {
        lock (_gate)
        {
            _received.Add(message);
        }
    }

    internal static string Json(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>One subscribed client: the book the script moves, and the messages it sends.</summary>
    internal sealed class FeedConnection(CoinbaseFeedServer server, WebSocket socket, CancellationTokenSource lifetime)
    {
        private readonly SemaphoreSlim _send = new(1, 1);
        private readonly SortedDictionary<decimal, decimal> _bids = new(Comparer<decimal>.Create((a, b) => b.CompareTo(a)));
        private readonly SortedDictionary<decimal, decimal> _asks = [];
        private long _sequence = 1000;
        private long _tradeId = 500;

        /// <summary>1 for the first connection that subscribed, 2 for the next (a reconnect), ...</summary>
        public int Number { get; set; }

        public CancellationToken Closed => lifetime.Token;

        public string Product => server._product;

        /// <summary>Sets the book and sends it as the snapshot (sizes of 0 are left out).</summary>
        public async Task SnapshotAsync((decimal Price, decimal Size)[] bids, (decimal Price, decimal Size)[] asks)
        {
            await _send.WaitAsync(Closed);
            try
            {
                _bids.Clear();
                _asks.Clear();
                foreach (var (price, size) in bids)
                {
                    _bids[price] = size;
                }

                foreach (var (price, size) in asks)
                {
                    _asks[price] = size;
                }

                await SendLockedAsync(SnapshotMessage());
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>An <c>l2update</c> with one change: <paramref name="side"/> buy or sell, the new absolute size (0 removes).</summary>
        public async Task SetLevelAsync(string side, decimal price, decimal size)
        {
            await _send.WaitAsync(Closed);
            try
            {
                var book = side == "buy" ? _bids : _asks;
                if (size == 0)
                {
                    book.Remove(price);
                }
                else
                {
                    book[price] = size;
                }

                await SendLockedAsync(Json(w =>
                {
                    w.WriteString("type", "l2update");
                    w.WriteString("product_id", Product);
                    w.WriteString("time", Now());
                    w.WriteStartArray("changes");
                    w.WriteStartArray();
                    w.WriteStringValue(side);
                    w.WriteStringValue(Price(price));
                    w.WriteStringValue(Size(size));
                    w.WriteEndArray();
                    w.WriteEndArray();
                }));
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>
        /// A trade: <paramref name="makerSide"/> is the resting order's side as Coinbase reports it (buy: a seller hit a
        /// bid). The first call on a connection may send the <c>last_match</c> that opens the channel.
        /// </summary>
        public Task MatchAsync(string makerSide, decimal price, decimal size, bool last = false)
        {
            var tradeId = Interlocked.Increment(ref _tradeId);
            return SendAsync(Json(w =>
            {
                w.WriteString("type", last ? "last_match" : "match");
                w.WriteNumber("trade_id", tradeId);
                w.WriteNumber("sequence", Interlocked.Increment(ref _sequence));
                w.WriteString("maker_order_id", Guid.NewGuid().ToString());
                w.WriteString("taker_order_id", Guid.NewGuid().ToString());
                w.WriteString("time", Now());
                w.WriteString("product_id", Product);
                w.WriteString("size", Size(size));
                w.WriteString("price", Price(price));
                w.WriteString("side", makerSide);
            }));
        }

        /// <summary>A ticker with the current best bid and ask and the last trade.</summary>
        public async Task TickerAsync(decimal lastPrice, string takerSide)
        {
            await _send.WaitAsync(Closed);
            try
            {
                var (bid, bidSize) = _bids.First();
                var (ask, askSize) = _asks.First();
                await SendLockedAsync(Json(w =>
                {
                    w.WriteString("type", "ticker");
                    w.WriteNumber("sequence", Interlocked.Increment(ref _sequence));
                    w.WriteString("product_id", Product);
                    w.WriteString("price", Price(lastPrice));
                    w.WriteString("open_24h", Price(lastPrice));
                    w.WriteString("volume_24h", "1234.56789012");
                    w.WriteString("low_24h", Price(bid));
                    w.WriteString("high_24h", Price(ask));
                    w.WriteString("volume_30d", "98765.43210987");
                    w.WriteString("best_bid", Price(bid));
                    w.WriteString("best_bid_size", Size(bidSize));
                    w.WriteString("best_ask", Price(ask));
                    w.WriteString("best_ask_size", Size(askSize));
                    w.WriteString("side", takerSide);
                    w.WriteString("time", Now());
                    w.WriteNumber("trade_id", Volatile.Read(ref _tradeId));
                    w.WriteString("last_size", "0.01000000");
                }));
            }
            finally
            {
                _send.Release();
            }
        }

        /// <summary>Drops the socket without a close handshake, as a broken network or a venue restart does.</summary>
        public void Drop()
        {
            socket.Abort();
            lifetime.Cancel();
        }

        /// <summary>Waits, ending early (by throwing) when the connection closes.</summary>
        public Task DelayAsync(TimeSpan delay) => Task.Delay(delay, Closed);

        internal async Task SendAsync(string message)
        {
            await _send.WaitAsync(Closed);
            try
            {
                await SendLockedAsync(message);
            }
            finally
            {
                _send.Release();
            }
        }

        internal async Task<string?> ReceiveAsync(CancellationToken cancellationToken)
        {
            var buffer = new byte[16 * 1024];
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return null;
                }

                count += result.Count;
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                }
            }
            while (!result.EndOfMessage);

            var text = Encoding.UTF8.GetString(buffer, 0, count);
            server.Record(text);
            return text;
        }

        /// <summary>Checks a subscribe as Coinbase would: the product and the channels the connector needs.</summary>
        internal bool Subscribe(string message, out string? problem)
        {
            try
            {
                using var document = JsonDocument.Parse(message);
                var root = document.RootElement;
                if (root.GetProperty("type").GetString() != "subscribe")
                {
                    problem = "the first message must be a subscribe";
                    return false;
                }

                var products = root.GetProperty("product_ids").EnumerateArray().Select(p => p.GetString()).ToList();
                var channels = root.GetProperty("channels").EnumerateArray()
                    .Select(c => c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetProperty("name").GetString()).ToList();
                if (!products.Contains(Product))
                {
                    problem = $"{string.Join(",", products)} is not a valid product";
                    return false;
                }

                var missing = RequiredChannels.Where(c => !channels.Contains(c)).ToList();
                problem = missing.Count == 0 ? null : $"this test venue expects the channels {string.Join(", ", missing)}";
                return problem is null;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                problem = "malformed subscribe: " + e.Message;
                return false;
            }
        }

        internal async Task SendSubscriptionsAsync()
        {
            await SendAsync(Json(w =>
            {
                w.WriteString("type", "subscriptions");
                w.WriteStartArray("channels");
                foreach (var channel in RequiredChannels)
                {
                    w.WriteStartObject();
                    w.WriteString("name", channel);
                    w.WriteStartArray("product_ids");
                    w.WriteStringValue(Product);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }));
        }

        /// <summary>A heartbeat every 200 ms until the connection closes.</summary>
        internal async Task HeartbeatAsync()
        {
            try
            {
                while (!Closed.IsCancellationRequested)
                {
                    await SendAsync(Json(w =>
                    {
                        w.WriteString("type", "heartbeat");
                        w.WriteNumber("sequence", Interlocked.Increment(ref _sequence));
                        w.WriteNumber("last_trade_id", Volatile.Read(ref _tradeId));
                        w.WriteString("product_id", Product);
                        w.WriteString("time", Now());
                    }));
                    await Task.Delay(TimeSpan.FromMilliseconds(200), Closed);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }

        /// <summary>Answers later (un)subscribes (a resync): subscriptions, and a fresh snapshot for a book subscribe.</summary>
        internal async Task AnswerRequestsAsync()
        {
            try
            {
                while (await ReceiveAsync(Closed) is { } message)
                {
                    using var document = JsonDocument.Parse(message);
                    var type = document.RootElement.GetProperty("type").GetString();
                    await SendSubscriptionsAsync();
                    if (type == "subscribe")
                    {
                        await _send.WaitAsync(Closed);
                        try
                        {
                            await SendLockedAsync(SnapshotMessage());
                        }
                        finally
                        {
                            _send.Release();
                        }
                    }
                }

                // The client closed: end the connection, and with it the heartbeats and the script.
                await lifetime.CancelAsync();
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
            }
        }

        private string SnapshotMessage() => Json(w =>
        {
            w.WriteString("type", "snapshot");
            w.WriteString("product_id", Product);
            WriteLevels(w, "bids", _bids);
            WriteLevels(w, "asks", _asks);
        });

        private static void WriteLevels(Utf8JsonWriter w, string name, SortedDictionary<decimal, decimal> levels)
        {
            w.WriteStartArray(name);
            foreach (var (price, size) in levels)
            {
                w.WriteStartArray();
                w.WriteStringValue(Price(price));
                w.WriteStringValue(Size(size));
                w.WriteEndArray();
            }

            w.WriteEndArray();
        }

        private Task SendLockedAsync(string message) =>
            socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, endOfMessage: true, Closed);

        private static string Price(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

        private static string Size(decimal value) => value.ToString("0.00000000", CultureInfo.InvariantCulture);

        private static string Now() => TimeProvider.System.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
    }
}
