using System.Collections;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Persistence;
using PinnacleMM.Security;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// Finds configuration keys that no options property reads. The binder ignores them, so a misspelt setting
/// (<c>BaseSpredBps</c>) would silently keep its default; the sample host refuses to start instead.
/// </summary>
internal static class UnknownSettings
{
    private static readonly Dictionary<string, Type> Sections = new(StringComparer.OrdinalIgnoreCase)
    {
        [SampleHostBuilder.StrategiesSection + ":BasicMarketMaker"] = typeof(BasicMarketMakerOptions),
        [SampleHostBuilder.StrategiesSection + ":AvellanedaStoikov"] = typeof(AvellanedaStoikovOptions),
        [PinnacleMMExchangeServiceCollectionExtensions.SectionName + ":Instrument"] = typeof(TradedInstrumentOptions),
        [PinnacleMMExchangeServiceCollectionExtensions.SectionName + ":Simulator"] = typeof(ExchangeSimulatorOptions),
        [PinnacleMMExchangeServiceCollectionExtensions.SectionName + ":Engine"] = typeof(TradingEngineOptions),
        [PersistenceOptions.SectionName] = typeof(PersistenceOptions),
        [SecurityOptions.SectionName] = typeof(SecurityOptions),
        [SessionLogOptions.SectionName] = typeof(SessionLogOptions),
    };

    /// <summary>Every key below <c>PinnacleMM</c> in <paramref name="configuration"/> that is not a setting, with its full path.</summary>
    /// <remarks>Other top-level sections belong to the host or other libraries and are left alone.</remarks>
    public static IReadOnlyList<string> Find(IConfiguration configuration)
    {
        var problems = new List<string>();
        Walk(configuration.GetSection("PinnacleMM").GetChildren(), problems);
        return problems;
    }

    private static void Walk(IEnumerable<IConfigurationSection> sections, List<string> problems)
    {
        foreach (var section in sections)
        {
            if (Sections.TryGetValue(section.Path, out var type))
            {
                Check(section, type, problems);
            }
            else if (Sections.Keys.Any(known => known.StartsWith(section.Path + ":", StringComparison.OrdinalIgnoreCase)))
            {
                Walk(section.GetChildren(), problems);
            }
            else
            {
                problems.Add($"{section.Path}: unknown section (the sample host reads {string.Join(", ", Sections.Keys)})");
            }
        }
    }

    private static void Check(IConfigurationSection section, Type type, List<string> problems)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (IsScalar(type))
        {
            foreach (var child in section.GetChildren())
            {
                problems.Add($"{child.Path}: unknown setting ({section.Path} is a single value)");
            }

            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            // Keys are data (e.g. rate-limit categories, checked by the options' own validation); values are settings.
            foreach (var entry in section.GetChildren())
            {
                Check(entry, type.GetGenericArguments()[1], problems);
            }

            return;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments().FirstOrDefault() ?? typeof(object);
            foreach (var item in section.GetChildren())
            {
                Check(item, element, problems);
            }

            return;
        }

        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } || !IsScalar(p.PropertyType))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in section.GetChildren())
        {
            if (properties.TryGetValue(child.Key, out var property))
            {
                Check(child, property.PropertyType, problems);
            }
            else
            {
                problems.Add($"{child.Path}: unknown setting (not a property of {type.Name})");
            }
        }
    }

    private static bool IsScalar(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(TimeSpan)
            || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(Uri) || type == typeof(Guid);
    }
}
