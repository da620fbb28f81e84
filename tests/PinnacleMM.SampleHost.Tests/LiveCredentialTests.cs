using System.Security.Cryptography;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// <c>--exchange coinbase --live --credential NAME</c> when the credential cannot be had: the vault lacks the name, the
/// password is wrong, the vault is weaker than allowed, or there is no vault. Each ends the session before anything
/// starts, with a message naming the credential or vault and the rule, and leaves the data folder as it was.
/// </summary>
/// <remarks>
/// The test vault uses cheap scrypt parameters so that it opens in milliseconds; the host accepts it only because the
/// configuration file says so through the Security package's existing option
/// (<c>PinnacleMM:Security:Vault:AllowInsecureKdfParametersForTesting</c>) — the last case shows that without it the
/// same vault is refused.
/// </remarks>
[TestClass]
public sealed class LiveCredentialTests
{
    private const string Password = "vault-pw";
    private static readonly VaultOptions Cheap = new() { Kdf = KdfParameters.Scrypt(1024, 8, 1), AllowInsecureKdfParametersForTesting = true };

    /// <summary>A working directory with data/credentials.vault holding 'cb-main', and cheap-vault.json next to it.</summary>
    private static (string Cwd, string Data, string Vault, string Config) NewVault()
    {
        var cwd = Directory.CreateTempSubdirectory("pmm-live-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(cwd, "data")).FullName;
        var vaultPath = Path.Combine(data, "credentials.vault");
        using (var vault = CredentialVault.Create(vaultPath, Password, Cheap))
        {
            using var credential = ExchangeCredential.FromApiKey("KEY-1", "c2VjcmV0"u8.ToArray(), "phrase"u8.ToArray());
            vault.Add("cb-main", credential);
        }

        var config = Path.Combine(cwd, "cheap-vault.json");
        File.WriteAllText(config, """{ "PinnacleMM": { "Security": { "Vault": { "AllowInsecureKdfParametersForTesting": true } } } }""");
        return (cwd, data, vaultPath, config);
    }

    private static SampleHostProcess.Result Live(string cwd, string stdin, string credential, params string[] more) =>
        SampleHostProcess.Run(cwd, stdin, ["--exchange", "coinbase", "--symbols", "BTC-USD", "--live", "--credential", credential, "--data", "data", "--duration", "1", "--plain", .. more]);

    private static Dictionary<string, string> Contents(string directory) =>
        Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(directory, path),
            path => File.Exists(path) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : "directory");

    [TestMethod]
    public void A_credential_missing_from_the_vault_is_refused_naming_it_and_the_vault_and_nothing_is_written()
    {
        var (cwd, data, vault, config) = NewVault();
        var before = Contents(data);

        var result = Live(cwd, Password + "\n", "cb-other", "--config", config);

        Assert.AreEqual(1, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error,
            $"error: --credential: there is no credential named 'cb-other' in the vault {vault} (it holds 'cb-main'); --live needs a Coinbase Exchange API key stored under that name: add it with 'credentials add cb-other --data {data}'. Nothing was started.",
            StringComparison.Ordinal);
        Assert.AreEqual(string.Empty, result.Output, "no session output: nothing started");
        CollectionAssert.AreEquivalent(before.ToArray(), Contents(data).ToArray(), "the data folder holds the same vault and nothing else");
    }

    [TestMethod]
    public void A_wrong_vault_password_is_refused_naming_the_vault_and_the_rule_and_nothing_is_written()
    {
        var (cwd, data, vault, config) = NewVault();
        var before = Contents(data);

        var result = Live(cwd, "not-the-password\n", "cb-main", "--config", config);

        Assert.AreEqual(1, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error,
            $"error: --credential cb-main: cannot open the vault: wrong password for vault '{vault}' (WrongPassword); the vault password must be the one the vault was created with",
            StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", result.Error + result.Output, "the password is never echoed");
        Assert.AreEqual(string.Empty, result.Output);
        CollectionAssert.AreEquivalent(before.ToArray(), Contents(data).ToArray());
    }

    [TestMethod]
    public void A_vault_below_the_key_derivation_minimum_is_refused_unless_the_configuration_allows_it()
    {
        var (cwd, data, vault, _) = NewVault();
        var before = Contents(data);

        // The right password and an existing credential, but no configuration allowing the cheap test parameters.
        var result = Live(cwd, Password + "\n", "cb-main");

        Assert.AreEqual(1, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error, $"error: --credential cb-main: cannot open the vault: ", StringComparison.Ordinal);
        StringAssert.Contains(result.Error, vault);
        StringAssert.Contains(result.Error, "(WeakKdfParameters); the vault's key derivation must meet the minimum strength");
        CollectionAssert.AreEquivalent(before.ToArray(), Contents(data).ToArray());
    }

    [TestMethod]
    public void No_vault_in_an_existing_data_folder_is_refused_before_anything_runs_naming_the_vault_path()
    {
        var cwd = Directory.CreateTempSubdirectory("pmm-live-").FullName;
        var data = Directory.CreateDirectory(Path.Combine(cwd, "data")).FullName;
        File.WriteAllText(Path.Combine(data, "notes.txt"), "kept as it is");
        var before = Contents(data);

        var result = Live(cwd, Password + "\n", "cb-main");

        Assert.AreEqual(64, result.ExitCode, result.Output + result.Error);
        StringAssert.StartsWith(result.Error,
            $"error: --live: there is no credential vault at '{Path.Combine(data, "credentials.vault")}'; add the credential with 'credentials add cb-main --data {data}'",
            StringComparison.Ordinal);
        Assert.AreEqual(string.Empty, result.Output);
        CollectionAssert.AreEquivalent(before.ToArray(), Contents(data).ToArray());
    }
}
