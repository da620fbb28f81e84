using System.Globalization;
using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// A Kestrel WebSocket server on 127.0.0.1 that speaks the documented Coinbase Exchange feed or Advanced Trade
/// message shapes. It holds the true book per product (a dictionary model), sends a snapshot on every level2
/// subscribe and every published change to subscribed connections, heartbeats every 100 ms, verifies feed
/// signatures and JWTs, and can inject faults: a lost message (Advanced Trade sequence gap), malformed JSON,
/// a bogus crossing update, silence, missing heartbeats, and dropped connections.
/// </summary>
internal sealed partial class CoinbaseTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _advanced;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Connection> _connections = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(Connection Connection, string Product)> _deferred = [];

    private CoinbaseTestServer(WebApplication app, bool advanced, string[] products)
    {
        _app = app;
        _advanced = advanced;
        foreach (var product in products)
        {
            Truth[product] = new BookModel();
        }
    }

    public Dictionary<string, BookModel> Truth { get; } = [];

    public Uri Endpoint { get; private set; } = null!;

    /// <summary>Require a valid signature (Exchange) or JWT (Advanced Trade) on every subscribe.</summary>
    public bool RequireAuthentication { get; set; }

    /// <summary>The public key JWTs must verify with (Advanced Trade).</summary>
    public ECDsa? JwtPublicKey { get; set; }

    /// <summary>The Ed25519 public key EdDSA JWTs must verify with (Advanced Trade).</summary>
    public byte[]? JwtEd25519PublicKey { get; set; }

    public bool HeartbeatsEnabled { get; set; } = true;

    /// <summary>Send nothing at all (changes still move the true book).</summary>
    public bool Silent { get; set; }

    public int Snapshots { get; private set; }

    /// <summary>Hold the snapshot a level2 subscribe asks for (the product is not followed either) until <see cref="ReleaseSnapshotsAsync"/>.</summary>
    public bool DeferSnapshots { get; set; }

    public int AcceptedAuthentications { get; private set; }

    public int RejectedAuthentications { get; private set; }

    public List<string> Received { get; } = [];

    /// <summary>The REST API's base address (same port as the feed).</summary>
    public Uri RestEndpoint { get; private set; } = null!;

    public static Task<CoinbaseTestServer> StartAsync(bool advanced, params string[] products) => StartAsync(advanced, null, products);

    /// <summary>Starts the server; with <paramref name="certificate"/> it speaks TLS only (wss/https).</summary>
    public static async Task<CoinbaseTestServer> StartAsync(bool advanced, X509Certificate2? certificate, params string[] products)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new CoinbaseTestServer(app, advanced, products);
        app.UseWebSockets();
        app.Map("/", server.AcceptAsync);
        server.MapRest(app);
        server.MapAdvancedRest(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        var secure = certificate is not null;
        server.Endpoint = new Uri($"{(secure ? "wss" : "ws")}://127.0.0.1:{address.Port}/");
        server.RestEndpoint = new Uri($"{(secure ? "https" : "http")}://127.0.0.1:{address.Port}");
        return server;
    }

    public async Task SetBookAsync(string product, (decimal, decimal)[] bids, (decimal, decimal)[] asks)
    {
        await _gate.WaitAsync();
        try
        {
            Truth[product].Snapshot(bids, asks);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Applies changes to the true book and sends them to every subscribed connection.</summary>
    public Task PublishAsync(string product, params (Side Side, decimal Price, decimal Size)[] changes) => ChangeAsync(product, changes, send: true);

    /// <summary>Applies changes to the true book but loses the message (still consuming an Advanced Trade sequence number).</summary>
    public Task LoseAsync(string product, params (Side Side, decimal Price, decimal Size)[] changes) => ChangeAsync(product, changes, send: false);

    /// <summary>Applies changes to the true book that the client never hears of (no message, no sequence number used): only a fresh snapshot shows them.</summary>
    public Task ChangeUnheardAsync(string product, params (Side Side, decimal Price, decimal Size)[] changes) => ChangeAsync(product, changes, send: null);

    /// <summary>How many level2 subscribes for <paramref name="product"/> the clients sent.</summary>
    public int BookSubscribes(string product)
    {
        lock (Received)
        {
            return Received.Count(text =>
            {
                using var doc = JsonDocument.Parse(text);
                var root = doc.RootElement;
                var channels = root.TryGetProperty("channel", out var one)
                    ? [one.GetString()!]
                    : root.GetProperty("channels").EnumerateArray().Select(ch => ch.ValueKind == JsonValueKind.String ? ch.GetString()! : ch.GetProperty("name").GetString()!).ToArray();
                return root.GetProperty("type").GetString() == "subscribe"
                    && channels.Any(ch => ch.StartsWith("level2", StringComparison.Ordinal))
                    && root.GetProperty("product_ids").EnumerateArray().Any(p => p.GetString() == product);
            });
        }
    }

    /// <summary>Sends the snapshots held back while <see cref="DeferSnapshots"/> was set, and stops holding them.</summary>
    public async Task ReleaseSnapshotsAsync()
    {
        await _gate.WaitAsync();
        try
        {
            DeferSnapshots = false;
            foreach (var (c, product) in _deferred)
            {
                c.Books.Add(product);
                Snapshots++;
                await c.SendAsync(Snapshot(c, product));
            }

            _deferred.Clear();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends a change that crosses the book, without applying it to the true book.</summary>
    public async Task InjectCrossedAsync(string product)
    {
        await _gate.WaitAsync();
        try
        {
            var bestAsk = Truth[product].Asks.Keys.Min();
            foreach (var c in Subscribed(product))
            {
                await c.SendAsync(Update(c, product, [(Side.Buy, bestAsk, 1m)]));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task InjectMalformedAsync()
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var c in _connections.ToArray())
            {
                await c.SkipSequenceAsync();
                await c.SendAsync(_advanced ? """{"channel":"l2_data","events":[{"type":"update","product_id":"BTC""" : """{"type":"l2update","product_id":"BTC-USD","changes":[["buy",""");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void DropConnections()
    {
        lock (_connections)
        {
            foreach (var c in _connections)
            {
                c.Socket.Abort();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        DropConnections();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>Changes the true book; <paramref name="send"/> true sends the change, false loses it (using a sequence number), null says nothing at all.</summary>
    private async Task ChangeAsync(string product, (Side Side, decimal Price, decimal Size)[] changes, bool? send)
    {
        await _gate.WaitAsync();
        try
        {
            foreach (var (side, price, size) in changes)
            {
                Truth[product].Set(side, price, size);
            }

            foreach (var c in Subscribed(product))
            {
                if (send == true)
                {
                    await c.SendAsync(Update(c, product, changes));
                }
                else if (send == false)
                {
                    await c.SkipSequenceAsync();
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private Connection[] Subscribed(string product)
    {
        lock (_connections)
        {
            return [.. _connections.Where(c => c.Books.Contains(product))];
        }
    }

    private async Task AcceptAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var connection = new Connection(socket, this);
        lock (_connections)
        {
            _connections.Add(connection);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, context.RequestAborted);
        var heartbeats = HeartbeatAsync(connection, stop.Token);
        try
        {
            var buffer = new byte[64 * 1024];
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                await OnClientMessageAsync(connection, Encoding.UTF8.GetString(buffer, 0, result.Count));
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away or the test dropped it.
        }
        finally
        {
            lock (_connections)
            {
                _connections.Remove(connection);
            }

            await stop.CancelAsync();
            try
            {
                await heartbeats;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task HeartbeatAsync(Connection c, CancellationToken cancellationToken)
    {
        var counter = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(100, cancellationToken);
            if (!HeartbeatsEnabled || !c.Heartbeats)
            {
                continue;
            }

            await _gate.WaitAsync(cancellationToken);
            try
            {
                counter++;
                if (_advanced)
                {
                    await c.SendAsync($$"""{"channel":"heartbeats","client_id":"","timestamp":"{{Now}}","sequence_num":{SEQ},"events":[{"current_time":"{{Now}}","heartbeat_counter":"{{counter}}"}]}""");
                }
                else
                {
                    foreach (var product in c.HeartbeatProducts)
                    {
                        await c.SendAsync($$"""{"type":"heartbeat","sequence":{{counter}},"last_trade_id":0,"product_id":"{{product}}","time":"{{Now}}"}""");
                    }
                }
            }
            catch (WebSocketException)
            {
                return;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task OnClientMessageAsync(Connection c, string text)
    {
        await _gate.WaitAsync();
        try
        {
            lock (Received)
            {
                Received.Add(text);
            }

            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var type = root.GetProperty("type").GetString();
            var products = root.GetProperty("product_ids").EnumerateArray().Select(p => p.GetString()!).ToArray();
            var channels = _advanced
                ? [root.GetProperty("channel").GetString()!]
                : root.GetProperty("channels").EnumerateArray().Select(ch => ch.ValueKind == JsonValueKind.String ? ch.GetString()! : ch.GetProperty("name").GetString()!).ToArray();
            if (type == "subscribe")
            {
                var error = Authenticate(root, channels);
                if (error is not null)
                {
                    RejectedAuthentications++;
                    await c.SendAsync(_advanced
                        ? $$"""{"type":"error","message":"{{error}}"}"""
                        : $$"""{"type":"error","message":"Failed to subscribe","reason":"{{error}}"}""");
                    return;
                }

                foreach (var channel in channels)
                {
                    if (channel is "level2" or "level2_batch" or "level2_50")
                    {
                        foreach (var product in products)
                        {
                            if (DeferSnapshots)
                            {
                                _deferred.Add((c, product));
                                continue;
                            }

                            c.Books.Add(product);
                            Snapshots++;
                            await c.SendAsync(Snapshot(c, product));
                        }
                    }
                    else if (channel is "heartbeat" or "heartbeats")
                    {
                        c.Heartbeats = true;
                        c.HeartbeatProducts.UnionWith(products);
                    }
                    else if (channel is "user" or "full")
                    {
                        c.UserProducts.UnionWith(products);
                        if (_advanced)
                        {
                            // The Advanced Trade user channel starts with a snapshot of the open orders; it needs the order
                            // lock, which is taken before the feed lock elsewhere, so it is sent once this lock is released.
                            _ = Task.Run(() => SendUserSnapshotAsync(c, products));
                        }
                    }
                }
            }
            else if (type == "unsubscribe")
            {
                foreach (var product in products)
                {
                    c.Books.Remove(product);
                }
            }

            await c.SendAsync(_advanced
                ? $$$"""{"channel":"subscriptions","client_id":"","timestamp":"{{{Now}}}","sequence_num":{SEQ},"events":[{"subscriptions":{"level2":[{{{string.Join(",", c.Books.Select(b => $"\"{b}\""))}}}],"user":[{{{string.Join(",", c.UserProducts.Select(b => $"\"{b}\""))}}}]}}]}"""
                : $$"""{"type":"subscriptions","channels":[{"name":"level2_batch","product_ids":[{{string.Join(",", c.Books.Select(b => $"\"{b}\""))}}]}]}""");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checks the subscribe's credentials when present (or required); null when acceptable, else the reason.</summary>
    private string? Authenticate(JsonElement root, string[] channels)
    {
        if (_advanced)
        {
            if (!root.TryGetProperty("jwt", out var jwt))
            {
                return RequireAuthentication || channels.Contains("user") ? "authentication failure" : null;
            }

            return Count(VerifyJwt(jwt.GetString()!));
        }

        if (!root.TryGetProperty("signature", out var signature))
        {
            return RequireAuthentication || channels.Contains("level2") || channels.Contains("user") ? "level2 and user require authentication" : null;
        }

        var timestamp = root.GetProperty("timestamp").GetString()!;
        using var hmac = new HMACSHA256(CoinbaseAuthenticationTests.SecretKey);
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + "GET/users/self/verify")));
        var age = Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - long.Parse(timestamp, CultureInfo.InvariantCulture));
        return Count(
            root.GetProperty("key").GetString() != CoinbaseAuthenticationTests.ApiKey ? "invalid key"
            : root.GetProperty("passphrase").GetString() != CoinbaseAuthenticationTests.Passphrase ? "invalid passphrase"
            : signature.GetString() != expected ? "invalid signature"
            : age > 30 ? "request timestamp expired"
            : null);
    }

    private string? VerifyJwt(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3 || (JwtPublicKey is null && JwtEd25519PublicKey is null))
        {
            return "authentication failure";
        }

        using var header = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[0]));
        var alg = header.RootElement.GetProperty("alg").GetString();
        var valid = alg == "EdDSA"
            ? JwtEd25519PublicKey is not null && CoinbaseJwtSignerTests.ReadEdDsaJwt(token, JwtEd25519PublicKey).SignatureValid
            : alg == "ES256" && JwtPublicKey is not null && JwtPublicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return valid
            && claims.RootElement.GetProperty("iss").GetString() == "cdp"
            && claims.RootElement.GetProperty("sub").GetString() == header.RootElement.GetProperty("kid").GetString()
            && claims.RootElement.GetProperty("nbf").GetInt64() <= now + 5
            && claims.RootElement.GetProperty("exp").GetInt64() >= now
            ? null
            : "authentication failure";
    }

    private string? Count(string? error)
    {
        if (error is null)
        {
            AcceptedAuthentications++;
        }

        return error;
    }

    private string Snapshot(Connection c, string product)
    {
        var book = Truth[product];
        if (_advanced)
        {
            var updates = book.Bids.Select(l => Level("bid", l.Key, l.Value)).Concat(book.Asks.Select(l => Level("offer", l.Key, l.Value)));
            return $$"""{"channel":"l2_data","client_id":"","timestamp":"{{Now}}","sequence_num":{SEQ},"events":[{"type":"snapshot","product_id":"{{product}}","updates":[{{string.Join(",", updates)}}]}]}""";
        }

        return $$"""{"type":"snapshot","product_id":"{{product}}","bids":[{{string.Join(",", book.Bids.Select(l => $"[\"{D(l.Key)}\",\"{D(l.Value)}\"]"))}}],"asks":[{{string.Join(",", book.Asks.Select(l => $"[\"{D(l.Key)}\",\"{D(l.Value)}\"]"))}}]}""";
    }

    private string Update(Connection c, string product, (Side Side, decimal Price, decimal Size)[] changes)
    {
        if (_advanced)
        {
            var updates = changes.Select(ch => Level(ch.Side == Side.Buy ? "bid" : "offer", ch.Price, ch.Size));
            return $$"""{"channel":"l2_data","client_id":"","timestamp":"{{Now}}","sequence_num":{SEQ},"events":[{"type":"update","product_id":"{{product}}","updates":[{{string.Join(",", updates)}}]}]}""";
        }

        return $$"""{"type":"l2update","product_id":"{{product}}","time":"{{Now}}","changes":[{{string.Join(",", changes.Select(ch => $"[\"{(ch.Side == Side.Buy ? "buy" : "sell")}\",\"{D(ch.Price)}\",\"{D(ch.Size)}\"]"))}}]}""";
    }

    private static string Level(string side, decimal price, decimal size) =>
        $$"""{"side":"{{side}}","event_time":"{{Now}}","price_level":"{{D(price)}}","new_quantity":"{{D(size)}}"}""";

    private static string D(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Now => DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed class Connection(WebSocket socket, CoinbaseTestServer server)
    {
        private readonly SemaphoreSlim _send = new(1, 1);

        public WebSocket Socket { get; } = socket;

        public HashSet<string> Books { get; } = [];

        public HashSet<string> HeartbeatProducts { get; } = [];

        public HashSet<string> UserProducts { get; } = [];

        public bool Heartbeats { get; set; }

        /// <summary>The next Advanced Trade <c>sequence_num</c> of this connection; taken under the send lock so numbers go out in order.</summary>
        public long Sequence { get; private set; }

        /// <summary>Consumes a sequence number without sending (a lost message).</summary>
        public async Task SkipSequenceAsync()
        {
            await _send.WaitAsync();
            Sequence++;
            _send.Release();
        }

        /// <summary>Sends a message; a <c>{SEQ}</c> in it becomes the connection's next sequence number.</summary>
        public async Task SendAsync(string message)
        {
            if (server.Silent)
            {
                return;
            }

            await _send.WaitAsync();
            try
            {
                if (message.Contains("{SEQ}", StringComparison.Ordinal))
                {
                    message = message.Replace("{SEQ}", (Sequence++).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
                }

                await Socket.SendAsync(Encoding.UTF8.GetBytes(message), WebSocketMessageType.Text, true, CancellationToken.None);
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or OperationCanceledException)
            {
                // Dropped by the test; the client reconnects.
            }
            finally
            {
                _send.Release();
            }
        }
    }
}
