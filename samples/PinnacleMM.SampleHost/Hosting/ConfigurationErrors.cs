using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Persistence;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>Turns the host's start-time option failures into one line per broken setting, each with its full configuration path.</summary>
internal static class ConfigurationErrors
{
    private static readonly Dictionary<Type, string> Sections = new()
    {
        [typeof(BasicMarketMakerOptions)] = SampleHostBuilder.StrategiesSection + ":BasicMarketMaker",
        [typeof(AvellanedaStoikovOptions)] = SampleHostBuilder.StrategiesSection + ":AvellanedaStoikov",
        [typeof(PersistenceOptions)] = PersistenceOptions.SectionName,
    };

    private static readonly HashSet<Type> ExchangeTypes = [typeof(TradedInstrumentOptions), typeof(ExchangeSimulatorOptions), typeof(TradingEngineOptions)];

    /// <summary>Whether <paramref name="exception"/> is a configuration problem; if so, the problems to print.</summary>
    public static bool TryDescribe(Exception exception, out IReadOnlyList<string> problems)
    {
        var list = new List<string>();
        var isConfiguration = Collect(exception, list);

        // An options type whose setup reads another one fails with that one's errors too: report each once.
        problems = list.Distinct(StringComparer.Ordinal).ToList();
        return isConfiguration && list.Count > 0;
    }

    // The package validators name the field within their section ("BaseSpreadBps: ...", "KillSwitch.MaxDrawdown: ...",
    // "Simulator.Takers.RatePerSecond: ..."); the full configuration path is what a user edits.
    private static string WithPath(Type optionsType, string failure)
    {
        if (failure.StartsWith("PinnacleMM:", StringComparison.Ordinal))
        {
            return failure;
        }

        var section = ExchangeTypes.Contains(optionsType) ? PinnacleMMExchangeServiceCollectionExtensions.SectionName : Sections.GetValueOrDefault(optionsType);
        if (section is null)
        {
            return failure;
        }

        // "Simulator.Takers.RatePerSecond: ..." is PinnacleMM:Exchange:Simulator:Takers:RatePerSecond.
        var end = failure.IndexOf(": ", StringComparison.Ordinal);
        var isField = end > 0 && !failure.AsSpan(0, end).Contains(' ');
        return section + ":" + (isField ? failure[..end].Replace('.', ':') + failure[end..] : failure);
    }

    private static bool Collect(Exception exception, List<string> problems)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                foreach (var failure in validation.Failures)
                {
                    problems.Add(WithPath(validation.OptionsType, failure));
                }

                return true;
            case AggregateException aggregate:
                return aggregate.InnerExceptions.All(inner => Collect(inner, problems));
            case InvalidOperationException when exception.Message.Contains("configuration value", StringComparison.Ordinal):
                // The binder: "Failed to convert configuration value at 'PinnacleMM:...:Key' to type '...'" names the key.
                problems.Add(exception.Message + (exception.InnerException is { } inner ? " " + inner.Message : string.Empty));
                return true;
            default:
                return false;
        }
    }
}
