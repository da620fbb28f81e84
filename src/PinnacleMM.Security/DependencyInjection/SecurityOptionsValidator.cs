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
            : ValidateOptionsResult.Fail(problems.Select(p => $"{SecurityOptions.SectionName}: {p}"));
    }
}
