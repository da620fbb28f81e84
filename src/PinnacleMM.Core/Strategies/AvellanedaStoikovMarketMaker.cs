using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Time;
using static PinnacleMM.Core.Strategies.OptionRules;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// The Avellaneda–Stoikov market maker (2008): one bid and one ask around a reservation price that leans
/// against the inventory, with the spread that maximises expected utility of a trader with risk aversion γ
/// facing order arrivals λ(δ) = A·e^(−κδ).
/// </summary>
/// <remarks>
/// <para>With s the mid, q the inventory in orders, σ the mid's volatility and τ = T − t in seconds (units in <see cref="AvellanedaStoikovOptions"/>):</para>
/// <list type="number">
/// <item>reservation price r = s − q·γ·σ²·τ;</item>
/// <item>total spread δ = γ·σ²·τ + (2/γ)·ln(1 + γ/κ), at least s × <c>MinSpreadBps</c> / 10 000, × the circuit breaker's widen factor while it is tripped;</item>
/// <item>bid = ⌊r − δ/2⌋ and ask = ⌈r + δ/2⌉ on the tick grid (rounded away from r, so the spread is never narrower than δ);
/// post-only: bid ≤ best ask − 1 tick and ask ≥ best bid + 1 tick;</item>
/// <item>sizes: the order quantity, the side that grows |q| shrunk by e^(−η·|q|), rounded down to the lot; the base
/// class then cuts sizes so the position stays within ±<c>MaxPosition</c>.</item>
/// </list>
/// <para>
/// The published formulas leave open what τ is for a market that never closes and how σ and κ are measured. Here:
/// τ is constant (<see cref="HorizonMode.Infinite"/>, a stationary approximation, not the paper's separate infinite-horizon
/// solution) or the time left in a UTC-aligned session (<see cref="HorizonMode.Finite"/>); σ is configured or estimated from
/// sampled mid returns (<see cref="MarketMakerStrategy.Volatility"/>); κ is configured or estimated from market trades by
/// <see cref="TradeIntensity"/>. All arithmetic is in ticks (γ and κ × tick size, σ ÷ tick size) and rounded to the grid at once.
/// Without volatility (σ = 0) the quotes are s ± (1/γ)·ln(1 + γ/κ), the pure liquidity spread.
/// </para>
/// </remarks>
public sealed class AvellanedaStoikovMarketMaker : MarketMakerStrategy
{
    private readonly long _orderLots;
    private readonly long _targetLots;
    private readonly long _updateIntervalNanoseconds;
    private readonly double _gammaTicks;
    private readonly double _kappaTicks;
    private readonly double _sigmaTicksSquared;
    private readonly double _sampleSeconds;
    private readonly double _horizonSeconds;
    private readonly long _horizonTicks;

    /// <summary>Creates the strategy.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="options">The config; validated here, and its quantities must lie on the instrument's lot grid.</param>
    /// <param name="clock">The monotonic clock; the system clock when null.</param>
    /// <param name="timeProvider">Wall-clock time, for the finite horizon; the system's when null.</param>
    /// <param name="position">The position to update with fills; a new one without fees when null.</param>
    /// <param name="risk">The pre-trade checker holding the trading state; one without limits when null.</param>
    /// <exception cref="ArgumentException">The config is invalid or a quantity is off the lot grid; the message names every broken field.</exception>
    public AvellanedaStoikovMarketMaker(InstrumentSpec instrument, AvellanedaStoikovOptions options, MonotonicClock? clock = null, TimeProvider? timeProvider = null, PositionTracker? position = null, PreTradeRisk? risk = null)
        : base(instrument, 1, clock, timeProvider, position, Estimator(options), risk)
    {
        Options = options;
        _orderLots = Lots(instrument, options.OrderQuantity, nameof(options.OrderQuantity), allowZero: false);
        var maxPositionLots = Lots(instrument, options.MaxPosition, nameof(options.MaxPosition), allowZero: false);
        _targetLots = Math.Sign(options.TargetPosition) * Lots(instrument, Math.Abs(options.TargetPosition), nameof(options.TargetPosition), allowZero: true);
        _updateIntervalNanoseconds = ToNanoseconds(options.QuoteUpdateInterval, nameof(options.QuoteUpdateInterval), allowZero: true);
        var tick = (double)instrument.TickSize;
        _gammaTicks = options.RiskAversion * tick;
        _kappaTicks = options.Kappa * tick;
        _sigmaTicksSquared = options.Volatility / tick * (options.Volatility / tick);
        _sampleSeconds = options.VolatilitySampleInterval.Ticks / (double)TimeSpan.TicksPerSecond;
        _horizonSeconds = options.Horizon.Ticks / (double)TimeSpan.TicksPerSecond;
        _horizonTicks = options.Horizon.Ticks;
        TradeIntensity = new TradeIntensityEstimator(options.KappaBucketTicks, options.KappaBucketCount, options.KappaHalfLifeTrades, options.KappaMinTrades);
        KillSwitch = new KillSwitch(options.KillSwitch);
        CircuitBreaker = new CircuitBreaker(options.CircuitBreaker);
        PositionLimitLots = maxPositionLots;
        PostOnly = options.PostOnly;
    }

    /// <summary>The config in use.</summary>
    public AvellanedaStoikovOptions Options { get; }

    /// <summary>Trade intensity by distance from the mid, fed by every market trade; the κ estimate when <see cref="AvellanedaStoikovOptions.EstimateKappa"/> is set.</summary>
    public TradeIntensityEstimator TradeIntensity { get; }

    /// <summary>The reservation price r of the last decision, in (fractional) ticks.</summary>
    public double LastReservationTicks { get; private set; }

    /// <summary>The total spread δ of the last decision, in (fractional) ticks, before rounding to the grid.</summary>
    public double LastSpreadTicks { get; private set; }

    /// <summary>The κ of the last decision, per unit of quote currency (configured or estimated).</summary>
    public double LastKappa { get; private set; }

    /// <summary>The σ of the last decision, in quote currency per √second (configured or estimated).</summary>
    public double LastVolatility { get; private set; }

    /// <summary>T − t of the last decision, in seconds.</summary>
    public double LastTimeToHorizonSeconds { get; private set; }

    /// <inheritdoc />
    protected override bool ShouldRequote(QuoteTrigger trigger, long nowNanoseconds) =>
        trigger == QuoteTrigger.OrderEvent || LastQuoteNanoseconds == 0 || nowNanoseconds - LastQuoteNanoseconds >= _updateIntervalNanoseconds;

    /// <inheritdoc />
    protected override void OnTradeCore(in MarketTrade trade) => TradeIntensity.Record(trade.Price.Ticks, MidHalfTicks);

    /// <inheritdoc />
    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        if (!TryGetTopOfBook(out var bestBid, out _, out var bestAsk, out _))
        {
            return;
        }

        var s = (bestBid.Ticks + bestAsk.Ticks) * 0.5;
        var q = (double)(Position.PositionLots - _targetLots) / _orderLots;
        var gamma = _gammaTicks;
        var kappa = Options.EstimateKappa && TradeIntensity.TryGetKappaPerTick(out var estimated) ? estimated : _kappaTicks;
        var sigma2 = Options.Volatility > 0 ? _sigmaTicksSquared : s * s * Volatility.VariancePerSample / _sampleSeconds;
        var tau = TimeToHorizonSeconds();

        var inventoryTerm = gamma * sigma2 * tau;
        var reservation = s - (q * inventoryTerm);
        var spread = Math.Max(inventoryTerm + (2 / gamma * Math.Log(1 + (gamma / kappa))), s * Options.MinSpreadBps / 10_000.0) * SpreadMultiplier;

        var tick = (double)Instrument.TickSize;
        LastReservationTicks = reservation;
        LastSpreadTicks = spread;
        LastKappa = kappa / tick;
        LastVolatility = Math.Sqrt(sigma2) * tick;
        LastTimeToHorizonSeconds = tau;

        var bid = (long)Math.Floor(reservation - (spread / 2));
        var ask = (long)Math.Ceiling(reservation + (spread / 2));
        if (PostOnly)
        {
            bid = Math.Min(bid, bestAsk.Ticks - 1);
            ask = Math.Max(ask, bestBid.Ticks + 1);
        }

        var eta = Options.SizeShapingFactor;
        var bidLots = q > 0 ? _orderLots * Math.Exp(-eta * q) : _orderLots;
        var askLots = q < 0 ? _orderLots * Math.Exp(eta * q) : _orderLots;
        if (bid > 0)
        {
            quotes.TryAdd(Side.Buy, new Price(bid), RoundDownToLot(bidLots));
        }

        quotes.TryAdd(Side.Sell, new Price(ask), RoundDownToLot(askLots));
    }

    private double TimeToHorizonSeconds()
    {
        if (Options.HorizonMode == HorizonMode.Infinite)
        {
            return _horizonSeconds;
        }

        // Sessions of Horizon length from each UTC midnight; the day's last one ends at midnight.
        var ticksOfDay = TimeProvider.GetUtcNow().UtcTicks % TimeSpan.TicksPerDay;
        var left = Math.Min(_horizonTicks - (ticksOfDay % _horizonTicks), TimeSpan.TicksPerDay - ticksOfDay);
        return left / (double)TimeSpan.TicksPerSecond;
    }

    private static VolatilityEstimator Estimator(AvellanedaStoikovOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        return new VolatilityEstimator(ToNanoseconds(options.VolatilitySampleInterval, nameof(options.VolatilitySampleInterval), allowZero: false), options.VolatilityHalfLifeSamples);
    }
}
