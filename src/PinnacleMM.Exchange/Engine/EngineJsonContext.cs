using System.Text.Json.Serialization;
using PinnacleMM.Core.Strategies;

namespace PinnacleMM.Exchange.Engine;

/// <summary>Source-generated JSON for the strategy state section of the engine's snapshots.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(StrategyState))]
internal sealed partial class EngineJsonContext : JsonSerializerContext;
