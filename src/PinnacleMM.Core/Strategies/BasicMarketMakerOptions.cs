using static PinnacleMM.Core.Strategies.OptionRules;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// The config of <see cref="BasicMarketMaker"/>; every parameter changes its behaviour (see each one).
/// Settable properties so it binds from JSON or <c>IConfiguration</c> through the Options pattern;
/// <see cref="Validate"/> checks it. Defaults are those of the original design.
/// </summary>
/// <remarks>Units: spreads and spacing in basis points of the mid; quantities and positions in base currency; money in quote currency; percentages as 5 for 5 %.</remarks>
public sealed class BasicMarketMakerOptions
{
    // Far above any book in any quote currency, and far below where Capital × a percentage stops fitting a decimal (about 7.9e26).
    private const decimal MaxCapital = 1_000_000_000_000_000_000m;

    /// <summary>The quoted spread (bid to ask) in bps of the mid before widening. Default 10.</summary>
    public double BaseSpreadBps { get; set; } = 10;

    /// <summary>The narrowest spread quoted, in bps: a market tighter than the base spread pulls the spread down to its own, but never below this. Default 5.</summary>
    public double MinSpreadBps { get; set; } = 5;

    /// <summary>The widest spread after widening, in bps. Default 50.</summary>
    public double MaxSpreadBps { get; set; } = 50;

    /// <summary>The size of the first level of each side, in base currency, before inventory skew. Default 0.01.</summary>
    public decimal OrderQuantity { get; set; } = 0.01m;

    /// <summary>The smallest size quoted; a level whose skewed size is smaller is quoted at this size. Default 0.001.</summary>
    public decimal MinOrderQuantity { get; set; } = 0.001m;

    /// <summary>The largest size quoted on one level. Default 1.0.</summary>
    public decimal MaxOrderQuantity { get; set; } = 1.0m;

    /// <summary>The position the strategy leans back towards, in base currency. Default 0.</summary>
    public decimal TargetPosition { get; set; }

    /// <summary>The largest absolute position; quotes never let it be exceeded. Default 10.</summary>
    public decimal MaxPosition { get; set; } = 10;

    /// <summary>
    /// How hard inventory pushes quotes: with q = (position − target) / max position, the reservation price
    /// moves by −factor × q half-spreads, the bid size is multiplied by (1 − factor × q) and the ask size
    /// by (1 + factor × q). Default 0.5.
    /// </summary>
    public double InventorySkewFactor { get; set; } = 0.5;

    /// <summary>The distance between consecutive levels of a side, in bps of the mid (at least one tick). Default 0.1.</summary>
    public double PriceLevelSpacingBps { get; set; } = 0.1;

    /// <summary>Levels per side; also how many book levels the imbalance is measured over. Default 3.</summary>
    public int MaxLevels { get; set; } = 3;

    /// <summary>Level i (0 = best) is sized (1 + factor × i) times the first. Default 0.5.</summary>
    public double VolumeDepthFactor { get; set; } = 0.5;

    /// <summary>
    /// Book imbalance I = (bid size − ask size) / (bid size + ask size) over <see cref="MaxLevels"/> levels;
    /// above this absolute value the spread is multiplied by (1 + |I|). Default 0.3.
    /// </summary>
    public double ImbalanceThreshold { get; set; } = 0.3;

    /// <summary>The reservation price leans towards the heavier side of the book by factor × I half-spreads. Default 0.5.</summary>
    public double VolumeWeightFactor { get; set; } = 0.5;

    /// <summary>The capital the percentages below refer to, in quote currency: positive, at most 10^18. Default 10 000.</summary>
    public decimal Capital { get; set; } = 10_000m;

    /// <summary>Drawdown from the equity peak, in % of <see cref="Capital"/>, at which the strategy stops quoting (halted). Default 5.</summary>
    public decimal MaxDrawdownPercent { get; set; } = 5;

    /// <summary>Loss since the start of the UTC day, in % of <see cref="Capital"/>, at which the strategy stops quoting until the next day; 0 = off. Default 0.</summary>
    public decimal DailyLossLimitPercent { get; set; }

    /// <summary>Loss of the open position, in % of its entry value, at which only orders that reduce it are quoted. Default 3.</summary>
    public double StopLossPercent { get; set; } = 3;

    /// <summary>Gain of the open position, in % of its entry value, at which only orders that reduce it are quoted. Default 5.</summary>
    public double TakeProfitPercent { get; set; } = 5;

    /// <summary>The least time between two decisions on book updates, trades and timer ticks; fills always requote. 0 to 365 days; default 100 ms.</summary>
    public TimeSpan QuoteUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Orders older than this are replaced (the reconciler's maximum age). Positive, at most 365 days; default 5000 ms.</summary>
    public TimeSpan OrderTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary>An unanswered cancel is sent again after this (the reconciler's cancel retry). Positive, at most 365 days; default 100 ms.</summary>
    public TimeSpan CancelRetryInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>A live order within this many ticks of its quote is left alone (the reconciler's price tolerance). Default 0.</summary>
    public long RefreshToleranceTicks { get; set; }

    /// <summary>Volatility (<see cref="VolatilityEstimator.VolatilityBps"/>) above which the spread is multiplied by <see cref="SpreadWidenFactor"/>; 0 turns widening off. Default 0.5.</summary>
    public double VolatilityThreshold { get; set; } = 0.5;

    /// <summary>The spread multiplier when volatility is above <see cref="VolatilityThreshold"/>; at least 1. Default 2.0.</summary>
    public double SpreadWidenFactor { get; set; } = 2.0;

    /// <summary>Never quote at or through the opposite best price. Default true.</summary>
    public bool PostOnly { get; set; } = true;

    /// <summary>Checks every rule; returns every broken one, each naming the field, in declaration order (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Positive(errors, BaseSpreadBps, nameof(BaseSpreadBps));
        Positive(errors, MinSpreadBps, nameof(MinSpreadBps));
        Positive(errors, MaxSpreadBps, nameof(MaxSpreadBps));
        if (MinSpreadBps > BaseSpreadBps)
        {
            errors.Add($"{nameof(MinSpreadBps)}: {F(MinSpreadBps)} must not be above {nameof(BaseSpreadBps)} {F(BaseSpreadBps)}.");
        }

        if (BaseSpreadBps > MaxSpreadBps)
        {
            errors.Add($"{nameof(BaseSpreadBps)}: {F(BaseSpreadBps)} must not be above {nameof(MaxSpreadBps)} {F(MaxSpreadBps)}.");
        }

        Positive(errors, OrderQuantity, nameof(OrderQuantity));
        Positive(errors, MinOrderQuantity, nameof(MinOrderQuantity));
        Positive(errors, MaxOrderQuantity, nameof(MaxOrderQuantity));
        if (MinOrderQuantity > OrderQuantity)
        {
            errors.Add($"{nameof(MinOrderQuantity)}: {F(MinOrderQuantity)} must not be above {nameof(OrderQuantity)} {F(OrderQuantity)}.");
        }

        if (OrderQuantity > MaxOrderQuantity)
        {
            errors.Add($"{nameof(OrderQuantity)}: {F(OrderQuantity)} must not be above {nameof(MaxOrderQuantity)} {F(MaxOrderQuantity)}.");
        }

        Positive(errors, MaxPosition, nameof(MaxPosition));
        if (Math.Abs(TargetPosition) > MaxPosition)
        {
            errors.Add($"{nameof(TargetPosition)}: {F(TargetPosition)} must be within ±{nameof(MaxPosition)} {F(MaxPosition)}.");
        }

        Range(errors, InventorySkewFactor, 0, 1, nameof(InventorySkewFactor));
        Positive(errors, PriceLevelSpacingBps, nameof(PriceLevelSpacingBps));
        Range(errors, MaxLevels, 1, 64, nameof(MaxLevels));

        Range(errors, VolumeDepthFactor, 0, 10, nameof(VolumeDepthFactor));
        Range(errors, ImbalanceThreshold, 0, 1, nameof(ImbalanceThreshold));
        Range(errors, VolumeWeightFactor, 0, 1, nameof(VolumeWeightFactor));
        if (Capital is <= 0 or > MaxCapital)
        {
            errors.Add($"{nameof(Capital)}: {F(Capital)} must be positive and at most {F(MaxCapital)}.");
        }

        if (MaxDrawdownPercent is <= 0 or > 100)
        {
            errors.Add($"{nameof(MaxDrawdownPercent)}: {F(MaxDrawdownPercent)} must be above 0 and at most 100.");
        }

        if (DailyLossLimitPercent is < 0 or > 100)
        {
            errors.Add($"{nameof(DailyLossLimitPercent)}: {F(DailyLossLimitPercent)} must be between 0 and 100.");
        }

        Range(errors, StopLossPercent, double.Epsilon, 100, nameof(StopLossPercent));
        Range(errors, TakeProfitPercent, double.Epsilon, 1_000, nameof(TakeProfitPercent));
        Interval(errors, QuoteUpdateInterval, nameof(QuoteUpdateInterval), allowZero: true);
        Interval(errors, OrderTimeout, nameof(OrderTimeout), allowZero: false);
        Interval(errors, CancelRetryInterval, nameof(CancelRetryInterval), allowZero: false);

        if (RefreshToleranceTicks < 0)
        {
            errors.Add($"{nameof(RefreshToleranceTicks)}: {RefreshToleranceTicks} must not be negative.");
        }

        Range(errors, VolatilityThreshold, 0, double.MaxValue, nameof(VolatilityThreshold));
        Range(errors, SpreadWidenFactor, 1, 100, nameof(SpreadWidenFactor));
        return errors;
    }

    /// <summary>Throws when <see cref="Validate"/> finds a broken rule.</summary>
    /// <exception cref="ArgumentException">The config is invalid; the message lists every broken rule, one per line.</exception>
    public void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors));
        }
    }

    /// <summary>The reconciler options this config implies: <see cref="OrderTimeout"/>, <see cref="CancelRetryInterval"/> and <see cref="RefreshToleranceTicks"/>.</summary>
    /// <exception cref="ArgumentException"><see cref="OrderTimeout"/> or <see cref="CancelRetryInterval"/> breaks its rule; the message names it, as <see cref="Validate"/> does.</exception>
    public QuoteReconcilerOptions ToReconcilerOptions() => new()
    {
        PriceToleranceTicks = RefreshToleranceTicks,
        MaxOrderAgeNanoseconds = ToNanoseconds(OrderTimeout, nameof(OrderTimeout), allowZero: false),
        CancelRetryNanoseconds = ToNanoseconds(CancelRetryInterval, nameof(CancelRetryInterval), allowZero: false),
    };
}
