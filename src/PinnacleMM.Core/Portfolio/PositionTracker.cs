using System.Globalization;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Portfolio;

/// <summary>
/// The position and P&amp;L of one instrument, updated fill by fill: signed position, average entry
/// price, realized P&amp;L by both the average-cost and the FIFO method, unrealized P&amp;L marked to a
/// given price, maker/taker fees, traded volume, fill counts, and the equity peak with the drawdown
/// from it.
/// </summary>
/// <remarks>
/// <para>
/// Amounts are <see cref="decimal"/> in quote currency. Cash flows are kept internally as exact whole
/// numbers of "tick-lots" (price ticks × quantity lots) and only converted with the instrument's tick and
/// lot size when read, so realized P&amp;L, notional and FIFO P&amp;L are exact. The one inexact step is
/// the average-cost share of a partly closed position (cost × closed / position, or (cost / position) × closed
/// when the product is beyond a decimal), which is rounded to 10 decimals of a tick-lot — far below a cent — and moved from cost basis to realized P&amp;L as the
/// same number, so realized + unrealized is still exactly the cash-flow value of the fills.
/// </para>
/// <para>
/// Equity (realized + unrealized − fees) is the same under both methods: they only split the same total
/// differently between realized and unrealized. Fee rates are not negative (maker rebates are not
/// modelled), so fees always reduce P&amp;L. Not thread-safe: the strategy thread owns it.
/// </para>
/// </remarks>
public sealed class PositionTracker
{
    private const int AverageCostDecimals = 10;

    private readonly decimal _cashUnit;

    // Average cost: signed position and signed cost basis (position × average price), in tick-lots.
    private long _positionLots;
    private decimal _cost;
    private decimal _realizedAverage;

    // FIFO: open lots as a ring of (entry price ticks, remaining lots), oldest first; all the same sign.
    private long[] _fifoPrices;
    private long[] _fifoLots;
    private int _fifoHead;
    private int _fifoCount;
    private decimal _fifoCost;
    private decimal _realizedFifo;

    private decimal _fees;
    private decimal _tradedNotional;
    private long _tradedLots;

    private bool _hasMark;
    private Price _lastMark;
    private decimal _equityPeak;
    private decimal _maxDrawdown;

    /// <summary>Creates a flat position for <paramref name="instrument"/>.</summary>
    /// <param name="instrument">The instrument's grid, used to turn ticks and lots into quote currency.</param>
    /// <param name="makerFeeRate">The maker fee as a fraction of notional (0.001 = 10 bps); from 0 up to but excluding 1.</param>
    /// <param name="takerFeeRate">The taker fee as a fraction of notional; from 0 up to but excluding 1.</param>
    /// <param name="fifoCapacity">Open FIFO lots to preallocate for; the queue grows past it when needed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A fee rate is negative or not below 1, or <paramref name="fifoCapacity"/> is not positive; the message names the parameter.</exception>
    public PositionTracker(InstrumentSpec instrument, decimal makerFeeRate = 0m, decimal takerFeeRate = 0m, int fifoCapacity = 64)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        ValidateRate(makerFeeRate, nameof(makerFeeRate));
        ValidateRate(takerFeeRate, nameof(takerFeeRate));
        if (fifoCapacity <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fifoCapacity), fifoCapacity, $"fifoCapacity {fifoCapacity} must be positive.");
        }

        Instrument = instrument;
        MakerFeeRate = makerFeeRate;
        TakerFeeRate = takerFeeRate;
        _cashUnit = instrument.TickSize * instrument.LotSize;
        _fifoPrices = new long[fifoCapacity];
        _fifoLots = new long[fifoCapacity];
    }

    /// <summary>The instrument this position is in.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>The maker fee rate, a fraction of notional.</summary>
    public decimal MakerFeeRate { get; }

    /// <summary>The taker fee rate, a fraction of notional.</summary>
    public decimal TakerFeeRate { get; }

    /// <summary>The signed position in lots: positive long, negative short, zero flat.</summary>
    public long PositionLots => _positionLots;

    /// <summary>The signed position in base currency.</summary>
    public decimal Position => _positionLots * Instrument.LotSize;

    /// <summary>Whether the position is flat.</summary>
    public bool IsFlat => _positionLots == 0;

    /// <summary>The average entry price of the open position in quote currency (average-cost method); 0 when flat.</summary>
    public decimal AverageEntryPrice => _positionLots == 0 ? 0m : _cost / _positionLots * Instrument.TickSize;

    /// <summary>The average entry price of the open position in (fractional) ticks; 0 when flat. For strategies: no decimal conversion of the tick size.</summary>
    public decimal AverageEntryTicks => _positionLots == 0 ? 0m : _cost / _positionLots;

    /// <summary>Realized P&amp;L in quote currency, before fees, by the average-cost method.</summary>
    public decimal RealizedPnlAverageCost => _realizedAverage * _cashUnit;

    /// <summary>Realized P&amp;L in quote currency, before fees, by the FIFO method.</summary>
    public decimal RealizedPnlFifo => _realizedFifo * _cashUnit;

    /// <summary>Total fees paid, in quote currency (never negative).</summary>
    public decimal Fees => _fees;

    /// <summary>Total traded notional (price × quantity of every fill), in quote currency.</summary>
    public decimal TradedNotional => _tradedNotional * _cashUnit;

    /// <summary>Total traded quantity of every fill, both sides.</summary>
    public Quantity TradedQuantity => new(_tradedLots);

    /// <summary>Number of fills applied.</summary>
    public long FillCount { get; private set; }

    /// <summary>Number of buy fills applied.</summary>
    public long BuyFillCount { get; private set; }

    /// <summary>Number of sell fills applied.</summary>
    public long SellFillCount { get; private set; }

    /// <summary>Number of maker fills applied.</summary>
    public long MakerFillCount { get; private set; }

    /// <summary>Number of taker fills applied.</summary>
    public long TakerFillCount { get; private set; }

    /// <summary>The highest equity seen by <see cref="Mark"/> (and by fills after the first mark); starts at 0.</summary>
    public decimal EquityPeak => _equityPeak;

    /// <summary>The drawdown from the peak at the last mark: <see cref="EquityPeak"/> minus the equity then (never negative).</summary>
    public decimal Drawdown { get; private set; }

    /// <summary>The largest <see cref="Drawdown"/> seen.</summary>
    public decimal MaxDrawdown => _maxDrawdown;

    /// <summary>The last price given to <see cref="Mark"/>; <see cref="Price.Zero"/> before the first mark.</summary>
    public Price LastMark => _lastMark;

    /// <summary>Unrealized P&amp;L in quote currency of the open position marked to <paramref name="mark"/>, average-cost method; 0 when flat.</summary>
    public decimal UnrealizedPnlAverageCost(Price mark) => (_positionLots * (decimal)mark.Ticks - _cost) * _cashUnit;

    /// <summary>Unrealized P&amp;L in quote currency of the open position marked to <paramref name="mark"/>, FIFO method; 0 when flat.</summary>
    public decimal UnrealizedPnlFifo(Price mark) => (_positionLots * (decimal)mark.Ticks - _fifoCost) * _cashUnit;

    /// <summary>Unrealized P&amp;L marked to a fractional-tick price such as a mid (<c>(bid + ask) / 2</c> in ticks), average-cost method.</summary>
    public decimal UnrealizedPnlAverageCost(decimal markTicks) => (_positionLots * markTicks - _cost) * _cashUnit;

    /// <summary>Unrealized P&amp;L marked to a fractional-tick price such as a mid (<c>(bid + ask) / 2</c> in ticks), FIFO method.</summary>
    public decimal UnrealizedPnlFifo(decimal markTicks) => (_positionLots * markTicks - _fifoCost) * _cashUnit;

    /// <summary>Equity in quote currency marked to a fractional-tick price such as a mid: realized + unrealized − fees, the same under both methods.</summary>
    public decimal Equity(decimal markTicks) => (_realizedAverage + _positionLots * markTicks - _cost) * _cashUnit - _fees;

    /// <summary>
    /// Equity in quote currency marked to <paramref name="mark"/>: realized + unrealized − fees. The same under
    /// the average-cost and FIFO methods.
    /// </summary>
    public decimal Equity(Price mark) => EquityOf(_realizedAverage, _positionLots, mark.Ticks, _cost, _fees);

    /// <summary>
    /// Marks the position to <paramref name="mark"/> (usually the mid, rounded to a tick), updating the equity
    /// peak, the drawdown from it and the maximum drawdown.
    /// </summary>
    /// <returns>The equity at <paramref name="mark"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mark"/> is not positive.</exception>
    public decimal Mark(Price mark)
    {
        if (mark.Ticks <= 0)
        {
            ThrowNotPositive(nameof(mark), mark.Ticks);
        }

        var equity = Equity(mark);
        PeakAfter(equity, out var peak, out var drawdown);
        _hasMark = true;
        _lastMark = mark;
        StorePeak(peak, drawdown);
        return equity;
    }

    /// <summary>Applies a fill, charging the maker or taker fee rate on its notional.</summary>
    /// <param name="side">Buy adds to the position, sell subtracts.</param>
    /// <param name="price">The fill price; positive.</param>
    /// <param name="quantity">The fill quantity; positive.</param>
    /// <param name="liquidity">Maker or taker: selects the fee rate.</param>
    /// <returns>The fee charged, in quote currency.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The side is undefined, the price or quantity is not positive, or the fill is too large for the tracker (the position, cost,
    /// P&amp;L, fees or traded totals would overflow; the message names <paramref name="quantity"/>). Nothing is changed: a fill is applied whole or not at all.
    /// </exception>
    public decimal ApplyFill(Side side, Price price, Quantity quantity, Liquidity liquidity)
    {
        ValidateFill(side, price, quantity, liquidity);
        return Apply(side, price, quantity, liquidity, liquidity == Liquidity.Maker ? MakerFeeRate : TakerFeeRate, reportedFee: null);
    }

    /// <summary>Applies a fill with the fee the venue reported instead of a rate.</summary>
    /// <param name="side">Buy adds to the position, sell subtracts.</param>
    /// <param name="price">The fill price; positive.</param>
    /// <param name="quantity">The fill quantity; positive.</param>
    /// <param name="liquidity">Maker or taker, for the counts.</param>
    /// <param name="fee">The fee in quote currency; not negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">
    /// The side is undefined, the price or quantity is not positive, the fee is negative or would take the fees paid beyond a
    /// decimal, or the fill is too large for the tracker (as for the other overload). Nothing is changed: a fill is applied whole or not at all.
    /// </exception>
    public void ApplyFill(Side side, Price price, Quantity quantity, Liquidity liquidity, decimal fee)
    {
        ValidateFill(side, price, quantity, liquidity);
        if (fee < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fee), fee, $"fee {Invariant(fee)} must not be negative.");
        }

        if (fee > decimal.MaxValue - _fees)
        {
            throw new ArgumentOutOfRangeException(nameof(fee), fee, $"fee {Invariant(fee)} would take the fees paid ({Invariant(_fees)}) beyond what a decimal holds; nothing is changed.");
        }

        Apply(side, price, quantity, liquidity, 0m, fee);
    }

    /// <summary>Captures everything this tracker knows as plain data (for a snapshot); see <see cref="PositionTrackerState"/>.</summary>
    public PositionTrackerState CaptureState()
    {
        var lots = new FifoLot[_fifoCount];
        for (var i = 0; i < _fifoCount; i++)
        {
            var index = (_fifoHead + i) % _fifoPrices.Length;
            lots[i] = new FifoLot(_fifoPrices[index], _fifoLots[index]);
        }

        return new PositionTrackerState
        {
            Symbol = Instrument.Symbol,
            PositionLots = _positionLots,
            CostTickLots = _cost,
            RealizedAverageCostTickLots = _realizedAverage,
            FifoLots = lots,
            RealizedFifoTickLots = _realizedFifo,
            Fees = _fees,
            TradedNotionalTickLots = _tradedNotional,
            TradedLots = _tradedLots,
            BuyFillCount = BuyFillCount,
            SellFillCount = SellFillCount,
            MakerFillCount = MakerFillCount,
            TakerFillCount = TakerFillCount,
            LastMarkTicks = _hasMark ? _lastMark.Ticks : 0,
            EquityPeak = _equityPeak,
            Drawdown = Drawdown,
            MaxDrawdown = _maxDrawdown,
        };
    }

    /// <summary>
    /// Replaces everything this tracker knows with <paramref name="state"/> (from <see cref="CaptureState"/>, perhaps of an
    /// earlier process). The state is checked first; a refused state changes nothing.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="state"/> or its FIFO lots are null.</exception>
    /// <exception cref="ArgumentException">
    /// The state is for another instrument, a count, the traded quantity or notional, the fees, the mark, the peak or a drawdown is
    /// negative, the fill counts disagree (buys + sells ≠ makers + takers), a FIFO lot has a non-positive price, a zero size or the
    /// wrong sign, the FIFO lots do not add up to the position, or the cost basis of a flat position is not 0. The message names the field.
    /// </exception>
    public void RestoreState(PositionTrackerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(state.FifoLots, "state.FifoLots");
        var error = CheckState(state);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(state));
        }

        var capacity = Math.Max(_fifoPrices.Length, state.FifoLots.Count);
        var prices = capacity == _fifoPrices.Length ? _fifoPrices : new long[capacity];
        var lots = capacity == _fifoLots.Length ? _fifoLots : new long[capacity];
        decimal fifoCost = 0;
        for (var i = 0; i < state.FifoLots.Count; i++)
        {
            prices[i] = state.FifoLots[i].PriceTicks;
            lots[i] = state.FifoLots[i].Lots;
            fifoCost += (decimal)lots[i] * prices[i];
        }

        _fifoPrices = prices;
        _fifoLots = lots;
        _fifoHead = 0;
        _fifoCount = state.FifoLots.Count;
        _fifoCost = fifoCost;
        _positionLots = state.PositionLots;
        _cost = state.CostTickLots;
        _realizedAverage = state.RealizedAverageCostTickLots;
        _realizedFifo = state.RealizedFifoTickLots;
        _fees = state.Fees;
        _tradedNotional = state.TradedNotionalTickLots;
        _tradedLots = state.TradedLots;
        BuyFillCount = state.BuyFillCount;
        SellFillCount = state.SellFillCount;
        MakerFillCount = state.MakerFillCount;
        TakerFillCount = state.TakerFillCount;
        FillCount = state.BuyFillCount + state.SellFillCount;
        _hasMark = state.LastMarkTicks > 0;
        _lastMark = new Price(state.LastMarkTicks);
        _equityPeak = state.EquityPeak;
        Drawdown = state.Drawdown;
        _maxDrawdown = state.MaxDrawdown;
    }

    private string? CheckState(PositionTrackerState state)
    {
        if (!string.Equals(state.Symbol, Instrument.Symbol, StringComparison.Ordinal))
        {
            return $"Symbol {state.Symbol} is not this tracker's instrument {Instrument.Symbol}.";
        }

        if (state.BuyFillCount < 0 || state.SellFillCount < 0 || state.MakerFillCount < 0 || state.TakerFillCount < 0
            || state.BuyFillCount > long.MaxValue - state.SellFillCount
            || state.BuyFillCount + state.SellFillCount != (Int128)state.MakerFillCount + state.TakerFillCount)
        {
            return $"fill counts (buy {state.BuyFillCount}, sell {state.SellFillCount}, maker {state.MakerFillCount}, taker {state.TakerFillCount}) must not be negative and buys + sells must equal makers + takers.";
        }

        if (state.TradedLots < 0 || state.TradedNotionalTickLots < 0)
        {
            return $"TradedLots {state.TradedLots} and TradedNotionalTickLots {Invariant(state.TradedNotionalTickLots)} must not be negative.";
        }

        if (state.Fees < 0)
        {
            return $"Fees {Invariant(state.Fees)} must not be negative.";
        }

        if (state.LastMarkTicks < 0 || state.EquityPeak < 0 || state.Drawdown < 0 || state.MaxDrawdown < state.Drawdown)
        {
            return $"LastMarkTicks {state.LastMarkTicks}, EquityPeak {Invariant(state.EquityPeak)} and Drawdown {Invariant(state.Drawdown)} must not be negative, and MaxDrawdown {Invariant(state.MaxDrawdown)} must be at least Drawdown.";
        }

        long sum = 0;
        for (var i = 0; i < state.FifoLots.Count; i++)
        {
            var lot = state.FifoLots[i];
            if (lot.PriceTicks <= 0 || lot.Lots == 0 || Math.Sign(lot.Lots) != Math.Sign(state.PositionLots))
            {
                return $"FifoLots[{i}] ({lot.PriceTicks} ticks, {lot.Lots} lots) must have a positive price and a non-zero size signed like PositionLots {state.PositionLots}.";
            }

            sum += lot.Lots;
        }

        if (sum != state.PositionLots)
        {
            return $"FifoLots add up to {sum} lots, not PositionLots {state.PositionLots}.";
        }

        return state.PositionLots == 0 && state.CostTickLots != 0
            ? $"CostTickLots {Invariant(state.CostTickLots)} must be 0 when PositionLots is 0."
            : null;
    }

    private decimal EquityOf(decimal realizedAverage, long positionLots, long markTicks, decimal cost, decimal fees) =>
        (realizedAverage + positionLots * (decimal)markTicks - cost) * _cashUnit - fees;

    private static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Applies a valid fill all or nothing: every new value that can overflow (position, cost basis, realized P&amp;L, FIFO cost,
    /// fees, traded totals, the equity at the last mark) is computed first, and only then is anything stored.
    /// </summary>
    /// <remarks><paramref name="feeRate"/> is charged on the notional when <paramref name="reportedFee"/> is null. Returns the fee charged.</remarks>
    private decimal Apply(Side side, Price price, Quantity quantity, Liquidity liquidity, decimal feeRate, decimal? reportedFee)
    {
        var signed = side == Side.Buy ? quantity.Lots : -quantity.Lots;
        var priceTicks = price.Ticks;
        long newPosition, tradedLots;
        decimal fee, fees, tradedNotional, cost, realizedAverage, peak = 0, drawdown = 0;
        FifoPlan fifo;
        try
        {
            var notional = (decimal)priceTicks * quantity.Lots;
            fee = reportedFee ?? notional * _cashUnit * feeRate;
            fees = _fees + fee;
            tradedNotional = _tradedNotional + notional;
            tradedLots = checked(_tradedLots + quantity.Lots);
            newPosition = checked(_positionLots + signed);
            (cost, realizedAverage) = PlanAverageCost(signed, priceTicks);
            fifo = PlanFifo(signed, priceTicks);
            if (_hasMark)
            {
                PeakAfter(EquityOf(realizedAverage, newPosition, _lastMark.Ticks, cost, fees), out peak, out drawdown);
            }
        }
        catch (OverflowException)
        {
            throw new ArgumentOutOfRangeException(
                nameof(quantity),
                quantity.Lots,
                $"quantity {quantity.Lots} at price {priceTicks} ticks would take the position ({_positionLots} lots), its cost, P&L, fees or traded totals beyond what they can hold; nothing is changed.");
        }

        _positionLots = newPosition;
        _cost = cost;
        _realizedAverage = realizedAverage;
        CommitFifo(in fifo, priceTicks);
        _fees = fees;
        _tradedNotional = tradedNotional;
        _tradedLots = tradedLots;
        FillCount++;
        if (side == Side.Buy)
        {
            BuyFillCount++;
        }
        else
        {
            SellFillCount++;
        }

        if (liquidity == Liquidity.Maker)
        {
            MakerFillCount++;
        }
        else
        {
            TakerFillCount++;
        }

        if (_hasMark)
        {
            StorePeak(peak, drawdown);
        }

        return fee;
    }

    /// <summary>The average-cost basis and realized P&amp;L after a fill of <paramref name="signed"/> lots; changes nothing.</summary>
    private (decimal Cost, decimal Realized) PlanAverageCost(long signed, long priceTicks)
    {
        var position = _positionLots;
        if (position == 0 || (position > 0) == (signed > 0))
        {
            return (_cost + ((decimal)signed * priceTicks), _realizedAverage);
        }

        // Closing (and perhaps flipping): close min(|signed|, |position|) at the current average cost.
        var closing = Math.Min(Math.Abs(signed), Math.Abs(position));
        var closedCost = closing == Math.Abs(position) ? _cost : CostShare(closing, Math.Abs(position));
        var closedSigned = signed > 0 ? closing : -closing;
        var realized = _realizedAverage + (-(decimal)closedSigned * priceTicks - closedCost);
        var cost = _cost - closedCost;

        // What is left of the fill after closing opens a position the other way at the fill price.
        var remainder = signed - closedSigned;
        return (remainder != 0 ? (decimal)remainder * priceTicks : cost, realized);
    }

    /// <summary>
    /// The average-cost basis of <paramref name="closing"/> of <paramref name="position"/> lots: cost × closing ÷ position, rounded.
    /// When cost × closing is beyond a decimal (about 7.9e28 tick-lots: 1,000 BTC of a 2,000 BTC position at 100,000 USD on
    /// 1-satoshi lots and 1-cent ticks), (cost ÷ position) × closing instead, which may differ in the last of the 10 decimals.
    /// </summary>
    private decimal CostShare(long closing, long position)
    {
        var share = Math.Abs((double)_cost) * closing < 7e28 ? _cost * closing / position : _cost / position * closing;
        return decimal.Round(share, AverageCostDecimals, MidpointRounding.ToEven);
    }

    /// <summary>What a fill does to the FIFO lots, worked out without changing them; <see cref="CommitFifo"/> then stores it.</summary>
    private FifoPlan PlanFifo(long signed, long priceTicks)
    {
        var plan = new FifoPlan { Realized = _realizedFifo, Cost = _fifoCost, Remaining = signed };
        var position = _positionLots;
        if (position != 0 && (position > 0) != (signed > 0))
        {
            // Consume the oldest open lots first.
            var index = _fifoHead;
            while (plan.Remaining != 0 && plan.Consumed < _fifoCount)
            {
                var entry = _fifoPrices[index];
                var open = _fifoLots[index]; // signed like the position
                var take = Math.Min(Math.Abs(plan.Remaining), Math.Abs(open));
                var takeSigned = open > 0 ? take : -take;

                // A long lot sold at p gains (p - entry) per lot; a short lot bought back gains (entry - p).
                plan.Realized += (decimal)takeSigned * (priceTicks - entry);
                plan.Cost -= (decimal)takeSigned * entry;
                plan.Remaining += takeSigned;
                var left = open - takeSigned;
                if (left != 0)
                {
                    // Only the fill ran out: the oldest lot stays, smaller.
                    plan.HeadLeft = left;
                    break;
                }

                plan.Consumed++;
                index = (index + 1) % _fifoPrices.Length;
            }
        }

        if (plan.Remaining != 0)
        {
            plan.Cost += (decimal)plan.Remaining * priceTicks;
        }

        return plan;
    }

    private void CommitFifo(in FifoPlan plan, long priceTicks)
    {
        if (plan.Consumed > 0)
        {
            _fifoHead = (_fifoHead + plan.Consumed) % _fifoPrices.Length;
            _fifoCount -= plan.Consumed;
            if (_fifoCount == 0)
            {
                _fifoHead = 0;
            }
        }

        if (plan.HeadLeft != 0)
        {
            _fifoLots[_fifoHead] = plan.HeadLeft;
        }

        if (plan.Remaining != 0)
        {
            PushFifo(priceTicks, plan.Remaining);
        }

        _realizedFifo = plan.Realized;
        _fifoCost = plan.Cost;
    }

    private void PushFifo(long priceTicks, long signedLots)
    {
        if (_fifoCount == _fifoPrices.Length)
        {
            GrowFifo();
        }

        var tail = (_fifoHead + _fifoCount) % _fifoPrices.Length;
        _fifoPrices[tail] = priceTicks;
        _fifoLots[tail] = signedLots;
        _fifoCount++;
    }

    private void GrowFifo()
    {
        var prices = new long[_fifoPrices.Length * 2];
        var lots = new long[prices.Length];
        for (var i = 0; i < _fifoCount; i++)
        {
            var index = (_fifoHead + i) % _fifoPrices.Length;
            prices[i] = _fifoPrices[index];
            lots[i] = _fifoLots[index];
        }

        _fifoPrices = prices;
        _fifoLots = lots;
        _fifoHead = 0;
    }

    private void PeakAfter(decimal equity, out decimal peak, out decimal drawdown)
    {
        peak = equity > _equityPeak ? equity : _equityPeak;
        drawdown = peak - equity;
    }

    private void StorePeak(decimal peak, decimal drawdown)
    {
        _equityPeak = peak;
        Drawdown = drawdown;
        if (drawdown > _maxDrawdown)
        {
            _maxDrawdown = drawdown;
        }
    }

    /// <summary>A fill's effect on the FIFO lots, worked out before anything is stored.</summary>
    private struct FifoPlan
    {
        /// <summary>Realized FIFO P&amp;L after the fill.</summary>
        public decimal Realized;

        /// <summary>The cost of the open FIFO lots after the fill.</summary>
        public decimal Cost;

        /// <summary>Open lots the fill closes completely, oldest first.</summary>
        public int Consumed;

        /// <summary>The signed size left of the oldest remaining lot when the fill closes part of it; 0 when it closes none partly.</summary>
        public long HeadLeft;

        /// <summary>The signed lots of the fill left after closing: a new lot at the fill price.</summary>
        public long Remaining;
    }

    private static void ValidateFill(Side side, Price price, Quantity quantity, Liquidity liquidity)
    {
        if (side is not (Side.Buy or Side.Sell))
        {
            throw new ArgumentOutOfRangeException(nameof(side), side, $"side {(int)side} is not Buy or Sell.");
        }

        if (liquidity is not (Liquidity.Maker or Liquidity.Taker))
        {
            throw new ArgumentOutOfRangeException(nameof(liquidity), liquidity, $"liquidity {(int)liquidity} is not Maker or Taker.");
        }

        if (price.Ticks <= 0)
        {
            ThrowNotPositive(nameof(price), price.Ticks);
        }

        if (quantity.Lots <= 0)
        {
            ThrowNotPositive(nameof(quantity), quantity.Lots);
        }
    }

    private static void ValidateRate(decimal rate, string name)
    {
        if (rate < 0 || rate >= 1)
        {
            throw new ArgumentOutOfRangeException(name, rate, $"{name} {rate.ToString(CultureInfo.InvariantCulture)} must be at least 0 and below 1.");
        }
    }

    private static void ThrowNotPositive(string name, long value) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be positive.");
}
