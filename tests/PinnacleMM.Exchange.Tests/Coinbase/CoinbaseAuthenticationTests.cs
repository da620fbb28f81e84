using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Exchange.Tests.Coinbase;

[TestClass]
public sealed class CoinbaseAuthenticationTests
{
    internal static readonly byte[] SecretKey = [.. Enumerable.Range(1, 64).Select(i => (byte)(i * 7))];
    internal const string ApiKey = "test-key";
    internal const string Passphrase = "pass phrase";

    internal static ExchangeCredential HmacCredential() =>
        ExchangeCredential.FromApiKey(ApiKey, Encoding.ASCII.GetBytes(Convert.ToBase64String(SecretKey)), Encoding.UTF8.GetBytes(Passphrase));

    /// <summary>The documented formula, computed here with HMACSHA256 directly.</summary>
    internal static string ExpectedSignature(string timestamp, string method, string path, string body)
    {
        using var hmac = new HMACSHA256(SecretKey);
        return Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(timestamp + method + path + body)));
    }

    [TestMethod]
    public void Rest_signature_follows_the_documented_formula()
    {
        using var credential = HmacCredential();
        var clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000));
        using var signer = new CoinbaseRequestSigner(credential, clock);
        const string Body = """{"type":"limit","side":"buy","product_id":"BTC-USD","price":"1","size":"10"}""";

        var signature = signer.SignRequest("POST", "/orders", Body);
        Assert.AreEqual(new CoinbaseSignature(ApiKey, ExpectedSignature("1700000000", "POST", "/orders", Body), "1700000000", Passphrase), signature);
        Assert.AreEqual(ExpectedSignature("1700000000", "DELETE", "/orders?product_id=BTC-USD", ""), signer.Sign("1700000000", "DELETE", "/orders?product_id=BTC-USD"));
        Assert.AreNotEqual(signer.Sign("1700000000", "GET", "/orders"), signer.Sign("1700000001", "GET", "/orders"), "the timestamp is signed");
        Assert.IsFalse(signature.ToString().Contains(signature.Signature, StringComparison.Ordinal), "ToString hides the signature");
    }

    [TestMethod]
    public void Feed_subscribe_signature_signs_users_self_verify()
    {
        using var credential = HmacCredential();
        using var signer = new CoinbaseRequestSigner(credential, new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(42)));
        Assert.AreEqual(ExpectedSignature("42", "GET", "/users/self/verify", ""), signer.SignFeedSubscribe().Signature);
    }

    [TestMethod]
    public async Task Http_request_gets_the_four_headers_over_path_query_and_body()
    {
        using var credential = HmacCredential();
        using var signer = new CoinbaseRequestSigner(credential, new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(100)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.exchange.coinbase.com/orders?x=1") { Content = new StringContent("{\"a\":1}") };
        await signer.SignAsync(request);
        Assert.AreEqual(ApiKey, request.Headers.GetValues("CB-ACCESS-KEY").Single());
        Assert.AreEqual("100", request.Headers.GetValues("CB-ACCESS-TIMESTAMP").Single());
        Assert.AreEqual(Passphrase, request.Headers.GetValues("CB-ACCESS-PASSPHRASE").Single());
        Assert.AreEqual(ExpectedSignature("100", "POST", "/orders?x=1", "{\"a\":1}"), request.Headers.GetValues("CB-ACCESS-SIGN").Single());
    }

    [TestMethod]
    public void Bad_inputs_are_refused_naming_the_rule()
    {
        using var credential = HmacCredential();
        using var signer = new CoinbaseRequestSigner(credential);
        Assert.AreEqual("method 'get' must be one of GET, POST, PUT, DELETE, PATCH (upper case). (Parameter 'method')", Assert.ThrowsExactly<ArgumentException>(() => signer.Sign("1", "get", "/x")).Message);
        Assert.AreEqual("requestPath 'orders' must start with '/' (the path and query string, without the host). (Parameter 'requestPath')", Assert.ThrowsExactly<ArgumentException>(() => signer.Sign("1", "GET", "orders")).Message);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => signer.Sign("12a", "GET", "/x")).Message, "timestamp '12a' must be seconds since the Unix epoch");

        using var notBase64 = ExchangeCredential.FromApiKey("k", "not base64!"u8, "p"u8);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseRequestSigner(notBase64)).Message, "credential secret must be the base64 text");
        using var noPassphrase = ExchangeCredential.FromApiKey("k", "AAAA"u8);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => new CoinbaseRequestSigner(noPassphrase)).Message, "credential must have the API passphrase");

        signer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => signer.Sign("1", "GET", "/x"));
    }

    internal static (ExchangeCredential Credential, ECDsa Key) EcCredential(string keyName = "organizations/org/apiKeys/key1", ECCurve? curve = null)
    {
        var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        return (ExchangeCredential.FromPrivateKeyPem(keyName, Encoding.UTF8.GetBytes(key.ExportECPrivateKeyPem())), key);
    }

    /// <summary>Splits a JWT, checks its ES256 signature with <paramref name="publicKey"/> and returns header and claims.</summary>
    internal static (JsonElement Header, JsonElement Claims, bool SignatureValid) ReadJwt(string token, ECDsa publicKey)
    {
        var parts = token.Split('.');
        Assert.HasCount(3, parts);
        var header = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement;
        var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement;
        var valid = publicKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return (header, claims, valid);
    }

    [TestMethod]
    public void Es256_jwt_has_the_documented_header_and_claims_and_verifies_with_the_public_key()
    {
        var (credential, key) = EcCredential();
        using var _ = credential;
        using var __ = key;
        using var signer = EcdsaJwtSigner.FromCredential(credential);
        var builder = new CoinbaseJwtBuilder(credential.ApiKey, signer, new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_000)));

        var (header, claims, valid) = ReadJwt(builder.CreateRestToken("POST", "api.coinbase.com", "/api/v3/brokerage/orders"), key);
        Assert.IsTrue(valid);
        Assert.AreEqual("ES256", header.GetProperty("alg").GetString());
        Assert.AreEqual("organizations/org/apiKeys/key1", header.GetProperty("kid").GetString());
        Assert.AreEqual("JWT", header.GetProperty("typ").GetString());
        Assert.MatchesRegex("^[0-9a-f]{32}$", header.GetProperty("nonce").GetString());
        Assert.AreEqual("organizations/org/apiKeys/key1", claims.GetProperty("sub").GetString());
        Assert.AreEqual("cdp", claims.GetProperty("iss").GetString());
        Assert.AreEqual(1_000, claims.GetProperty("nbf").GetInt64());
        Assert.AreEqual(1_120, claims.GetProperty("exp").GetInt64());
        Assert.AreEqual("POST api.coinbase.com/api/v3/brokerage/orders", claims.GetProperty("uri").GetString());

        var ws = ReadJwt(builder.CreateWebSocketToken(), key);
        Assert.IsTrue(ws.SignatureValid);
        Assert.IsFalse(ws.Claims.TryGetProperty("uri", out var _uri));
        Assert.AreNotEqual(header.GetProperty("nonce").GetString(), ws.Header.GetProperty("nonce").GetString(), "a fresh nonce per token");

        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.IsFalse(ReadJwt(builder.CreateWebSocketToken(), other).SignatureValid, "another key must not verify it");
    }

    [TestMethod]
    public void Jwt_signer_is_pluggable_and_wrong_keys_are_refused()
    {
        var builder = new CoinbaseJwtBuilder("k", new FakeEdDsaSigner(), new FixedTimeProvider(DateTimeOffset.UnixEpoch));
        var parts = builder.CreateWebSocketToken().Split('.');
        Assert.AreEqual("EdDSA", JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.GetProperty("alg").GetString());
        CollectionAssert.AreEqual(SHA256.HashData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1])), Base64Url.DecodeFromChars(parts[2]));

        var (p384, key) = EcCredential(curve: ECCurve.NamedCurves.nistP384);
        using var _ = p384;
        using var __ = key;
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => EcdsaJwtSigner.FromCredential(p384)).Message, "pem must hold a P-256 key for ES256");
        using var hmac = HmacCredential();
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => EcdsaJwtSigner.FromCredential(hmac)).Message, "credential must be a PemPrivateKey");
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => EcdsaJwtSigner.FromPem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")).Message, "pem must hold an EC private key");
        Assert.ThrowsExactly<ArgumentException>(() => builder.CreateRestToken("post", "api.coinbase.com", "/x"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new CoinbaseJwtBuilder("k", new FakeEdDsaSigner(), lifetime: TimeSpan.FromHours(1)));
    }

    /// <summary>Stands in for an Ed25519 signer: proves the builder takes alg and signature from the plug-in.</summary>
    private sealed class FakeEdDsaSigner : IJwtSigner
    {
        public string Algorithm => "EdDSA";

        public byte[] Sign(ReadOnlySpan<byte> signingInput) => SHA256.HashData(signingInput);

        public void Dispose()
        {
        }
    }
}
