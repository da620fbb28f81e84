using PinnacleMM.Core.Risk;
using static PinnacleMM.Core.Strategies.OptionRules;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// The config of <see cref="AvellanedaStoikovMarketMaker"/>. Settable properties so it binds from JSON or
/// <c>IConfiguration</c> through the Options pattern; <see cref="Validate"/> checks it.
/// </summary>
/// <remarks>
/// <para>Units (the published model leaves them to the user; these make the two formulas dimensionally consistent):</para>
/// <list type="bullet">
/// <item>prices s, r, δ and σ in quote currency (σ per square root of a second); γ and κ per unit of quote currency;</item>
/// <item>time T − t in seconds;</item>
/// <item>inventory q = (position − <see cref="TargetPosition"/>) / <see cref="OrderQuantity"/>: a count of orders, as in the
/// paper, where every fill is one unit. This keeps (2/γ)·ln(1 + γ/κ) in quote currency and makes γ independent of the lot size.</item>
/// </list>
/// </remarks>
public sealed class AvellanedaStoikovOptions
{
    /// <summary>Risk aversion γ, per unit of quote currency: higher leans harder against inventory and widens the spread's inventory term. Default 0.1.</summary>
    public double RiskAversion { get; set; } = 0.1;

    /// <summary>
    /// Order-book liquidity κ, per unit of quote currency: the decay of trade intensity with distance from the mid,
    /// λ(δ) = A·e^(−κδ). Used as configured, or until the estimate is ready when <see cref="EstimateKappa"/> is set. Default 1.5.
    /// </summary>
    public double Kappa { get; set; } = 1.5;

    /// <summary>Estimate κ from market trades (see <see cref="TradeIntensityEstimator"/>) instead of using <see cref="Kappa"/>. Default false.</summary>
    public bool EstimateKappa { get; set; }

    /// <summary>Width in ticks of one distance bucket of the κ estimate. Default 1.</summary>
    public long KappaBucketTicks { get; set; } = 1;

    /// <summary>Number of distance buckets of the κ estimate (trades further out count in the last). Default 20.</summary>
    public int KappaBucketCount { get; set; } = 20;

    /// <summary>Trades needed before the κ estimate replaces <see cref="Kappa"/>. Default 50.</summary>
    public int KappaMinTrades { get; set; } = 50;

    /// <summary>After this many later trades a trade weighs half in the κ estimate. Default 500.</summary>
    public double KappaHalfLifeTrades { get; set; } = 500;

    /// <summary>
    /// Volatility σ of the mid in quote currency per √second; 0 (the default) estimates it online from mid returns
    /// (σ² = s² × the return variance per sample ÷ the sample interval in seconds).
    /// </summary>
    public double Volatility { get; set; }

    /// <summary>The least time between two mid samples of the online volatility estimate. Positive, at most 365 days; default 100 ms.</summary>
    public TimeSpan VolatilitySampleInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>After this many samples a mid return weighs half in the volatility estimate. Default 50.</summary>
    public double VolatilityHalfLifeSamples { get; set; } = 50;

    /// <summary>Whether T − t is a constant (<see cref="HorizonMode.Infinite"/>) or the time left in the session (<see cref="HorizonMode.Finite"/>). Default infinite.</summary>
    public HorizonMode HorizonMode { get; set; } = HorizonMode.Infinite;

    /// <summary>T − t in infinite mode; the session length in finite mode (sessions start at UTC midnight). Positive, at most one day. Default 60 s.</summary>
    public TimeSpan Horizon { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The size of one order in base currency, before size shaping; also the unit of q. Default 0.01.</summary>
    public decimal OrderQuantity { get; set; } = 0.01m;

    /// <summary>The position the strategy leans back towards, in base currency. Default 0.</summary>
    public decimal TargetPosition { get; set; }

    /// <summary>The largest absolute position in base currency; quotes never let it be exceeded. Default 10.</summary>
    public decimal MaxPosition { get; set; } = 10;

    /// <summary>
    /// Order-size shaping η: while long (q &gt; 0) the bid is sized OrderQuantity × e^(−η·q), while short the ask is sized
    /// OrderQuantity × e^(η·q); the side that reduces inventory keeps the full size. 0 turns shaping off. Default 0.05.
    /// </summary>
    public double SizeShapingFactor { get; set; } = 0.05;

    /// <summary>The narrowest total spread, in bps of the mid: δ = max(δ, s × MinSpreadBps / 10 000). Default 1.</summary>
    public double MinSpreadBps { get; set; } = 1;

    /// <summary>The least time between two decisions on book updates, trades and timer ticks; own order events always requote. 0 to 365 days; default 100 ms.</summary>
    public TimeSpan QuoteUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Never quote at or through the opposite best price. Default true.</summary>
    public bool PostOnly { get; set; } = true;

    /// <summary>Drawdown, daily loss, stop loss and take profit (all off by default); bound from the <c>KillSwitch</c> sub-section.</summary>
    public KillSwitchOptions KillSwitch { get; set; } = new();

    /// <summary>Market-stress circuit breaker (off by default); its widen factor multiplies δ. Bound from the <c>CircuitBreaker</c> sub-section.</summary>
    public CircuitBreakerOptions CircuitBreaker { get; set; } = new();

    /// <summary>Checks every rule; returns every broken one, each naming the field, in declaration order (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Positive(errors, RiskAversion, nameof(RiskAversion));
        Positive(errors, Kappa, nameof(Kappa));
        Range(errors, KappaBucketTicks, 1, 1_000_000, nameof(KappaBucketTicks));
        Range(errors, KappaBucketCount, 2, 1024, nameof(KappaBucketCount));
        Range(errors, KappaMinTrades, 2, int.MaxValue, nameof(KappaMinTrades));
        Range(errors, KappaHalfLifeTrades, 1, 1e12, nameof(KappaHalfLifeTrades));
        Range(errors, Volatility, 0, 1e12, nameof(Volatility));
        Interval(errors, VolatilitySampleInterval, nameof(VolatilitySampleInterval), allowZero: false);
        Range(errors, VolatilityHalfLifeSamples, 1, 1e12, nameof(VolatilityHalfLifeSamples));
        if (HorizonMode is not (HorizonMode.Infinite or HorizonMode.Finite))
        {
            errors.Add($"{nameof(HorizonMode)}: {(int)HorizonMode} must be Infinite or Finite.");
        }

        if (Horizon <= TimeSpan.Zero || Horizon > TimeSpan.FromDays(1))
        {
            errors.Add($"{nameof(Horizon)}: {Horizon} must be positive and at most one day.");
        }

        Positive(errors, OrderQuantity, nameof(OrderQuantity));
        Positive(errors, MaxPosition, nameof(MaxPosition));
        if (Math.Abs(TargetPosition) > MaxPosition)
        {
            errors.Add($"{nameof(TargetPosition)}: {F(TargetPosition)} must be within ±{nameof(MaxPosition)} {F(MaxPosition)}.");
        }

        Range(errors, SizeShapingFactor, 0, 100, nameof(SizeShapingFactor));
        Range(errors, MinSpreadBps, 0, 10_000, nameof(MinSpreadBps));
        Interval(errors, QuoteUpdateInterval, nameof(QuoteUpdateInterval), allowZero: true);

        if (KillSwitch is null)
        {
            errors.Add($"{nameof(KillSwitch)}: must not be null.");
        }
        else
        {
            errors.AddRange(KillSwitch.Validate().Select(e => $"{nameof(KillSwitch)}.{e}"));
        }

        if (CircuitBreaker is null)
        {
            errors.Add($"{nameof(CircuitBreaker)}: must not be null.");
        }
        else
        {
            errors.AddRange(CircuitBreaker.Validate().Select(e => $"{nameof(CircuitBreaker)}.{e}"));
        }

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
}
