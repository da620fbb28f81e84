using System.Buffers.Text;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using PinnacleMM.Exchange.Coinbase.Authentication;
using PinnacleMM.Security.Credentials;
using BcEd25519Signer = Org.BouncyCastle.Crypto.Signers.Ed25519Signer;

namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>
/// The JWT signer is chosen from the vault credential's key type, and EdDSA tokens verify with BouncyCastle's own
/// Ed25519 verifier over public keys that come from outside our code (a key pair generated here, RFC 8032 vectors).
/// </summary>
[TestClass]
public sealed class CoinbaseJwtSignerTests
{
    /// <summary>RFC 8032 section 7.1, test 1.</summary>
    internal static readonly byte[] Rfc8032Seed = Convert.FromHexString("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    internal static readonly byte[] Rfc8032PublicKey = Convert.FromHexString("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");

    /// <summary>A fresh Ed25519 key pair from BouncyCastle's generator, the private key as PKCS#8 PEM (RFC 8410).</summary>
    internal static (string Pem, byte[] PublicKey) NewEd25519Pem()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        var pair = generator.GenerateKeyPair();
        var seed = ((Ed25519PrivateKeyParameters)pair.Private).GetEncoded();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(0);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier("1.3.101.112");
            }

            var inner = new AsnWriter(AsnEncodingRules.DER);
            inner.WriteOctetString(seed);
            writer.WriteOctetString(inner.Encode());
        }

        return (PemEncoding.WriteString("PRIVATE KEY", writer.Encode()), ((Ed25519PublicKeyParameters)pair.Public).GetEncoded());
    }

    /// <summary>Checks an EdDSA JWT with BouncyCastle's verifier and returns header and claims.</summary>
    internal static (JsonElement Header, JsonElement Claims, bool SignatureValid) ReadEdDsaJwt(string token, byte[] publicKey)
    {
        var parts = token.Split('.');
        Assert.HasCount(3, parts);
        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signature = Base64Url.DecodeFromChars(parts[2]);
        var verifier = new BcEd25519Signer();
        verifier.Init(false, new Ed25519PublicKeyParameters(publicKey, 0));
        verifier.BlockUpdate(signed, 0, signed.Length);
        return (JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement, JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement, verifier.VerifySignature(signature));
    }

    [TestMethod]
    public void Pkcs8_ed25519_pem_key_gives_an_eddsa_jwt_that_bouncycastle_verifies()
    {
        var (pem, publicKey) = NewEd25519Pem();
        using var credential = ExchangeCredential.FromPrivateKeyPem("organizations/o/apiKeys/ed", Encoding.UTF8.GetBytes(pem));
        using var signer = CoinbaseJwtSigners.FromCredential(credential);
        Assert.IsInstanceOfType<Ed25519JwtSigner>(signer);
        CollectionAssert.AreEqual(publicKey, ((Ed25519JwtSigner)signer).PublicKey.ToArray());

        var builder = new CoinbaseJwtBuilder(credential.ApiKey, signer, new FixedTimeProvider(DateTimeOffset.FromUnixTimeSeconds(5_000)));
        var (header, claims, valid) = ReadEdDsaJwt(builder.CreateRestToken("POST", "api.coinbase.com", "/api/v3/brokerage/orders"), publicKey);
        Assert.IsTrue(valid, "BouncyCastle's verifier accepts the token with the generated public key");
        Assert.AreEqual("EdDSA", header.GetProperty("alg").GetString());
        Assert.AreEqual("organizations/o/apiKeys/ed", header.GetProperty("kid").GetString());
        Assert.AreEqual("organizations/o/apiKeys/ed", claims.GetProperty("sub").GetString());
        Assert.AreEqual(5_000, claims.GetProperty("nbf").GetInt64());
        Assert.AreEqual(5_120, claims.GetProperty("exp").GetInt64());
        Assert.AreEqual("POST api.coinbase.com/api/v3/brokerage/orders", claims.GetProperty("uri").GetString());

        var (otherPem, otherPublicKey) = NewEd25519Pem();
        Assert.AreNotEqual(pem, otherPem);
        Assert.IsFalse(ReadEdDsaJwt(builder.CreateWebSocketToken(), otherPublicKey).SignatureValid, "another public key must not verify it");

        // A changed claim breaks the signature.
        var parts = builder.CreateWebSocketToken().Split('.');
        var forged = parts[0] + "." + Base64Url.EncodeToString(Encoding.ASCII.GetBytes("{\"sub\":\"someone else\"}")) + "." + parts[2];
        Assert.IsFalse(ReadEdDsaJwt(forged, publicKey).SignatureValid);
    }

    [TestMethod]
    public void Raw_64_byte_base64_key_as_coinbase_shows_it_gives_eddsa_signed_with_the_rfc8032_key()
    {
        var secret = Encoding.ASCII.GetBytes(Convert.ToBase64String([.. Rfc8032Seed, .. Rfc8032PublicKey]));
        using var credential = ExchangeCredential.FromApiKey("ed-key-id", secret);
        using var signer = CoinbaseJwtSigners.FromCredential(credential);
        Assert.AreEqual("EdDSA", signer.Algorithm);

        // Ed25519 is deterministic: RFC 8032 test 1 signs the empty message to this exact value.
        CollectionAssert.AreEqual(
            Convert.FromHexString("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
            signer.Sign([]));

        var token = new CoinbaseJwtBuilder(credential.ApiKey, signer).CreateWebSocketToken();
        Assert.IsTrue(ReadEdDsaJwt(token, Rfc8032PublicKey).SignatureValid);

        using var seedOnly = ExchangeCredential.FromApiKey("ed-key-id", Encoding.ASCII.GetBytes(Convert.ToBase64String(Rfc8032Seed)));
        using var seedSigner = CoinbaseJwtSigners.FromCredential(seedOnly);
        Assert.IsTrue(ReadEdDsaJwt(new CoinbaseJwtBuilder("ed-key-id", seedSigner).CreateWebSocketToken(), Rfc8032PublicKey).SignatureValid);
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Ec_keys_in_sec1_or_pkcs8_pem_give_es256(bool pkcs8)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = pkcs8 ? key.ExportPkcs8PrivateKeyPem() : key.ExportECPrivateKeyPem();
        using var credential = ExchangeCredential.FromPrivateKeyPem("organizations/o/apiKeys/ec", Encoding.UTF8.GetBytes(pem));
        using var signer = CoinbaseJwtSigners.FromCredential(credential);
        Assert.IsInstanceOfType<EcdsaJwtSigner>(signer);
        var (header, _, valid) = CoinbaseAuthenticationTests.ReadJwt(new CoinbaseJwtBuilder(credential.ApiKey, signer).CreateWebSocketToken(), key);
        Assert.IsTrue(valid);
        Assert.AreEqual("ES256", header.GetProperty("alg").GetString());
    }

    [TestMethod]
    public void Keys_that_are_not_jwt_keys_are_refused_naming_the_field_and_the_rule()
    {
        using var hmac = CoinbaseAuthenticationTests.HmacCredential();
        Assert.AreEqual(
            "credential: an API key with a passphrase is a Coinbase Exchange HMAC key; Advanced Trade JWTs need an EC (PEM) or Ed25519 key. (Parameter 'credential')",
            Assert.ThrowsExactly<ArgumentException>(() => CoinbaseJwtSigners.FromCredential(hmac)).Message);

        // 64 random bytes (an Exchange HMAC secret without its passphrase) are not seed + matching public key.
        using var random64 = ExchangeCredential.FromApiKey("k", Encoding.ASCII.GetBytes(Convert.ToBase64String(CoinbaseAuthenticationTests.SecretKey)));
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => CoinbaseJwtSigners.FromCredential(random64)).Message, "credential secret: the last 32 bytes of the 64-byte Ed25519 key are not the public key of its first 32 bytes");

        using var wrongLength = ExchangeCredential.FromApiKey("k", Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[48])));
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => CoinbaseJwtSigners.FromCredential(wrongLength)).Message, "credential secret: an Ed25519 key must decode to 32 bytes (seed) or 64 bytes (seed then public key), not 48.");

        using var rsa = RSA.Create(1024); // only its algorithm OID matters; a small key keeps the test quick
        using var rsaCredential = ExchangeCredential.FromPrivateKeyPem("k", Encoding.UTF8.GetBytes(rsa.ExportPkcs8PrivateKeyPem()));
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => CoinbaseJwtSigners.FromCredential(rsaCredential)).Message, "credential secret: the PKCS#8 key's algorithm 1.2.840.113549.1.1.1 is neither EC");

        using var certificateOnly = ExchangeCredential.FromPrivateKeyPem("k", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"u8);
        StringAssert.StartsWith(Assert.ThrowsExactly<ArgumentException>(() => CoinbaseJwtSigners.FromCredential(certificateOnly)).Message, "credential secret: no -----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block was found.");

        var signer = CoinbaseJwtSigners.FromCredential(ExchangeCredential.FromApiKey("k", Encoding.ASCII.GetBytes(Convert.ToBase64String(Rfc8032Seed))));
        signer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => signer.Sign([1]), "a disposed signer's key is gone");
    }
}
