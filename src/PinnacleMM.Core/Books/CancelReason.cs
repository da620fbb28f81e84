namespace PinnacleMM.Core.Books;

/// <summary>Why (part of) an order left the book without trading.</summary>
public enum CancelReason : byte
{
    /// <summary>Nothing was cancelled.</summary>
    None = 0,

    /// <summary>The owner cancelled it.</summary>
    Requested,

    /// <summary>The unfilled remainder of an immediate-or-cancel order.</summary>
    ImmediateOrCancel,

    /// <summary>The unfilled remainder of a market order: the opposite side ran out.</summary>
    NoLiquidity,

    /// <summary>Self-trade prevention cancelled it.</summary>
    SelfTradePrevention,
}
