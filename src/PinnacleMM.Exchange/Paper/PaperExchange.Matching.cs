using System.Runtime.InteropServices;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Replay;

namespace PinnacleMM.Exchange.Paper;

/// <summary>The matching side: the live feed taken in, our commands matched against it.</summary>
public sealed partial class PaperExchange
{
    // Resting orders by client order id; every id ever accepted (a venue never reuses one).
    private readonly Dictionary<long, PaperOrder> _open = new(256);
    private readonly HashSet<long> _usedClientIds = new(1024);
    private readonly Stack<PaperOrder> _pool = new(64);
    private readonly List<PaperOrder> _scratch = new(16);
    private readonly List<(Side Side, Price Price)> _touched = new(16);
    private PaperBook?[] _books = new PaperBook?[8];
    private DepthLevel[] _levels = new DepthLevel[32];

    private long _now;
    private long _exchangeNow;
    private long _lastCommandDue;
    private long _lastAnswerDue;
    private long _executionSequence;
    private long _nextVenueId;
    private long _nextTradeId;
    private long _arrival;
    private ExecutionEvent[] _fillHistory;
    private int _fillHead;
    private int _fillCount;

    // ------------------------------------------------------------------ feed intake

    /// <summary>Commands reaching the matching engine and answers reaching us, in time order, up to <paramref name="time"/>.</summary>
    private void ProcessDue(long time)
    {
        while (true)
        {
            var commandDue = _commandsInFlight.TryPeek(out var command) && command.Due <= time;
            var answerDue = _answersInFlight.TryPeek(out var answer) && answer.Due <= time;
            if (answerDue && (!commandDue || answer.Due <= command.Due))
            {
                _answersInFlight.Dequeue();
                _outputs.Enqueue(new Output(true, default, answer.Event));
            }
            else if (commandDue)
            {
                _commandsInFlight.Dequeue();
                _now = Math.Max(_now, command.Due);
                ProcessCommand(command.Command);
            }
            else
            {
                return;
            }
        }
    }

    private void Intake(in MarketEvent e)
    {
        if (e.Instrument.IsNone)
        {
            if (e.Kind == MarketEventKind.Status && e.ConnectionState != ConnectionState.Synced)
            {
                foreach (var each in _books)
                {
                    each?.Live.MarkOutOfSync();
                }
            }

            EnqueueMarket(e);
            return;
        }

        var book = GetBook(e.Instrument);
        if (book is null)
        {
            EnqueueMarket(e);
            return;
        }

        switch (e.Kind)
        {
            case MarketEventKind.Status:
                if (e.ConnectionState != ConnectionState.Synced)
                {
                    book.Live.MarkOutOfSync();
                }

                EnqueueMarket(Renumber(book, e));
                break;
            case MarketEventKind.SnapshotBegin:
                if (e.Sequence > 0)
                {
                    book.Live.BeginSnapshot(e.Sequence);
                }
                else
                {
                    book.Live.BeginSnapshot();
                }

                book.PendingSnapshot.Clear();
                if (_merge)
                {
                    book.PendingSnapshot.Add(e);
                }
                else
                {
                    EnqueueMarket(e);
                }

                break;
            case MarketEventKind.SnapshotLevel:
                var building = book.Live.IsBuildingSnapshot;
                book.Live.AddSnapshotLevel(e.Side, e.Price, e.Quantity);
                if (_merge && building)
                {
                    book.PendingSnapshot.Add(e);
                }
                else
                {
                    EnqueueMarket(Renumber(book, e));
                }

                break;
            case MarketEventKind.SnapshotEnd:
                EndSnapshot(book, e);
                break;
            case MarketEventKind.LevelUpdate:
                LevelUpdate(book, e);
                break;
            case MarketEventKind.Trade:
                EnqueueMarket(Renumber(book, e));
                if (book.IsTradable)
                {
                    TradePrint(book, e);
                }

                break;
            default:
                EnqueueMarket(Renumber(book, e));
                break;
        }
    }

    private void EndSnapshot(PaperBook book, in MarketEvent end)
    {
        var wasBuilding = book.Live.IsBuildingSnapshot;
        var applied = book.Live.EndSnapshot() == DepthBookResultCode.Applied;
        if (applied)
        {
            // What we took from the old book is gone with it; nobody can be further ahead than the level is long.
            book.Consumed.Clear();
            foreach (var order in book.Orders)
            {
                order.QueueAhead = Math.Min(order.QueueAhead, book.Live.GetQuantity(order.Side, order.Price).Lots);
                order.TradedSinceUpdate = 0;
            }
        }

        if (!_merge || !wasBuilding)
        {
            EnqueueMarket(Renumber(book, end));
            if (applied)
            {
                CrossResting(book);
            }

            return;
        }

        if (!applied)
        {
            // Passed on as received: the application's book refuses the same snapshot.
            foreach (var pending in book.PendingSnapshot)
            {
                EnqueueMarket(Renumber(book, pending));
            }

            book.PendingSnapshot.Clear();
            EnqueueMarket(Renumber(book, end));
            return;
        }

        // Fills of orders the new book crosses come first, so that the merged snapshot shows what is left.
        CrossResting(book, emitLevels: false);
        _touched.Clear();
        foreach (var pending in book.PendingSnapshot)
        {
            if (pending.Kind != MarketEventKind.SnapshotLevel)
            {
                EnqueueMarket(Renumber(book, pending));
                continue;
            }

            if (pending.Quantity.IsZero)
            {
                continue;
            }

            var own = book.OwnAt(pending.Side, pending.Price, out var ownCount);
            if (own > 0)
            {
                _touched.Add((pending.Side, pending.Price));
            }

            var shown = book.Available(pending.Side, pending.Price) + own;
            if (shown > 0)
            {
                var count = pending.OrderCount > 0 ? pending.OrderCount + ownCount : 0;
                EnqueueMarket(Level(pending, shown, count, RenumberedSequence(book, pending.Sequence)));
            }
        }

        // Our orders at prices where the live book has no level.
        foreach (var order in book.Orders)
        {
            if (!_touched.Contains((order.Side, order.Price)))
            {
                _touched.Add((order.Side, order.Price));
                var own = book.OwnAt(order.Side, order.Price, out var ownCount);
                EnqueueMarket(MarketEvent.SnapshotLevel(book.Id, order.Side, order.Price, new Quantity(own), ownCount, RenumberedSequence(book, end.Sequence), end.ExchangeTimestampNanoseconds, end.ReceivedNanoseconds));
            }
        }

        _touched.Clear();
        book.PendingSnapshot.Clear();
        EnqueueMarket(Renumber(book, end));
    }

    private void LevelUpdate(PaperBook book, in MarketEvent e)
    {
        var live = book.Live;
        var before = live.GetQuantity(e.Side, e.Price).Lots;
        var code = live.IsSequenced ? live.SetLevel(e.Sequence, e.Side, e.Price, e.Quantity) : live.SetLevel(e.Side, e.Price, e.Quantity);
        if (code is not (DepthBookResultCode.Applied or DepthBookResultCode.NothingToRemove))
        {
            EnqueueMarket(Renumber(book, e));
            return;
        }

        OnLevelChanged(book, e.Side, e.Price, before, e.Quantity.Lots);

        // Fills of orders the update crosses come first, so that the level passed on already shows what we took.
        CrossResting(book, emitLevels: false);
        if (_merge)
        {
            var own = book.OwnAt(e.Side, e.Price, out var ownCount);
            var count = e.OrderCount > 0 ? e.OrderCount + ownCount : 0;
            EnqueueMarket(Level(e, book.Available(e.Side, e.Price) + own, count, RenumberedSequence(book, e.Sequence)));
            for (var i = _touched.Count - 1; i >= 0; i--)
            {
                if (_touched[i] == (e.Side, e.Price))
                {
                    _touched.RemoveAt(i);
                }
            }
        }
        else
        {
            EnqueueMarket(e);
        }

        EmitTouched(book);
    }

    /// <summary>A live level changed from <paramref name="before"/> to <paramref name="after"/> lots: the liquidity we took and the queues ahead of our orders follow it.</summary>
    private static void OnLevelChanged(PaperBook book, Side side, Price price, long before, long after)
    {
        var decrease = Math.Max(0, before - after);
        if (book.Consumed.Count != 0 && book.Consumed.TryGetValue((side, price.Ticks), out var taken))
        {
            // The lots we took are the first to leave the level: a decrease uses them up.
            var left = Math.Min(taken - decrease, after);
            if (left <= 0)
            {
                book.Consumed.Remove((side, price.Ticks));
            }
            else
            {
                book.Consumed[(side, price.Ticks)] = left;
            }
        }

        var available = book.Available(side, price);
        foreach (var order in book.Orders)
        {
            if (order.Side != side || order.Price != price)
            {
                continue;
            }

            // Trades printed at the price since the last update explain that much of the decrease; the rest are
            // cancellations, spread evenly over the queue (the lots ahead shrink in proportion).
            var explained = Math.Min(decrease, order.TradedSinceUpdate);
            var cancelled = decrease - explained;
            var basis = before - explained;
            if (cancelled > 0 && basis > 0 && order.QueueAhead > 0)
            {
                var ahead = Math.Min(order.QueueAhead, basis);
                order.QueueAhead = ahead - (long)((Int128)cancelled * ahead / basis);
            }

            order.TradedSinceUpdate = 0;
            order.QueueAhead = Math.Min(order.QueueAhead, available);
        }
    }

    private void TradePrint(PaperBook book, in MarketEvent trade)
    {
        if (book.Orders.Count == 0)
        {
            return;
        }

        var price = trade.Price;
        var lots = trade.Quantity.Lots;

        // Traded through our price: the aggressor would have taken our whole order first.
        CollectInPriority(book, Side.Buy, through: price);
        CollectInPriority(book, Side.Sell, through: price, append: true);
        foreach (var order in _scratch)
        {
            Fill(order, order.Price, order.Leaves, Liquidity.Maker);
            _touched.Add((order.Side, order.Price));
        }

        ReleaseFilled();

        // At our price against our side: the queue is eaten from the front.
        var resting = trade.Side.Opposite();
        _scratch.Clear();
        foreach (var order in book.Orders)
        {
            if (order.Side == resting && order.Price == price)
            {
                _scratch.Add(order);
            }
        }

        var remaining = lots;
        foreach (var order in _scratch)
        {
            order.TradedSinceUpdate += lots;
            var eaten = Math.Min(remaining, order.QueueAhead);
            order.QueueAhead -= eaten;
            var fill = Math.Min(order.Leaves, remaining - eaten);
            if (fill > 0)
            {
                Fill(order, order.Price, fill, Liquidity.Maker);
                remaining -= fill;
                _touched.Add((order.Side, order.Price));
            }
        }

        ReleaseFilled();
        EmitTouched(book);
    }

    /// <summary>Fills our resting orders that the live book now crosses, as makers at their own prices, against the available opposite size.</summary>
    private void CrossResting(PaperBook book, bool emitLevels = true)
    {
        if (book.Orders.Count > 0 && book.IsTradable)
        {
            CrossResting(book, Side.Buy);
            CrossResting(book, Side.Sell);
        }

        if (emitLevels)
        {
            EmitTouched(book);
        }
    }

    private void CrossResting(PaperBook book, Side side)
    {
        var opposite = side.Opposite();
        if (!book.TryGetOwnBest(side, out var ownBest) || !TryGetBestAvailable(book, opposite, out var best) || !Crosses(side, ownBest, best))
        {
            return;
        }

        CollectInPriority(book, side);
        var count = CopyLevels(book, opposite, 8);
        foreach (var order in _scratch)
        {
            for (var i = 0; order.Leaves > 0; i++)
            {
                if (i == count)
                {
                    if (count == LevelCount(book, opposite))
                    {
                        break;
                    }

                    count = CopyLevels(book, opposite, count * 4);
                }

                var level = _levels[i].Price;
                if (!Crosses(side, order.Price, level))
                {
                    break;
                }

                var take = Math.Min(book.Available(opposite, level), order.Leaves);
                if (take > 0)
                {
                    Consume(book, opposite, level, take);
                    Fill(order, order.Price, take, Liquidity.Maker);
                    _touched.Add((opposite, level));
                    _touched.Add((side, order.Price));
                }
            }
        }

        ReleaseFilled();
    }

    // ------------------------------------------------------------------ commands

    private void ProcessCommand(in OrderCommand command)
    {
        switch (command.Kind)
        {
            case OrderCommandKind.Place:
                Place(command);
                break;
            case OrderCommandKind.Cancel:
                Cancel(command);
                break;
            case OrderCommandKind.Amend:
                Amend(command);
                break;
            case OrderCommandKind.CancelAll:
                CancelAll(command);
                break;
            default:
                Reject(ExecutionEventKind.Rejected, command, RejectReason.InvalidEnumValue);
                break;
        }
    }

    private void Place(in OrderCommand command)
    {
        var book = GetBook(command.Instrument);
        var reason = CheckPlace(command, book);
        if (reason == RejectReason.None)
        {
            var hasOwnOpposite = book!.TryGetOwnBest(command.Side.Opposite(), out var ownOpposite);
            if (command.PostOnly && WouldTrade(book, command.Side, command.Price, hasOwnOpposite, ownOpposite))
            {
                reason = RejectReason.PostOnlyWouldCross;
            }
            else if (command.TimeInForce == TimeInForce.FillOrKill
                && Fillable(book, command.Side, command.Type == OrderType.Market, command.Price, hasOwnOpposite, ownOpposite, command.Quantity.Lots) < command.Quantity.Lots)
            {
                reason = RejectReason.FillOrKillNotFillable;
            }
        }

        if (reason != RejectReason.None)
        {
            Reject(ExecutionEventKind.Rejected, command, reason);
            return;
        }

        var isMarket = command.Type == OrderType.Market;
        _usedClientIds.Add(command.ClientOrderId.Value);
        var order = _pool.Count > 0 ? _pool.Pop() : new PaperOrder();
        order.Book = book!;
        order.ClientId = command.ClientOrderId.Value;
        order.VenueId = ++_nextVenueId;
        order.Side = command.Side;
        order.Price = isMarket ? Price.Zero : command.Price;
        order.PostOnly = command.PostOnly;
        order.Quantity = order.Leaves = command.Quantity.Lots;
        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Accepted,
            Instrument = book!.Id,
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = VenueOrderId.FromInt64(order.VenueId),
            Side = order.Side,
            Price = order.Price,
            Quantity = command.Quantity,
            LeavesQuantity = command.Quantity,
        });

        var hasOwn = book.TryGetOwnBest(order.Side.Opposite(), out var own);
        var selfTrade = Take(book, order, isMarket, hasOwn, own);
        if (order.Leaves == 0)
        {
            Release(order);
        }
        else if (selfTrade)
        {
            CancelOrder(order, CancelReason.SelfTradePrevention);
        }
        else if (!isMarket && command.TimeInForce == TimeInForce.GoodTillCancel)
        {
            order.QueueAhead = book.Available(order.Side, order.Price);
            order.Arrival = ++_arrival;
            book.Orders.Add(order);
            _open.Add(order.ClientId, order);
            _touched.Add((order.Side, order.Price));
        }
        else
        {
            CancelOrder(order, isMarket ? CancelReason.NoLiquidity : CancelReason.ImmediateOrCancel);
        }

        EmitTouched(book);
    }

    private RejectReason CheckPlace(in OrderCommand command, PaperBook? book)
    {
        if (book is null)
        {
            return RejectReason.UnknownInstrument;
        }

        var id = command.ClientOrderId.Value;
        if (id <= 0)
        {
            return RejectReason.InvalidClientOrderId;
        }

        if (_usedClientIds.Contains(id))
        {
            return RejectReason.DuplicateClientOrderId;
        }

        if ((byte)command.Side > (byte)Side.Sell || (byte)command.Type > (byte)OrderType.Market || (byte)command.TimeInForce > (byte)TimeInForce.FillOrKill)
        {
            return RejectReason.InvalidEnumValue;
        }

        var isMarket = command.Type == OrderType.Market;
        if (!isMarket)
        {
            var priceReason = CheckPrice(command.Price, book.Spec);
            if (priceReason != RejectReason.None)
            {
                return priceReason;
            }
        }

        var quantityReason = CheckQuantity(command.Quantity, book.Spec);
        if (quantityReason != RejectReason.None)
        {
            return quantityReason;
        }

        if (isMarket && command.TimeInForce == TimeInForce.GoodTillCancel)
        {
            return RejectReason.MarketOrderCannotRest;
        }

        if (command.PostOnly && (isMarket || command.TimeInForce != TimeInForce.GoodTillCancel))
        {
            return RejectReason.PostOnlyRequiresGoodTillCancelLimit;
        }

        return book.IsTradable ? RejectReason.None : RejectReason.NotConnected;
    }

    private static RejectReason CheckPrice(Price price, InstrumentSpec spec) =>
        price.Ticks <= 0 ? RejectReason.InvalidPrice
        : price > spec.MaxPrice ? RejectReason.PriceAboveMaximum
        : RejectReason.None;

    private static RejectReason CheckQuantity(Quantity quantity, InstrumentSpec spec) =>
        quantity.Lots <= 0 ? RejectReason.InvalidQuantity
        : quantity < spec.MinQuantity ? RejectReason.QuantityBelowMinimum
        : quantity > spec.MaxQuantity ? RejectReason.QuantityAboveMaximum
        : RejectReason.None;

    /// <summary>
    /// Takes displayed liquidity for <paramref name="order"/> level by level (taker fills at each level's price) up
    /// to its limit, stopping before the price of our own opposite order.
    /// </summary>
    /// <returns>Whether the order stopped at our own opposite order while it could still trade (self-trade prevention).</returns>
    private bool Take(PaperBook book, PaperOrder order, bool isMarket, bool hasOwnOpposite, Price ownOpposite)
    {
        var opposite = order.Side.Opposite();
        var total = LevelCount(book, opposite);
        var count = CopyLevels(book, opposite, 8);
        for (var i = 0; order.Leaves > 0; i++)
        {
            if (i == count)
            {
                if (count == total)
                {
                    break;
                }

                count = CopyLevels(book, opposite, count * 4);
            }

            var level = _levels[i].Price;
            if (hasOwnOpposite && Crosses(order.Side, level, ownOpposite))
            {
                return isMarket || Crosses(order.Side, order.Price, ownOpposite);
            }

            if (!isMarket && !Crosses(order.Side, order.Price, level))
            {
                return false;
            }

            var take = Math.Min(book.Available(opposite, level), order.Leaves);
            if (take > 0)
            {
                Consume(book, opposite, level, take);
                Fill(order, level, take, Liquidity.Taker);
                _touched.Add((opposite, level));
            }
        }

        return order.Leaves > 0 && hasOwnOpposite && (isMarket || Crosses(order.Side, order.Price, ownOpposite));
    }

    /// <summary>How many lots an order could take now (at most <paramref name="needed"/>), with the limits of <see cref="Take"/>.</summary>
    private long Fillable(PaperBook book, Side side, bool isMarket, Price limit, bool hasOwnOpposite, Price ownOpposite, long needed)
    {
        var opposite = side.Opposite();
        var total = LevelCount(book, opposite);
        var count = CopyLevels(book, opposite, 8);
        long sum = 0;
        for (var i = 0; sum < needed; i++)
        {
            if (i == count)
            {
                if (count == total)
                {
                    break;
                }

                count = CopyLevels(book, opposite, count * 4);
            }

            var level = _levels[i].Price;
            if ((hasOwnOpposite && Crosses(side, level, ownOpposite)) || (!isMarket && !Crosses(side, limit, level)))
            {
                break;
            }

            sum += book.Available(opposite, level);
        }

        return sum;
    }

    /// <summary>Whether an order at <paramref name="price"/> would trade on arrival: against the available live book or our own opposite order.</summary>
    private bool WouldTrade(PaperBook book, Side side, Price price, bool hasOwnOpposite, Price ownOpposite) =>
        (TryGetBestAvailable(book, side.Opposite(), out var best) && Crosses(side, price, best))
        || (hasOwnOpposite && Crosses(side, price, ownOpposite));

    private void Cancel(in OrderCommand command)
    {
        var book = GetBook(command.Instrument);
        if (book is null)
        {
            Reject(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownInstrument);
            return;
        }

        if (!_open.TryGetValue(command.ClientOrderId.Value, out var order) || order.Book != book)
        {
            Reject(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownOrder);
            return;
        }

        CancelOrder(order, CancelReason.Requested);
        EmitTouched(book);
    }

    private void CancelAll(in OrderCommand command)
    {
        foreach (var book in _books)
        {
            if (book is null || (!command.Instrument.IsNone && book.Id != command.Instrument))
            {
                continue;
            }

            foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
            {
                CollectInPriority(book, side);
                foreach (var order in _scratch)
                {
                    CancelOrder(order, CancelReason.Requested);
                }
            }

            _scratch.Clear();
            EmitTouched(book);
        }
    }

    private void Amend(in OrderCommand command)
    {
        var book = GetBook(command.Instrument);
        PaperOrder? order = null;
        var reason = !SupportsAmend ? RejectReason.AmendNotSupported
            : book is null ? RejectReason.UnknownInstrument
            : !_open.TryGetValue(command.ClientOrderId.Value, out order) || order.Book != book ? RejectReason.UnknownOrder
            : CheckPrice(command.Price, book.Spec) is var priceReason && priceReason != RejectReason.None ? priceReason
            : CheckQuantity(command.Quantity, book.Spec) is var quantityReason && quantityReason != RejectReason.None ? quantityReason
            : !book.IsTradable ? RejectReason.NotConnected
            : RejectReason.None;
        if (reason != RejectReason.None)
        {
            Reject(ExecutionEventKind.AmendRejected, command, reason);
            return;
        }

        var newLeaves = command.Quantity.Lots;
        if (command.Price == order!.Price && newLeaves <= order.Leaves)
        {
            // A smaller size at the same price keeps the order's place in the queue.
            order.Leaves = newLeaves;
            order.Quantity = order.Filled + newLeaves;
            EnqueueAmended(order);
            _touched.Add((order.Side, order.Price));
            EmitTouched(book!);
            return;
        }

        var hasOwnOpposite = book!.TryGetOwnBest(order.Side.Opposite(), out var ownOpposite);
        if (order.PostOnly && WouldTrade(book, order.Side, command.Price, hasOwnOpposite, ownOpposite))
        {
            Reject(ExecutionEventKind.AmendRejected, command, RejectReason.PostOnlyWouldCross);
            return;
        }

        // A new price or a larger size goes to the back of the queue, and may trade on arrival.
        book.Orders.Remove(order);
        _touched.Add((order.Side, order.Price));
        order.Price = command.Price;
        order.Leaves = newLeaves;
        order.Quantity = order.Filled + newLeaves;
        order.TradedSinceUpdate = 0;
        EnqueueAmended(order);
        var selfTrade = Take(book, order, isMarket: false, hasOwnOpposite, ownOpposite);
        if (order.Leaves == 0)
        {
            Release(order);
        }
        else if (selfTrade)
        {
            CancelOrder(order, CancelReason.SelfTradePrevention);
        }
        else
        {
            order.QueueAhead = book.Available(order.Side, order.Price);
            order.Arrival = ++_arrival;
            book.Orders.Add(order);
            _touched.Add((order.Side, order.Price));
        }

        EmitTouched(book);
    }

    // ------------------------------------------------------------------ events

    private void Fill(PaperOrder order, Price price, long lots, Liquidity liquidity)
    {
        order.Leaves -= lots;
        order.Filled += lots;
        var book = order.Book;
        var spec = book.Spec;
        var size = spec.ToDecimal(new Quantity(lots));
        var notional = spec.ToDecimal(price) * size;
        var fee = notional * (liquidity == Liquidity.Maker ? _makerFeeRate : _takerFeeRate);
        var sign = order.Side.Sign();
        CollectionsMarshal.GetValueRefOrAddDefault(_balances, book.BaseCurrency, out _) += sign * size;
        CollectionsMarshal.GetValueRefOrAddDefault(_balances, book.QuoteCurrency, out _) -= (sign * notional) + fee;
        EnqueueExecution(new ExecutionEvent
        {
            Kind = order.Leaves == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
            Instrument = book.Id,
            ClientOrderId = new ClientOrderId(order.ClientId),
            VenueOrderId = VenueOrderId.FromInt64(order.VenueId),
            Side = order.Side,
            Price = price,
            Quantity = new Quantity(lots),
            LeavesQuantity = new Quantity(order.Leaves),
            FilledQuantity = new Quantity(order.Filled),
            Liquidity = liquidity,
            Fee = fee,
            TradeId = ++_nextTradeId,
        });
    }

    private void CancelOrder(PaperOrder order, CancelReason reason)
    {
        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Cancelled,
            Instrument = order.Book.Id,
            ClientOrderId = new ClientOrderId(order.ClientId),
            VenueOrderId = VenueOrderId.FromInt64(order.VenueId),
            Side = order.Side,
            Price = order.Price,
            Quantity = new Quantity(order.Leaves),
            FilledQuantity = new Quantity(order.Filled),
            CancelReason = reason,
        });
        if (order.Book.Orders.Contains(order))
        {
            // Only a resting order changes what the book shows.
            _touched.Add((order.Side, order.Price));
        }

        Release(order);
    }

    private void EnqueueAmended(PaperOrder order) =>
        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Amended,
            Instrument = order.Book.Id,
            ClientOrderId = new ClientOrderId(order.ClientId),
            VenueOrderId = VenueOrderId.FromInt64(order.VenueId),
            Side = order.Side,
            Price = order.Price,
            Quantity = new Quantity(order.Leaves),
            LeavesQuantity = new Quantity(order.Leaves),
            FilledQuantity = new Quantity(order.Filled),
        });

    private void Reject(ExecutionEventKind kind, in OrderCommand command, RejectReason reason) =>
        EnqueueExecution(new ExecutionEvent
        {
            Kind = kind,
            Instrument = command.Instrument,
            ClientOrderId = command.ClientOrderId,
            Side = command.Side,
            Price = command.Price,
            Quantity = command.Quantity,
            RejectReason = reason,
        });

    private void EnqueueExecution(in ExecutionEvent executionEvent)
    {
        var due = Math.Max(_now + _latency, _lastAnswerDue);
        _lastAnswerDue = due;
        var stamped = executionEvent with { Sequence = ++_executionSequence, ExchangeTimestampNanoseconds = _exchangeNow, ReceivedNanoseconds = due };
        if (stamped.IsFill)
        {
            RememberFill(stamped);
        }

        if (_latency == 0)
        {
            _outputs.Enqueue(new Output(true, default, stamped));
        }
        else
        {
            _answersInFlight.Enqueue((due, stamped));
        }
    }

    /// <summary>Keeps a fill for <see cref="GetFillsAsync"/>, forgetting the oldest when full.</summary>
    private void RememberFill(in ExecutionEvent fill)
    {
        if (_fillCount == _fillHistory.Length)
        {
            _fillHead = (_fillHead + 1) % _fillHistory.Length;
            _fillCount--;
        }

        _fillHistory[(_fillHead + _fillCount) % _fillHistory.Length] = fill;
        _fillCount++;
    }

    private void EnqueueMarket(in MarketEvent marketEvent) => _outputs.Enqueue(new Output(false, marketEvent, default));

    /// <summary>Passes on the current size of each level our orders changed (merged mode, synced book), once per level.</summary>
    private void EmitTouched(PaperBook book)
    {
        if (_merge && book.IsTradable)
        {
            for (var i = 0; i < _touched.Count; i++)
            {
                var (side, price) = _touched[i];
                if (_touched.IndexOf((side, price)) != i)
                {
                    continue;
                }

                long sequence = 0;
                if (book.Live.IsSequenced)
                {
                    book.SequenceOffset++;
                    sequence = book.Live.Sequence + book.SequenceOffset;
                }

                var shown = book.Available(side, price) + book.OwnAt(side, price, out _);
                EnqueueMarket(MarketEvent.LevelUpdate(book.Id, side, price, new Quantity(shown), 0, sequence, _exchangeNow, _now));
            }
        }

        _touched.Clear();
    }

    // ------------------------------------------------------------------ helpers

    private PaperBook? GetBook(InstrumentId id)
    {
        var index = id.Value;
        if (index <= 0)
        {
            return null;
        }

        if (index < _books.Length && _books[index] is { } book)
        {
            return book;
        }

        if (!_registry.TryGet(id, out var spec))
        {
            return null;
        }

        if (index >= _books.Length)
        {
            Array.Resize(ref _books, Math.Max(index + 1, _books.Length * 2));
        }

        return _books[index] = new PaperBook(id, spec);
    }

    /// <summary>Our orders on <paramref name="side"/> into <see cref="_scratch"/>, best price first, then time; optionally only those traded through by a print at <paramref name="through"/>.</summary>
    private void CollectInPriority(PaperBook book, Side side, Price? through = null, bool append = false)
    {
        if (!append)
        {
            _scratch.Clear();
        }

        var start = _scratch.Count;
        foreach (var order in book.Orders)
        {
            if (order.Side == side && (through is not { } t || (side == Side.Buy ? order.Price > t : order.Price < t)))
            {
                _scratch.Add(order);
            }
        }

        if (_scratch.Count - start > 1)
        {
            _scratch.Sort(start, _scratch.Count - start, side == Side.Buy ? BuyComparer.Instance : SellComparer.Instance);
        }
    }

    /// <summary>Returns the orders of <see cref="_scratch"/> that filled completely to the pool.</summary>
    private void ReleaseFilled()
    {
        foreach (var order in _scratch)
        {
            if (order.Leaves == 0 && order.Book is not null)
            {
                Release(order);
            }
        }

        _scratch.Clear();
    }

    private void Release(PaperOrder order)
    {
        order.Book.Orders.Remove(order);
        _open.Remove(order.ClientId);
        order.Reset();
        _pool.Push(order);
    }

    private static void Consume(PaperBook book, Side side, Price price, long lots) =>
        CollectionsMarshal.GetValueRefOrAddDefault(book.Consumed, (side, price.Ticks), out _) += lots;

    /// <summary>The best price on <paramref name="side"/> with available (not consumed) size.</summary>
    private bool TryGetBestAvailable(PaperBook book, Side side, out Price best)
    {
        if (book.Consumed.Count == 0)
        {
            var found = side == Side.Buy ? book.Live.TryGetBestBid(out best, out _) : book.Live.TryGetBestAsk(out best, out _);
            return found;
        }

        var total = LevelCount(book, side);
        var count = CopyLevels(book, side, 8);
        for (var i = 0; ; i++)
        {
            if (i == count)
            {
                if (count == total)
                {
                    best = default;
                    return false;
                }

                count = CopyLevels(book, side, count * 4);
            }

            if (book.Available(side, _levels[i].Price) > 0)
            {
                best = _levels[i].Price;
                return true;
            }
        }
    }

    private static int LevelCount(PaperBook book, Side side) => side == Side.Buy ? book.Live.BidLevelCount : book.Live.AskLevelCount;

    /// <summary>Copies up to <paramref name="want"/> of the live book's best levels on <paramref name="side"/> into <see cref="_levels"/>.</summary>
    private int CopyLevels(PaperBook book, Side side, int want)
    {
        want = Math.Min(want, LevelCount(book, side));
        if (_levels.Length < want)
        {
            _levels = new DepthLevel[Math.Max(want, _levels.Length * 2)];
        }

        return book.Live.GetDepth(side, _levels.AsSpan(0, want));
    }

    /// <summary>Whether an order on <paramref name="side"/> at <paramref name="price"/> reaches <paramref name="level"/> on the opposite side.</summary>
    private static bool Crosses(Side side, Price price, Price level) => side == Side.Buy ? level <= price : level >= price;

    private static MarketEvent Renumber(PaperBook book, in MarketEvent e)
    {
        var sequence = RenumberedSequence(book, e.Sequence);
        return sequence == e.Sequence ? e : MarketEventCopy.With(e, e.Instrument, sequence, e.Quantity.Lots, e.OrderCount);
    }

    /// <summary>A feed sequence number shifted past the level updates inserted so far; 0 (no sequence) stays 0.</summary>
    private static long RenumberedSequence(PaperBook book, long sequence) => sequence > 0 ? sequence + book.SequenceOffset : sequence;

    private static MarketEvent Level(in MarketEvent e, long lots, int orderCount, long sequence) => MarketEventCopy.With(e, e.Instrument, sequence, lots, orderCount);

    private sealed class BuyComparer : IComparer<PaperOrder>
    {
        public static readonly BuyComparer Instance = new();

        public int Compare(PaperOrder? x, PaperOrder? y) => x!.Price != y!.Price ? y.Price.CompareTo(x.Price) : x.Arrival.CompareTo(y.Arrival);
    }

    private sealed class SellComparer : IComparer<PaperOrder>
    {
        public static readonly SellComparer Instance = new();

        public int Compare(PaperOrder? x, PaperOrder? y) => x!.Price != y!.Price ? x.Price.CompareTo(y.Price) : x.Arrival.CompareTo(y.Arrival);
    }
}
