using System.Net.WebSockets;
using System.Text;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Tests.Audit;
using PinnacleMM.Security.Tls;

namespace PinnacleMM.Security.Tests.Tls;

/// <summary>Pinning against a real Kestrel TLS server on 127.0.0.1 with a CA and certificate generated here.</summary>
[TestClass]
public sealed class CertificatePinningTests
{
    private static TestCertificates s_certificates = null!;
    private static TlsTestServer s_server = null!;

    [ClassInitialize]
    public static async Task StartServer(TestContext context)
    {
        _ = context;
        s_certificates = new TestCertificates();
        s_server = await TlsTestServer.StartAsync(s_certificates);
    }

    [ClassCleanup]
    public static async Task StopServer()
    {
        await s_server.DisposeAsync();
        s_certificates.Dispose();
    }

    private static string ServerPin => CertificatePinValidator.ComputeSpkiPin(s_certificates.Server);

    private static string CaPin => CertificatePinValidator.ComputeSpkiPin(s_certificates.Ca);

    private static CertificatePinningOptions Options(PinSet? set, bool customRoot = true)
    {
        var options = new CertificatePinningOptions();
        if (set is not null)
        {
            options.PinSets.Add(set);
        }

        if (customRoot)
        {
            options.CustomTrustRoots.Add(s_certificates.Ca);
        }

        return options;
    }

    private static HttpClient Client(CertificatePinValidator validator)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        validator.Configure(handler);
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    [TestMethod]
    public async Task The_right_pin_connects_over_https()
    {
        var validator = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [ServerPin] }));
        using var client = Client(validator);
        Assert.AreEqual("pinned-ok", await client.GetStringAsync(s_server.Https));
    }

    [TestMethod]
    public async Task The_right_pin_connects_over_wss()
    {
        var validator = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [ServerPin] }));
        using var socket = new ClientWebSocket();
        validator.Configure(socket.Options);
        await socket.ConnectAsync(s_server.Wss, CancellationToken.None);
        await socket.SendAsync("ping"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[64];
        var received = await socket.ReceiveAsync(buffer, CancellationToken.None);
        Assert.AreEqual("ping", Encoding.UTF8.GetString(buffer, 0, received.Count));
    }

    [TestMethod]
    public async Task A_wrong_pin_is_refused_with_host_and_expected_pins_and_an_audit_event()
    {
        var directory = AuditTestSupport.NewDirectory();
        await using var audit = new AuditLog(AuditTestSupport.Options(directory));
        var validator = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [s_certificates.UnrelatedPin] }), audit);
        using var client = Client(validator);

        var ex = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => client.GetStringAsync(s_server.Https));
        var pinning = FindInner<CertificatePinningException>(ex);
        Assert.AreEqual("localhost", pinning.Host);
        StringAssert.Contains(pinning.Message, "host 'localhost'");
        StringAssert.Contains(pinning.Message, $"expected one of [{s_certificates.UnrelatedPin}]");
        StringAssert.Contains(pinning.Message, ServerPin, "the presented pins help the operator");

        await audit.FlushAsync();
        var record = AuditTestSupport.AllRecords(directory).Single();
        Assert.AreEqual(CertificatePinValidator.PinMismatchEventType, record.GetProperty("type").GetString());
        Assert.AreEqual("localhost", record.GetProperty("target").GetString());
        Assert.AreEqual("denied", record.GetProperty("outcome").GetString());
    }

    [TestMethod]
    public async Task A_wrong_pin_is_refused_over_wss()
    {
        var validator = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [s_certificates.UnrelatedPin] }));
        using var socket = new ClientWebSocket();
        validator.Configure(socket.Options);
        var ex = await Assert.ThrowsExactlyAsync<WebSocketException>(() => socket.ConnectAsync(s_server.Wss, CancellationToken.None));
        var pinning = FindInner<CertificatePinningException>(ex);
        Assert.AreEqual("localhost", pinning.Host);
        StringAssert.Contains(pinning.Message, $"no certificate in its chain matches the pins: expected one of [{s_certificates.UnrelatedPin}]", "refused for the pins, not the chain");
    }

    [TestMethod]
    public async Task A_backup_pin_or_a_pinned_ca_is_accepted()
    {
        var backup = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [s_certificates.UnrelatedPin], BackupPins = [ServerPin] }));
        using (var client = Client(backup))
        {
            Assert.AreEqual("pinned-ok", await client.GetStringAsync(s_server.Https));
        }

        var ca = new CertificatePinValidator(Options(new PinSet { Host = "LOCALHOST", Pins = [CaPin] }));
        using var caClient = Client(ca);
        Assert.AreEqual("pinned-ok", await caClient.GetStringAsync(s_server.Https));
    }

    [TestMethod]
    public async Task Pinning_comes_on_top_of_chain_validation()
    {
        // The right pin, but the test CA is not trusted: the chain fails first.
        var directory = AuditTestSupport.NewDirectory();
        await using var audit = new AuditLog(AuditTestSupport.Options(directory));
        var validator = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [ServerPin] }, customRoot: false), audit);
        using var client = Client(validator);
        var ex = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => client.GetStringAsync(s_server.Https));
        StringAssert.Contains(FindInner<CertificatePinningException>(ex).Message, "chain is not valid");
        await audit.FlushAsync();
        Assert.AreEqual(CertificatePinValidator.ChainInvalidEventType, AuditTestSupport.AllRecords(directory).Single().GetProperty("type").GetString());

        // The right pin and a trusted chain, but connecting by IP name while only the pin set for localhost exists
        // and every host must be pinned.
        var strict = Options(new PinSet { Host = "localhost", Pins = [ServerPin] });
        strict.RequirePinForEveryHost = true;
        using var strictClient = Client(new CertificatePinValidator(strict));
        var unpinned = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => strictClient.GetStringAsync(new Uri($"https://127.0.0.1:{s_server.Port}/")));
        StringAssert.Contains(FindInner<CertificatePinningException>(unpinned).Message, "no pin set is configured for this host");
    }

    [TestMethod]
    public async Task An_expired_pin_set_follows_its_policy()
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow); // the chain is validated at this time too
        var expired = time.GetUtcNow().AddSeconds(-1);
        var refuse = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [ServerPin], ExpiresUtc = expired, WhenExpired = ExpiredPinSetPolicy.Refuse }), timeProvider: time);
        using (var client = Client(refuse))
        {
            var ex = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => client.GetStringAsync(s_server.Https));
            StringAssert.Contains(FindInner<CertificatePinningException>(ex).Message, "pin set expired");
        }

        var directory = AuditTestSupport.NewDirectory();
        await using var audit = new AuditLog(AuditTestSupport.Options(directory));
        var chainOnly = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [s_certificates.UnrelatedPin], ExpiresUtc = expired, WhenExpired = ExpiredPinSetPolicy.ChainValidationOnly }), audit, time);
        using (var client = Client(chainOnly))
        {
            Assert.AreEqual("pinned-ok", await client.GetStringAsync(s_server.Https), "expired pins are no longer checked; the chain still is");
        }

        await audit.FlushAsync();
        Assert.AreEqual(CertificatePinValidator.PinSetExpiredEventType, AuditTestSupport.AllRecords(directory).Single().GetProperty("type").GetString());

        // Before the expiry the (wrong) pins are enforced.
        var notYet = new CertificatePinValidator(Options(new PinSet { Host = "localhost", Pins = [s_certificates.UnrelatedPin], ExpiresUtc = time.GetUtcNow().AddDays(1), WhenExpired = ExpiredPinSetPolicy.ChainValidationOnly }), timeProvider: time);
        using var strictClient = Client(notYet);
        var mismatch = await Assert.ThrowsExactlyAsync<HttpRequestException>(() => strictClient.GetStringAsync(s_server.Https));
        StringAssert.Contains(FindInner<CertificatePinningException>(mismatch).Message, $"no certificate in its chain matches the pins: expected one of [{s_certificates.UnrelatedPin}]", "refused for the pins, not the chain or the time");
    }

    [TestMethod]
    [DataRow("", "abc", "pinning.pinSets[0].host", "required")]
    [DataRow("localhost", "", "pinning.pinSets[0].pins[0]", "pin")]
    [DataRow("localhost", "AAAA", "pinning.pinSets[0].pins[0]", "pin")]
    [DataRow("bad host!", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "pinning.pinSets[0].host", "hostname")]
    public void Invalid_pin_sets_are_rejected_naming_the_field_and_rule(string host, string pin, string field, string rule)
    {
        var options = Options(new PinSet { Host = host, Pins = [pin] });
        var result = options.Validate();
        Assert.AreEqual((field, rule), (result.Field, result.Rule));
        var ex = Assert.ThrowsExactly<ArgumentException>(() => new CertificatePinValidator(options));
        StringAssert.Contains(ex.Message, field);
    }

    [TestMethod]
    public void Two_pin_sets_for_one_host_and_an_empty_pin_list_are_rejected()
    {
        var pin = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        var options = Options(new PinSet { Host = "example.com", Pins = [pin] });
        options.PinSets.Add(new PinSet { Host = "EXAMPLE.com", Pins = [pin] });
        Assert.AreEqual("duplicate", options.Validate().Rule);
        Assert.AreEqual("required", Options(new PinSet { Host = "example.com" }).Validate().Rule);
        Assert.IsTrue(Options(new PinSet { Host = "example.com", Pins = [pin] }).Validate().IsValid);
    }

    [TestMethod]
    public void The_pin_is_the_sha256_of_the_subject_public_key_info()
    {
        var spki = s_certificates.Server.PublicKey.ExportSubjectPublicKeyInfo();
        Assert.AreEqual(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(spki)), ServerPin);
        Assert.AreEqual(44, ServerPin.Length);
        Assert.AreNotEqual(ServerPin, CaPin);
    }

    private static T FindInner<T>(Exception ex)
        where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        Assert.Fail($"no {typeof(T).Name} inside {ex}");
        return null!;
    }
}
