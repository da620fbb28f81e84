namespace PinnacleMM.Security.Validation;

/// <summary>
/// The outcome of validating one input: valid, or invalid with the field that was wrong, the rule it
/// broke and a message a person can act on. Validators return it instead of throwing, so that a
/// boundary can report every problem before anything is stored.
/// </summary>
public readonly record struct ValidationResult
{
    private ValidationResult(string? field, string? rule, string? message)
    {
        Field = field;
        Rule = rule;
        Message = message;
    }

    /// <summary>The valid result.</summary>
    public static ValidationResult Valid => default;

    /// <summary>Whether the input passed.</summary>
    public bool IsValid => Rule is null;

    /// <summary>The name of the input field that failed, e.g. <c>apiKey</c>; <see langword="null"/> when valid.</summary>
    public string? Field { get; }

    /// <summary>A short, stable name of the broken rule, e.g. <c>max-length</c>; <see langword="null"/> when valid.</summary>
    public string? Rule { get; }

    /// <summary>What was wrong, naming the field and the rule; never contains the value of a secret. <see langword="null"/> when valid.</summary>
    public string? Message { get; }

    /// <summary>An invalid result.</summary>
    /// <param name="field">The input field that failed.</param>
    /// <param name="rule">A short, stable name of the rule.</param>
    /// <param name="message">What was wrong; must not contain secret values.</param>
    /// <exception cref="ArgumentException">A parameter is null or empty.</exception>
    public static ValidationResult Invalid(string field, string rule, string message)
    {
        ArgumentException.ThrowIfNullOrEmpty(field);
        ArgumentException.ThrowIfNullOrEmpty(rule);
        ArgumentException.ThrowIfNullOrEmpty(message);
        return new ValidationResult(field, rule, message);
    }

    /// <summary>Throws <see cref="ArgumentException"/> with the message when invalid.</summary>
    /// <exception cref="ArgumentException">The result is invalid.</exception>
    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ArgumentException($"{Message} (rule: {Rule})", Field);
        }
    }

    /// <summary>
    /// <c>valid</c>, or <c>message (rule)</c>. The message of every validator in this package starts with the field's
    /// name; one that does not is prefixed by it (<c>field: message (rule)</c>), so the field is always named, once.
    /// </summary>
    public override string ToString() =>
        IsValid ? "valid"
        : Message!.StartsWith(Field!, StringComparison.Ordinal) ? $"{Message} ({Rule})"
        : $"{Field}: {Message} ({Rule})";
}
