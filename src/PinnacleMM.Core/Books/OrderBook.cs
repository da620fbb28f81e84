using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using PinnacleMM.Core.Internal;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Core.Books;

/// <summary>
/// An L3 (order-by-order) limit order book with a price-time priority matching engine for one
/// instrument.
/// </summary>
/// <remarks>
/// <para>
/// An incoming limit order first trades against the opposite side, best price first and oldest order
/// first within a price, each trade at the resting order's price; its remainder then rests
/// (good-till-cancel) or is cancelled (immediate-or-cancel). A fill-or-kill order trades completely or
/// is rejected with nothing changed; a post-only order that would trade is rejected with nothing
/// changed. Market orders sweep the opposite side until filled or the side is empty. Self-trade
/// prevention is applied per incoming order.
/// </para>
/// <para>
/// Expected rejections are returned as <see cref="OrderBookResultCode"/> values, never thrown, and a
/// rejected operation leaves the book exactly as it was. Orders live in preallocated pooled storage
/// and levels in sorted arrays with the best price at the end: once the book has reached its working
/// size no operation allocates. Trades and changes reach an <see cref="IOrderBookListener"/>
/// synchronously as structs passed by reference.
/// </para>
/// <para>
/// Not thread-safe: one thread owns a book (the engine's strategy or matching thread), so it needs and
/// takes no locks. <see cref="ComputeStateHash"/> proves two books identical.
/// </para>
/// </remarks>
public sealed class OrderBook
{
    private const int None = -1;
    private const string DuplicateIdError = "orderId: an order with this id is already resting in the book";

    private readonly PriceLadder _bids;
    private readonly PriceLadder _asks;
    private readonly LongIntMap _index;
    private OrderSlot[] _orders;
    private LevelSlot[] _levels;
    private int _freeOrder = None;
    private int _freeLevel = None;
    private int _orderHighWater;
    private int _levelHighWater;
    private long _lastTradeId;

    /// <summary>Creates an empty book for <paramref name="instrument"/>.</summary>
    /// <param name="instrument">The instrument's grid; its minimum and maximum quantity and maximum price are enforced.</param>
    /// <param name="options">Capacity hints; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A capacity is below 16.</exception>
    public OrderBook(InstrumentSpec instrument, OrderBookOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        options ??= new OrderBookOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialOrderCapacity, 16, "options.InitialOrderCapacity");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.InitialLevelCapacity, 16, "options.InitialLevelCapacity");

        Instrument = instrument;
        _orders = new OrderSlot[options.InitialOrderCapacity];
        _levels = new LevelSlot[options.InitialLevelCapacity * 2];
        _index = new LongIntMap(options.InitialOrderCapacity);
        _bids = new PriceLadder(isBid: true, options.InitialLevelCapacity);
        _asks = new PriceLadder(isBid: false, options.InitialLevelCapacity);
    }

    /// <summary>The instrument this book trades.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>Receives trades, order updates and depth changes; <see langword="null"/> for none.</summary>
    public IOrderBookListener? Listener { get; set; }

    /// <summary>The number of resting orders.</summary>
    public int OrderCount => _index.Count;

    /// <summary>The number of bid price levels.</summary>
    public int BidLevelCount => _bids.Count;

    /// <summary>The number of ask price levels.</summary>
    public int AskLevelCount => _asks.Count;

    /// <summary>The id of the last trade (0 before the first); trade ids count up from 1.</summary>
    public long LastTradeId => _lastTradeId;

    // ------------------------------------------------------------------ commands

    /// <summary>
    /// Submits a new order: validates it, matches it against the opposite side, then rests, cancels or
    /// (for fill-or-kill) rejects what is left according to its type and time in force.
    /// </summary>
    /// <param name="request">The order.</param>
    /// <returns>
    /// <see cref="OrderBookResultCode.Accepted"/> with the filled, resting and cancelled quantities; or a
    /// rejection (<see cref="OrderBookResultCode.InvalidOrderId"/>, <see cref="OrderBookResultCode.DuplicateOrderId"/>,
    /// <see cref="OrderBookResultCode.InvalidPrice"/>, <see cref="OrderBookResultCode.PriceAboveMaximum"/>,
    /// <see cref="OrderBookResultCode.InvalidQuantity"/>, <see cref="OrderBookResultCode.QuantityBelowMinimum"/>,
    /// <see cref="OrderBookResultCode.QuantityAboveMaximum"/>, <see cref="OrderBookResultCode.InvalidEnumValue"/>,
    /// <see cref="OrderBookResultCode.MarketOrderCannotRest"/>, <see cref="OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit"/>,
    /// <see cref="OrderBookResultCode.PostOnlyWouldCross"/>, <see cref="OrderBookResultCode.FillOrKillNotFillable"/>)
    /// with the book unchanged.
    /// </returns>
    public OrderResult Submit(in OrderRequest request)
    {
        var code = Validate(request);
        if (code != OrderBookResultCode.Accepted)
        {
            return OrderResult.Rejected(request.OrderId, code);
        }

        var isMarket = request.Type == OrderType.Market;
        var limit = isMarket ? (request.Side == Side.Buy ? long.MaxValue : long.MinValue) : request.Price.Ticks;
        if (request.PostOnly && Crosses(request.Side, limit))
        {
            return OrderResult.Rejected(request.OrderId, OrderBookResultCode.PostOnlyWouldCross);
        }

        if (request.TimeInForce == TimeInForce.FillOrKill
            && !CanFillCompletely(request.Side, limit, request.Quantity.Lots, request.OwnerId, request.SelfTradePrevention))
        {
            return OrderResult.Rejected(request.OrderId, OrderBookResultCode.FillOrKillNotFillable);
        }

        var disposition = isMarket ? CancelReason.NoLiquidity
            : request.TimeInForce == TimeInForce.GoodTillCancel ? CancelReason.None
            : CancelReason.ImmediateOrCancel;
        return Execute(
            request.OrderId,
            request.OwnerId,
            request.Side,
            limit,
            request.Quantity.Lots,
            request.PostOnly,
            request.SelfTradePrevention,
            request.Timestamp,
            disposition);
    }

    /// <summary>Cancels a resting order.</summary>
    /// <param name="orderId">The order to cancel.</param>
    /// <param name="timestamp">The caller's timestamp, reported in the update.</param>
    /// <returns><see cref="OrderBookResultCode.Accepted"/> with the cancelled quantity, or <see cref="OrderBookResultCode.InvalidOrderId"/> / <see cref="OrderBookResultCode.UnknownOrderId"/> with the book unchanged.</returns>
    public OrderResult Cancel(long orderId, long timestamp = 0)
    {
        if (orderId <= 0)
        {
            return OrderResult.Rejected(orderId, OrderBookResultCode.InvalidOrderId);
        }

        if (!_index.TryGetValue(orderId, out var slot))
        {
            return OrderResult.Rejected(orderId, OrderBookResultCode.UnknownOrderId);
        }

        var remaining = _orders[slot].Remaining;
        RemoveOrder(slot, OrderUpdateKind.Cancelled, CancelReason.Requested, timestamp);
        return new OrderResult
        {
            OrderId = orderId,
            Cancelled = new Quantity(remaining),
            CancelReason = CancelReason.Requested,
        };
    }

    /// <summary>
    /// Changes a resting order's price and/or open quantity. Reducing the quantity at the same price
    /// happens in place and keeps the order's queue position; a new price or a larger quantity takes the
    /// order out of its queue and re-enters it as a good-till-cancel order with the same id, owner,
    /// post-only flag and self-trade prevention mode — at the back of the queue, and trading first if
    /// the new price crosses, as on exchanges.
    /// </summary>
    /// <param name="orderId">The resting order.</param>
    /// <param name="newPrice">The new limit price (the current one to change only the quantity).</param>
    /// <param name="newQuantity">The new open quantity: what should rest after the change.</param>
    /// <param name="timestamp">The caller's timestamp.</param>
    /// <returns>
    /// <see cref="OrderBookResultCode.Accepted"/>: for an in-place reduction, <see cref="OrderResult.Cancelled"/> is the
    /// removed quantity; for a replace, filled + resting + cancelled equals <paramref name="newQuantity"/>.
    /// Or a rejection (<see cref="OrderBookResultCode.InvalidOrderId"/>, <see cref="OrderBookResultCode.UnknownOrderId"/>, the
    /// price and quantity rules of <see cref="Submit"/>, <see cref="OrderBookResultCode.PostOnlyWouldCross"/>) with the book unchanged.
    /// </returns>
    public OrderResult Modify(long orderId, Price newPrice, Quantity newQuantity, long timestamp = 0)
    {
        if (orderId <= 0)
        {
            return OrderResult.Rejected(orderId, OrderBookResultCode.InvalidOrderId);
        }

        if (!_index.TryGetValue(orderId, out var slot))
        {
            return OrderResult.Rejected(orderId, OrderBookResultCode.UnknownOrderId);
        }

        var code = ValidateQuantity(newQuantity.Lots);
        if (code == OrderBookResultCode.Accepted)
        {
            code = ValidatePrice(newPrice.Ticks);
        }

        if (code != OrderBookResultCode.Accepted)
        {
            return OrderResult.Rejected(orderId, code);
        }

        ref var order = ref _orders[slot];
        if (newPrice.Ticks == order.Price && newQuantity.Lots <= order.Remaining)
        {
            var reduction = order.Remaining - newQuantity.Lots;
            if (reduction > 0)
            {
                ReduceInPlace(slot, reduction, timestamp);
            }

            return new OrderResult
            {
                OrderId = orderId,
                Resting = newQuantity,
                Cancelled = new Quantity(reduction),
                CancelReason = reduction > 0 ? CancelReason.Requested : CancelReason.None,
            };
        }

        if (order.PostOnly && Crosses(order.Side, newPrice.Ticks))
        {
            return OrderResult.Rejected(orderId, OrderBookResultCode.PostOnlyWouldCross);
        }

        var owner = order.Owner;
        var side = order.Side;
        var postOnly = order.PostOnly;
        var stp = order.Stp;
        RemoveOrder(slot, OrderUpdateKind.Replaced, CancelReason.None, timestamp);
        return Execute(orderId, owner, side, newPrice.Ticks, newQuantity.Lots, postOnly, stp, timestamp, CancelReason.None);
    }

    /// <summary>Removes every order and level. Trade ids keep counting.</summary>
    public void Clear()
    {
        _bids.Clear();
        _asks.Clear();
        _index.Clear();
        _freeOrder = None;
        _freeLevel = None;
        _orderHighWater = 0;
        _levelHighWater = 0;
    }

    // ------------------------------------------------------------------ restore

    /// <summary>
    /// Puts a resting order back exactly as a snapshot recorded it: at the back of its price level's
    /// queue, with its id, owner, side, price, remaining quantity, post-only flag, self-trade prevention
    /// mode and timestamp, without matching and without notifying <see cref="Listener"/>. Restoring the
    /// orders of a snapshot in their recorded queue order rebuilds the same time priority.
    /// </summary>
    /// <param name="order">The resting order. Its remaining quantity may be below the instrument's minimum (a partly filled order).</param>
    /// <exception cref="ArgumentException">
    /// When a field breaks its rule (the message names it): the id is not positive or already rests,
    /// the side or self-trade prevention mode is undefined, the price is not positive or above the
    /// instrument's maximum, the remaining quantity is not positive or above the maximum, or the price
    /// would cross the opposite side (a resting book is never crossed). The book is unchanged.
    /// </exception>
    public void RestoreOrder(in OrderInfo order)
    {
        var error = ValidateRestore(order);
        if (error is not null)
        {
            throw new ArgumentException($"order {order.OrderId}: {error}", nameof(order));
        }

        Rest(order.OrderId, order.OwnerId, order.Side, order.Price.Ticks, order.Remaining.Lots, order.PostOnly, order.SelfTradePrevention, order.Timestamp, listener: null);
    }

    /// <summary>
    /// Restores many resting orders, in the order given, exactly as calling <see cref="RestoreOrder"/> for
    /// each would, but all or nothing and faster for a whole snapshot: consecutive orders at the same price go
    /// straight to the level of the previous one (no price lookup), and the index is probed for a batch of ids
    /// before any of them is inserted, so that the processor overlaps the cache misses of a large book instead
    /// of waiting for them one at a time. Nothing is matched and <see cref="Listener"/> is not notified.
    /// </summary>
    /// <param name="orders">The orders, e.g. one side of a snapshot best price first, each level in queue order.</param>
    /// <exception cref="ArgumentException">
    /// When an order breaks a rule of <see cref="RestoreOrder"/>; the message names its position in
    /// <paramref name="orders"/>, its id and the rule. No order is restored and the book is as before the call
    /// (<see cref="ComputeStateHash"/> unchanged). Every order's fields, and whether it would cross the book with
    /// the orders before it, are checked before any is inserted; an id that already rests in the book or comes
    /// earlier in <paramref name="orders"/> is found as it is inserted (that takes no second pass over the index)
    /// and the orders inserted before it are taken out again. So the order named is the first that breaks a field
    /// or crossing rule, or, when none does, the first repeated id.
    /// </exception>
    public void RestoreOrders(ReadOnlySpan<OrderInfo> orders)
    {
        // The best prices of the book as restored so far (0: none), so that crossing is judged as one call each would.
        var bestBid = BestTicks(_bids);
        var bestAsk = BestTicks(_asks);
        for (var i = 0; i < orders.Length; i++)
        {
            ref readonly var order = ref orders[i];
            var error = ValidateRestoreFields(order, bestBid, bestAsk);
            if (error is not null)
            {
                throw new ArgumentException($"orders[{i}]: order {order.OrderId}: {error}", nameof(orders));
            }

            var price = order.Price.Ticks;
            if (order.Side == Side.Buy)
            {
                bestBid = Math.Max(bestBid, price);
            }
            else
            {
                bestAsk = bestAsk == 0 ? price : Math.Min(bestAsk, price);
            }
        }

        // Up to this many index probes are issued back to back; the lines they bring in (about 8 KiB)
        // stay in the L1/L2 cache until the inserts below use them.
        const int ProbeBatch = 64;
        var lastLevel = None;
        var lastSide = Side.Buy;
        var lastPrice = 0L;
        for (var start = 0; start < orders.Length; start += ProbeBatch)
        {
            var batch = orders.Slice(start, Math.Min(ProbeBatch, orders.Length - start));
            foreach (ref readonly var order in batch)
            {
                // Independent loads whose misses overlap; the result is checked again below, from the cache.
                _ = _index.ContainsKey(order.OrderId);
            }

            for (var i = 0; i < batch.Length; i++)
            {
                ref readonly var order = ref batch[i];
                if (_index.ContainsKey(order.OrderId))
                {
                    RemoveRestored(orders[..(start + i)]);
                    throw new ArgumentException($"orders[{start + i}]: order {order.OrderId}: {DuplicateIdError}", nameof(orders));
                }

                var price = order.Price.Ticks;
                if (lastLevel == None || price != lastPrice || order.Side != lastSide)
                {
                    // No level is removed during a restore, so the previous order's level stays valid.
                    lastLevel = LevelFor(order.Side, price);
                    lastPrice = price;
                    lastSide = order.Side;
                }

                Enqueue(lastLevel, order.OrderId, order.OwnerId, order.Side, price, order.Remaining.Lots, order.PostOnly, order.SelfTradePrevention, order.Timestamp, listener: null);
            }
        }
    }

    /// <summary>
    /// Sets <see cref="LastTradeId"/> to a recorded value, so that trade ids continue where the recorded
    /// book left off (the next trade gets <paramref name="lastTradeId"/> + 1).
    /// </summary>
    /// <param name="lastTradeId">The recorded last trade id: zero or positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="lastTradeId"/> is negative; nothing changes.</exception>
    public void RestoreLastTradeId(long lastTradeId)
    {
        if (lastTradeId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(lastTradeId), lastTradeId, "lastTradeId: must be zero or positive");
        }

        _lastTradeId = lastTradeId;
    }

    // ------------------------------------------------------------------ queries

    /// <summary>The best (highest) bid price and its total quantity.</summary>
    /// <returns><see langword="false"/> when there are no bids.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetBestBid(out Price price, out Quantity quantity) => TryGetBest(_bids, out price, out quantity);

    /// <summary>The best (lowest) ask price and its total quantity.</summary>
    /// <returns><see langword="false"/> when there are no asks.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetBestAsk(out Price price, out Quantity quantity) => TryGetBest(_asks, out price, out quantity);

    /// <summary>The best ask minus the best bid, in ticks.</summary>
    /// <returns><see langword="false"/> when either side is empty.</returns>
    public bool TryGetSpread(out long spreadTicks)
    {
        if (_bids.Count == 0 || _asks.Count == 0)
        {
            spreadTicks = 0;
            return false;
        }

        spreadTicks = _asks.PriceAt(_asks.BestIndex) - _bids.PriceAt(_bids.BestIndex);
        return true;
    }

    /// <summary>The mid price (best bid + best ask) / 2 in (possibly half) ticks; convert with <see cref="InstrumentSpec.TicksToDecimal"/>.</summary>
    /// <returns><see langword="false"/> when either side is empty.</returns>
    public bool TryGetMidTicks(out decimal midTicks)
    {
        if (_bids.Count == 0 || _asks.Count == 0)
        {
            midTicks = 0;
            return false;
        }

        midTicks = ((decimal)_bids.PriceAt(_bids.BestIndex) + _asks.PriceAt(_asks.BestIndex)) / 2m;
        return true;
    }

    /// <summary>Copies the top levels of <paramref name="side"/>, best first, into <paramref name="destination"/>.</summary>
    /// <returns>How many levels were written: the smaller of the destination's length and the side's level count.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is neither buy nor sell.</exception>
    public int GetDepth(Side side, Span<DepthLevel> destination)
    {
        SideExtensions.ThrowIfUndefined(side);
        var ladder = LadderOf(side);
        var n = Math.Min(destination.Length, ladder.Count);
        for (var i = 0; i < n; i++)
        {
            var index = ladder.BestIndex - i;
            ref readonly var level = ref _levels[(int)ladder.ValueAt(index)];
            destination[i] = new DepthLevel(new Price(level.Price), new Quantity(level.Total), level.Count);
        }

        return n;
    }

    /// <summary>
    /// What a market order of <paramref name="quantity"/> on <paramref name="takerSide"/> would fill
    /// and cost against the book now (ignoring self-trade prevention). Changes nothing.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="takerSide"/> is neither buy nor sell, or <paramref name="quantity"/> is negative.</exception>
    public MarketImpact EstimateMarketImpact(Side takerSide, Quantity quantity)
    {
        SideExtensions.ThrowIfUndefined(takerSide);
        if (quantity.Lots < 0)
        {
            ThrowNegative(nameof(quantity), quantity.Lots);
        }

        var ladder = takerSide == Side.Buy ? _asks : _bids;
        var need = quantity.Lots;
        Int128 notional = 0;
        var worst = 0L;
        var levels = 0;
        for (var i = ladder.BestIndex; i >= 0 && need > 0; i--)
        {
            ref readonly var level = ref _levels[(int)ladder.ValueAt(i)];
            var take = Math.Min(need, level.Total);
            notional += (Int128)take * level.Price;
            need -= take;
            worst = level.Price;
            levels++;
        }

        return new MarketImpact
        {
            Filled = new Quantity(quantity.Lots - need),
            Unfilled = new Quantity(need),
            NotionalTicksLots = notional,
            WorstPrice = new Price(worst),
            LevelsConsumed = levels,
        };
    }

    /// <summary>
    /// The order-book imbalance over the top <paramref name="levels"/> levels of each side:
    /// (bid quantity − ask quantity) / (bid quantity + ask quantity), from −1 (only asks) to +1 (only
    /// bids); 0 when both are empty.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="levels"/> is not positive.</exception>
    public double GetImbalance(int levels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(levels);
        var bid = SumTop(_bids, levels);
        var ask = SumTop(_asks, levels);
        var total = (double)bid + ask;
        return total == 0 ? 0 : (bid - (double)ask) / total;
    }

    /// <summary>Looks up a resting order.</summary>
    /// <returns><see langword="false"/> when no order with that id rests in the book.</returns>
    public bool TryGetOrder(long orderId, out OrderInfo order)
    {
        if (orderId <= 0 || !_index.TryGetValue(orderId, out var slot))
        {
            order = default;
            return false;
        }

        order = ToInfo(slot);
        return true;
    }

    /// <summary>Whether an order with this id rests in the book.</summary>
    public bool Contains(long orderId) => orderId > 0 && _index.ContainsKey(orderId);

    /// <summary>Where a resting order stands in its price level's queue.</summary>
    /// <param name="orderId">The order.</param>
    /// <param name="ordersAhead">Orders at the same price that trade before it.</param>
    /// <param name="quantityAhead">Their total quantity.</param>
    /// <returns><see langword="false"/> when no order with that id rests in the book.</returns>
    public bool TryGetQueuePosition(long orderId, out int ordersAhead, out Quantity quantityAhead)
    {
        ordersAhead = 0;
        quantityAhead = default;
        if (orderId <= 0 || !_index.TryGetValue(orderId, out var slot))
        {
            return false;
        }

        var ahead = 0L;
        for (var s = _orders[slot].Prev; s != None; s = _orders[s].Prev)
        {
            ordersAhead++;
            ahead += _orders[s].Remaining;
        }

        quantityAhead = new Quantity(ahead);
        return true;
    }

    /// <summary>
    /// The resting orders of one side in priority order: best price first, oldest first within a price.
    /// Allocation-free; the book must not be changed while enumerating.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is neither buy nor sell.</exception>
    public OrderEnumerator GetOrders(Side side)
    {
        SideExtensions.ThrowIfUndefined(side);
        return new(this, LadderOf(side));
    }

    /// <summary>
    /// A deterministic hash of everything that makes two books behave differently: every resting order
    /// (id, owner, side, price, remaining quantity, post-only flag, self-trade prevention mode, timestamp)
    /// in queue order on both sides, and <see cref="LastTradeId"/> (it numbers the next trades). Two
    /// books answer every query and every future operation alike exactly when their hashes are equal (up
    /// to 64-bit collisions); the value is the same in every process, so it can be stored and compared
    /// after a restart.
    /// </summary>
    public long ComputeStateHash()
    {
        var hasher = new StateHasher(0x50_4D_4D_4F_42); // "PMMOB"
        hasher.Add(_lastTradeId);
        HashSide(ref hasher, _bids);
        HashSide(ref hasher, _asks);
        return hasher.Finish();
    }

    // ------------------------------------------------------------------ matching

    private OrderResult Execute(
        long orderId,
        long owner,
        Side side,
        long limit,
        long quantity,
        bool postOnly,
        SelfTradePrevention stp,
        long timestamp,
        CancelReason disposition)
    {
        var remaining = quantity;
        var trades = 0;
        var stoppedBySelfTrade = false;
        var opposite = side == Side.Buy ? _asks : _bids;
        var listener = Listener;

        while (remaining > 0 && opposite.Count > 0)
        {
            var levelIndex = (int)opposite.ValueAt(opposite.BestIndex);
            ref var level = ref _levels[levelIndex];
            if (side == Side.Buy ? level.Price > limit : level.Price < limit)
            {
                break;
            }

            var totalBefore = level.Total;
            var slot = level.Head;
            while (slot != None && remaining > 0)
            {
                ref var maker = ref _orders[slot];
                var next = maker.Next;
                if (stp != SelfTradePrevention.None && maker.Owner == owner)
                {
                    if (stp != SelfTradePrevention.CancelIncoming)
                    {
                        UnlinkAndFree(slot, levelIndex, OrderUpdateKind.Cancelled, CancelReason.SelfTradePrevention, timestamp, listener);
                    }

                    if (stp != SelfTradePrevention.CancelResting)
                    {
                        stoppedBySelfTrade = true;
                        break;
                    }

                    slot = next;
                    continue;
                }

                var traded = Math.Min(remaining, maker.Remaining);
                remaining -= traded;
                maker.Remaining -= traded;
                level.Total -= traded;
                trades++;
                var makerFilled = maker.Remaining == 0;
                if (listener is not null)
                {
                    var trade = new Trade
                    {
                        TradeId = ++_lastTradeId,
                        Price = new Price(level.Price),
                        Quantity = new Quantity(traded),
                        MakerOrderId = maker.Id,
                        MakerOwnerId = maker.Owner,
                        TakerOrderId = orderId,
                        TakerOwnerId = owner,
                        TakerSide = side,
                        MakerFilled = makerFilled,
                        Timestamp = timestamp,
                    };
                    listener.OnTrade(in trade);
                }
                else
                {
                    ++_lastTradeId;
                }

                if (makerFilled)
                {
                    UnlinkAndFree(slot, levelIndex, kind: null, CancelReason.None, timestamp, listener: null);
                }

                slot = next;
            }

            // Self-trade prevention may stop at the level's first order and leave it untouched: report only a change.
            if (level.Total != totalBefore)
            {
                listener?.OnDepthChanged(side.Opposite(), new Price(level.Price), new Quantity(level.Total), level.Count);
            }

            // The level is the best of its side, so removing it when empty is O(1).
            if (level.Count == 0)
            {
                opposite.RemoveAt(opposite.BestIndex);
                FreeLevel(levelIndex);
            }

            if (stoppedBySelfTrade)
            {
                break;
            }
        }

        var filled = quantity - remaining;
        if (remaining == 0)
        {
            return new OrderResult { OrderId = orderId, Filled = new Quantity(filled), TradeCount = trades };
        }

        var reason = stoppedBySelfTrade ? CancelReason.SelfTradePrevention : disposition;
        if (reason == CancelReason.None)
        {
            Rest(orderId, owner, side, limit, remaining, postOnly, stp, timestamp, listener);
            return new OrderResult
            {
                OrderId = orderId,
                Filled = new Quantity(filled),
                Resting = new Quantity(remaining),
                TradeCount = trades,
            };
        }

        // A market order has no price of its own: its cancelled remainder is reported at price 0.
        listener?.NotifyOrder(OrderUpdateKind.Cancelled, orderId, owner, side, disposition == CancelReason.NoLiquidity ? 0 : limit, remaining, remaining: 0, reason, timestamp);

        return new OrderResult
        {
            OrderId = orderId,
            Filled = new Quantity(filled),
            Cancelled = new Quantity(remaining),
            CancelReason = reason,
            TradeCount = trades,
        };
    }

    private void Rest(long orderId, long owner, Side side, long price, long quantity, bool postOnly, SelfTradePrevention stp, long timestamp, IOrderBookListener? listener) =>
        Enqueue(LevelFor(side, price), orderId, owner, side, price, quantity, postOnly, stp, timestamp, listener);

    /// <summary>The level of <paramref name="price"/> on <paramref name="side"/>, created (empty) when missing.</summary>
    private int LevelFor(Side side, long price)
    {
        var ladder = side == Side.Buy ? _bids : _asks;
        var index = ladder.IndexOf(price);
        if (index >= 0)
        {
            return (int)ladder.ValueAt(index);
        }

        var levelIndex = AllocateLevel(price);
        ladder.InsertAt(~index, price, levelIndex);
        return levelIndex;
    }

    /// <summary>Puts an order at the back of the queue of an existing level and indexes it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enqueue(int levelIndex, long orderId, long owner, Side side, long price, long quantity, bool postOnly, SelfTradePrevention stp, long timestamp, IOrderBookListener? listener)
    {
        var slot = AllocateOrder();
        ref var order = ref _orders[slot];
        order.Id = orderId;
        order.Owner = owner;
        order.Price = price;
        order.Remaining = quantity;
        order.Timestamp = timestamp;
        order.Level = levelIndex;
        order.Side = side;
        order.PostOnly = postOnly;
        order.Stp = stp;
        order.Next = None;

        ref var level = ref _levels[levelIndex];
        order.Prev = level.Tail;
        if (level.Tail == None)
        {
            level.Head = slot;
        }
        else
        {
            _orders[level.Tail].Next = slot;
        }

        level.Tail = slot;
        level.Count++;
        level.Total += quantity;
        _index.Add(orderId, slot);

        if (listener is not null)
        {
            listener.NotifyOrder(OrderUpdateKind.Rested, orderId, owner, side, price, quantity, quantity, CancelReason.None, timestamp);
            listener.OnDepthChanged(side, new Price(price), new Quantity(level.Total), level.Count);
        }
    }

    private void ReduceInPlace(int slot, long reduction, long timestamp)
    {
        ref var order = ref _orders[slot];
        ref var level = ref _levels[order.Level];
        order.Remaining -= reduction;
        level.Total -= reduction;
        var listener = Listener;
        if (listener is not null)
        {
            listener.NotifyOrder(OrderUpdateKind.Reduced, order.Id, order.Owner, order.Side, order.Price, reduction, order.Remaining, CancelReason.Requested, timestamp);
            listener.OnDepthChanged(order.Side, new Price(level.Price), new Quantity(level.Total), level.Count);
        }
    }

    /// <summary>Removes a resting order from anywhere in the book (cancel, replace), dropping its level if it empties.</summary>
    private void RemoveOrder(int slot, OrderUpdateKind kind, CancelReason reason, long timestamp)
    {
        var levelIndex = _orders[slot].Level;
        var side = _orders[slot].Side;
        var listener = Listener;
        UnlinkAndFree(slot, levelIndex, kind, reason, timestamp, listener);
        ref var level = ref _levels[levelIndex];
        listener?.OnDepthChanged(side, new Price(level.Price), new Quantity(level.Total), level.Count);
        if (level.Count == 0)
        {
            RemoveEmptyLevel(side, levelIndex);
        }
    }

    private void RemoveEmptyLevel(Side side, int levelIndex)
    {
        var ladder = LadderOf(side);
        var index = ladder.IndexOf(_levels[levelIndex].Price);
        Debug.Assert(index >= 0 && ladder.ValueAt(index) == levelIndex, "an empty level must be on its ladder");
        ladder.RemoveAt(index);
        FreeLevel(levelIndex);
    }

    /// <summary>Takes an order out of its level's queue and returns its slot to the pool; the caller handles an emptied level.</summary>
    private void UnlinkAndFree(int slot, int levelIndex, OrderUpdateKind? kind, CancelReason reason, long timestamp, IOrderBookListener? listener)
    {
        ref var order = ref _orders[slot];
        ref var level = ref _levels[levelIndex];
        if (order.Prev == None)
        {
            level.Head = order.Next;
        }
        else
        {
            _orders[order.Prev].Next = order.Next;
        }

        if (order.Next == None)
        {
            level.Tail = order.Prev;
        }
        else
        {
            _orders[order.Next].Prev = order.Prev;
        }

        level.Count--;
        level.Total -= order.Remaining;
        _index.Remove(order.Id);

        if (kind is { } k)
        {
            listener?.NotifyOrder(k, order.Id, order.Owner, order.Side, order.Price, order.Remaining, remaining: 0, reason, timestamp);
        }

        order.Next = _freeOrder;
        order.Id = 0;
        _freeOrder = slot;
    }

    private bool Crosses(Side side, long limit) => Crosses(side, limit, BestTicks(_bids), BestTicks(_asks));

    /// <summary>Whether <paramref name="limit"/> on <paramref name="side"/> reaches the opposite best price (0: that side is empty).</summary>
    private static bool Crosses(Side side, long limit, long bestBid, long bestAsk) =>
        side == Side.Buy ? bestAsk != 0 && bestAsk <= limit : bestBid != 0 && bestBid >= limit;

    /// <summary>The ladder's best price in ticks, 0 when it is empty (prices are positive).</summary>
    private static long BestTicks(PriceLadder ladder) => ladder.Count > 0 ? ladder.PriceAt(ladder.BestIndex) : 0;

    /// <summary>Whether an order could fill completely now, taking its self-trade prevention mode into account, without changing anything.</summary>
    private bool CanFillCompletely(Side side, long limit, long quantity, long owner, SelfTradePrevention stp)
    {
        var opposite = side == Side.Buy ? _asks : _bids;
        var need = quantity;
        for (var i = opposite.BestIndex; i >= 0; i--)
        {
            ref readonly var level = ref _levels[(int)opposite.ValueAt(i)];
            if (side == Side.Buy ? level.Price > limit : level.Price < limit)
            {
                return false;
            }

            if (stp == SelfTradePrevention.None)
            {
                need -= level.Total;
            }
            else
            {
                for (var s = level.Head; s != None; s = _orders[s].Next)
                {
                    ref readonly var maker = ref _orders[s];
                    if (maker.Owner == owner)
                    {
                        if (stp == SelfTradePrevention.CancelResting)
                        {
                            continue;
                        }

                        // Matching would stop here and cancel the incoming remainder.
                        return need <= 0;
                    }

                    need -= maker.Remaining;
                    if (need <= 0)
                    {
                        return true;
                    }
                }
            }

            if (need <= 0)
            {
                return true;
            }
        }

        return false;
    }

    // ------------------------------------------------------------------ validation

    private OrderBookResultCode Validate(in OrderRequest request)
    {
        if (request.OrderId <= 0)
        {
            return OrderBookResultCode.InvalidOrderId;
        }

        if ((uint)request.Side > (uint)Side.Sell
            || (uint)request.Type > (uint)OrderType.Market
            || (uint)request.TimeInForce > (uint)TimeInForce.FillOrKill
            || (uint)request.SelfTradePrevention > (uint)SelfTradePrevention.CancelBoth)
        {
            return OrderBookResultCode.InvalidEnumValue;
        }

        var code = ValidateQuantity(request.Quantity.Lots);
        if (code != OrderBookResultCode.Accepted)
        {
            return code;
        }

        if (request.Type == OrderType.Limit)
        {
            code = ValidatePrice(request.Price.Ticks);
            if (code != OrderBookResultCode.Accepted)
            {
                return code;
            }
        }
        else if (request.TimeInForce == TimeInForce.GoodTillCancel)
        {
            return OrderBookResultCode.MarketOrderCannotRest;
        }

        if (request.PostOnly && (request.Type != OrderType.Limit || request.TimeInForce != TimeInForce.GoodTillCancel))
        {
            return OrderBookResultCode.PostOnlyRequiresGoodTillCancelLimit;
        }

        return _index.ContainsKey(request.OrderId) ? OrderBookResultCode.DuplicateOrderId : OrderBookResultCode.Accepted;
    }

    private string? ValidateRestore(in OrderInfo order) =>
        order.OrderId > 0 && _index.ContainsKey(order.OrderId)
            ? DuplicateIdError
            : ValidateRestoreFields(order, BestTicks(_bids), BestTicks(_asks));

    /// <summary>Every rule of a restored order but the unique id; <paramref name="bestBid"/> and <paramref name="bestAsk"/> are 0 for an empty side.</summary>
    private string? ValidateRestoreFields(in OrderInfo order, long bestBid, long bestAsk)
    {
        if (order.OrderId <= 0)
        {
            return "orderId must be positive";
        }

        if ((uint)order.Side > (uint)Side.Sell)
        {
            return $"side {(int)order.Side} is not a defined value";
        }

        if ((uint)order.SelfTradePrevention > (uint)SelfTradePrevention.CancelBoth)
        {
            return $"selfTradePrevention {(int)order.SelfTradePrevention} is not a defined value";
        }

        if (ValidatePrice(order.Price.Ticks) != OrderBookResultCode.Accepted)
        {
            return $"price {order.Price.Ticks} must be positive and at most the instrument's maximum {Instrument.MaxPrice.Ticks} ticks";
        }

        // A partly filled order may rest below the instrument's minimum quantity: only positive and maximum apply.
        if (order.Remaining.Lots <= 0 || order.Remaining.Lots > Instrument.MaxQuantity.Lots)
        {
            return $"remaining {order.Remaining.Lots} must be positive and at most the instrument's maximum {Instrument.MaxQuantity.Lots} lots";
        }

        return Crosses(order.Side, order.Price.Ticks, bestBid, bestAsk) ? $"price {order.Price.Ticks} would cross the opposite side's best price: a resting book is never crossed" : null;
    }

    /// <summary>Takes out again, newest first, the orders a refused <see cref="RestoreOrders"/> had inserted: each is the last of its level's queue.</summary>
    private void RemoveRestored(ReadOnlySpan<OrderInfo> inserted)
    {
        for (var i = inserted.Length - 1; i >= 0; i--)
        {
            _index.TryGetValue(inserted[i].OrderId, out var slot);
            var levelIndex = _orders[slot].Level;
            var side = _orders[slot].Side;
            UnlinkAndFree(slot, levelIndex, kind: null, CancelReason.None, timestamp: 0, listener: null);
            if (_levels[levelIndex].Count == 0)
            {
                RemoveEmptyLevel(side, levelIndex);
            }
        }
    }

    private OrderBookResultCode ValidateQuantity(long lots)
    {
        if (lots <= 0)
        {
            return OrderBookResultCode.InvalidQuantity;
        }

        if (lots < Instrument.MinQuantity.Lots)
        {
            return OrderBookResultCode.QuantityBelowMinimum;
        }

        return lots > Instrument.MaxQuantity.Lots ? OrderBookResultCode.QuantityAboveMaximum : OrderBookResultCode.Accepted;
    }

    private OrderBookResultCode ValidatePrice(long ticks)
    {
        if (ticks <= 0)
        {
            return OrderBookResultCode.InvalidPrice;
        }

        return ticks > Instrument.MaxPrice.Ticks ? OrderBookResultCode.PriceAboveMaximum : OrderBookResultCode.Accepted;
    }

    // ------------------------------------------------------------------ storage

    private int AllocateOrder()
    {
        if (_freeOrder != None)
        {
            var slot = _freeOrder;
            _freeOrder = _orders[slot].Next;
            return slot;
        }

        if (_orderHighWater == _orders.Length)
        {
            Array.Resize(ref _orders, _orders.Length * 2);
        }

        return _orderHighWater++;
    }

    private int AllocateLevel(long price)
    {
        int index;
        if (_freeLevel != None)
        {
            index = _freeLevel;
            _freeLevel = _levels[index].Head;
        }
        else
        {
            if (_levelHighWater == _levels.Length)
            {
                Array.Resize(ref _levels, _levels.Length * 2);
            }

            index = _levelHighWater++;
        }

        _levels[index] = new LevelSlot { Price = price, Head = None, Tail = None };
        return index;
    }

    private void FreeLevel(int index)
    {
        // A free level's Head links the free list.
        _levels[index].Head = _freeLevel;
        _freeLevel = index;
    }

    private PriceLadder LadderOf(Side side) => side == Side.Buy ? _bids : _asks;

    [DoesNotReturn]
    private static void ThrowNegative(string name, long value) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must not be negative.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryGetBest(PriceLadder ladder, out Price price, out Quantity quantity)
    {
        var count = ladder.Count;
        if (count == 0)
        {
            price = default;
            quantity = default;
            return false;
        }

        ref readonly var level = ref _levels[(int)ladder.ValueAt(count - 1)];
        price = new Price(level.Price);
        quantity = new Quantity(level.Total);
        return true;
    }

    private long SumTop(PriceLadder ladder, int levels)
    {
        var sum = 0L;
        for (int i = ladder.BestIndex, n = 0; i >= 0 && n < levels; i--, n++)
        {
            sum += _levels[(int)ladder.ValueAt(i)].Total;
        }

        return sum;
    }

    private void HashSide(ref StateHasher hasher, PriceLadder ladder)
    {
        hasher.Add(ladder.Count);
        for (var i = ladder.BestIndex; i >= 0; i--)
        {
            ref readonly var level = ref _levels[(int)ladder.ValueAt(i)];
            hasher.Add(level.Price);
            hasher.Add(level.Count);
            for (var s = level.Head; s != None; s = _orders[s].Next)
            {
                ref readonly var order = ref _orders[s];
                hasher.Add(order.Id);
                hasher.Add(order.Owner);
                hasher.Add(order.Remaining);
                hasher.Add(((long)order.Side << 16) | ((long)order.Stp << 8) | (order.PostOnly ? 1L : 0L));
                hasher.Add(order.Timestamp);
            }
        }
    }

    private OrderInfo ToInfo(int slot)
    {
        ref readonly var order = ref _orders[slot];
        return new OrderInfo
        {
            OrderId = order.Id,
            OwnerId = order.Owner,
            Side = order.Side,
            Price = new Price(order.Price),
            Remaining = new Quantity(order.Remaining),
            PostOnly = order.PostOnly,
            SelfTradePrevention = order.Stp,
            Timestamp = order.Timestamp,
        };
    }

    /// <summary>Enumerates one side's resting orders in priority order; see <see cref="GetOrders"/>.</summary>
    public struct OrderEnumerator
    {
        private readonly OrderBook _book;
        private readonly PriceLadder _ladder;
        private int _levelPosition;
        private int _slot;

        internal OrderEnumerator(OrderBook book, PriceLadder ladder)
        {
            _book = book;
            _ladder = ladder;
            _levelPosition = ladder.Count;
            _slot = None;
        }

        /// <summary>The current order.</summary>
        public readonly OrderInfo Current => _book.ToInfo(_slot);

        /// <summary>Returns this enumerator, so that it can be used in <c>foreach</c>.</summary>
        public readonly OrderEnumerator GetEnumerator() => this;

        /// <summary>Moves to the next order in priority order.</summary>
        public bool MoveNext()
        {
            if (_slot != None)
            {
                _slot = _book._orders[_slot].Next;
            }

            while (_slot == None)
            {
                if (--_levelPosition < 0)
                {
                    return false;
                }

                _slot = _book._levels[(int)_ladder.ValueAt(_levelPosition)].Head;
            }

            return true;
        }
    }

    private struct OrderSlot
    {
        public long Id;
        public long Owner;
        public long Price;
        public long Remaining;
        public long Timestamp;
        public int Prev;
        public int Next;
        public int Level;
        public Side Side;
        public SelfTradePrevention Stp;
        public bool PostOnly;
    }

    private struct LevelSlot
    {
        public long Price;
        public long Total;
        public int Count;
        public int Head;
        public int Tail;
    }
}
