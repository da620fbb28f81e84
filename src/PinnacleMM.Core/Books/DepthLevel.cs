using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>One aggregated price level: its price, total quantity and number of orders.</summary>
/// <param name="Price">The level's price.</param>
/// <param name="Quantity">The total quantity resting at the price.</param>
/// <param name="OrderCount">How many orders rest at the price (0 where the source has no order counts).</param>
public readonly record struct DepthLevel(Price Price, Quantity Quantity, int OrderCount);
