using PinnacleMM.Security.Validation;

namespace PinnacleMM.Security.Tls;

/// <summary>
/// The pins of one host: base64 SHA-256 hashes of the SubjectPublicKeyInfo of certificates allowed anywhere in its
/// validated chain (leaf, intermediate or root), with backup pins for a planned key change and an expiry.
/// Compute a pin with <see cref="CertificatePinValidator.ComputeSpkiPin"/> or
/// <c>openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64</c>.
/// </summary>
public sealed class PinSet
{
    /// <summary>The host name as used in the URL (compared case-insensitively, no port).</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>The current pins; at least one.</summary>
    public IList<string> Pins { get; set; } = [];

    /// <summary>Pins of keys not in use yet (the next key, kept offline), accepted like <see cref="Pins"/>.</summary>
    public IList<string> BackupPins { get; set; } = [];

    /// <summary>When the pins stop being trusted (UTC); null for never. After it, <see cref="WhenExpired"/> applies.</summary>
    public DateTimeOffset? ExpiresUtc { get; set; }

    /// <summary>What happens after <see cref="ExpiresUtc"/>; <see cref="ExpiredPinSetPolicy.Refuse"/> by default.</summary>
    public ExpiredPinSetPolicy WhenExpired { get; set; } = ExpiredPinSetPolicy.Refuse;

    /// <summary>Checks the host and every pin; never throws.</summary>
    /// <param name="field">The field name to report, e.g. <c>pinning:pinSets:0</c>.</param>
    /// <returns>Valid, or the first problem naming the field and the rule (<c>hostname</c>, <c>required</c>, <c>pin</c>).</returns>
    public ValidationResult Validate(string field = "pinSet")
    {
        var host = InputValidator.HostName(Host, $"{field}.host");
        if (!host.IsValid)
        {
            return host;
        }

        if (Pins is null || Pins.Count == 0)
        {
            return ValidationResult.Invalid($"{field}.pins", "required", $"{field}.pins must contain at least one pin");
        }

        foreach (var (list, name) in new[] { (Pins, "pins"), (BackupPins ?? [], "backupPins") })
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (!IsPin(list[i]))
                {
                    return ValidationResult.Invalid($"{field}.{name}[{i}]", "pin", $"{field}.{name}[{i}] must be the base64 of a 32-byte SHA-256 hash (44 characters)");
                }
            }
        }

        return Enum.IsDefined(WhenExpired)
            ? ValidationResult.Valid
            : ValidationResult.Invalid($"{field}.whenExpired", "enum", $"{field}.whenExpired must be Refuse or ChainValidationOnly");
    }

    internal static bool IsPin(string? pin)
    {
        Span<byte> decoded = stackalloc byte[33];
        return pin is { Length: 44 } && Convert.TryFromBase64String(pin, decoded, out var written) && written == 32;
    }
}
