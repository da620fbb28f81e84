using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>The <c>credentials</c> and <c>audit verify</c> commands, run as a child process with redirected standard input.</summary>
[TestClass]
public sealed class CredentialsCommandTests
{
    // The vault is written with cheap scrypt only because of the explicit test-only flag; opening it here needs the matching flag.
    private const string TestKdf = "--insecure-kdf-for-tests";
    private static readonly VaultOptions OpenCheap = new() { Kdf = KdfParameters.Scrypt(1024, 8, 1), AllowInsecureKdfParametersForTesting = true };

    private static string NewWorkingDirectory() => Directory.CreateTempSubdirectory("pmm-cli-").FullName;

    private static SampleHostProcess.Result Cli(string cwd, string stdin, params string[] args) => SampleHostProcess.Run(cwd, stdin, args);

    [TestMethod]
    public void Add_list_remove_and_change_password_with_redirected_input()
    {
        var cwd = NewWorkingDirectory();
        var vaultPath = Path.Combine(cwd, "data", "credentials.vault");

        var add = Cli(cwd, "pw-one\npw-one\nKEY-1\nsecret-one\n\n", "credentials", "add", "coinbase", TestKdf);
        Assert.AreEqual(0, add.ExitCode, add.Error);
        StringAssert.Contains(add.Output, "creating a new vault at");
        StringAssert.Contains(add.Output, "added 'coinbase'");
        if (!OperatingSystem.IsWindows())
        {
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(vaultPath));
        }

        var second = Cli(cwd, "pw-one\nKEY-2\nsecret-two\nphrase-two\n", "credentials", "add", "kraken", TestKdf);
        Assert.AreEqual(0, second.ExitCode, second.Error);

        var list = Cli(cwd, "pw-one\n", "credentials", "list", TestKdf);
        Assert.AreEqual(0, list.ExitCode, list.Error);
        Assert.AreEqual("coinbase\nkraken\n", list.Output, "names only, one per line");
        foreach (var text in new[] { add.Output, add.Error, second.Output, second.Error, list.Output, list.Error })
        {
            Assert.DoesNotContain("secret-", text);
            Assert.DoesNotContain("pw-one", text);
        }

        using (var vault = CredentialVault.Open(vaultPath, "pw-one", OpenCheap))
        {
            using var kraken = vault.Get("kraken");
            Assert.AreEqual("KEY-2", kraken.ApiKey);
            CollectionAssert.AreEqual("secret-two"u8.ToArray(), kraken.Secret.ToArray());
            CollectionAssert.AreEqual("phrase-two"u8.ToArray(), kraken.Passphrase.ToArray());
            using var coinbase = vault.Get("coinbase");
            Assert.IsTrue(coinbase.Passphrase.IsEmpty);
        }

        var change = Cli(cwd, "pw-one\npw-two\npw-two\n", "credentials", "change-password", TestKdf);
        Assert.AreEqual(0, change.ExitCode, change.Error);
        Assert.AreEqual(VaultErrorReason.WrongPassword, Assert.ThrowsExactly<VaultException>(() => CredentialVault.Open(vaultPath, "pw-one", OpenCheap)).Reason);

        var remove = Cli(cwd, "pw-two\n", "credentials", "remove", "kraken", TestKdf);
        Assert.AreEqual(0, remove.ExitCode, remove.Error);
        using var reopened = CredentialVault.Open(vaultPath, "pw-two", OpenCheap);
        CollectionAssert.AreEqual(new[] { "coinbase" }, reopened.Names.ToArray());
    }

    [TestMethod]
    public void Wrong_passwords_mismatched_repeats_and_unknown_names_fail_clearly_and_change_nothing()
    {
        var cwd = NewWorkingDirectory();
        var vaultPath = Path.Combine(cwd, "data", "credentials.vault");
        var mismatch = Cli(cwd, "pw-one\npw-other\n", "credentials", "add", "coinbase", TestKdf);
        Assert.AreEqual(1, mismatch.ExitCode);
        StringAssert.Contains(mismatch.Error, "the two passwords differ");
        Assert.IsFalse(File.Exists(vaultPath));

        Assert.AreEqual(0, Cli(cwd, "pw-one\npw-one\nKEY-1\nsecret-one\n\n", "credentials", "add", "coinbase", TestKdf).ExitCode);
        var before = File.ReadAllBytes(vaultPath);

        var wrong = Cli(cwd, "nope\n", "credentials", "list", TestKdf);
        Assert.AreEqual(1, wrong.ExitCode);
        StringAssert.Contains(wrong.Error, "wrong password");
        StringAssert.Contains(wrong.Error, "(WrongPassword)");
        Assert.AreEqual(string.Empty, wrong.Output);

        var missing = Cli(cwd, "pw-one\n", "credentials", "remove", "kraken", TestKdf);
        Assert.AreEqual(1, missing.ExitCode);
        StringAssert.Contains(missing.Error, "no credential named 'kraken'");

        var badName = Cli(cwd, string.Empty, "credentials", "add", "../evil", TestKdf);
        Assert.AreEqual(64, badName.ExitCode);
        StringAssert.Contains(badName.Error, "name must be 1 to 64 of A-Z a-z 0-9 . _ -");

        var duplicate = Cli(cwd, "pw-one\nKEY-9\nsecret-9\n\n", "credentials", "add", "coinbase", TestKdf);
        Assert.AreEqual(1, duplicate.ExitCode);
        StringAssert.Contains(duplicate.Error, "a credential named 'coinbase' already exists");

        var endOfInput = Cli(cwd, string.Empty, "credentials", "list", TestKdf);
        Assert.AreEqual(1, endOfInput.ExitCode);
        StringAssert.Contains(endOfInput.Error, "standard input ended");

        CollectionAssert.AreEqual(before, File.ReadAllBytes(vaultPath), "failed commands leave the vault file unchanged");

        // Without the test flag the cheap vault is refused as a downgrade: the flag is the only way in.
        var production = Cli(cwd, "pw-one\n", "credentials", "list");
        Assert.AreEqual(1, production.ExitCode);
        StringAssert.Contains(production.Error, "(WeakKdfParameters)");
    }

    [TestMethod]
    public void Commands_are_audited_and_audit_verify_reports_tampering_with_file_and_line()
    {
        var cwd = NewWorkingDirectory();
        Assert.AreEqual(0, Cli(cwd, "pw-one\npw-one\nKEY-1\nsecret-one\n\n", "credentials", "add", "coinbase", "--data", "vaultdir", TestKdf).ExitCode);
        Assert.AreEqual(1, Cli(cwd, "wrong\n", "credentials", "list", "--data", "vaultdir", TestKdf).ExitCode);
        Assert.IsTrue(File.Exists(Path.Combine(cwd, "vaultdir", "credentials.vault")), "--data chooses the directory");

        var auditDirectory = Path.Combine(cwd, "vaultdir", "audit");
        var verify = Cli(cwd, string.Empty, "audit", "verify", auditDirectory);
        Assert.AreEqual(0, verify.ExitCode, verify.Output + verify.Error);
        StringAssert.StartsWith(verify.Output, "OK: 3 records in 1 files, seq 1..3", StringComparison.Ordinal);

        var file = Directory.GetFiles(auditDirectory, "audit-*.jsonl").Single();
        var lines = File.ReadAllLines(file);
        StringAssert.Contains(lines[2], "\"outcome\":\"denied\"", "the wrong password was recorded");
        lines[1] = lines[1].Replace("coinbase", "binance", StringComparison.Ordinal);
        File.WriteAllLines(file, lines);

        var tampered = Cli(cwd, string.Empty, "audit", "verify", auditDirectory);
        Assert.AreEqual(2, tampered.ExitCode);
        StringAssert.Contains(tampered.Output, $"{file}:2: {AuditProblemKind.Edited}");
        StringAssert.Contains(tampered.Output, "FAILED: 1 problems");
    }

    [TestMethod]
    public void Usage_errors_print_the_usage()
    {
        var cwd = NewWorkingDirectory();
        var result = Cli(cwd, string.Empty, "credentials", "frobnicate");
        Assert.AreEqual(64, result.ExitCode);
        StringAssert.Contains(result.Error, "credentials add <name> [--data <dir>]");
        Assert.AreEqual(64, Cli(cwd, string.Empty, "credentials", "list", "--bogus").ExitCode);
    }
}
