using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Exchange.Coinbase.Connectors;
using PinnacleMM.Exchange.Coinbase.Rest;
using PinnacleMM.Security.Tls;
using static PinnacleMM.Exchange.Tests.Coinbase.ConnectorTestKit;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// Certificate pinning over real TLS on 127.0.0.1: the test server presents a certificate signed by a CA generated here
/// (trusted only as the validator's custom root). With the CA's pin both the WebSocket feed and REST work; with a
/// pin of an unrelated key both are refused and nothing reaches the server.
/// </summary>
[TestClass]
public sealed class CoinbaseTlsPinningTests
{
    private static readonly InstrumentSpec Btc = CoinbaseRestClientTests.Btc;

    /// <summary>A test CA and a server certificate for 127.0.0.1 / localhost that it signed, generated in memory.</summary>
    private sealed class Certificates : IDisposable
    {
        public Certificates()
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caRequest = new CertificateRequest("CN=PinnacleMM Coinbase Test CA", caKey, HashAlgorithmName.SHA256);
            caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
            var now = DateTimeOffset.UtcNow;
            Ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));

            using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            serverRequest.CertificateExtensions.Add(san.Build());
            serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
            serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
            serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false));
            using var signed = serverRequest.Create(Ca, now.AddDays(-1), now.AddDays(30), RandomNumberGenerator.GetBytes(8));
            Server = signed.CopyWithPrivateKey(serverKey);

            using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            UnrelatedPin = Convert.ToBase64String(SHA256.HashData(otherKey.ExportSubjectPublicKeyInfo()));
        }

        public X509Certificate2 Ca { get; }

        public X509Certificate2 Server { get; }

        public string UnrelatedPin { get; }

        public CertificatePinValidator Validator(string pin)
        {
            var options = new CertificatePinningOptions { PinSets = [new PinSet { Host = "127.0.0.1", Pins = [pin] }] };
            options.CustomTrustRoots.Add(Ca);
            return new CertificatePinValidator(options);
        }

        public void Dispose()
        {
            Ca.Dispose();
            Server.Dispose();
        }
    }

    [TestMethod]
    public async Task Right_pin_works_for_websocket_and_rest()
    {
        using var certificates = new Certificates();
        await using var server = await CoinbaseTestServer.StartAsync(false, certificates.Server, "BTC-USD");
        Assert.AreEqual("wss", server.Endpoint.Scheme);
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        var pins = certificates.Validator(CertificatePinValidator.ComputeSpkiPin(certificates.Ca));
        var registry = new InstrumentRegistry();
        var btc = registry.Register(Btc);
        using var vault = new TempVault(("coinbase", CoinbaseAuthenticationTests.HmacCredential()));

        var marketSink = new MarketSink();
        await using var marketData = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry, pinValidator: pins);
        await marketData.ConnectAsync(marketSink);
        await marketData.SubscribeAsync(btc);
        await EventuallyAsync("market data synced over pinned wss", () => marketSink.LastStatus(btc) == ConnectionState.Synced && SameLevels(marketSink.Book(btc, Btc), server.Truth["BTC-USD"]));

        var executions = new ExecutionSink();
        await using var orders = new CoinbaseOrderEntryConnector(OrderEntryOptions(server), registry, vault.Vault, pins);
        using (var timeout = new CancellationTokenSource(Patience))
        {
            await orders.ConnectAsync(executions, timeout.Token);
        }

        await orders.SendAsync(OrderCommand.Place(btc, new ClientOrderId(1), Side.Buy, Btc.GetPrice(99m), Btc.GetQuantity(0.1m), postOnly: true));
        await EventuallyAsync("accepted over pinned https and wss", () => executions.Of(1).Any(e => e.Kind == ExecutionEventKind.Accepted));
        Assert.HasCount(1, server.Orders);
    }

    [TestMethod]
    public async Task Wrong_pin_is_refused_on_websocket_and_rest_and_nothing_reaches_the_server()
    {
        using var certificates = new Certificates();
        await using var server = await CoinbaseTestServer.StartAsync(false, certificates.Server, "BTC-USD");
        await server.SetBookAsync("BTC-USD", [(100.00m, 1m)], [(101.00m, 1m)]);
        var pins = certificates.Validator(certificates.UnrelatedPin);
        var registry = new InstrumentRegistry();
        var btc = registry.Register(Btc);

        var marketSink = new MarketSink();
        await using (var marketData = new CoinbaseMarketDataConnector(new CoinbaseMarketDataOptions { Products = ["BTC-USD"], Feed = FastFeed(server.Endpoint) }, registry, pinValidator: pins))
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await Assert.ThrowsAsync<OperationCanceledException>(() => marketData.ConnectAsync(marketSink, timeout.Token).AsTask());
            StringAssert.Contains(marketData.Feed.LastDisconnectReason, "TLS certificate of host '127.0.0.1' refused: no certificate in its chain matches the pins");
            Assert.AreEqual(0, marketData.Feed.ConnectionCount, "no WebSocket connection was ever opened");
            Assert.IsFalse(marketSink.Events.Any(e => e.Kind is MarketEventKind.SnapshotLevel or MarketEventKind.LevelUpdate));
        }

        using var credential = CoinbaseAuthenticationTests.HmacCredential();
        using var signer = new CoinbaseRequestSigner(credential);
        using var rest = new CoinbaseRestClient(new CoinbaseRestOptions { Endpoint = server.RestEndpoint }, signer, pins);
        var placed = await rest.PlaceOrderAsync(new CoinbaseOrderRequest { Instrument = Btc, Side = Side.Buy, Price = 99m, Size = 0.1m });
        Assert.AreEqual(RejectReason.NotConnected, placed.Reason);
        StringAssert.Contains(placed.Message, "TLS certificate of host '127.0.0.1' refused");
        Assert.IsEmpty(server.RestRequests, "the request never reached the server");
        Assert.IsEmpty(server.Orders);

        // Without any pinning the platform refuses the unknown CA too: the right pin is what made it work above.
        using var unpinned = new CoinbaseRestClient(new CoinbaseRestOptions { Endpoint = server.RestEndpoint }, signer);
        Assert.AreEqual(RejectReason.NotConnected, (await unpinned.GetBalancesAsync()).Reason);
        Assert.IsEmpty(server.RestRequests);
    }
}
