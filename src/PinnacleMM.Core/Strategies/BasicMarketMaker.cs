using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Time;
using static PinnacleMM.Core.Strategies.OptionRules;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// A symmetric-spread market maker with inventory skew, book-imbalance and volatility widening, several
/// levels per side and stop-loss / take-profit / drawdown states; every parameter of
/// <see cref="BasicMarketMakerOptions"/> is used.
/// </summary>
/// <remarks>
/// <para>One decision, with m the mid in ticks, h the half-spread in ticks and q = (position − target) / max position:</para>
/// <list type="number">
/// <item>spread = base, or the market's own spread when that is narrower but not below min; × (1 + |I|) when the book imbalance |I| over <c>MaxLevels</c> levels exceeds its threshold; × the widen factor while volatility exceeds its threshold (the <see cref="MarketMakerStrategy.CircuitBreaker"/>); clamped to [min, max]; h = m × spread / 20 000.</item>
/// <item>reservation r = m + volumeWeight × I × h − skew × q × h.</item>
/// <item>best bid = ⌊r − h⌋, best ask = ⌈r + h⌉; post-only: bid ≤ best ask − 1 tick, ask ≥ best bid + 1 tick; level i is i × spacing further out (spacing = ⌈m × spacingBps / 10 000⌉ ticks, at least 1).</item>
/// <item>size of level i = quantity × (1 + depthFactor × i) × (1 − skew × q) for bids, × (1 + skew × q) for asks, rounded down to the lot, clamped to [min, max] order quantity; the base class then cuts sizes so the position stays within ±max position.</item>
/// <item>state (the <see cref="MarketMakerStrategy.KillSwitch"/>): <see cref="TradingState.Halted"/> (no quotes) once drawdown from the equity peak reaches <c>MaxDrawdownPercent</c> of capital (latched until <see cref="MarketMakerStrategy.Resume"/>) or the day's loss <c>DailyLossLimitPercent</c> (until the next UTC day); <see cref="TradingState.Reducing"/> (only the side that reduces the position) while the open position's loss reaches the stop loss or its gain the take profit.</item>
/// </list>
/// <para>Prices stay in whole ticks; <see cref="double"/> is used only for ratios (bps, imbalance, skew) and rounded to the grid at once.</para>
/// </remarks>
public sealed class BasicMarketMaker : MarketMakerStrategy
{
    private readonly long _orderLots;
    private readonly long _minLots;
    private readonly long _maxLots;
    private readonly long _targetLots;
    private readonly long _maxPositionLots;
    private readonly long _updateIntervalNanoseconds;

    /// <summary>Creates the strategy.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="options">The config; validated here, and its quantities must lie on the instrument's lot grid.</param>
    /// <param name="clock">The monotonic clock; the system clock when null.</param>
    /// <param name="timeProvider">Wall-clock time; the system's when null.</param>
    /// <param name="position">The position to update with fills; a new one without fees when null.</param>
    /// <param name="risk">The pre-trade checker holding the trading state; one without limits when null.</param>
    /// <exception cref="ArgumentException">The config is invalid or a quantity is off the lot grid; the message names every broken field.</exception>
    public BasicMarketMaker(InstrumentSpec instrument, BasicMarketMakerOptions options, MonotonicClock? clock = null, TimeProvider? timeProvider = null, PositionTracker? position = null, PreTradeRisk? risk = null)
        : base(instrument, ValidLevels(options), clock, timeProvider, position, risk: risk)
    {
        Options = options;
        _orderLots = Lots(instrument, options.OrderQuantity, nameof(options.OrderQuantity), allowZero: false);
        _minLots = Lots(instrument, options.MinOrderQuantity, nameof(options.MinOrderQuantity), allowZero: false);
        _maxLots = Lots(instrument, options.MaxOrderQuantity, nameof(options.MaxOrderQuantity), allowZero: false);
        _maxPositionLots = Lots(instrument, options.MaxPosition, nameof(options.MaxPosition), allowZero: false);
        _targetLots = Math.Sign(options.TargetPosition) * Lots(instrument, Math.Abs(options.TargetPosition), nameof(options.TargetPosition), allowZero: true);
        _updateIntervalNanoseconds = ToNanoseconds(options.QuoteUpdateInterval, nameof(options.QuoteUpdateInterval), allowZero: true);
        KillSwitch = new KillSwitch(new KillSwitchOptions
        {
            MaxDrawdown = options.Capital * options.MaxDrawdownPercent / 100m,
            DailyLossLimit = options.Capital * options.DailyLossLimitPercent / 100m,
            StopLossPercent = options.StopLossPercent,
            TakeProfitPercent = options.TakeProfitPercent,
        });
        CircuitBreaker = new CircuitBreaker(new CircuitBreakerOptions { VolatilityThresholdBps = options.VolatilityThreshold, WidenFactor = options.SpreadWidenFactor });
        PositionLimitLots = _maxPositionLots;
        PostOnly = options.PostOnly;
    }

    /// <summary>The config in use.</summary>
    public BasicMarketMakerOptions Options { get; }

    /// <summary>The spread of the last decision in bps, after widening and clamping.</summary>
    public double LastSpreadBps { get; private set; }

    /// <summary>The book imbalance of the last decision, from −1 (all asks) to 1 (all bids).</summary>
    public double LastImbalance { get; private set; }

    /// <inheritdoc />
    protected override bool ShouldRequote(QuoteTrigger trigger, long nowNanoseconds) =>
        trigger == QuoteTrigger.OrderEvent || LastQuoteNanoseconds == 0 || nowNanoseconds - LastQuoteNanoseconds >= _updateIntervalNanoseconds;

    /// <inheritdoc />
    protected override void ComputeQuotes(DesiredQuotes quotes)
    {
        if (!TryGetTopOfBook(out var bestBid, out _, out var bestAsk, out _))
        {
            return;
        }

        var position = Position.PositionLots;
        var mid = (bestBid.Ticks + bestAsk.Ticks) * 0.5;
        var imbalance = Imbalance();
        LastImbalance = imbalance;
        // Tighten to the market's own spread when that is narrower (down to the minimum), then widen.
        var spread = Math.Max(Math.Min(Options.BaseSpreadBps, (bestAsk.Ticks - bestBid.Ticks) / mid * 10_000.0), Options.MinSpreadBps);
        if (Math.Abs(imbalance) > Options.ImbalanceThreshold)
        {
            spread *= 1 + Math.Abs(imbalance);
        }

        spread = Math.Clamp(spread * SpreadMultiplier, Options.MinSpreadBps, Options.MaxSpreadBps);
        LastSpreadBps = spread;
        var half = mid * spread / 20_000.0;
        var q = (double)(position - _targetLots) / _maxPositionLots;
        var skew = Options.InventorySkewFactor;
        var reservation = mid + (Options.VolumeWeightFactor * imbalance * half) - (skew * q * half);

        var bid = (long)Math.Floor(reservation - half);
        var ask = (long)Math.Ceiling(reservation + half);
        if (PostOnly)
        {
            bid = Math.Min(bid, bestAsk.Ticks - 1);
            ask = Math.Max(ask, bestBid.Ticks + 1);
        }

        var spacing = Math.Max(1L, (long)Math.Ceiling(mid * Options.PriceLevelSpacingBps / 10_000.0));
        // Reducing: the base class keeps only the side towards flat; skip the other one here.
        var reducing = State == TradingState.Reducing;
        var quoteBids = !reducing || position < 0;
        var quoteAsks = !reducing || position > 0;
        for (var i = 0; i < Options.MaxLevels; i++)
        {
            var depth = _orderLots * (1 + (Options.VolumeDepthFactor * i));
            if (quoteBids && bid - (i * spacing) > 0)
            {
                quotes.TryAdd(Side.Buy, new Price(bid - (i * spacing)), new Quantity(Size(depth * (1 - (skew * q)))));
            }

            if (quoteAsks)
            {
                quotes.TryAdd(Side.Sell, new Price(ask + (i * spacing)), new Quantity(Size(depth * (1 + (skew * q)))));
            }
        }
    }

    private long Size(double lots) => Math.Clamp((long)Math.Floor(lots), _minLots, _maxLots);

    private double Imbalance()
    {
        var bids = Book.SumTopQuantity(Side.Buy, Options.MaxLevels);
        var asks = Book.SumTopQuantity(Side.Sell, Options.MaxLevels);
        return bids + asks == 0 ? 0 : (double)(bids - asks) / (bids + asks);
    }

    private static int ValidLevels(BasicMarketMakerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ThrowIfInvalid();
        return options.MaxLevels;
    }
}
