namespace PinnacleMM.Core.Risk;

/// <summary>Why <see cref="PreTradeRisk"/> refused an action (or <see cref="None"/> when it passed).</summary>
public enum RiskRejectReason : byte
{
    /// <summary>Passed.</summary>
    None = 0,

    /// <summary>Trading is halted: only cancels pass.</summary>
    Halted = 1,

    /// <summary>Trading is reducing: the order would not bring the position closer to flat.</summary>
    ReduceOnly = 2,

    /// <summary>The order quantity is above the maximum order size.</summary>
    OrderSize = 3,

    /// <summary>The position, with every open order on that side filled and this one too, would exceed the maximum.</summary>
    Position = 4,

    /// <summary>The order's notional (price × quantity) is above the maximum.</summary>
    Notional = 5,

    /// <summary>The price is further from the mid than the price band allows (fat finger), or there is no mid to compare with.</summary>
    PriceBand = 6,

    /// <summary>More orders (places and amends) in the current one-second window than allowed.</summary>
    OrderRate = 7,

    /// <summary>A new order would make more open orders than allowed.</summary>
    OpenOrders = 8,
}
