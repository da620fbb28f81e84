using Microsoft.Extensions.Options;

namespace PinnacleMM.Persistence.DependencyInjection;

/// <summary>Validates <see cref="PersistenceOptions"/> for the options pattern (run at start by <c>ValidateOnStart</c>).</summary>
internal sealed class PersistenceOptionsValidator : IValidateOptions<PersistenceOptions>
{
    public ValidateOptionsResult Validate(string? name, PersistenceOptions options)
    {
        var errors = options.GetErrors();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
