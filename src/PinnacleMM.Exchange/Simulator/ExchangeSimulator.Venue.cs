using System.Runtime.InteropServices;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Simulator;

/// <summary>The venue side: our commands against the book, and what the book reports.</summary>
public sealed partial class ExchangeSimulator
{
    // Our live orders by client order id, and the way back from the book's order id.
    private readonly Dictionary<long, OwnOrder> _own = new(256);
    private readonly Dictionary<long, long> _clientIdByBookId = new(256);
    private readonly HashSet<long> _usedClientIds = new(1024);
    private readonly List<ExecutionEvent> _captured = new(64);
    private readonly List<long> _scratchIds = new(64);
    private SelfTradePrevention _selfTradePrevention;
    private decimal _makerFeeRate;
    private decimal _takerFeeRate;
    private string _baseCurrency = "";
    private string _quoteCurrency = "";
    private decimal _baseBalance;
    private decimal _quoteBalance;
    private long _nextBookOrderId;
    private bool _capturing;
    private long _trades;

    private void InitializeVenue(ExchangeSimulatorOptions options)
    {
        _selfTradePrevention = options.SelfTradePrevention;
        _makerFeeRate = options.MakerFeeRate;
        _takerFeeRate = options.TakerFeeRate;
        _baseCurrency = options.BaseCurrency;
        _quoteCurrency = options.QuoteCurrency;
        _baseBalance = options.InitialBaseBalance;
        _quoteBalance = options.InitialQuoteBalance;
    }

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
        var clientId = command.ClientOrderId.Value;
        var reason = command.Instrument != _instrumentId ? RejectReason.UnknownInstrument
            : clientId <= 0 ? RejectReason.InvalidClientOrderId
            : _usedClientIds.Contains(clientId) ? RejectReason.DuplicateClientOrderId
            : RejectReason.None;
        if (reason != RejectReason.None)
        {
            Reject(ExecutionEventKind.Rejected, command, reason);
            return;
        }

        var bookId = ++_nextBookOrderId;
        var price = command.Type == OrderType.Market ? Price.Zero : command.Price;

        // Registered before matching, so that fills reported during the submit find the order.
        _own.Add(clientId, new OwnOrder(bookId, command.Side, price, command.Quantity.Lots, command.Quantity.Lots, 0));
        _clientIdByBookId.Add(bookId, clientId);
        var request = new OrderRequest
        {
            OrderId = bookId,
            OwnerId = OwnOwnerId,
            Side = command.Side,
            Type = command.Type,
            Price = command.Price,
            Quantity = command.Quantity,
            TimeInForce = command.TimeInForce,
            PostOnly = command.PostOnly,
            SelfTradePrevention = _selfTradePrevention,
            Timestamp = _now,
        };

        _capturing = true;
        var result = _book.Submit(request);
        _capturing = false;
        if (!result.IsAccepted)
        {
            // A rejected submit changed nothing in the book and reported nothing.
            _own.Remove(clientId);
            _clientIdByBookId.Remove(bookId);
            _nextBookOrderId--;
            Reject(ExecutionEventKind.Rejected, command, result.Code.ToRejectReason());
            return;
        }

        _usedClientIds.Add(clientId);
        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Accepted,
            Instrument = _instrumentId,
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = VenueOrderId.FromInt64(bookId),
            Side = command.Side,
            Price = price,
            Quantity = command.Quantity,
            LeavesQuantity = command.Quantity,
        });
        FlushCaptured();
        if (result.Resting.IsZero)
        {
            Forget(clientId);
        }
    }

    private void Cancel(in OrderCommand command)
    {
        if (command.Instrument != _instrumentId)
        {
            Reject(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownInstrument);
            return;
        }

        if (!_own.ContainsKey(command.ClientOrderId.Value))
        {
            Reject(ExecutionEventKind.CancelRejected, command, RejectReason.UnknownOrder);
            return;
        }

        CancelOwn(command.ClientOrderId.Value);
    }

    private void CancelOwn(long clientId)
    {
        var order = _own[clientId];
        var result = _book.Cancel(order.BookId, _now);
        Forget(clientId);
        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Cancelled,
            Instrument = _instrumentId,
            ClientOrderId = new ClientOrderId(clientId),
            VenueOrderId = VenueOrderId.FromInt64(order.BookId),
            Side = order.Side,
            Price = order.Price,
            Quantity = result.Cancelled,
            FilledQuantity = new Quantity(order.Filled),
            CancelReason = CancelReason.Requested,
        });
    }

    private void Amend(in OrderCommand command)
    {
        var clientId = command.ClientOrderId.Value;
        if (command.Instrument != _instrumentId)
        {
            Reject(ExecutionEventKind.AmendRejected, command, RejectReason.UnknownInstrument);
            return;
        }

        ref var order = ref CollectionsMarshal.GetValueRefOrNullRef(_own, clientId);
        if (System.Runtime.CompilerServices.Unsafe.IsNullRef(ref order))
        {
            Reject(ExecutionEventKind.AmendRejected, command, RejectReason.UnknownOrder);
            return;
        }

        var before = order;

        // Updated before matching, so that fills of a crossing amend are counted from the new size.
        order = before with { Price = command.Price, Quantity = before.Filled + command.Quantity.Lots, Leaves = command.Quantity.Lots };
        _capturing = true;
        var result = _book.Modify(before.BookId, command.Price, command.Quantity, _now);
        _capturing = false;
        if (!result.IsAccepted)
        {
            _own[clientId] = before;
            Reject(ExecutionEventKind.AmendRejected, command, result.Code.ToRejectReason());
            return;
        }

        EnqueueExecution(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Amended,
            Instrument = _instrumentId,
            ClientOrderId = command.ClientOrderId,
            VenueOrderId = VenueOrderId.FromInt64(before.BookId),
            Side = before.Side,
            Price = command.Price,
            Quantity = command.Quantity,
            LeavesQuantity = command.Quantity,
            FilledQuantity = new Quantity(before.Filled),
        });
        FlushCaptured();
        if (result.Resting.IsZero)
        {
            Forget(clientId);
        }
    }

    private void CancelAll(in OrderCommand command)
    {
        if (!command.Instrument.IsNone && command.Instrument != _instrumentId)
        {
            // No order of ours can be on an instrument we do not trade: nothing to cancel.
            return;
        }

        // Collected first (the book must not change while enumerating), in priority order so runs are reproducible.
        _scratchIds.Clear();
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            foreach (var info in _book.GetOrders(side))
            {
                if (info.OwnerId == OwnOwnerId)
                {
                    _scratchIds.Add(_clientIdByBookId[info.OrderId]);
                }
            }
        }

        foreach (var clientId in _scratchIds)
        {
            CancelOwn(clientId);
        }
    }

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

    private void Forget(long clientId)
    {
        if (_own.Remove(clientId, out var order))
        {
            _clientIdByBookId.Remove(order.BookId);
        }
    }

    private void Emit(in ExecutionEvent executionEvent)
    {
        if (_capturing)
        {
            _captured.Add(executionEvent);
        }
        else
        {
            EnqueueExecution(executionEvent);
        }
    }

    private void FlushCaptured()
    {
        foreach (var captured in _captured)
        {
            EnqueueExecution(captured);
        }

        _captured.Clear();
    }

    private void EnqueueExecution(in ExecutionEvent executionEvent)
    {
        if (_orderEntryState != ConnectionState.Synced)
        {
            // Lost with the connection (the sequence number is still used, so the stream shows the hole); a fill is
            // kept in the history the venue can be asked for.
            var lost = executionEvent with { Sequence = ++_executionSequence, ExchangeTimestampNanoseconds = _now, ReceivedNanoseconds = _now };
            _executionEventsLost++;
            if (lost.IsFill)
            {
                RememberFill(lost);
            }

            return;
        }

        var at = NextExecutionTime();
        var stamped = executionEvent with { Sequence = ++_executionSequence, ExchangeTimestampNanoseconds = _now, ReceivedNanoseconds = at };
        if (stamped.IsFill)
        {
            RememberFill(stamped);
        }

        _executions.Enqueue(stamped);
    }

    private void OnOwnFill(long bookId, in Trade trade, Liquidity liquidity)
    {
        var clientId = _clientIdByBookId[bookId];
        ref var order = ref CollectionsMarshal.GetValueRefOrNullRef(_own, clientId);
        var lots = trade.Quantity.Lots;
        order.Leaves -= lots;
        order.Filled += lots;

        var notional = _instrument.ToDecimal(trade.Price) * _instrument.ToDecimal(trade.Quantity);
        var fee = notional * (liquidity == Liquidity.Maker ? _makerFeeRate : _takerFeeRate);
        var sign = order.Side.Sign();
        _baseBalance += sign * _instrument.ToDecimal(trade.Quantity);
        _quoteBalance -= (sign * notional) + fee;

        Emit(new ExecutionEvent
        {
            Kind = order.Leaves == 0 ? ExecutionEventKind.Filled : ExecutionEventKind.PartiallyFilled,
            Instrument = _instrumentId,
            ClientOrderId = new ClientOrderId(clientId),
            VenueOrderId = VenueOrderId.FromInt64(bookId),
            Side = order.Side,
            Price = trade.Price,
            Quantity = trade.Quantity,
            LeavesQuantity = new Quantity(order.Leaves),
            FilledQuantity = new Quantity(order.Filled),
            Liquidity = liquidity,
            Fee = fee,
            TradeId = trade.TradeId,
        });
        if (order.Leaves == 0)
        {
            Forget(clientId);
        }
    }

    private void OnOwnCancelledByVenue(in OrderUpdate update)
    {
        var clientId = _clientIdByBookId[update.OrderId];
        ref var order = ref CollectionsMarshal.GetValueRefOrNullRef(_own, clientId);
        order.Leaves = 0;
        Emit(new ExecutionEvent
        {
            Kind = ExecutionEventKind.Cancelled,
            Instrument = _instrumentId,
            ClientOrderId = new ClientOrderId(clientId),
            VenueOrderId = VenueOrderId.FromInt64(update.OrderId),
            Side = order.Side,
            Price = order.Price,
            Quantity = update.Quantity,
            FilledQuantity = new Quantity(order.Filled),
            CancelReason = update.Reason,
        });
        Forget(clientId);
    }

    private IReadOnlyList<OpenOrder> CollectOpenOrders()
    {
        var orders = new List<OpenOrder>(_own.Count);
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            foreach (var info in _book.GetOrders(side))
            {
                if (info.OwnerId == OwnOwnerId)
                {
                    var clientId = _clientIdByBookId[info.OrderId];
                    var own = _own[clientId];
                    orders.Add(new OpenOrder(_instrumentId, new ClientOrderId(clientId), VenueOrderId.FromInt64(info.OrderId), side, info.Price, new Quantity(own.Quantity), info.Remaining, new Quantity(own.Filled), info.Timestamp));
                }
            }
        }

        return orders;
    }

    private IReadOnlyList<Balance> CollectBalances()
    {
        decimal heldBase = 0, heldQuote = 0;
        foreach (var order in _own.Values)
        {
            if (order.Side == Side.Buy)
            {
                heldQuote += _instrument.ToDecimal(order.Price) * _instrument.ToDecimal(new Quantity(order.Leaves));
            }
            else
            {
                heldBase += _instrument.ToDecimal(new Quantity(order.Leaves));
            }
        }

        return [new Balance(_baseCurrency, _baseBalance, _baseBalance - heldBase), new Balance(_quoteCurrency, _quoteBalance, _quoteBalance - heldQuote)];
    }

    /// <summary>Our order as the venue tracks it: quantities in lots.</summary>
    private record struct OwnOrder(long BookId, Side Side, Price Price, long Quantity, long Leaves, long Filled);

    /// <summary>Turns what the book reports into market data, our execution events and participant bookkeeping.</summary>
    private sealed class BookListener(ExchangeSimulator simulator) : IOrderBookListener
    {
        public void OnTrade(in Trade trade)
        {
            var s = simulator;
            s._trades++;
            if (s._subscribed)
            {
                var at = s.NextMarketDataTime();
                s._marketData.Enqueue(MarketEvent.Trade(s._instrumentId, trade.TakerSide, trade.Price, trade.Quantity, trade.TradeId, s._bookSequence, s._now, at));
            }

            if (trade.TakerOwnerId != OwnOwnerId)
            {
                s.OnParticipantTrade(trade.TakerOwnerId, trade.Quantity.Lots);
            }

            if (trade.MakerOwnerId == OwnOwnerId)
            {
                s.OnOwnFill(trade.MakerOrderId, trade, Liquidity.Maker);
            }
            else if (trade.MakerFilled)
            {
                s.RemoveParticipantOrder(trade.MakerOrderId);
            }

            if (trade.TakerOwnerId == OwnOwnerId)
            {
                s.OnOwnFill(trade.TakerOrderId, trade, Liquidity.Taker);
            }
        }

        public void OnOrderUpdate(in OrderUpdate update)
        {
            var s = simulator;
            if (update.OwnerId == OwnOwnerId)
            {
                // Requested cancels and amends are answered by the command that caused them.
                if (update.Kind == OrderUpdateKind.Cancelled && update.Reason != CancelReason.Requested)
                {
                    s.OnOwnCancelledByVenue(update);
                }

                return;
            }

            if (update.Kind == OrderUpdateKind.Rested)
            {
                s.AddParticipantOrder(update.OrderId);
            }
            else if (update.Kind == OrderUpdateKind.Cancelled && update.Remaining.IsZero)
            {
                s.RemoveParticipantOrder(update.OrderId);
            }
        }

        public void OnDepthChanged(Side side, Price price, Quantity totalQuantity, int orderCount)
        {
            var s = simulator;
            var sequence = ++s._bookSequence;
            if (s._subscribed)
            {
                var at = s.NextMarketDataTime();
                if (s.DropLevelUpdate())
                {
                    return;
                }

                s._marketData.Enqueue(MarketEvent.LevelUpdate(s._instrumentId, side, price, totalQuantity, orderCount, sequence, s._now, at));
            }
        }
    }
}
