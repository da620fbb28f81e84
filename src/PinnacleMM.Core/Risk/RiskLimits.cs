namespace PinnacleMM.Core.Risk;

/// <summary>The limits <see cref="PreTradeRisk"/> enforces, in the instrument's ticks and lots.</summary>
public sealed record RiskLimits
{
    /// <summary>The largest order quantity in lots. Default: unlimited.</summary>
    public long MaxOrderLots { get; init; } = long.MaxValue;

    /// <summary>The largest absolute position in lots, counting every open order on the side as filled. Default: unlimited.</summary>
    public long MaxPositionLots { get; init; } = long.MaxValue;

    /// <summary>The largest order notional in tick-lots (price ticks × quantity lots). Default: unlimited.</summary>
    public long MaxNotionalTickLots { get; init; } = long.MaxValue;

    /// <summary>How far from the mid an order's price may be, in bps of the mid; 0 disables the check. Default 500 (5 %).</summary>
    public double PriceBandBps { get; init; } = 500;

    /// <summary>The most places and amends per one-second window; 0 disables the check. Default 0.</summary>
    public int MaxOrdersPerSecond { get; init; }

    /// <summary>The most open orders (including this one); 0 disables the check. Default 0.</summary>
    public int MaxOpenOrders { get; init; }

    /// <summary>Checks every field; returns the first broken rule naming the field, or <see langword="null"/> when valid.</summary>
    public string? Validate()
    {
        if (MaxOrderLots <= 0)
        {
            return $"{nameof(MaxOrderLots)}: {MaxOrderLots} must be positive.";
        }

        if (MaxPositionLots < 0)
        {
            return $"{nameof(MaxPositionLots)}: {MaxPositionLots} must not be negative.";
        }

        if (MaxNotionalTickLots <= 0)
        {
            return $"{nameof(MaxNotionalTickLots)}: {MaxNotionalTickLots} must be positive.";
        }

        if (!(PriceBandBps >= 0) || double.IsInfinity(PriceBandBps))
        {
            return $"{nameof(PriceBandBps)}: {PriceBandBps} must be a finite number, not negative.";
        }

        if (MaxOrdersPerSecond < 0)
        {
            return $"{nameof(MaxOrdersPerSecond)}: {MaxOrdersPerSecond} must not be negative.";
        }

        return MaxOpenOrders < 0 ? $"{nameof(MaxOpenOrders)}: {MaxOpenOrders} must not be negative." : null;
    }
}
