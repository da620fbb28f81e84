using System.Reflection;
using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.Security.Tests.Credentials;

[TestClass]
public sealed class Ed25519SignerTests
{
    // RFC 8410 section 10.3 private key; its public key is the one in section 10.1.
    private const string Rfc8410PrivateKeyPem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n-----END PRIVATE KEY-----\n";
    private const string Rfc8410PublicKeyPem = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----";

    /// <summary>RFC 8032 section 7.1, TEST 1, 2 and 3: secret key, public key, message, signature (hex).</summary>
    [TestMethod]
    [DataRow("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")]
    [DataRow("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb", "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00")]
    [DataRow("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a")]
    public void Rfc8032_test_vectors(string secretKey, string publicKey, string message, string signature)
    {
        using var signer = Ed25519Signer.FromSeed(Convert.FromHexString(secretKey));
        Assert.AreEqual(publicKey, Convert.ToHexStringLower(signer.PublicKey));
        var data = Convert.FromHexString(message);
        Span<byte> output = stackalloc byte[80];
        Assert.AreEqual(64, signer.Sign(data, output));
        Assert.AreEqual(signature, Convert.ToHexStringLower(output[..64]));
        Assert.IsTrue(Ed25519Signer.Verify(Convert.FromHexString(publicKey), data, Convert.FromHexString(signature)));

        // The 64-byte seed-then-public-key form gives the same key.
        using var sodium = Ed25519Signer.FromSeed(Convert.FromHexString(secretKey + publicKey));
        Assert.AreEqual(publicKey, Convert.ToHexStringLower(sodium.PublicKey));
    }

    [TestMethod]
    public void Pkcs8_pem_from_rfc8410_round_trips_to_its_public_key()
    {
        using var signer = Ed25519Signer.FromPem("some text before\n" + Rfc8410PrivateKeyPem);
        Assert.AreEqual(Rfc8410PublicKeyPem, signer.ExportPublicKeyPem());
        var spki = signer.ExportSubjectPublicKeyInfo();
        Assert.HasCount(44, spki);
        Span<byte> signature = stackalloc byte[64];
        signer.Sign("header.payload"u8, signature);
        Assert.IsTrue(signer.Verify("header.payload"u8, signature));
    }

    [TestMethod]
    public void Signatures_verify_and_any_flipped_bit_fails()
    {
        Prop.ForAll(Arb.From(Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))), Arb.From(Gen.Choose(0, 511)), (message, bit) =>
        {
            using var signer = Ed25519Signer.FromSeed(SHA256.HashData(message));
            var signature = new byte[64];
            signer.Sign(message, signature);
            var valid = signer.Verify(message, signature);
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            return valid && !signer.Verify(message, signature);
        }).QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public void Bad_keys_are_rejected_with_a_clear_message()
    {
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ed25519Signer.FromSeed(new byte[31])).Message, "must be 32 bytes (seed) or 64 bytes");
        var mismatched = new byte[64];
        mismatched[40] = 1;
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ed25519Signer.FromSeed(mismatched)).Message, "are not the public key");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ed25519Signer.FromPem("-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----")).Message, "no -----BEGIN PRIVATE KEY----- block");

        // A P-256 PKCS#8 key is the wrong algorithm.
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ex = Assert.ThrowsExactly<ArgumentException>(() => Ed25519Signer.FromPem(ecdsa.ExportPkcs8PrivateKeyPem()));
        StringAssert.Contains(ex.Message, "not an Ed25519 key (algorithm 1.2.840.10045.2.1");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Ed25519Signer.FromPkcs8([0x30, 0x03, 0x02])).Message, "not valid DER");

        using var signer = Ed25519Signer.FromSeed(new byte[32]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => signer.Sign("x"u8, new byte[63])).Message, "must hold 64 bytes");
        Assert.IsFalse(Ed25519Signer.Verify(new byte[31], "x"u8, new byte[64]));
        Assert.IsFalse(signer.Verify("x"u8, new byte[63]));
    }

    [TestMethod]
    public void Dispose_zeroes_the_seed_and_later_signing_throws()
    {
        var signer = Ed25519Signer.FromPem(Rfc8410PrivateKeyPem);
        var seed = (byte[])typeof(Ed25519Signer).GetField("_seed", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(signer)!;
        Assert.IsTrue(seed.Any(b => b != 0));
        signer.Dispose();
        Assert.IsTrue(seed.All(b => b == 0));
        Assert.ThrowsExactly<ObjectDisposedException>(() => signer.Sign("x"u8, new byte[64]));
        Assert.DoesNotContain("d4ee72", signer.ToString(), "ToString shows the public key only");
        StringAssert.StartsWith(signer.ToString(), "Ed25519Signer(public key 19bf44", StringComparison.Ordinal);
    }
}
