using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Simulator;

/// <summary>The simulated market: the fair price process and the participants that follow it.</summary>
public sealed partial class ExchangeSimulator
{
    private readonly ParticipantState[] _participants = new ParticipantState[4];

    // The participants' resting orders, for random cancels: ids in an array, positions in a map (swap-remove).
    private long[] _restingIds = [];
    private readonly Dictionary<long, int> _restingIndex = new();
    private int _restingCount;
    private int _maxRestingOrders;

    private PriceProcessKind _priceKind;
    private double _drift;
    private double _volatility;
    private double _jumpRate;
    private double _jumpStandardDeviation;
    private double _jumpProbability;
    private long _stepNanoseconds;
    private double _stepSeconds;
    private double _fair;
    private double _maxFair;
    private long _nextPriceStep;
    private long _priceSteps;
    private long _jumps;
    private int _makerMaxDistance;
    private int _noiseMaxDistance;
    private double _noiseCancelProbability;
    private double _imbalanceThreshold;
    private int _imbalanceLevels;
    private int _arbitrageThreshold;

    /// <summary>The fair price the participants follow now, in (fractional) ticks: a model value, not an order price.</summary>
    public double FairPriceTicks
    {
        get
        {
            lock (_gate)
            {
                return _fair;
            }
        }
    }

    private void InitializeParticipants(ExchangeSimulatorOptions options)
    {
        var process = options.PriceProcess;
        _priceKind = process.Kind;
        _drift = process.DriftPerSecond;
        _volatility = process.VolatilityPerSqrtSecond;
        _jumpRate = process.JumpRatePerSecond;
        _jumpStandardDeviation = process.JumpStandardDeviation;
        _stepNanoseconds = ToNanoseconds(process.StepInterval);
        _stepSeconds = process.StepInterval.TotalSeconds;
        _jumpProbability = 1 - Math.Exp(-_jumpRate * _stepSeconds);
        _fair = _instrument.GetPrice(options.InitialPrice).Ticks;
        _maxFair = _instrument.MaxPrice.Ticks;
        _nextPriceStep = _stepNanoseconds;
        _makerMaxDistance = options.Makers.MaxDistanceTicks;
        _noiseMaxDistance = options.NoiseTraders.MaxDistanceTicks;
        _noiseCancelProbability = options.NoiseTraders.CancelProbability;
        _imbalanceThreshold = options.InformedTraders.ImbalanceThreshold;
        _imbalanceLevels = options.InformedTraders.ImbalanceLevels;
        _arbitrageThreshold = options.InformedTraders.ArbitrageThresholdTicks;
        _maxRestingOrders = options.MaxRestingOrders;
        _restingIds = new long[Math.Max(options.MaxRestingOrders, options.InitialDepthLevels * 2) + 64];
        _restingIndex.EnsureCapacity(_restingIds.Length);

        _participants[(int)ParticipantKind.Taker] = new ParticipantState(options.Takers);
        _participants[(int)ParticipantKind.Maker] = new ParticipantState(options.Makers);
        _participants[(int)ParticipantKind.NoiseTrader] = new ParticipantState(options.NoiseTraders);
        _participants[(int)ParticipantKind.InformedTrader] = new ParticipantState(options.InformedTraders);

        // The opening book: one maker order per level, one tick apart outwards from the fair price.
        var fair = FairTicks();
        var maker = _participants[(int)ParticipantKind.Maker];
        for (var i = 1; i <= options.InitialDepthLevels; i++)
        {
            if (fair - i > 0)
            {
                _book.Submit(OrderRequest.Limit(++_nextBookOrderId, OwnerOf(ParticipantKind.Maker), Side.Buy, new Price(fair - i), new Quantity(SampleSize(maker))));
            }

            if (fair + i <= _instrument.MaxPrice.Ticks)
            {
                _book.Submit(OrderRequest.Limit(++_nextBookOrderId, OwnerOf(ParticipantKind.Maker), Side.Sell, new Price(fair + i), new Quantity(SampleSize(maker))));
            }
        }

        foreach (var participant in _participants)
        {
            participant.NextArrival = NextArrival(participant.RatePerSecond);
        }
    }

    private long NextMarketStepTime(long best, ref EventKind kind)
    {
        if (_nextPriceStep < best)
        {
            best = _nextPriceStep;
            kind = EventKind.PriceStep;
        }

        for (var i = 0; i < _participants.Length; i++)
        {
            if (_participants[i].NextArrival < best)
            {
                best = _participants[i].NextArrival;
                kind = EventKind.TakerArrival + i;
            }
        }

        return best;
    }

    private void ProcessMarketStep(EventKind kind)
    {
        if (kind == EventKind.PriceStep)
        {
            StepPrice();
            _nextPriceStep += _stepNanoseconds;
            return;
        }

        var participantKind = (ParticipantKind)(kind - EventKind.TakerArrival);
        var participant = _participants[(int)participantKind];
        participant.Arrivals++;
        switch (participantKind)
        {
            case ParticipantKind.Taker:
                TakerArrives(participant);
                break;
            case ParticipantKind.Maker:
                MakerArrives(participant);
                break;
            case ParticipantKind.NoiseTrader:
                NoiseTraderArrives(participant);
                break;
            default:
                InformedTraderArrives(participant);
                break;
        }

        participant.NextArrival = _now + NextArrivalGap(participant.RatePerSecond);
    }

    private void StepPrice()
    {
        _priceSteps++;
        var shock = _volatility * Math.Sqrt(_stepSeconds) * _random.NextNormal();
        if (_priceKind == PriceProcessKind.RandomWalk)
        {
            _fair += (_drift * _stepSeconds) + shock;
        }
        else
        {
            _fair *= Math.Exp(((_drift - (0.5 * _volatility * _volatility)) * _stepSeconds) + shock);
        }

        // A Poisson number of jumps per step is approximated by at most one, with the exact probability of at least one.
        if (_jumpRate > 0 && _random.NextDouble() < _jumpProbability)
        {
            _jumps++;
            var jump = _jumpStandardDeviation * _random.NextNormal();
            _fair = _priceKind == PriceProcessKind.RandomWalk ? _fair + jump : _fair * Math.Exp(jump);
        }

        _fair = Math.Clamp(_fair, 1, _maxFair);
        if (_subscribed)
        {
            _book.TryGetBestBid(out var bid, out var bidSize);
            _book.TryGetBestAsk(out var ask, out var askSize);
            var at = NextMarketDataTime();
            _marketData.Enqueue(MarketEvent.Ticker(_instrumentId, bid, bidSize, ask, askSize, _bookSequence, _now, at));
        }
    }

    private void TakerArrives(ParticipantState taker)
    {
        var side = _random.NextBool() ? Side.Buy : Side.Sell;
        Submit(taker, OrderRequest.Market(++_nextBookOrderId, OwnerOf(ParticipantKind.Taker), side, new Quantity(SampleSize(taker)), timestamp: _now));
    }

    private void MakerArrives(ParticipantState maker)
    {
        MakeRoom(maker);
        var side = _random.NextBool() ? Side.Buy : Side.Sell;
        var distance = 1 + _random.NextInt64(_makerMaxDistance);
        var price = side == Side.Buy ? FairTicks() - distance : FairTicks() + distance;
        if (price <= 0 || price > _instrument.MaxPrice.Ticks)
        {
            return;
        }

        Submit(maker, OrderRequest.Limit(++_nextBookOrderId, OwnerOf(ParticipantKind.Maker), side, new Price(price), new Quantity(SampleSize(maker)), postOnly: true, timestamp: _now));
    }

    private void NoiseTraderArrives(ParticipantState noise)
    {
        if (_random.NextDouble() < _noiseCancelProbability)
        {
            CancelRandomParticipantOrder(noise);
            return;
        }

        MakeRoom(noise);
        var side = _random.NextBool() ? Side.Buy : Side.Sell;
        var price = Math.Clamp(FairTicks() + _random.NextInt64((2L * _noiseMaxDistance) + 1) - _noiseMaxDistance, 1, _instrument.MaxPrice.Ticks);
        Submit(noise, OrderRequest.Limit(++_nextBookOrderId, OwnerOf(ParticipantKind.NoiseTrader), side, new Price(price), new Quantity(SampleSize(noise)), timestamp: _now));
    }

    private void InformedTraderArrives(ParticipantState informed)
    {
        var owner = OwnerOf(ParticipantKind.InformedTrader);
        if (_book.TryGetBestBid(out var bid, out _) && _book.TryGetBestAsk(out var ask, out _))
        {
            // In half ticks, to compare the mid exactly.
            var midHalfTicks = bid.Ticks + ask.Ticks;
            var fairHalfTicks = 2 * _fair;
            if (Math.Abs(midHalfTicks - fairHalfTicks) >= 2.0 * _arbitrageThreshold)
            {
                var buy = midHalfTicks < fairHalfTicks;
                var limit = buy ? (long)Math.Floor(_fair) : (long)Math.Ceiling(_fair);
                Submit(informed, OrderRequest.Limit(++_nextBookOrderId, owner, buy ? Side.Buy : Side.Sell, new Price(Math.Max(1, limit)), new Quantity(SampleSize(informed)), TimeInForce.ImmediateOrCancel, timestamp: _now));
                return;
            }
        }

        var imbalance = _book.GetImbalance(_imbalanceLevels);
        if (Math.Abs(imbalance) >= _imbalanceThreshold)
        {
            var side = imbalance > 0 ? Side.Buy : Side.Sell;
            Submit(informed, OrderRequest.Market(++_nextBookOrderId, owner, side, new Quantity(SampleSize(informed)), timestamp: _now));
        }
    }

    private void Submit(ParticipantState participant, in OrderRequest request)
    {
        participant.OrdersSubmitted++;
        if (!_book.Submit(request).IsAccepted)
        {
            participant.OrdersRefused++;
        }
    }

    /// <summary>Keeps the simulated book bounded: at the limit, a random simulated order is cancelled first.</summary>
    private void MakeRoom(ParticipantState participant)
    {
        if (_restingCount >= _maxRestingOrders)
        {
            CancelRandomParticipantOrder(participant);
        }
    }

    private void CancelRandomParticipantOrder(ParticipantState participant)
    {
        if (_restingCount == 0)
        {
            return;
        }

        var id = _restingIds[_random.NextInt64(_restingCount)];
        if (_book.Cancel(id, _now).IsAccepted)
        {
            participant.Cancels++;
        }
    }

    private void AddParticipantOrder(long orderId)
    {
        if (_restingCount == _restingIds.Length)
        {
            Array.Resize(ref _restingIds, _restingIds.Length * 2);
        }

        _restingIds[_restingCount] = orderId;
        _restingIndex.Add(orderId, _restingCount);
        _restingCount++;
    }

    private void RemoveParticipantOrder(long orderId)
    {
        // An immediate-or-cancel remainder that never rested is not in the set.
        if (!_restingIndex.Remove(orderId, out var index))
        {
            return;
        }

        var last = --_restingCount;
        if (index != last)
        {
            var moved = _restingIds[last];
            _restingIds[index] = moved;
            _restingIndex[moved] = index;
        }
    }

    private void OnParticipantTrade(long ownerId, long lots)
    {
        var participant = _participants[ownerId - 2];
        participant.AggressiveTrades++;
        participant.AggressiveVolumeLots += lots;
    }

    private long SampleSize(ParticipantState size)
    {
        if (size.MinLots == size.MaxLots)
        {
            return size.MinLots;
        }

        if (size.SizeKind == SizeDistributionKind.Uniform)
        {
            return size.MinLots + _random.NextInt64(size.MaxLots - size.MinLots + 1);
        }

        var extra = _random.NextExponential(size.MeanLots - size.MinLots);
        return extra >= size.MaxLots - size.MinLots ? size.MaxLots : size.MinLots + (long)extra;
    }

    private long FairTicks() => Math.Clamp((long)Math.Round(_fair), 1, _instrument.MaxPrice.Ticks);

    private long NextArrival(double ratePerSecond) => ratePerSecond > 0 ? NextArrivalGap(ratePerSecond) : long.MaxValue;

    private long NextArrivalGap(double ratePerSecond) => Math.Max(1, (long)(_random.NextExponential(1.0 / ratePerSecond) * 1e9));

    private static long OwnerOf(ParticipantKind kind) => (long)kind + 2;

    /// <summary>One participant kind's parameters and counters.</summary>
    private sealed class ParticipantState(ParticipantOptions options)
    {
        public double RatePerSecond { get; } = options.RatePerSecond;

        public SizeDistributionKind SizeKind { get; } = options.Size.Kind;

        public long MinLots { get; } = options.Size.MinLots;

        public long MaxLots { get; } = options.Size.MaxLots;

        public double MeanLots { get; } = options.Size.MeanLots;

        public long NextArrival { get; set; }

        public long Arrivals { get; set; }

        public long OrdersSubmitted { get; set; }

        public long OrdersRefused { get; set; }

        public long Cancels { get; set; }

        public long AggressiveTrades { get; set; }

        public long AggressiveVolumeLots { get; set; }

        public ParticipantStatistics ToStatistics() => new(Arrivals, OrdersSubmitted, OrdersRefused, Cancels, AggressiveTrades, AggressiveVolumeLots);
    }
}
