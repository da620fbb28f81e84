using System.Security.Cryptography.X509Certificates;
using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security.Tls;

/// <summary>The pin sets and chain-validation settings of a <see cref="CertificatePinValidator"/>.</summary>
public sealed class CertificatePinningOptions
{
    /// <summary>One pin set per host.</summary>
    public IList<PinSet> PinSets { get; set; } = [];

    /// <summary>
    /// Whether a host without a pin set is refused. False by default: such hosts get normal chain validation only.
    /// </summary>
    public bool RequirePinForEveryHost { get; set; }

    /// <summary>
    /// Roots to trust instead of the system store (<see cref="X509ChainTrustMode.CustomRootTrust"/>), e.g. a
    /// private CA or a test CA. Empty (default): the operating system's trust store.
    /// </summary>
    public IList<X509Certificate2> CustomTrustRoots { get; } = [];

    /// <summary>Revocation checking of the chain; <see cref="X509RevocationMode.NoCheck"/> by default, as <c>SslStream</c> does.</summary>
    public X509RevocationMode RevocationMode { get; set; } = X509RevocationMode.NoCheck;

    /// <summary>Checks every pin set and that no host has two; never throws.</summary>
    /// <param name="field">The field name to report.</param>
    /// <returns>Valid, or the first problem naming the field and the rule (<c>duplicate</c> for a second set of a host).</returns>
    public ValidationResult Validate(string field = "pinning")
    {
        var hosts = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < PinSets.Count; i++)
        {
            var set = PinSets[i];
            var result = set is null
                ? ValidationResult.Invalid($"{field}.pinSets[{i}]", "required", $"{field}.pinSets[{i}] is null")
                : set.Validate($"{field}.pinSets[{i}]");
            if (!result.IsValid)
            {
                return result;
            }

            if (!hosts.Add(set!.Host.TrimEnd('.')))
            {
                return ValidationResult.Invalid($"{field}.pinSets[{i}].host", "duplicate", $"{field}.pinSets[{i}].host has a second pin set; merge them");
            }
        }

        return Enum.IsDefined(RevocationMode)
            ? ValidationResult.Valid
            : ValidationResult.Invalid($"{field}.revocationMode", "enum", $"{field}.revocationMode is not a defined X509RevocationMode");
    }
}
