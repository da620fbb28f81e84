namespace PinnacleMM.Core.Portfolio;

/// <summary>One open lot of a FIFO position: what was bought (or sold short) at one price and is still open.</summary>
/// <param name="PriceTicks">The entry price in ticks.</param>
/// <param name="Lots">The open quantity in lots, signed like the position (positive long, negative short).</param>
public readonly record struct FifoLot(long PriceTicks, long Lots);
