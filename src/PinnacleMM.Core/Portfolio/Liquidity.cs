namespace PinnacleMM.Core.Portfolio;

/// <summary>Whether a fill added liquidity (maker: a resting order was hit) or took it (taker); it selects the fee rate.</summary>
public enum Liquidity : byte
{
    /// <summary>The order rested in the book and was filled by another order: the maker fee applies.</summary>
    Maker = 0,

    /// <summary>The order crossed the spread and filled against resting orders: the taker fee applies.</summary>
    Taker = 1,
}
