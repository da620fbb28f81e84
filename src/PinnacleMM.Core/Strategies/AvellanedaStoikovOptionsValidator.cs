using Microsoft.Extensions.Options;

namespace PinnacleMM.Core.Strategies;

/// <summary>Validates <see cref="AvellanedaStoikovOptions"/> for the Options pattern with the messages of <see cref="AvellanedaStoikovOptions.Validate"/>.</summary>
internal sealed class AvellanedaStoikovOptionsValidator : IValidateOptions<AvellanedaStoikovOptions>
{
    public ValidateOptionsResult Validate(string? name, AvellanedaStoikovOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
