using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Credentials;
using static PinnacleMM.Security.Tests.Credentials.VaultTestSupport;

namespace PinnacleMM.Security.Tests.Credentials;

/// <summary>Decrypts a vault with nothing but the steps in the package README, to prove the documentation is complete.</summary>
[TestClass]
public sealed class VaultFormatDocumentationTests
{
    [TestMethod]
    public void A_vault_decrypts_by_following_the_README_alone()
    {
        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password, CheapPbkdf2))
        {
            using var c = ExchangeCredential.FromApiKey("key-9", "the-secret"u8, "pp"u8);
            vault.Add("venue", c);
        }

        var file = File.ReadAllBytes(path);
        Assert.AreEqual("PMMVAULT", Encoding.ASCII.GetString(file, 0, 8));
        Assert.AreEqual(1, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)));
        Assert.AreEqual(2, file[10]);
        var iterations = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var n = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(100));
        Assert.AreEqual(108 + n + 16, file.Length);

        var master = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), file[24..56], iterations, HashAlgorithmName.SHA256, 32);
        var key = HKDF.Expand(HashAlgorithmName.SHA256, master, 32, Encoding.ASCII.GetBytes("PinnacleMM vault v1 encryption key"));
        var check = HKDF.Expand(HashAlgorithmName.SHA256, master, 32, Encoding.ASCII.GetBytes("PinnacleMM vault v1 password check"));
        CollectionAssert.AreEqual(check, file[68..100]);

        var plaintext = new byte[n];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Decrypt(file[56..68], file.AsSpan(108, n), file.AsSpan(108 + n, 16), plaintext, file.AsSpan(0, 108));
        }

        var expected = new List<byte>();
        expected.AddRange(BitConverter.GetBytes(1u));
        expected.AddRange([5, 0, .. "venue"u8.ToArray(), 1, 5, 0, .. "key-9"u8.ToArray()]);
        expected.AddRange([10, 0, 0, 0, .. "the-secret"u8.ToArray(), 2, 0, 0, 0, .. "pp"u8.ToArray()]);
        CollectionAssert.AreEqual(expected.ToArray(), plaintext);
    }
}
