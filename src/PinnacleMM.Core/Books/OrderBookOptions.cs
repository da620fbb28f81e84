namespace PinnacleMM.Core.Books;

/// <summary>Capacity hints for an <see cref="OrderBook"/>. Storage grows beyond them when needed (an allocation, once); sizing them for the expected peak keeps every operation allocation-free.</summary>
public sealed class OrderBookOptions
{
    /// <summary>Resting orders to preallocate storage for. Default 4096; at least 16.</summary>
    public int InitialOrderCapacity { get; init; } = 4096;

    /// <summary>Price levels per side to preallocate storage for. Default 1024; at least 16.</summary>
    public int InitialLevelCapacity { get; init; } = 1024;
}
