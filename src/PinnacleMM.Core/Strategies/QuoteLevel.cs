using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Strategies;

/// <summary>One desired quote: a price and a size on one side of the book.</summary>
/// <param name="Price">The limit price in ticks.</param>
/// <param name="Quantity">The size in lots.</param>
public readonly record struct QuoteLevel(Price Price, Quantity Quantity);
