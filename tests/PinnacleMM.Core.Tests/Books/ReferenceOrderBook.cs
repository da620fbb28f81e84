using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Tests.Books;

/// <summary>
/// An independent, deliberately naive model of the L3 matching contract: each side is one list of
/// orders in priority order (best price first, oldest first within a price), every query is a scan.
/// Written from the rules, not from <see cref="OrderBook"/>'s internals, so the two can be compared.
/// Events (trades and order updates, in the order they happen) are appended to <see cref="Events"/>.
/// </summary>
internal sealed class ReferenceOrderBook
{
    private readonly List<ModelOrder> _bids = [];
    private readonly List<ModelOrder> _asks = [];

    public ReferenceOrderBook(InstrumentSpec instrument) => Instrument = instrument;

    public InstrumentSpec Instrument { get; }

    public long LastTradeId { get; private set; }

    /// <summary>Trades (<see cref="Trade"/>) and order updates (<see cref="OrderUpdate"/>), boxed, in order.</summary>
    public List<object> Events { get; } = [];

    public int OrderCount => _bids.Count + _asks.Count;

    public int LevelCount(Side side) => Orders(side).Select(o => o.Price).Distinct().Count();

    public IReadOnlyList<ModelOrder> Orders(Side side) => side == Side.Buy ? _bids : _asks;

    public IEnumerable<ModelOrder> AllOrders => _bids.Concat(_asks);

    public ModelOrder? Find(long id) => AllOrders.FirstOrDefault(o => o.Id == id);

    // ------------------------------------------------------------------ commands

    public OrderResult Submit(in OrderRequest r)
    {
        var code = ValidateSubmit(r);
        if (code != OrderBookResultCode.Accepted)
        {
            return OrderResult.Rejected(r.OrderId, code);
        }

        var market = r.Type == OrderType.Market;
        if (r.PostOnly && WouldCross(r.Side, r.Price.Ticks))
        {
            return OrderResult.Rejected(r.OrderId, OrderBookResultCode.PostOnlyWouldCross);
        }

        if (r.TimeInForce == TimeInForce.FillOrKill && FillOrKillFillable(r.Side, market, r.Price.Ticks, r.OwnerId, r.SelfTradePrevention) < r.Quantity.Lots)
        {
            return OrderResult.Rejected(r.OrderId, OrderBookResultCode.FillOrKillNotFillable);
        }

        return Match(r.OrderId, r.OwnerId, r.Side, market, r.Price.Ticks, r.Quantity.Lots, r.TimeInForce, r.PostOnly, r.SelfTradePrevention, r.Timestamp);
    }

    public OrderResult Cancel(long id, long timestamp)
    {
        if (id <= 0)
        {
            return OrderResult.Rejected(id, OrderBookResultCode.InvalidOrderId);
        }

        var order = Find(id);
        if (order is null)
        {
            return OrderResult.Rejected(id, OrderBookResultCode.UnknownOrderId);
        }

        ListOf(order.Side).Remove(order);
        Events.Add(Update(OrderUpdateKind.Cancelled, order, order.Price, order.Remaining, 0, CancelReason.Requested, timestamp));
        return new OrderResult { OrderId = id, Cancelled = new Quantity(order.Remaining), CancelReason = CancelReason.Requested };
    }

    public OrderResult Modify(long id, Price newPrice, Quantity newQuantity, long timestamp)
    {
        if (id <= 0)
        {
            return OrderResult.Rejected(id, OrderBookResultCode.InvalidOrderId);
        }

        var order = Find(id);
        if (order is null)
        {
            return OrderResult.Rejected(id, OrderBookResultCode.UnknownOrderId);
        }

        var code = ValidateQuantity(newQuantity.Lots);
        if (code == OrderBookResultCode.Accepted)
        {
            code = ValidatePrice(newPrice.Ticks);
        }

        if (code != OrderBookResultCode.Accepted)
        {
            return OrderResult.Rejected(id, code);
        }

        if (newPrice.Ticks == order.Price && newQuantity.Lots <= order.Remaining)
        {
            var reduction = order.Remaining - newQuantity.Lots;
            if (reduction > 0)
            {
                order.Remaining = newQuantity.Lots;
                Events.Add(Update(OrderUpdateKind.Reduced, order, order.Price, reduction, order.Remaining, CancelReason.Requested, timestamp));
            }

            return new OrderResult
            {
                OrderId = id,
                Resting = newQuantity,
                Cancelled = new Quantity(reduction),
                CancelReason = reduction > 0 ? CancelReason.Requested : CancelReason.None,
            };
        }

        if (order.PostOnly && WouldCross(order.Side, newPrice.Ticks))
        {
            return OrderResult.Rejected(id, OrderBookResultCode.PostOnlyWouldCross);
        }

        ListOf(order.Side).Remove(order);
        Events.Add(Update(OrderUpdateKind.Replaced, order, order.Price, order.Remaining, 0, CancelReason.None, timestamp));
        return Match(id, order.Owner, order.Side, market: false, newPrice.Ticks, newQuantity.Lots, TimeInForce.GoodTillCancel, order.PostOnly, order.Stp, timestamp);
    }

    // ------------------------------------------------------------------ queries

    public bool TryGetBest(Side side, out long price, out long total)
    {
        var list = Orders(side);
        if (list.Count == 0)
        {
            price = 0;
            total = 0;
            return false;
        }

        price = list[0].Price;
        var p = price;
        total = list.Where(o => o.Price == p).Sum(o => o.Remaining);
        return true;
    }

    /// <summary>Levels best first: consecutive orders of the same price in the priority list.</summary>
    public List<DepthLevel> Depth(Side side) =>
        Orders(side)
            .GroupBy(o => o.Price)
            .Select(g => new DepthLevel(new Price(g.Key), new Quantity(g.Sum(o => o.Remaining)), g.Count()))
            .ToList();

    public (int OrdersAhead, long QuantityAhead) QueuePosition(ModelOrder order)
    {
        var ahead = Orders(order.Side).TakeWhile(o => o != order).Where(o => o.Price == order.Price).ToList();
        return (ahead.Count, ahead.Sum(o => o.Remaining));
    }

    /// <summary>A market order's sweep ignoring self-trade prevention, as documented for EstimateMarketImpact.</summary>
    public MarketImpact Impact(Side takerSide, long quantity)
    {
        var need = quantity;
        Int128 notional = 0;
        long worst = 0;
        var levels = 0;
        foreach (var level in Depth(takerSide.Opposite()))
        {
            if (need == 0)
            {
                break;
            }

            var take = Math.Min(need, level.Quantity.Lots);
            need -= take;
            notional += (Int128)take * level.Price.Ticks;
            worst = level.Price.Ticks;
            levels++;
        }

        return new MarketImpact
        {
            Filled = new Quantity(quantity - need),
            Unfilled = new Quantity(need),
            NotionalTicksLots = notional,
            WorstPrice = new Price(worst),
            LevelsConsumed = levels,
        };
    }

    public double Imbalance(int levels)
    {
        double bid = Depth(Side.Buy).Take(levels).Sum(l => l.Quantity.Lots);
        double ask = Depth(Side.Sell).Take(levels).Sum(l => l.Quantity.Lots);
        return bid + ask == 0 ? 0 : (bid - ask) / (bid + ask);
    }

    // ------------------------------------------------------------------ rules

    private OrderBookResultCode ValidateSubmit(in OrderRequest r)
    {
        if (r.OrderId <= 0)
        {
            return OrderBookResultCode.InvalidOrderId;
        }

        if (!Enum.IsDefined(r.Side) || !Enum.IsDefined(r.Type) || !Enum.IsDefined(r.TimeInForce) || !Enum.IsDefined(r.SelfTradePrevention))
        {
            return OrderBookResultCode.InvalidEnumValue;
        }

        var code = ValidateQuantity(r.Quantity.Lots);
        if (code != OrderBookResultCode.Accepted)
        {
            return code;
        }

        if (r.Type == OrderType.Limit)
        {
            code = ValidatePrice(r.Price.Ticks);
            if (code != OrderBookResultCode.Accepted)
            {
                return code;
            }
        }

        if (r.Type == OrderType.Market && r.TimeInForce == TimeInForce.GoodTillCancel)
        {
            return OrderBookResultCode.MarketOrderCannotRest;
        }

        if (r.PostOnly && !(r.Type == OrderType.Limit && r.TimeInForce == TimeInForce.GoodTillCancel))
        {
            return OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit;
        }

        return Find(r.OrderId) is null ? OrderBookResultCode.Accepted : OrderBookResultCode.DuplicateOrderId;
    }

    private OrderBookResultCode ValidateQuantity(long lots) =>
        lots <= 0 ? OrderBookResultCode.InvalidQuantity
        : lots < Instrument.MinQuantity.Lots ? OrderBookResultCode.QuantityBelowMinimum
        : lots > Instrument.MaxQuantity.Lots ? OrderBookResultCode.QuantityAboveMaximum
        : OrderBookResultCode.Accepted;

    private OrderBookResultCode ValidatePrice(long ticks) =>
        ticks <= 0 ? OrderBookResultCode.InvalidPrice
        : ticks > Instrument.MaxPrice.Ticks ? OrderBookResultCode.PriceAboveMaximum
        : OrderBookResultCode.Accepted;

    private bool WouldCross(Side side, long price) =>
        side == Side.Buy
            ? _asks.Count > 0 && _asks[0].Price <= price
            : _bids.Count > 0 && _bids[0].Price >= price;

    private static bool Reaches(Side takerSide, bool market, long limit, long makerPrice) =>
        market || (takerSide == Side.Buy ? makerPrice <= limit : makerPrice >= limit);

    /// <summary>The quantity a fill-or-kill order could take now, walking the crossing orders in priority order.</summary>
    private long FillOrKillFillable(Side side, bool market, long limit, long owner, SelfTradePrevention stp)
    {
        long counted = 0;
        foreach (var maker in Orders(side.Opposite()))
        {
            if (!Reaches(side, market, limit, maker.Price))
            {
                break;
            }

            if (stp != SelfTradePrevention.None && maker.Owner == owner)
            {
                if (stp == SelfTradePrevention.CancelResting)
                {
                    continue;
                }

                break;
            }

            counted += maker.Remaining;
        }

        return counted;
    }

    private OrderResult Match(long id, long owner, Side side, bool market, long limit, long quantity, TimeInForce tif, bool postOnly, SelfTradePrevention stp, long timestamp)
    {
        var opposite = ListOf(side.Opposite());
        var remaining = quantity;
        var trades = 0;
        var stoppedBySelfTrade = false;
        while (remaining > 0 && opposite.Count > 0)
        {
            var maker = opposite[0];
            if (!Reaches(side, market, limit, maker.Price))
            {
                break;
            }

            if (stp != SelfTradePrevention.None && maker.Owner == owner)
            {
                if (stp is SelfTradePrevention.CancelResting or SelfTradePrevention.CancelBoth)
                {
                    opposite.RemoveAt(0);
                    Events.Add(Update(OrderUpdateKind.Cancelled, maker, maker.Price, maker.Remaining, 0, CancelReason.SelfTradePrevention, timestamp));
                }

                if (stp is SelfTradePrevention.CancelIncoming or SelfTradePrevention.CancelBoth)
                {
                    stoppedBySelfTrade = true;
                    break;
                }

                continue;
            }

            var traded = Math.Min(remaining, maker.Remaining);
            remaining -= traded;
            maker.Remaining -= traded;
            trades++;
            Events.Add(new Trade
            {
                TradeId = ++LastTradeId,
                Price = new Price(maker.Price),
                Quantity = new Quantity(traded),
                MakerOrderId = maker.Id,
                MakerOwnerId = maker.Owner,
                TakerOrderId = id,
                TakerOwnerId = owner,
                TakerSide = side,
                MakerFilled = maker.Remaining == 0,
                Timestamp = timestamp,
            });
            if (maker.Remaining == 0)
            {
                opposite.RemoveAt(0);
            }
        }

        var filled = quantity - remaining;
        if (remaining == 0)
        {
            return new OrderResult { OrderId = id, Filled = new Quantity(filled), TradeCount = trades };
        }

        var reason = stoppedBySelfTrade ? CancelReason.SelfTradePrevention
            : market ? CancelReason.NoLiquidity
            : tif == TimeInForce.GoodTillCancel ? CancelReason.None
            : CancelReason.ImmediateOrCancel;
        if (reason == CancelReason.None)
        {
            var order = new ModelOrder(id, owner, side, limit, remaining, postOnly, stp, timestamp);
            var list = ListOf(side);
            var at = list.FindIndex(o => side == Side.Buy ? o.Price < limit : o.Price > limit);
            list.Insert(at < 0 ? list.Count : at, order);
            Events.Add(Update(OrderUpdateKind.Rested, order, limit, remaining, remaining, CancelReason.None, timestamp));
            return new OrderResult { OrderId = id, Filled = new Quantity(filled), Resting = new Quantity(remaining), TradeCount = trades };
        }

        Events.Add(new OrderUpdate
        {
            Kind = OrderUpdateKind.Cancelled,
            OrderId = id,
            OwnerId = owner,
            Side = side,
            Price = new Price(market ? 0 : limit),
            Quantity = new Quantity(remaining),
            Remaining = Quantity.Zero,
            Reason = reason,
            Timestamp = timestamp,
        });
        return new OrderResult { OrderId = id, Filled = new Quantity(filled), Cancelled = new Quantity(remaining), CancelReason = reason, TradeCount = trades };
    }

    private List<ModelOrder> ListOf(Side side) => side == Side.Buy ? _bids : _asks;

    private static OrderUpdate Update(OrderUpdateKind kind, ModelOrder order, long price, long quantity, long remaining, CancelReason reason, long timestamp) => new()
    {
        Kind = kind,
        OrderId = order.Id,
        OwnerId = order.Owner,
        Side = order.Side,
        Price = new Price(price),
        Quantity = new Quantity(quantity),
        Remaining = new Quantity(remaining),
        Reason = reason,
        Timestamp = timestamp,
    };
}
