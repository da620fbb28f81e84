namespace PinnacleMM.Security.Audit;

/// <summary>
/// One security-relevant event to record. The log adds the UTC timestamp (from its <see cref="TimeProvider"/>),
/// the sequence number and the hash chain. Never put a password, key or secret into any field.
/// </summary>
/// <param name="EventType">What happened, a short dotted name such as <c>vault.open</c> or <c>tls.pin-mismatch</c>: 1 to <see cref="MaxTypeLength"/> characters.</param>
/// <param name="Actor">Who did it (user, process or component): at most <see cref="MaxFieldLength"/> characters.</param>
/// <param name="Source">Where it came from (host name, package, remote address): at most <see cref="MaxFieldLength"/> characters.</param>
/// <param name="Target">What it was done to (a file, a host, a credential name): at most <see cref="MaxFieldLength"/> characters.</param>
/// <param name="Outcome">How it ended.</param>
/// <param name="Details">Extra key/value pairs, at most <see cref="MaxDetails"/>; null for none.</param>
public sealed record AuditEvent(
    string EventType,
    string Actor,
    string Source,
    string Target,
    AuditOutcome Outcome,
    IReadOnlyDictionary<string, string>? Details = null)
{
    /// <summary>Longest <see cref="EventType"/>, in characters.</summary>
    public const int MaxTypeLength = 128;

    /// <summary>Longest actor, source, target, detail key or detail value, in characters.</summary>
    public const int MaxFieldLength = 4096;

    /// <summary>Most detail entries per event.</summary>
    public const int MaxDetails = 64;

    /// <summary>Throws when a field is missing or too long, naming the field and the rule.</summary>
    /// <exception cref="ArgumentException">A field is null, empty (the type), too long, or the outcome is unknown.</exception>
    public void Validate()
    {
        if (string.IsNullOrEmpty(EventType) || EventType.Length > MaxTypeLength)
        {
            throw new ArgumentException($"eventType must be 1 to {MaxTypeLength} characters", nameof(EventType));
        }

        CheckField(Actor, nameof(Actor));
        CheckField(Source, nameof(Source));
        CheckField(Target, nameof(Target));
        if (!Enum.IsDefined(Outcome))
        {
            throw new ArgumentException($"outcome {(int)Outcome} is not a defined AuditOutcome", nameof(Outcome));
        }

        if (Details is null)
        {
            return;
        }

        if (Details.Count > MaxDetails)
        {
            throw new ArgumentException($"details must have at most {MaxDetails} entries", nameof(Details));
        }

        foreach (var (key, value) in Details)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxFieldLength)
            {
                throw new ArgumentException($"details keys must be 1 to {MaxFieldLength} characters", nameof(Details));
            }

            CheckField(value, nameof(Details));
        }
    }

    private static void CheckField(string? value, string field)
    {
        if (value is null || value.Length > MaxFieldLength)
        {
            throw new ArgumentException($"{char.ToLowerInvariant(field[0])}{field[1..]} must be non-null and at most {MaxFieldLength} characters", field);
        }
    }
}
