using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Risk;
using PinnacleMM.Core.Time;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// The base class of a market-making strategy: subclass it and implement <see cref="ComputeQuotes"/>, a
/// decision over the book, the position and the strategy's config that writes the quotes it wants
/// resting into a preallocated <see cref="DesiredQuotes"/>. It never sends orders: the engine passes
/// <see cref="Quotes"/> to a <see cref="QuoteReconciler"/> whenever an <c>On…</c> method returns
/// <see langword="true"/>.
/// </summary>
/// <remarks>
/// <para>
/// One thread calls every method, never concurrently, so a strategy needs no locks. The engine applies
/// market data to <see cref="Book"/> and then calls <see cref="OnBookUpdated"/>; it delivers trades to
/// <see cref="OnTrade"/>, the strategy's own order events to <see cref="OnOrderEvent"/> (fills update
/// <see cref="Position"/>) and timer ticks to <see cref="OnTimer"/>.
/// </para>
/// <para>
/// Whatever a subclass writes, the published quotes obey the same rules, enforced after every decision:
/// prices positive, sizes within the instrument's minimum and maximum; bids strictly descending and asks
/// strictly ascending; with <see cref="PostOnly"/> no bid at or above the best ask and no ask at or below
/// the best bid; the best bid below the best ask; and the position after every bid (or every ask) filled
/// stays within ±<see cref="PositionLimitLots"/> — sizes are cut down and levels dropped to get there.
/// Deciding allocates nothing.
/// </para>
/// <para>
/// Risk: the trading state lives in <see cref="Risk"/> (the pre-trade checker the engine runs every action through).
/// Before every decision the strategy sets its automatic state from the <see cref="KillSwitch"/> (drawdown and daily-loss
/// halts, checked on fills and timer ticks; stop loss and take profit, checked at each decision) and the
/// <see cref="CircuitBreaker"/> (market stress: widen via <see cref="SpreadMultiplier"/>, or pause). Halted: no quotes at all,
/// so the reconciler cancels every live order. Reducing: only the side that brings the position towards flat, sized so it
/// cannot go past flat. An operator uses <see cref="Pause"/>, <see cref="Reduce"/> and <see cref="Resume"/>.
/// </para>
/// </remarks>
public abstract class MarketMakerStrategy
{
    private const string DrawdownReason = "kill switch: drawdown from the equity peak reached the maximum";
    private const string DailyLossReason = "kill switch: loss since the start of the UTC day reached the limit";
    private const string StopLossReason = "kill switch: stop loss reached, reduce only";
    private const string TakeProfitReason = "kill switch: take profit reached, reduce only";
    private const string StressReason = "circuit breaker: market stress, quoting paused";

    private long _midHalfTicks;
    private long _bestBidTicks;
    private long _bestAskTicks;
    private double _entryTicks;
    private KillSwitchReason _positionReason;

    /// <summary>Creates the strategy's state: book, position, volatility estimator and quote storage.</summary>
    /// <param name="instrument">The instrument quoted.</param>
    /// <param name="maxLevelsPerSide">The most quote levels per side; 1 to 1024.</param>
    /// <param name="clock">The monotonic clock for event times; <see cref="MonotonicClock.System"/> when null.</param>
    /// <param name="timeProvider">Wall-clock time (daily limits, logs); <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="position">The position to update with fills; a new flat one without fees when null.</param>
    /// <param name="volatility">The volatility estimator; one sampling every 100 ms with a half-life of 50 samples when null.</param>
    /// <param name="risk">The pre-trade checker holding the trading state; one without limits when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="position"/> is for another instrument.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxLevelsPerSide"/> is out of range.</exception>
    protected MarketMakerStrategy(
        InstrumentSpec instrument,
        int maxLevelsPerSide,
        MonotonicClock? clock = null,
        TimeProvider? timeProvider = null,
        PositionTracker? position = null,
        VolatilityEstimator? volatility = null,
        PreTradeRisk? risk = null)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (position is not null && !ReferenceEquals(position.Instrument, instrument))
        {
            throw new ArgumentException($"position is for {position.Instrument.Symbol}, not {instrument.Symbol}.", nameof(position));
        }

        Instrument = instrument;
        Quotes = new DesiredQuotes(maxLevelsPerSide);
        Book = new DepthBook(instrument);
        Clock = clock ?? MonotonicClock.System;
        TimeProvider = timeProvider ?? TimeProvider.System;
        Position = position ?? new PositionTracker(instrument);
        Volatility = volatility ?? new VolatilityEstimator(100_000_000, 50);
        Risk = risk ?? new PreTradeRisk(new RiskLimits());
    }

    /// <summary>The instrument quoted.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>The L2 book the engine keeps up to date for this strategy.</summary>
    public DepthBook Book { get; }

    /// <summary>The position and P&amp;L, updated by fills delivered to <see cref="OnOrderEvent"/>.</summary>
    public PositionTracker Position { get; }

    /// <summary>Recent volatility of the mid, sampled on book updates.</summary>
    public VolatilityEstimator Volatility { get; }

    /// <summary>The quotes decided last; read them when an <c>On…</c> method returns <see langword="true"/>.</summary>
    public DesiredQuotes Quotes { get; }

    /// <summary>The pre-trade checker; it holds the trading state (<see cref="State"/>).</summary>
    public PreTradeRisk Risk { get; }

    /// <summary>The trading state in force (see <see cref="PreTradeRisk.State"/>).</summary>
    public TradingState State => Risk.State;

    /// <summary>The kill switch (drawdown, daily loss, stop loss, take profit); none when null. Set by the subclass's constructor.</summary>
    public KillSwitch? KillSwitch { get; protected set; }

    /// <summary>The market-stress circuit breaker; none when null. Set by the subclass's constructor.</summary>
    public CircuitBreaker? CircuitBreaker { get; protected set; }

    /// <summary>What the subclass multiplies its spread by: the circuit breaker's widen factor while it is tripped, else 1.</summary>
    public double SpreadMultiplier => CircuitBreaker?.SpreadMultiplier ?? 1;

    /// <summary>The monotonic clock.</summary>
    public MonotonicClock Clock { get; }

    /// <summary>Wall-clock time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The largest absolute position (lots) the strategy's own quotes may lead to; sizes are cut so that all
    /// bids (or all asks) filled keep the position within it. Default: unlimited.
    /// </summary>
    public long PositionLimitLots { get; protected set; } = long.MaxValue;

    /// <summary>Whether quotes must never cross or touch the opposite best price (post-only). Default true.</summary>
    public bool PostOnly { get; protected set; } = true;

    /// <summary>
    /// Whether the strategy quotes at all. When false (paused, halted by risk) every decision yields empty
    /// quotes, which the reconciler turns into cancels.
    /// </summary>
    public bool QuotingEnabled { get; set; } = true;

    /// <summary>When the quotes were last decided, on <see cref="Clock"/>; 0 before the first decision.</summary>
    public long LastQuoteNanoseconds { get; private set; }

    /// <summary>How many levels written by <see cref="ComputeQuotes"/> were dropped by the base rules (crossing, limits, order).</summary>
    public long DroppedLevelCount { get; private set; }

    /// <summary>The mid in half-ticks (best bid + best ask, in ticks) at the last book update or timer tick; 0 without a two-sided book.</summary>
    public long MidHalfTicks => _midHalfTicks;

    /// <summary>Call after applying a book update to <see cref="Book"/>.</summary>
    /// <returns>Whether the quotes were decided again (reconcile them).</returns>
    public bool OnBookUpdated()
    {
        var now = Clock.NowNanoseconds;
        RefreshMid();
        if (_midHalfTicks != 0)
        {
            Volatility.Update(now, _midHalfTicks);
        }

        OnBookUpdatedCore(now);
        if (!ShouldRequote(QuoteTrigger.BookUpdate, now))
        {
            return false;
        }

        Decide(now, topIsFresh: true);
        return true;
    }

    /// <summary>Call for every trade printed by the venue.</summary>
    /// <returns>Whether the quotes were decided again.</returns>
    public bool OnTrade(in MarketTrade trade)
    {
        var now = Clock.NowNanoseconds;
        OnTradeCore(in trade);
        return RequoteIf(QuoteTrigger.Trade, now);
    }

    /// <summary>Call for every event about one of the strategy's own orders; fills are applied to <see cref="Position"/>.</summary>
    /// <returns>Whether the quotes were decided again.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A fill has a non-positive price or size or an undefined side (a bug in the caller); the position is unchanged.</exception>
    public bool OnOrderEvent(in OrderEvent orderEvent)
    {
        var now = Clock.NowNanoseconds;
        if (orderEvent.IsFill)
        {
            if (orderEvent.Fee < 0)
            {
                Position.ApplyFill(orderEvent.Side, orderEvent.Price, orderEvent.Quantity, orderEvent.Liquidity);
            }
            else
            {
                Position.ApplyFill(orderEvent.Side, orderEvent.Price, orderEvent.Quantity, orderEvent.Liquidity, orderEvent.Fee);
            }

            _entryTicks = (double)Position.AverageEntryTicks;
            CheckEquity();
        }

        OnOrderEventCore(in orderEvent);
        return RequoteIf(QuoteTrigger.OrderEvent, now);
    }

    /// <summary>Call on every timer tick; the position is marked to the mid (rounded down to a tick) first.</summary>
    /// <returns>Whether the quotes were decided again.</returns>
    public bool OnTimer()
    {
        var now = Clock.NowNanoseconds;
        RefreshMid();
        if (_midHalfTicks != 0)
        {
            Position.Mark(new Price(_midHalfTicks / 2));
        }

        CheckEquity();
        OnTimerCore(now);
        return RequoteIf(QuoteTrigger.Timer, now);
    }

    /// <summary>Operator: stop quoting (every live order gets cancelled) until <see cref="Resume"/>; takes effect at the next decision.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Pause(string reason) => Risk.Pause(reason);

    /// <summary>Operator: quote only the side that reduces the position until <see cref="Resume"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Reduce(string reason) => Risk.Reduce(reason);

    /// <summary>
    /// Operator: back to normal quoting. Also clears a kill-switch halt and restarts its drawdown peak and daily reference
    /// from the current equity; a stop loss, take profit or market stress that still holds applies again at the next decision.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="reason"/> is null.</exception>
    public void Resume(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        KillSwitch?.Rebase();
        Risk.Resume(reason);
    }

    /// <summary>Captures what must survive a restart (position, kill switch, operator state) as plain data; see <see cref="StrategyState"/>.</summary>
    public StrategyState CaptureState() => new()
    {
        Position = Position.CaptureState(),
        KillSwitch = KillSwitch?.CaptureState(),
        ManualState = Risk.ManualState,
        ManualReason = Risk.ManualReason,
    };

    /// <summary>
    /// Puts back what <see cref="CaptureState"/> captured (before the first decision of a restarted process). Everything is
    /// checked before anything changes: a refused state leaves the strategy as it was.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or a part of it is null.</exception>
    /// <exception cref="ArgumentException">
    /// The position state is refused (see <see cref="PositionTracker.RestoreState"/>), the kill switch state is refused or given to a
    /// strategy without one, or the manual state is undefined; the message names the field.
    /// </exception>
    public void RestoreState(StrategyState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.Position, "state.Position");
        ArgumentNullException.ThrowIfNull(state.ManualReason, "state.ManualReason");
        if (state.ManualState > TradingState.Halted)
        {
            throw new ArgumentException($"ManualState {(int)state.ManualState} is not Active, Reducing or Halted.", nameof(state));
        }

        if (state.KillSwitch is not null && KillSwitch is null)
        {
            throw new ArgumentException("KillSwitch state given, but this strategy has no kill switch.", nameof(state));
        }

        if (state.KillSwitch is { Halt: not (KillSwitchReason.None or KillSwitchReason.MaxDrawdown or KillSwitchReason.DailyLoss) })
        {
            throw new ArgumentException($"KillSwitch.Halt {state.KillSwitch.Halt} must be None, MaxDrawdown or DailyLoss: only those latch.", nameof(state));
        }

        Position.RestoreState(state.Position); // checks everything before changing anything
        if (state.KillSwitch is not null)
        {
            KillSwitch!.RestoreState(state.KillSwitch);
        }

        _entryTicks = (double)Position.AverageEntryTicks;
        _positionReason = KillSwitchReason.None;
        switch (state.ManualState)
        {
            case TradingState.Halted:
                Risk.Pause(state.ManualReason);
                break;
            case TradingState.Reducing:
                Risk.Reduce(state.ManualReason);
                break;
            default:
                Risk.Resume(state.ManualReason);
                break;
        }
    }

    /// <summary>Decides the quotes now, whatever <see cref="ShouldRequote"/> says.</summary>
    public void Requote() => Decide(Clock.NowNanoseconds, topIsFresh: false);

    /// <summary>The decision: write the wanted levels into <paramref name="quotes"/> (already cleared), best first per side.</summary>
    protected abstract void ComputeQuotes(DesiredQuotes quotes);

    /// <summary>Whether to decide again after <paramref name="trigger"/>; by default always.</summary>
    protected virtual bool ShouldRequote(QuoteTrigger trigger, long nowNanoseconds) => true;

    /// <summary>Hook after a book update (volatility already sampled).</summary>
    protected virtual void OnBookUpdatedCore(long nowNanoseconds)
    {
    }

    /// <summary>Hook for a market trade.</summary>
    protected virtual void OnTradeCore(in MarketTrade trade)
    {
    }

    /// <summary>Hook for an own order event (a fill is already in <see cref="Position"/>).</summary>
    protected virtual void OnOrderEventCore(in OrderEvent orderEvent)
    {
    }

    /// <summary>Hook for a timer tick (the position is already marked).</summary>
    protected virtual void OnTimerCore(long nowNanoseconds)
    {
    }

    /// <summary>The best bid and ask and their sizes; <see langword="false"/> unless both sides have a level.</summary>
    protected bool TryGetTopOfBook(out Price bid, out Quantity bidQuantity, out Price ask, out Quantity askQuantity) =>
        Book.TryGetTopOfBook(out bid, out bidQuantity, out ask, out askQuantity);

    /// <summary>The highest tick at or below <paramref name="ticks"/> (a bid on the grid); at least 1 tick.</summary>
    protected static Price FloorToTick(double ticks) => new(Math.Max(1, (long)Math.Floor(ticks)));

    /// <summary>The lowest tick at or above <paramref name="ticks"/> (an ask on the grid); at least 1 tick.</summary>
    protected static Price CeilToTick(double ticks) => new(Math.Max(1, (long)Math.Ceiling(ticks)));

    /// <summary>Whole lots at or below <paramref name="lots"/>, clamped to the instrument's maximum; 0 when below its minimum.</summary>
    protected Quantity RoundDownToLot(double lots)
    {
        var whole = lots >= Instrument.MaxQuantity.Lots ? Instrument.MaxQuantity.Lots : (long)Math.Floor(Math.Max(0, lots));
        return new Quantity(whole < Instrument.MinQuantity.Lots ? 0 : whole);
    }

    // Reads the top of the book once; the decision's checks (breaker, post-only) use these fields.
    private void RefreshMid()
    {
        var hasBid = Book.TryGetBestBid(out var bid, out _);
        var hasAsk = Book.TryGetBestAsk(out var ask, out _);
        _bestBidTicks = hasBid ? bid.Ticks : 0;
        _bestAskTicks = hasAsk ? ask.Ticks : 0;
        _midHalfTicks = hasBid && hasAsk ? bid.Ticks + ask.Ticks : 0;
    }

    private bool RequoteIf(QuoteTrigger trigger, long now)
    {
        if (!ShouldRequote(trigger, now))
        {
            return false;
        }

        Decide(now, topIsFresh: false);
        return true;
    }

    // topIsFresh: the caller has just read the top of the book (a book update), so it is not read again.
    private void Decide(long now, bool topIsFresh)
    {
        Quotes.Clear();
        if (!topIsFresh)
        {
            RefreshMid();
        }

        EvaluateAutomaticState(now);
        if (QuotingEnabled && Risk.State != TradingState.Halted)
        {
            ComputeQuotes(Quotes);
            Enforce();
        }

        LastQuoteNanoseconds = now;
    }

    private void CheckEquity()
    {
        if (KillSwitch is not null && _midHalfTicks != 0)
        {
            KillSwitch.CheckEquity(Position, new Price(_midHalfTicks / 2), TimeProvider.GetUtcNow());
        }
    }

    // Sets the automatic trading state from the kill switch and the circuit breaker, most restrictive first.
    private void EvaluateAutomaticState(long now)
    {
        if (CircuitBreaker is not null)
        {
            var spreadBps = _midHalfTicks != 0 ? (_bestAskTicks - _bestBidTicks) * 20_000.0 / _midHalfTicks : 0;

            CircuitBreaker.Evaluate(now, Volatility.VolatilityBps, spreadBps);
        }

        if (KillSwitch is null && CircuitBreaker is null)
        {
            return;
        }

        _positionReason = KillSwitch?.CheckPosition(Position.PositionLots, _entryTicks, _midHalfTicks, _positionReason) ?? KillSwitchReason.None;
        var halt = KillSwitch?.Halt ?? KillSwitchReason.None;
        if (halt != KillSwitchReason.None)
        {
            Risk.SetAutomaticState(TradingState.Halted, halt == KillSwitchReason.MaxDrawdown ? DrawdownReason : DailyLossReason);
        }
        else if (CircuitBreaker?.IsPaused == true)
        {
            Risk.SetAutomaticState(TradingState.Halted, StressReason);
        }
        else if (_positionReason != KillSwitchReason.None)
        {
            Risk.SetAutomaticState(TradingState.Reducing, _positionReason == KillSwitchReason.StopLoss ? StopLossReason : TakeProfitReason);
        }
        else
        {
            Risk.SetAutomaticState(TradingState.Active, string.Empty);
        }
    }

    private void Enforce()
    {
        var position = Position.PositionLots;
        var limit = PositionLimitLots;

        // Room to buy: limit - position; room to sell: limit + position (saturating, limit may be long.MaxValue).
        var buyRoom = position >= 0 ? limit - position : (limit > long.MaxValue + position ? long.MaxValue : limit - position);
        var sellRoom = position <= 0 ? limit + position : (limit > long.MaxValue - position ? long.MaxValue : limit + position);
        if (Risk.State == TradingState.Reducing)
        {
            // Only towards flat, and never past it.
            buyRoom = Math.Min(buyRoom, Math.Max(0, -position));
            sellRoom = Math.Min(sellRoom, Math.Max(0, position));
        }

        var bidCeiling = PostOnly && _bestAskTicks != 0 ? _bestAskTicks : long.MaxValue;
        var askFloor = PostOnly ? _bestBidTicks : 0;

        Filter(Side.Buy, buyRoom, bidCeiling, 0);
        Filter(Side.Sell, sellRoom, long.MaxValue, askFloor);
        if (Quotes.BidCount > 0 && Quotes.AskCount > 0)
        {
            Filter(Side.Buy, long.MaxValue, Quotes.Asks[0].Price.Ticks, 0);
        }
    }

    // Keeps levels with bid price < ceiling (ask price > floor), strictly ordered, sizes within the
    // instrument's limits and the remaining room.
    private void Filter(Side side, long room, long ceiling, long floor)
    {
        var levels = Quotes.MutableLevels(side);
        var kept = 0;
        var min = Instrument.MinQuantity.Lots;
        var max = Instrument.MaxQuantity.Lots;
        var previous = side == Side.Buy ? long.MaxValue : 0;
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            var price = level.Price.Ticks;
            var lots = Math.Min(Math.Min(level.Quantity.Lots, max), Math.Max(room, 0));
            var ordered = side == Side.Buy ? price < previous : price > previous;
            if (!ordered || price >= ceiling || price <= floor || price > Instrument.MaxPrice.Ticks || lots < min)
            {
                continue;
            }

            levels[kept++] = new QuoteLevel(level.Price, new Quantity(lots));
            room -= lots;
            previous = price;
        }

        DroppedLevelCount += levels.Length - kept;
        Quotes.SetCount(side, kept);
    }
}
