namespace PinnacleMM.Core.Primitives;

/// <summary>How an order's price is determined.</summary>
public enum OrderType : byte
{
    /// <summary>Trades at its limit price or better; what is left rests or is cancelled by its <see cref="TimeInForce"/>.</summary>
    Limit = 0,

    /// <summary>Trades at any price, sweeping levels until filled or the opposite side is empty; never rests.</summary>
    Market = 1,
}
