using Microsoft.Extensions.Options;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// Runs an options type's own rule list at host start and reports each broken rule with the configuration path of
/// its section, so that the message names the exact key to fix.
/// </summary>
internal sealed class SectionValidator<TOptions>(string section, Func<TOptions, IEnumerable<string>> rules) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var errors = rules(options).Select(e => $"{section}:{e}").ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
