using PinnacleMM.Security.Audit;
using PinnacleMM.Security.Credentials;
using PinnacleMM.Security.RateLimiting;
using PinnacleMM.Security.Tls;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security;

/// <summary>
/// Settings of everything <c>services.AddPinnacleMMSecurity(...)</c> registers, bound from the
/// <see cref="SectionName"/> configuration section or set in code, and validated when the host starts.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>The conventional configuration section: <c>PinnacleMM:Security</c>.</summary>
    public const string SectionName = "PinnacleMM:Security";

    /// <summary>Largest accepted <see cref="AuditLogOptions.MaxFileBytes"/>: 1 GiB.</summary>
    public const long MaxAuditFileBytes = 1L << 30;

    /// <summary>The data directory every other path is relative to (and must stay inside). Default <c>data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The vault file, relative to <see cref="DataDirectory"/>. Default <c>credentials.vault</c>.</summary>
    public string VaultFile { get; set; } = "credentials.vault";

    /// <summary>KDF parameters for vault saves, and whether weak test parameters are accepted (never in production).</summary>
    public VaultOptions Vault { get; set; } = new();

    /// <summary>The audit log; its <see cref="AuditLogOptions.Directory"/> is relative to <see cref="DataDirectory"/> (default <c>audit</c>).</summary>
    public AuditLogOptions Audit { get; set; } = new() { Directory = "audit" };

    /// <summary>Certificate pin sets and chain-validation settings.</summary>
    public CertificatePinningOptions Pinning { get; set; } = new();

    /// <summary>Rate-limit policies replacing the defaults of some categories.</summary>
    public Dictionary<RateLimitCategory, RateLimitPolicy> RateLimits { get; set; } = [];

    /// <summary>The full path of the vault file.</summary>
    /// <returns>The path inside the data directory.</returns>
    /// <exception cref="ArgumentException">The path is not inside the data directory (see <see cref="Validate"/>).</exception>
    public string GetVaultPath() => Resolve(VaultFile, "vaultFile");

    /// <summary>The audit log options with the directory resolved inside the data directory.</summary>
    /// <returns>A copy of <see cref="Audit"/> with a full <see cref="AuditLogOptions.Directory"/>.</returns>
    /// <exception cref="ArgumentException">The directory is not inside the data directory.</exception>
    public AuditLogOptions GetAuditLogOptions() => new()
    {
        Directory = Resolve(Audit.Directory, "audit.directory"),
        FilePrefix = Audit.FilePrefix,
        MaxFileBytes = Audit.MaxFileBytes,
        RetainedFiles = Audit.RetainedFiles,
        QueueCapacity = Audit.QueueCapacity,
        FlushToDisk = Audit.FlushToDisk,
    };

    /// <summary>Checks every setting with the <see cref="InputValidator"/> rules; never throws.</summary>
    /// <returns>Every problem, each naming the field and the rule; empty when valid.</returns>
    public IReadOnlyList<ValidationResult> Validate()
    {
        var problems = new List<ValidationResult>();
        void Check(ValidationResult result)
        {
            if (!result.IsValid)
            {
                problems.Add(result);
            }
        }

        if (string.IsNullOrWhiteSpace(DataDirectory))
        {
            Check(ValidationResult.Invalid("dataDirectory", "required", "dataDirectory is required"));
            return problems;
        }

        Check(InputValidator.PathWithin(DataDirectory, VaultFile, out _, "vaultFile"));
        Check(InputValidator.PathWithin(DataDirectory, Audit?.Directory, out _, "audit.directory"));
        if (Vault is null)
        {
            Check(ValidationResult.Invalid("vault", "required", "vault is required"));
        }
        else if (!Vault.Kdf.IsWellFormed)
        {
            Check(ValidationResult.Invalid("vault.kdf", "well-formed", $"vault.kdf {Vault.Kdf} is not well formed"));
        }
        else if (!Vault.Kdf.MeetsMinimum && !Vault.AllowInsecureKdfParametersForTesting)
        {
            Check(ValidationResult.Invalid("vault.kdf", "minimum", $"vault.kdf {Vault.Kdf} is below the minimum {KdfParameters.MinimumScrypt} / {KdfParameters.MinimumPbkdf2}"));
        }

        if (Audit is not null)
        {
            Check(Audit.MaxFileBytes < AuditLogOptions.MinFileBytes
                ? ValidationResult.Invalid("audit.maxFileBytes", "min-size", $"audit.maxFileBytes must be at least {AuditLogOptions.MinFileBytes} bytes")
                : InputValidator.ConfigSize(Audit.MaxFileBytes, MaxAuditFileBytes, "audit.maxFileBytes"));
            CheckThrows(problems, "audit", () => Audit.Validate());
        }

        Check(Pinning is null ? ValidationResult.Invalid("pinning", "required", "pinning is required") : Pinning.Validate());
        foreach (var (category, policy) in RateLimits ?? [])
        {
            var field = $"rateLimits.{category}";
            if (!Enum.IsDefined(category))
            {
                Check(ValidationResult.Invalid(field, "enum", $"{field} is not a rate-limit category"));
                continue;
            }

            if (policy is null)
            {
                // Validate() on it would throw NullReferenceException, which no caller of a "never throws" check expects.
                Check(ValidationResult.Invalid(field, "required", $"{field} is null: set a policy or leave the category out for its default"));
                continue;
            }

            CheckThrows(problems, field, policy.Validate);
        }

        return problems;
    }

    private static void CheckThrows(List<ValidationResult> problems, string field, Action validate)
    {
        try
        {
            validate();
        }
        catch (ArgumentException ex)
        {
            var name = ex.ParamName is null ? field : $"{field}.{char.ToLowerInvariant(ex.ParamName[0])}{ex.ParamName[1..]}";
            if (problems.All(p => p.Field != name))
            {
                problems.Add(ValidationResult.Invalid(name, "range", $"{name}: {ex.Message.Split(" (Parameter", 2)[0]}"));
            }
        }
    }

    private string Resolve(string? path, string field)
    {
        var result = InputValidator.PathWithin(DataDirectory, path, out var full, field);
        result.ThrowIfInvalid();
        return full!;
    }
}
