using System.Buffers.Binary;
using System.Text;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Internal;
using static PinnacleMM.Security.Tests.Credentials.VaultTestSupport;

namespace PinnacleMM.Security.Tests.Credentials;

[TestClass]
public sealed class CredentialVaultTests
{
    private const string Pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFakeKeyMaterialForTestsOnly0123456789abcdefoAoGCCqGSM49\n-----END EC PRIVATE KEY-----\n";

    [TestMethod]
    public void Round_trip_with_the_real_default_scrypt_parameters()
    {
        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password))
        {
            Assert.AreEqual(KdfParameters.Default, vault.Kdf);
            using var credential = ExchangeCredential.FromApiKey("key-1", "s3cret-bytes"u8, "phrase"u8);
            vault.Add("coinbase", credential);
        }

        using var reopened = CredentialVault.Open(path, Password);
        Assert.AreEqual(KdfParameters.Default, reopened.Kdf);
        using var got = reopened.Get("coinbase");
        Assert.AreEqual("key-1", got.ApiKey);
        CollectionAssert.AreEqual("s3cret-bytes"u8.ToArray(), got.Secret.ToArray());
        CollectionAssert.AreEqual("phrase"u8.ToArray(), got.Passphrase.ToArray());
        var header = File.ReadAllBytes(path);
        Assert.AreEqual((byte)KdfAlgorithm.Scrypt, header[10]);
        Assert.AreEqual(65536u, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12)));
    }

    [TestMethod]
    public void Round_trip_with_pbkdf2_at_600000_iterations()
    {
        var path = NewVaultPath();
        var options = new VaultOptions { Kdf = KdfParameters.MinimumPbkdf2 };
        using (var vault = CredentialVault.Create(path, Password, options))
        {
            using var credential = ExchangeCredential.FromPrivateKeyPem("organizations/x/apiKeys/y", Encoding.UTF8.GetBytes(Pem));
            vault.Add("jwt", credential);
        }

        using var reopened = CredentialVault.Open(path, Password);
        Assert.AreEqual(KdfParameters.Pbkdf2(600_000), reopened.Kdf);
        using var got = reopened.Get("jwt");
        Assert.AreEqual(CredentialKind.PemPrivateKey, got.Kind);
        Assert.AreEqual(Pem, Encoding.UTF8.GetString(got.Secret));
        Assert.IsTrue(got.Passphrase.IsEmpty);
    }

    [TestMethod]
    public void Add_list_get_remove_persist_across_reopen()
    {
        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password, CheapScrypt))
        {
            using var a = ExchangeCredential.FromApiKey("ka", "sa"u8);
            using var b = ExchangeCredential.FromApiKey("kb", "sb"u8, "pb"u8);
            vault.Add("b-venue", b);
            vault.Add("a-venue", a);
            CollectionAssert.AreEqual(new[] { "a-venue", "b-venue" }, vault.Names.ToArray());
            Assert.IsTrue(vault.Remove("a-venue"));
            Assert.IsFalse(vault.Remove("a-venue"));
            Assert.IsFalse(vault.TryGet("a-venue", out _));
        }

        using var reopened = CredentialVault.Open(path, Password, CheapScrypt);
        CollectionAssert.AreEqual(new[] { "b-venue" }, reopened.Names.ToArray());
        using var got = reopened.Get("b-venue");
        CollectionAssert.AreEqual("sb"u8.ToArray(), got.Secret.ToArray());
        Assert.ThrowsExactly<KeyNotFoundException>(() => reopened.Get("a-venue"));
    }

    [TestMethod]
    public void Wrong_password_and_tampered_file_are_distinct_errors()
    {
        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password, CheapScrypt))
        {
            using var c = ExchangeCredential.FromApiKey("k", "s"u8);
            vault.Add("x", c);
        }

        var wrong = OpenFails(path, "not-the-password", CheapScrypt);
        Assert.AreEqual(VaultErrorReason.WrongPassword, wrong.Reason);

        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x40; // inside the ciphertext
        WriteOwnerOnly(path, bytes);
        var tampered = OpenFails(path, Password, CheapScrypt);
        Assert.AreEqual(VaultErrorReason.Tampered, tampered.Reason);
        StringAssert.Contains(tampered.Message, "authentication tag");
    }

    [TestMethod]
    public void A_bit_flip_at_every_bit_of_a_small_vault_is_detected()
    {
        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password, CheapScrypt))
        {
            using var c = ExchangeCredential.FromApiKey("k", "secret"u8, "p"u8);
            vault.Add("x", c);
        }

        var original = File.ReadAllBytes(path);
        Assert.IsTrue(original.Length > 108 + 16);
        for (var i = 0; i < original.Length; i++)
        {
            for (var bit = 0; bit < 8; bit++)
            {
                var copy = (byte[])original.Clone();
                copy[i] ^= (byte)(1 << bit);
                WriteOwnerOnly(path, copy);
                var ex = OpenFails(path, Password, CheapScrypt);
                var expected = i < 8 ? VaultErrorReason.NotAVault : VaultErrorReason.Tampered;
                Assert.AreEqual(expected, ex.Reason, $"byte {i} bit {bit}: {ex.Message}");
            }
        }

        WriteOwnerOnly(path, original);
        using var intact = CredentialVault.Open(path, Password, CheapScrypt);
        CollectionAssert.AreEqual(new[] { "x" }, intact.Names.ToArray());
    }

    [TestMethod]
    public void Truncated_or_extended_files_are_tampered()
    {
        var path = NewVaultPath();
        CredentialVault.Create(path, Password, CheapScrypt).Dispose();
        var original = File.ReadAllBytes(path);
        WriteOwnerOnly(path, original[..^1]);
        Assert.AreEqual(VaultErrorReason.Tampered, OpenFails(path, Password, CheapScrypt).Reason);
        WriteOwnerOnly(path, [.. original, 0]);
        Assert.AreEqual(VaultErrorReason.Tampered, OpenFails(path, Password, CheapScrypt).Reason);
        WriteOwnerOnly(path, original[..50]);
        Assert.AreEqual(VaultErrorReason.Tampered, OpenFails(path, Password, CheapScrypt).Reason);
        WriteOwnerOnly(path, "not a vault at all"u8.ToArray());
        Assert.AreEqual(VaultErrorReason.NotAVault, OpenFails(path, Password, CheapScrypt).Reason);
    }

    [TestMethod]
    public void Header_downgraded_below_the_floor_is_refused_even_with_a_recomputed_checksum()
    {
        var path = NewVaultPath();
        CredentialVault.Create(path, Password, new VaultOptions { Kdf = KdfParameters.MinimumPbkdf2 }).Dispose();
        var original = File.ReadAllBytes(path);

        var downgraded = (byte[])original.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(downgraded.AsSpan(12), 1000);
        WriteOwnerOnly(path, downgraded);
        Assert.AreEqual(VaultErrorReason.Tampered, OpenFails(path, Password, null).Reason, "checksum not recomputed");

        FixHeaderCrc(downgraded);
        WriteOwnerOnly(path, downgraded);
        var ex = OpenFails(path, Password, null);
        Assert.AreEqual(VaultErrorReason.WeakKdfParameters, ex.Reason);
        StringAssert.Contains(ex.Message, "iterations=1000");

        var switched = (byte[])original.Clone();
        switched[10] = (byte)KdfAlgorithm.Scrypt; // scrypt with r = p = 0: malformed
        FixHeaderCrc(switched);
        WriteOwnerOnly(path, switched);
        Assert.AreEqual(VaultErrorReason.UnsupportedKdf, OpenFails(path, Password, null).Reason);
    }

    [TestMethod]
    public void Weak_parameters_need_the_explicit_test_option_both_to_save_and_to_open()
    {
        var path = NewVaultPath();
        var ex = Assert.ThrowsExactly<ArgumentException>(() => CredentialVault.Create(path, Password, new VaultOptions { Kdf = KdfParameters.Scrypt(16, 1, 1) }));
        StringAssert.Contains(ex.Message, "below the minimum");
        Assert.IsFalse(File.Exists(path));
        Assert.ThrowsExactly<ArgumentException>(() => CredentialVault.Create(path, Password, new VaultOptions { Kdf = KdfParameters.Pbkdf2(599_999) }));
        Assert.IsFalse(File.Exists(path));

        CredentialVault.Create(path, Password, CheapScrypt).Dispose();
        Assert.AreEqual(VaultErrorReason.WeakKdfParameters, OpenFails(path, Password, null).Reason);
    }

    [TestMethod]
    public void Parameters_can_be_raised_later_and_old_files_still_open()
    {
        var path = NewVaultPath();
        CredentialVault.Create(path, Password, CheapPbkdf2).Dispose();
        var stronger = new VaultOptions { Kdf = KdfParameters.Pbkdf2(2000), AllowInsecureKdfParametersForTesting = true };
        using (var vault = CredentialVault.Open(path, Password, stronger))
        {
            Assert.AreEqual(KdfParameters.Pbkdf2(1000), vault.Kdf, "opened with the header's parameters");
            using var c = ExchangeCredential.FromApiKey("k", "s"u8);
            vault.Add("x", c);
            Assert.AreEqual(KdfParameters.Pbkdf2(2000), vault.Kdf);
        }

        using var reopened = CredentialVault.Open(path, Password, CheapPbkdf2);
        Assert.AreEqual(KdfParameters.Pbkdf2(2000), reopened.Kdf);
        CollectionAssert.AreEqual(new[] { "x" }, reopened.Names.ToArray());
    }

    [TestMethod]
    public void Every_save_uses_a_fresh_salt_and_nonce()
    {
        var path = NewVaultPath();
        using var vault = CredentialVault.Create(path, Password, CheapScrypt);
        var first = File.ReadAllBytes(path);
        using var c = ExchangeCredential.FromApiKey("k", "s"u8);
        vault.Add("x", c);
        vault.Remove("x");
        var second = File.ReadAllBytes(path);
        Assert.AreEqual(first.Length, second.Length, "same (empty) content");
        CollectionAssert.AreNotEqual(first[24..56], second[24..56], "salt");
        CollectionAssert.AreNotEqual(first[56..68], second[56..68], "nonce");
    }

    [TestMethod]
    public void Change_password_reencrypts_with_a_new_salt_and_refuses_a_wrong_current_password()
    {
        var path = NewVaultPath();
        using var vault = VaultWithOneCredential(path);

        var before = File.ReadAllBytes(path);
        var wrong = Assert.ThrowsExactly<VaultException>(() => vault.ChangePassword("nope", "new-password-1"));
        Assert.AreEqual(VaultErrorReason.WrongPassword, wrong.Reason);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));

        vault.ChangePassword(Password, "new-password-1");
        var after = File.ReadAllBytes(path);
        CollectionAssert.AreNotEqual(before[24..56], after[24..56]);
        Assert.AreEqual(VaultErrorReason.WrongPassword, OpenFails(path, Password, CheapScrypt).Reason);
        using var reopened = CredentialVault.Open(path, "new-password-1", CheapScrypt);
        CollectionAssert.AreEqual(new[] { "x" }, reopened.Names.ToArray());
    }

    [TestMethod]
    public void Change_password_to_an_empty_one_is_refused_naming_newPassword_and_changes_nothing()
    {
        var path = NewVaultPath();
        using var vault = VaultWithOneCredential(path);

        var before = File.ReadAllBytes(path);
        var empty = Assert.ThrowsExactly<ArgumentException>(() => vault.ChangePassword(Password, ""));
        Assert.AreEqual("newPassword", empty.ParamName);
        Assert.AreEqual("newPassword must not be empty (Parameter 'newPassword')", empty.Message);
        var emptyCurrent = Assert.ThrowsExactly<ArgumentException>(() => vault.ChangePassword("", "new-password-1"));
        Assert.AreEqual("currentPassword", emptyCurrent.ParamName);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));

        // The old password still works, in this instance and on disk.
        vault.ChangePassword(Password, "new-password-1");
        Assert.AreEqual(VaultErrorReason.WrongPassword, OpenFails(path, Password, CheapScrypt).Reason);
        using var reopened = CredentialVault.Open(path, "new-password-1", CheapScrypt);
        CollectionAssert.AreEqual(new[] { "x" }, reopened.Names.ToArray());
    }

    [TestMethod]
    public void Rejected_changes_leave_the_vault_and_file_unchanged()
    {
        var path = NewVaultPath();
        using var vault = CredentialVault.Create(path, Password, CheapScrypt);
        using var c = ExchangeCredential.FromApiKey("k", "s"u8);
        vault.Add("x", c);
        var before = File.ReadAllBytes(path);

        var duplicate = Assert.ThrowsExactly<ArgumentException>(() => vault.Add("x", c));
        Assert.AreEqual("name", duplicate.ParamName);
        StringAssert.Contains(duplicate.Message, "already exists");
        var badName = Assert.ThrowsExactly<ArgumentException>(() => vault.Add("../etc", c));
        StringAssert.Contains(badName.Message, "credential name must be");
        Assert.ThrowsExactly<ArgumentException>(() => vault.Add(".hidden", c));
        Assert.ThrowsExactly<ArgumentException>(() => vault.Add(new string('a', 65), c));

        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { "x" }, vault.Names.ToArray());

        var exists = Assert.ThrowsExactly<VaultException>(() => CredentialVault.Create(path, Password, CheapScrypt));
        Assert.AreEqual(VaultErrorReason.AlreadyExists, exists.Reason);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));

        var missing = Assert.ThrowsExactly<VaultException>(() => CredentialVault.Open(path + ".missing", Password, CheapScrypt));
        Assert.AreEqual(VaultErrorReason.NotFound, missing.Reason);
        Assert.ThrowsExactly<ArgumentException>(() => CredentialVault.Open(path, "", CheapScrypt));
    }

    [TestMethod]
    public void Add_refuses_a_credential_beyond_MaxCredentials_and_the_file_still_opens()
    {
        var path = NewVaultPath();
        var entries = new SortedDictionary<string, ExchangeCredential>(StringComparer.Ordinal);
        for (var i = 0; i < CredentialVault.MaxCredentials - 1; i++)
        {
            entries.Add($"c{i:D4}", ExchangeCredential.FromApiKey("k", "s"u8));
        }

        WriteVault(path, entries);
        using var vault = CredentialVault.Open(path, Password, CheapScrypt);
        using var c = ExchangeCredential.FromApiKey("k", "s"u8);
        vault.Add("last", c); // the 4096th: Open accepts exactly MaxCredentials
        var before = File.ReadAllBytes(path);

        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => vault.Add("one-too-many", c));
        StringAssert.Contains(ex.Message, "would hold 4097 credentials, more than MaxCredentials 4096");
        AssertUnchanged(path, before);
        Assert.HasCount(CredentialVault.MaxCredentials, vault.Names);
        Assert.IsFalse(vault.Contains("one-too-many"));
        using var reopened = CredentialVault.Open(path, Password, CheapScrypt);
        Assert.HasCount(CredentialVault.MaxCredentials, reopened.Names);
        Assert.IsTrue(reopened.Contains("last"));
    }

    [TestMethod]
    public void Add_refuses_a_credential_that_would_make_the_file_larger_than_MaxFileBytes_and_the_file_still_opens()
    {
        var path = NewVaultPath();
        var max = new byte[ExchangeCredential.MaxSecretLength];
        var entries = new SortedDictionary<string, ExchangeCredential>(StringComparer.Ordinal);
        for (var i = 0; i < 127; i++)
        {
            entries.Add($"big{i:D3}", ExchangeCredential.FromApiKey("k", max, max));
        }

        // Sizes from the format in the README: the file is 108 + 4 + the entries + 16 bytes. A padding entry
        // makes adding "last" fill the file to exactly MaxFileBytes, which Open still accepts.
        static long EntryBytes(string name, int secret, int passphrase) => 2 + name.Length + 1 + 2 + 1 + 4 + secret + 4 + passphrase;
        var used = 108 + 4 + (127 * EntryBytes("big000", max.Length, max.Length)) + 16 + EntryBytes("pad", 0, 0) + EntryBytes("last", max.Length, 0);
        var padding = (int)(CredentialVault.MaxFileBytes - used);
        Assert.IsTrue(padding is > 0 and <= ExchangeCredential.MaxSecretLength, padding.ToString(System.Globalization.CultureInfo.InvariantCulture));
        entries.Add("pad", ExchangeCredential.FromApiKey("k", new byte[padding]));
        WriteVault(path, entries);

        using var vault = CredentialVault.Open(path, Password, CheapScrypt);
        using (var last = ExchangeCredential.FromApiKey("k", max))
        {
            vault.Add("last", last);
        }

        Assert.AreEqual(CredentialVault.MaxFileBytes, new FileInfo(path).Length);
        var before = File.ReadAllBytes(path);
        using var small = ExchangeCredential.FromApiKey("k", "s"u8);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => vault.Add("more", small));
        StringAssert.Contains(ex.Message, $"would be {CredentialVault.MaxFileBytes + EntryBytes("more", 1, 0)} bytes, more than MaxFileBytes 16777216");
        AssertUnchanged(path, before);
        Assert.IsFalse(vault.Contains("more"));
        using var reopened = CredentialVault.Open(path, Password, CheapScrypt);
        Assert.HasCount(129, reopened.Names);
        Assert.IsTrue(reopened.Contains("last"));
    }

    [TestMethod]
    public void Saves_are_owner_only_leave_no_temp_files_and_group_or_other_access_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Inconclusive("Unix permissions");
            return;
        }

        var path = NewVaultPath();
        using (var vault = CredentialVault.Create(path, Password, CheapScrypt))
        {
            using var c = ExchangeCredential.FromApiKey("k", "s"u8);
            vault.Add("x", c);
            vault.Remove("x");
        }

        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        CollectionAssert.AreEqual(new[] { "credentials.vault" }, Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName).ToArray());

        foreach (var extra in new[] { UnixFileMode.GroupRead, UnixFileMode.OtherRead, UnixFileMode.GroupWrite, UnixFileMode.OtherExecute })
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | extra);
            var ex = Assert.ThrowsExactly<VaultException>(() => CredentialVault.Open(path, Password, CheapScrypt));
            Assert.AreEqual(VaultErrorReason.InsecurePermissions, ex.Reason, extra.ToString());
            StringAssert.Contains(ex.Message, "chmod 600");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        CredentialVault.Open(path, Password, CheapScrypt).Dispose();
    }

    [TestMethod]
    public void Secrets_never_appear_in_exception_messages_or_ToString()
    {
        const string secretText = "SECRET-VALUE-zq81";
        const string passphraseText = "PASSPHRASE-VALUE-k2";
        const string apiKey = "APIKEY-VALUE-77x";
        var path = NewVaultPath();
        var texts = new List<string>();
        using (var vault = CredentialVault.Create(path, Password, CheapScrypt))
        {
            using var c = ExchangeCredential.FromApiKey(apiKey, Encoding.UTF8.GetBytes(secretText), Encoding.UTF8.GetBytes(passphraseText));
            vault.Add("x", c);
            texts.Add(c.ToString());
            texts.Add(vault.ToString());
            using var got = vault.Get("x");
            texts.Add(got.ToString());
            texts.Add(Assert.ThrowsExactly<VaultException>(() => vault.ChangePassword(Password + "x", "other")).ToString());
            texts.Add(Assert.ThrowsExactly<ArgumentException>(() => vault.Add("x", c)).ToString());
        }

        texts.Add(OpenFails(path, Password + "-wrong", CheapScrypt).ToString());
        var bytes = File.ReadAllBytes(path);
        bytes[^1] ^= 1;
        WriteOwnerOnly(path, bytes);
        texts.Add(OpenFails(path, Password, CheapScrypt).ToString()); // includes the inner exception
        texts.Add(OpenFails(path, Password, null).ToString());

        foreach (var text in texts)
        {
            foreach (var forbidden in new[] { secretText, passphraseText, apiKey, Password })
            {
                Assert.IsFalse(text.Contains(forbidden, StringComparison.Ordinal), $"'{forbidden}' leaked into: {text}");
            }
        }
    }

    [TestMethod]
    public void Disposing_a_credential_zeroes_its_buffers()
    {
        var credential = ExchangeCredential.FromApiKey("k", "abc"u8, "xyz"u8);
        var secret = credential.Secret;
        var passphrase = credential.Passphrase;
        Assert.AreEqual((byte)'a', secret[0]);
        credential.Dispose();
        Assert.IsTrue(secret.IndexOfAnyExcept((byte)0) < 0);
        Assert.IsTrue(passphrase.IndexOfAnyExcept((byte)0) < 0);
        Assert.ThrowsExactly<ObjectDisposedException>(() => credential.Secret.Length);
        StringAssert.Contains(credential.ToString(), "disposed");
    }

    [TestMethod]
    public void Get_returns_a_copy_so_disposing_it_leaves_the_vault_intact()
    {
        var path = NewVaultPath();
        using var vault = CredentialVault.Create(path, Password, CheapScrypt);
        using (var c = ExchangeCredential.FromApiKey("k", "abc"u8))
        {
            vault.Add("x", c);
        }

        vault.Get("x").Dispose();
        using var again = vault.Get("x");
        CollectionAssert.AreEqual("abc"u8.ToArray(), again.Secret.ToArray());
    }

    [TestMethod]
    public void Credential_factories_reject_malformed_parts()
    {
        Assert.AreEqual("apiKey", Assert.ThrowsExactly<ArgumentException>(() => ExchangeCredential.FromApiKey("", "s"u8)).ParamName);
        Assert.AreEqual("apiKey", Assert.ThrowsExactly<ArgumentException>(() => ExchangeCredential.FromApiKey("a\nb", "s"u8)).ParamName);
        Assert.AreEqual("secret", Assert.ThrowsExactly<ArgumentException>(() => ExchangeCredential.FromApiKey("k", default)).ParamName);
        Assert.AreEqual("privateKeyPem", Assert.ThrowsExactly<ArgumentException>(() => ExchangeCredential.FromPrivateKeyPem("k", "not pem"u8)).ParamName);
    }

    /// <summary>Writes a vault holding <paramref name="entries"/> in one go (as one save would), so a test starts near a limit without thousands of saves.</summary>
    private static void WriteVault(string path, SortedDictionary<string, ExchangeCredential> entries)
    {
        var plaintext = VaultFormat.SerializeEntries(entries);
        WriteOwnerOnly(path, VaultFormat.Encrypt(Encoding.UTF8.GetBytes(Password), CheapScrypt.Kdf, plaintext));
        foreach (var credential in entries.Values)
        {
            credential.Dispose();
        }
    }

    private static void AssertUnchanged(string path, byte[] before) =>
        Assert.IsTrue(before.AsSpan().SequenceEqual(File.ReadAllBytes(path)), "a refused change must not touch the file");

    [TestMethod]
    public void Crc32c_matches_the_standard_check_value()
    {
        Assert.AreEqual(0xE3069283u, Crc32C.Compute("123456789"u8));
    }
}
