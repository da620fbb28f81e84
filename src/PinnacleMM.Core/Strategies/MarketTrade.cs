using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>A trade printed by the venue (anyone's, not necessarily ours), as a strategy receives it.</summary>
/// <param name="Price">The trade price.</param>
/// <param name="Quantity">The traded size.</param>
/// <param name="Aggressor">The side of the order that took liquidity: <see cref="Side.Buy"/> lifted an ask.</param>
/// <param name="TimestampNanoseconds">When it happened, on the engine's monotonic clock.</param>
public readonly record struct MarketTrade(Price Price, Quantity Quantity, Side Aggressor, long TimestampNanoseconds);
