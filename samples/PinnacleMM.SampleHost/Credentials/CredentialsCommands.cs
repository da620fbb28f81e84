using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.Input;

namespace PinnacleMM.SampleHost.Credentials;

/// <summary>
/// The sample host's <c>credentials</c> and <c>audit</c> commands. Passwords and secrets are read with
/// <see cref="MaskedInput"/> (masked on a terminal, one line each from redirected standard input), never from the
/// command line, and zeroed after use. Every change and every refused password is written to the audit log in
/// <c>&lt;data&gt;/audit</c>.
/// </summary>
internal static class CredentialsCommands
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int ProblemsFound = 2;
    public const int Usage = 64;

    private const string UsageText = """
        usage:
          credentials add <name> [--data <dir>]        prompts: vault password (twice for a new vault), API key, secret, passphrase (empty for none)
          credentials list [--data <dir>]              prompts: vault password; prints the names only
          credentials remove <name> [--data <dir>]     prompts: vault password
          credentials change-password [--data <dir>]   prompts: current password, new password twice
          audit verify <dir>                           checks the hash chain of an audit log directory
        The vault is <dir>/credentials.vault (default dir: ./data). With redirected standard input each prompt reads one line.
        """;

    /// <summary>Whether the arguments name one of these commands.</summary>
    public static bool Handles(string[] args) => args.Length > 0 && args[0] is "credentials" or "audit";

    /// <summary>Runs a command; returns the process exit code.</summary>
    public static int Run(string[] args) => Run(args, Console.In, Console.Out, Console.Error);

    internal static int Run(string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        try
        {
            if (args is ["audit", "verify", var directory])
            {
                return VerifyAudit(directory, output);
            }

            if (args is not ["credentials", var command, ..])
            {
                error.WriteLine(UsageText);
                return Usage;
            }

            if (!TryParseOptions(args.AsSpan(2), out var positional, out var dataDirectory, out var insecureKdf, out var usageError))
            {
                error.WriteLine($"error: {usageError}");
                error.WriteLine(UsageText);
                return Usage;
            }

            var session = new Session(dataDirectory, insecureKdf, input, output, error);
            return (command, positional) switch
            {
                ("add", [var name]) => session.Add(name),
                ("list", []) => session.List(),
                ("remove", [var name]) => session.Remove(name),
                ("change-password", []) => session.ChangePassword(),
                _ => UsageError(error),
            };
        }
        catch (VaultException ex)
        {
            error.WriteLine($"error: {ex.Message} ({ex.Reason})");
            return Failed;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException or OperationCanceledException or InvalidDataException)
        {
            error.WriteLine($"error: {ex.Message}");
            return Failed;
        }
    }

    private static int UsageError(TextWriter error)
    {
        error.WriteLine(UsageText);
        return Usage;
    }

    private static int VerifyAudit(string directory, TextWriter output)
    {
        var result = AuditLogVerifier.Verify(directory);
        if (result.IsValid)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"OK: {result.RecordCount} records in {result.Files.Count} files, seq {result.FirstSequence}..{result.LastSequence}, last hash {result.LastHash}"));
            return Ok;
        }

        foreach (var problem in result.Problems)
        {
            output.WriteLine(problem.ToString());
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"FAILED: {result.Problems.Count} problems in {result.RecordCount} records"));
        return ProblemsFound;
    }

    private static bool TryParseOptions(ReadOnlySpan<string> args, out List<string> positional, out string dataDirectory, out bool insecureKdf, out string? error)
    {
        positional = [];
        dataDirectory = "data";
        insecureKdf = false;
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--data" when i + 1 < args.Length:
                    dataDirectory = args[++i];
                    break;
                case "--data":
                    error = "--data needs a directory";
                    return false;
                case "--insecure-kdf-for-tests":
                    // Test-only: cheap scrypt so child-process tests run in milliseconds. Never use it for real keys.
                    insecureKdf = true;
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    error = $"unknown option {option}";
                    return false;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return true;
    }

    /// <summary>One command against one data directory: the vault, the audit log and the console.</summary>
    private sealed class Session(string dataDirectory, bool insecureKdf, TextReader input, TextWriter output, TextWriter error)
    {
        private readonly string _data = Path.GetFullPath(dataDirectory);
        private readonly VaultOptions _vaultOptions = insecureKdf
            ? new VaultOptions { Kdf = KdfParameters.Scrypt(1024, 8, 1), AllowInsecureKdfParametersForTesting = true }
            : new VaultOptions();

        private string VaultPath => Path.Combine(_data, "credentials.vault");

        public int Add(string name)
        {
            if (!CredentialVault.IsValidName(name))
            {
                error.WriteLine($"error: name must be 1 to {CredentialVault.MaxNameLength} of A-Z a-z 0-9 . _ - and not start with '.'");
                return Usage;
            }

            using var audit = OpenAudit();
            using var vault = File.Exists(VaultPath) ? OpenVault(audit, "credentials.add") : CreateVault(audit);
            if (vault is null)
            {
                return Failed;
            }

            var apiKey = ReadLine("API key: ");
            var secret = ReadSecret("API secret: ");
            var passphrase = ReadSecret("Passphrase (empty for none): ");
            try
            {
                using var credential = ExchangeCredential.FromApiKey(apiKey, secret, passphrase);
                vault.Add(name, credential);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(secret);
                CryptographicOperations.ZeroMemory(passphrase);
            }

            Audit(audit, "credentials.add", name, AuditOutcome.Success);
            output.WriteLine($"added '{name}' to {VaultPath}");
            return Ok;
        }

        public int List()
        {
            using var audit = OpenAudit();
            using var vault = OpenVault(audit, "credentials.list");
            if (vault is null)
            {
                return Failed;
            }

            foreach (var name in vault.Names)
            {
                output.WriteLine(name);
            }

            return Ok;
        }

        public int Remove(string name)
        {
            using var audit = OpenAudit();
            using var vault = OpenVault(audit, "credentials.remove");
            if (vault is null)
            {
                return Failed;
            }

            if (!vault.Remove(name))
            {
                error.WriteLine($"error: no credential named '{name}' in {VaultPath}");
                Audit(audit, "credentials.remove", name, AuditOutcome.Failure, ("reason", "not found"));
                return Failed;
            }

            Audit(audit, "credentials.remove", name, AuditOutcome.Success);
            output.WriteLine($"removed '{name}'");
            return Ok;
        }

        public int ChangePassword()
        {
            using var audit = OpenAudit();
            var current = MaskedInput.ReadPassword("Current vault password: ");
            try
            {
                using var vault = Open(audit, "credentials.change-password", current);
                if (vault is null)
                {
                    return Failed;
                }

                var replacement = ReadNewPassword("New vault password: ");
                if (replacement is null)
                {
                    return Failed;
                }

                try
                {
                    vault.ChangePassword(current, replacement);
                }
                finally
                {
                    Array.Clear(replacement);
                }
            }
            finally
            {
                Array.Clear(current);
            }

            Audit(audit, "credentials.change-password", "credentials.vault", AuditOutcome.Success);
            output.WriteLine("password changed; the vault was re-encrypted with a new salt");
            return Ok;
        }

        private AuditLog OpenAudit()
        {
            EnsureDataDirectory();
            return new AuditLog(new AuditLogOptions { Directory = Path.Combine(_data, "audit") });
        }

        private void EnsureDataDirectory()
        {
            if (!Directory.Exists(_data))
            {
                if (OperatingSystem.IsWindows())
                {
                    Directory.CreateDirectory(_data);
                }
                else
                {
                    Directory.CreateDirectory(_data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }

        private CredentialVault? CreateVault(AuditLog audit)
        {
            output.WriteLine($"creating a new vault at {VaultPath}");
            var password = ReadNewPassword("New vault password: ");
            if (password is null)
            {
                return null;
            }

            try
            {
                var vault = CredentialVault.Create(VaultPath, password, _vaultOptions);
                Audit(audit, "credentials.create-vault", "credentials.vault", AuditOutcome.Success, ("kdf", vault.Kdf.ToString()));
                return vault;
            }
            finally
            {
                Array.Clear(password);
            }
        }

        private CredentialVault? OpenVault(AuditLog audit, string action)
        {
            var password = MaskedInput.ReadPassword("Vault password: ");
            try
            {
                return Open(audit, action, password);
            }
            finally
            {
                Array.Clear(password);
            }
        }

        private CredentialVault? Open(AuditLog audit, string action, char[] password)
        {
            try
            {
                return CredentialVault.Open(VaultPath, password, _vaultOptions);
            }
            catch (VaultException ex)
            {
                Audit(audit, action, "credentials.vault", ex.Reason == VaultErrorReason.WrongPassword ? AuditOutcome.Denied : AuditOutcome.Failure, ("reason", ex.Reason.ToString()));
                error.WriteLine($"error: {ex.Message} ({ex.Reason})");
                return null;
            }
        }

        private char[]? ReadNewPassword(string prompt)
        {
            var first = MaskedInput.ReadPassword(prompt);
            var second = MaskedInput.ReadPassword("Repeat it: ");
            try
            {
                if (first.Length == 0)
                {
                    error.WriteLine("error: the vault password must not be empty");
                }
                else if (!first.AsSpan().SequenceEqual(second))
                {
                    error.WriteLine("error: the two passwords differ; nothing was changed");
                }
                else
                {
                    return first;
                }

                Array.Clear(first);
                return null;
            }
            finally
            {
                Array.Clear(second);
            }
        }

        private string ReadLine(string prompt)
        {
            if (!Console.IsInputRedirected)
            {
                error.Write(prompt);
            }

            return input.ReadLine() ?? throw new EndOfStreamException($"standard input ended before the {prompt.TrimEnd(' ', ':')} was read");
        }

        /// <summary>A masked secret as UTF-8 bytes; the chars are zeroed here, the caller zeroes the bytes.</summary>
        private static byte[] ReadSecret(string prompt)
        {
            var chars = MaskedInput.ReadPassword(prompt);
            try
            {
                var bytes = GC.AllocateUninitializedArray<byte>(Encoding.UTF8.GetByteCount(chars), pinned: true);
                Encoding.UTF8.GetBytes(chars, bytes);
                return bytes;
            }
            finally
            {
                Array.Clear(chars);
            }
        }

        private void Audit(AuditLog audit, string type, string target, AuditOutcome outcome, params (string Key, string Value)[] details) =>
            audit.TryWrite(new AuditEvent(type, Environment.UserName, $"{Environment.MachineName}/sample-host", target, outcome,
                details.Length == 0 ? null : details.ToDictionary(d => d.Key, d => d.Value)));
    }
}
