using System.Buffers.Binary;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Internal;

namespace PinnacleMM.Security.Tests.Credentials;

/// <summary>Temp directories and cheap, explicitly insecure KDF options so most tests run in milliseconds.</summary>
internal static class VaultTestSupport
{
    public const string Password = "pw-Correct-Horse-7731";

    /// <summary>scrypt N=16: only for tests; needs the explicit insecure flag.</summary>
    public static VaultOptions CheapScrypt { get; } = new() { Kdf = KdfParameters.Scrypt(16, 1, 1), AllowInsecureKdfParametersForTesting = true };

    public static VaultOptions CheapPbkdf2 { get; } = new() { Kdf = KdfParameters.Pbkdf2(1000), AllowInsecureKdfParametersForTesting = true };

    public static string NewDirectory() => Directory.CreateTempSubdirectory("pmm-vault-").FullName;

    public static string NewVaultPath() => Path.Combine(NewDirectory(), "credentials.vault");

    /// <summary>A new vault at <paramref name="path"/> (cheap scrypt) holding one API key credential named <c>x</c>.</summary>
    public static CredentialVault VaultWithOneCredential(string path)
    {
        var vault = CredentialVault.Create(path, Password, CheapScrypt);
        using (var c = ExchangeCredential.FromApiKey("k", "s"u8))
        {
            vault.Add("x", c);
        }

        return vault;
    }

    /// <summary>Rewrites the header CRC after a deliberate header edit, as a careful attacker would.</summary>
    public static void FixHeaderCrc(byte[] file) =>
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(104), Crc32C.Compute(file.AsSpan(0, 104)));

    /// <summary>Writes bytes keeping the 0600 mode, so the permission check does not hide the content check.</summary>
    public static void WriteOwnerOnly(string path, byte[] bytes)
    {
        File.WriteAllBytes(path, bytes);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    public static VaultException OpenFails(string path, string password, VaultOptions? options)
    {
        var before = File.ReadAllBytes(path);
        var ex = Assert.ThrowsExactly<VaultException>(() => CredentialVault.Open(path, password, options));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path), "a failed open must not change the file");
        return ex;
    }
}
