using Microsoft.Extensions.Options;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.DependencyInjection;

/// <summary>Validates <see cref="TradingEngineOptions"/> at start with the rules of <see cref="TradingEngineOptions.Validate"/>.</summary>
internal sealed class TradingEngineOptionsValidator : IValidateOptions<TradingEngineOptions>
{
    public ValidateOptionsResult Validate(string? name, TradingEngineOptions options) => Result(options.Validate(), "Engine.");

    internal static ValidateOptionsResult Result(IReadOnlyList<string> errors, string prefix) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => prefix + e));
}

/// <summary>Validates <see cref="ExchangeSimulatorOptions"/> at start with the simulator's own rules.</summary>
internal sealed class ExchangeSimulatorOptionsValidator : IValidateOptions<ExchangeSimulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeSimulatorOptions options)
    {
        var errors = options.Validate();

        // Registered this way, the simulator's instrument is always the configured TradedInstrumentOptions; it is
        // missing only when those are invalid, which their own validation reports naming the broken field.
        return TradingEngineOptionsValidator.Result(options.Instrument is null ? [.. errors.Where(e => !e.StartsWith("Instrument:", StringComparison.Ordinal))] : errors, "Simulator.");
    }
}

/// <summary>Validates <see cref="TradedInstrumentOptions"/> at start.</summary>
internal sealed class TradedInstrumentOptionsValidator : IValidateOptions<TradedInstrumentOptions>
{
    public ValidateOptionsResult Validate(string? name, TradedInstrumentOptions options) => TradingEngineOptionsValidator.Result(options.Validate(), string.Empty);
}
