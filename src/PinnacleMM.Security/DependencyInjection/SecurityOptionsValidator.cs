using Microsoft.Extensions.Options;

namespace PinnacleMM.Security;

/// <summary>Runs <see cref="SecurityOptions.Validate"/> for the options system, so that a bad setting stops the host at start with every problem listed.</summary>
internal sealed class SecurityOptionsValidator : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Select(Describe));
    }

    // The field as the configuration key a user edits: "pinning.pinSets[0].pins[0] must be ..." is reported as
    // "PinnacleMM:Security:pinning:pinSets:0:pins:0 must be ...".
    private static string Describe(Validation.ValidationResult problem)
    {
        var field = problem.Field!;
        var key = $"{SecurityOptions.SectionName}:{field.Replace('[', ':').Replace("]", string.Empty, StringComparison.Ordinal).Replace('.', ':')}";
        var text = problem.ToString();
        return text.StartsWith(field, StringComparison.Ordinal) ? key + text[field.Length..] : $"{key}: {text}";
    }
}
