using System.Diagnostics;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Sync;
using PinnacleMM.Exchange.Coinbase.WebSockets;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>Sinks that record, a real vault in a temporary directory, fast feed settings and a waiting helper.</summary>
internal static class ConnectorTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public static async Task EventuallyAsync(string what, Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > Patience)
            {
                Assert.Fail($"timed out waiting for: {what}");
            }

            await Task.Delay(20);
        }
    }

    public static CoinbaseFeedClientOptions FastFeed(Uri endpoint, bool orderChannel = false) => new()
    {
        Endpoint = endpoint,
        AllowInsecureLoopback = endpoint.Scheme == "ws",
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        CheckInterval = TimeSpan.FromMilliseconds(50),
        Sync = new CoinbaseSyncOptions
        {
            MessageTimeout = TimeSpan.FromSeconds(2),
            HeartbeatTimeout = TimeSpan.FromSeconds(1),
            SnapshotTimeout = orderChannel ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(2),
        },
    };

    /// <summary>A real vault file (cheap KDF for speed) holding the given credentials; the directory is deleted on dispose.</summary>
    public sealed class TempVault : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("pmm-coinbase-").FullName;

        public TempVault(params (string Name, ExchangeCredential Credential)[] credentials)
        {
            Vault = CredentialVault.Create(Path.Combine(_directory, "vault.bin"), "correct horse battery staple", new VaultOptions { Kdf = KdfParameters.Scrypt(16, 1, 1), AllowInsecureKdfParametersForTesting = true });
            foreach (var (name, credential) in credentials)
            {
                using (credential)
                {
                    Vault.Add(name, credential);
                }
            }
        }

        public CredentialVault Vault { get; }

        public void Dispose()
        {
            Vault.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    public sealed class MarketSink : IMarketDataSink
    {
        private readonly List<MarketEvent> _events = [];

        public MarketEvent[] Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public void OnMarketEvent(in MarketEvent marketEvent)
        {
            lock (_events)
            {
                _events.Add(marketEvent);
            }
        }

        /// <summary>The last status of <paramref name="instrument"/>, or null.</summary>
        public ConnectionState? LastStatus(InstrumentId instrument) =>
            Events.LastOrDefault(e => e.Kind == MarketEventKind.Status && e.Instrument == instrument) is { Kind: MarketEventKind.Status } e ? e.ConnectionState : null;

        /// <summary>The book built only from the events (a dictionary model), in the instrument's decimals.</summary>
        public BookModel Book(InstrumentId instrument, InstrumentSpec spec)
        {
            var book = new BookModel();
            foreach (var e in Events.Where(e => e.Instrument == instrument))
            {
                switch (e.Kind)
                {
                    case MarketEventKind.SnapshotBegin:
                        book.Snapshot([], []);
                        break;
                    case MarketEventKind.SnapshotLevel or MarketEventKind.LevelUpdate:
                        book.Set(e.Side, spec.ToDecimal(e.Price), spec.ToDecimal(e.Quantity));
                        break;
                }
            }

            return book;
        }
    }

    public sealed class ExecutionSink : IExecutionSink
    {
        private readonly List<ExecutionEvent> _events = [];

        public ExecutionEvent[] Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public ExecutionEvent[] Of(long clientOrderId) => [.. Events.Where(e => e.ClientOrderId.Value == clientOrderId)];

        public void OnExecutionEvent(in ExecutionEvent executionEvent)
        {
            lock (_events)
            {
                _events.Add(executionEvent);
            }
        }
    }

    public static bool SameLevels(BookModel a, BookModel b) =>
        a.Bids.Count == b.Bids.Count && a.Asks.Count == b.Asks.Count
        && a.Bids.All(l => b.Bids.TryGetValue(l.Key, out var s) && s == l.Value)
        && a.Asks.All(l => b.Asks.TryGetValue(l.Key, out var s) && s == l.Value);

    /// <summary>
    /// A vault holding the account's key as <c>coinbase</c>: for Advanced Trade an EC P-256 key whose public half the
    /// server verifies every JWT with (on every subscribe too when <paramref name="authenticatedMarketData"/>), for
    /// Exchange the HMAC key the server checks.
    /// </summary>
    public static TempVault AccountVault(CoinbaseTestServer server, bool advanced, bool authenticatedMarketData = true)
    {
        if (!advanced)
        {
            return new TempVault(("coinbase", CoinbaseAuthenticationTests.HmacCredential()));
        }

        var (credential, key) = CoinbaseAuthenticationTests.EcCredential();
        server.JwtPublicKey = key;
        server.RequireAuthentication = authenticatedMarketData;
        return new TempVault(("coinbase", credential));
    }

    public static CoinbaseOrderEntryOptions OrderEntryOptions(CoinbaseTestServer server, string credentialName = "coinbase") => new()
    {
        CredentialName = credentialName,
        Products = ["BTC-USD"],
        Rest = new() { Endpoint = server.RestEndpoint, AllowInsecureLoopback = server.RestEndpoint.Scheme == "http" },
        Feed = FastFeed(server.Endpoint, orderChannel: true),
    };
}
