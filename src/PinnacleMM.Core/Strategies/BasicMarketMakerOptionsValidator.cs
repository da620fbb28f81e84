using Microsoft.Extensions.Options;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// Validates <see cref="BasicMarketMakerOptions"/> for the Options pattern with the same rules and
/// messages as <see cref="BasicMarketMakerOptions.Validate"/>, so a bad config fails at start naming every broken field.
/// </summary>
internal sealed class BasicMarketMakerOptionsValidator : IValidateOptions<BasicMarketMakerOptions>
{
    public ValidateOptionsResult Validate(string? name, BasicMarketMakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
