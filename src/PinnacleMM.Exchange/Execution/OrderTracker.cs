using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Execution;

/// <summary>
/// The lifecycle state machine of our orders on one instrument: every order from the moment it is sent
/// (pending new) through open, partially filled, pending cancel to filled, cancelled or rejected, keyed by
/// client order id. It applies the venue's execution events in whatever order they come and recognises
/// duplicates, so that a position fed from it is never counted twice or missed.
/// </summary>
/// <remarks>
/// <para>
/// <b>Event order.</b> A fill before the acknowledgement opens the order (the acknowledgement then only
/// records the venue id); a cancel or acknowledgement after the last fill is <see cref="ExecutionOutcome.Late"/>
/// and ignored; a fill of an order closed locally (cancelled on a timeout, found gone at the venue) is still
/// applied (<see cref="ExecutionOutcome.LateFillApplied"/>), because the venue traded our account. A fill is a
/// <see cref="ExecutionOutcome.Duplicate"/> when its (trade id, order) pair was applied before or, without a
/// trade id, when its cumulative filled size is not above the one known. A fill for an order never seen is
/// applied to the position (<see cref="ExecutionOutcome.UnknownFillApplied"/>) unless its trade was seen.
/// </para>
/// <para>
/// Closed orders and applied trade ids are remembered in bounded rings (oldest forgotten first), so late
/// and duplicate events are recognised for a long while without growing memory. Every change comes from one
/// of the <c>On…Sent</c> methods, <see cref="Apply(in ExecutionEvent, long)"/> or <see cref="CloseLocally"/>: journaling those calls
/// and replaying them into another tracker gives the same state (this is how the engine recovers).
/// Allocation-free once its dictionaries reached their capacity; not thread-safe (one owner thread).
/// </para>
/// </remarks>
public sealed class OrderTracker
{
    private const byte StateVersion = 1;
    private const int SlotBytes = 112;
    private const int ClosedBytes = 40;

    private readonly Dictionary<long, Slot> _active;
    private readonly Dictionary<long, ClosedOrder> _closed;
    private readonly long[] _closedRing;
    private readonly HashSet<(long TradeId, long OrderId)> _trades;
    private readonly (long TradeId, long OrderId)[] _tradeRing;
    private int _closedHead;
    private int _closedCount;
    private int _tradeHead;
    private int _tradeCount;

    /// <summary>Creates an empty tracker.</summary>
    /// <param name="instrument">The instrument of the orders.</param>
    /// <param name="position">The position to apply fills to, or null when the caller applies them itself (the engine's strategy does).</param>
    /// <param name="closedCapacity">How many closed orders are remembered for late events; 16 to 1,048,576.</param>
    /// <param name="tradeIdCapacity">How many applied trade ids are remembered for duplicate detection; 16 to 1,048,576.</param>
    /// <exception cref="ArgumentNullException"><paramref name="instrument"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="position"/> is for another instrument.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A capacity is out of range; the message names it.</exception>
    public OrderTracker(InstrumentSpec instrument, PositionTracker? position = null, int closedCapacity = 4096, int tradeIdCapacity = 16384)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        if (position is not null && !ReferenceEquals(position.Instrument, instrument))
        {
            throw new ArgumentException($"position: is for {position.Instrument.Symbol}, not {instrument.Symbol}.", nameof(position));
        }

        CheckCapacity(closedCapacity, nameof(closedCapacity));
        CheckCapacity(tradeIdCapacity, nameof(tradeIdCapacity));
        Instrument = instrument;
        Position = position;
        _active = new Dictionary<long, Slot>(256);
        _closed = new Dictionary<long, ClosedOrder>(closedCapacity);
        _closedRing = new long[closedCapacity];
        _trades = new HashSet<(long, long)>(tradeIdCapacity);
        _tradeRing = new (long, long)[tradeIdCapacity];
    }

    /// <summary>The instrument of the orders.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>The position fills are applied to; null when the caller applies them.</summary>
    public PositionTracker? Position { get; }

    /// <summary>How many orders are not closed (pending new, open, partially filled, pending cancel).</summary>
    public int OpenCount => _active.Count;

    /// <summary>The highest client order id sent so far (0 when none): the next order takes a higher one.</summary>
    public long HighestClientOrderId { get; private set; }

    /// <summary>Duplicate events ignored.</summary>
    public long DuplicateCount { get; private set; }

    /// <summary>Late non-fill events ignored (for orders already closed).</summary>
    public long LateCount { get; private set; }

    /// <summary>Non-fill events ignored because the order is unknown.</summary>
    public long UnknownCount { get; private set; }

    /// <summary>Fills applied for orders already closed locally.</summary>
    public long LateFillCount { get; private set; }

    /// <summary>Fills applied for orders never tracked.</summary>
    public long UnknownFillCount { get; private set; }

    /// <summary>Malformed events ignored.</summary>
    public long InvalidCount { get; private set; }

    /// <summary>Records a new order sent to the venue (state <see cref="OrderState.PendingNew"/>).</summary>
    /// <param name="command">The place command; its client order id must be new.</param>
    /// <param name="nowNanoseconds">When it was sent.</param>
    /// <param name="manual">Whether it is a manual order (<see cref="OrderManager.PlaceOrder"/>), which quote reconciliation leaves alone.</param>
    /// <exception cref="ArgumentException">The command is not a place, or its id is not positive or already tracked; nothing is changed.</exception>
    public void OnPlaceSent(in OrderCommand command, long nowNanoseconds, bool manual = false)
    {
        var id = command.ClientOrderId.Value;
        if (command.Kind != OrderCommandKind.Place || id <= 0 || _active.ContainsKey(id) || _closed.ContainsKey(id))
        {
            ThrowBadPlace(command);
        }

        _active.Add(id, new Slot
        {
            Side = command.Side,
            PriceTicks = command.Price.Ticks,
            TotalLots = command.Quantity.Lots,
            LeavesLots = command.Quantity.Lots,
            State = OrderState.PendingNew,
            CreatedNanoseconds = nowNanoseconds,
            Manual = manual,
        });
        if (id > HighestClientOrderId)
        {
            HighestClientOrderId = id;
        }
    }

    /// <summary>Records a cancel sent for an open order (state <see cref="OrderState.PendingCancel"/>).</summary>
    /// <returns><see langword="false"/> when the order is not open (closed or unknown): nothing changed.</returns>
    public bool OnCancelSent(ClientOrderId clientOrderId, long nowNanoseconds)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_active, clientOrderId.Value);
        if (Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.State = OrderState.PendingCancel;
        slot.CancelSentNanoseconds = nowNanoseconds;
        slot.CancelAttempts++;
        return true;
    }

    /// <summary>Records an amend sent for an open order: the order keeps its state, with the new price and open size pending.</summary>
    /// <returns><see langword="false"/> when the command is not an amend or the order is not open: nothing changed.</returns>
    public bool OnAmendSent(in OrderCommand command, long nowNanoseconds)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_active, command.ClientOrderId.Value);
        if (command.Kind != OrderCommandKind.Amend || Unsafe.IsNullRef(ref slot))
        {
            return false;
        }

        slot.AmendPending = true;
        slot.AmendPriceTicks = command.Price.Ticks;
        slot.AmendLeavesLots = command.Quantity.Lots;
        slot.CreatedNanoseconds = nowNanoseconds;
        return true;
    }

    /// <summary>
    /// Closes an open order without a venue event: found gone at the venue on reconciliation, or never
    /// acknowledged and unknown to the venue. Fills that still arrive for it are applied as late fills.
    /// </summary>
    /// <param name="clientOrderId">The order.</param>
    /// <param name="state"><see cref="OrderState.Cancelled"/> or <see cref="OrderState.Rejected"/>.</param>
    /// <returns><see langword="false"/> when the order is not open: nothing changed.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not cancelled or rejected.</exception>
    public bool CloseLocally(ClientOrderId clientOrderId, OrderState state)
    {
        if (state is not (OrderState.Cancelled or OrderState.Rejected))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "state: an order is closed locally as Cancelled or Rejected.");
        }

        if (!_active.Remove(clientOrderId.Value, out var slot))
        {
            return false;
        }

        Remember(clientOrderId.Value, slot, state);
        return true;
    }

    /// <summary>Applies one execution event from the venue, received at its <see cref="ExecutionEvent.ReceivedNanoseconds"/>.</summary>
    /// <param name="executionEvent">The event.</param>
    /// <returns>What was done with it; only <see cref="ExecutionOutcome.FillApplied"/>, <see cref="ExecutionOutcome.LateFillApplied"/> and <see cref="ExecutionOutcome.UnknownFillApplied"/> change the position.</returns>
    public ExecutionOutcome Apply(in ExecutionEvent executionEvent) => Apply(executionEvent, executionEvent.ReceivedNanoseconds);

    /// <summary>Applies one execution event from the venue, applied at <paramref name="nowNanoseconds"/>.</summary>
    /// <param name="executionEvent">The event.</param>
    /// <param name="nowNanoseconds">
    /// When it is applied, on the owner's monotonic clock: a refused cancel records it as
    /// <see cref="TrackedOrder.CancelRefusedNanoseconds"/>, from which the next cancel is timed. The order manager passes its
    /// clock (the time it journals with the event, so a replay gives the same state).
    /// </param>
    /// <returns>What was done with it; only <see cref="ExecutionOutcome.FillApplied"/>, <see cref="ExecutionOutcome.LateFillApplied"/> and <see cref="ExecutionOutcome.UnknownFillApplied"/> change the position.</returns>
    public ExecutionOutcome Apply(in ExecutionEvent executionEvent, long nowNanoseconds)
    {
        if (executionEvent.Kind == ExecutionEventKind.ConnectionChanged)
        {
            return ExecutionOutcome.NotAnOrderEvent;
        }

        if (!Enum.IsDefined(executionEvent.Kind) || (executionEvent.IsFill && !IsValidFill(executionEvent)))
        {
            InvalidCount++;
            return ExecutionOutcome.Invalid;
        }

        var id = executionEvent.ClientOrderId.Value;
        ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(_active, id);
        if (Unsafe.IsNullRef(ref slot))
        {
            return ApplyToInactive(executionEvent);
        }

        switch (executionEvent.Kind)
        {
            case ExecutionEventKind.Accepted:
                if (slot.AckSeen)
                {
                    DuplicateCount++;
                    return ExecutionOutcome.Duplicate;
                }

                // After a fill that came first, the acknowledgement only records what the fill already implied.
                slot.AckSeen = true;
                slot.Acked = true;
                slot.VenueOrderId = executionEvent.VenueOrderId;
                if (slot.State == OrderState.PendingNew)
                {
                    slot.State = OrderState.Open;
                }

                return ExecutionOutcome.Applied;

            case ExecutionEventKind.Rejected:
                if (slot.Acked)
                {
                    LateCount++;
                    return ExecutionOutcome.Late;
                }

                Close(id, slot, OrderState.Rejected);
                return ExecutionOutcome.Applied;

            case ExecutionEventKind.PartiallyFilled or ExecutionEventKind.Filled:
                if (IsDuplicateFill(executionEvent, slot.FilledLots))
                {
                    DuplicateCount++;
                    return ExecutionOutcome.Duplicate;
                }

                ApplyFill(executionEvent);
                slot.FilledLots += executionEvent.Quantity.Lots;
                slot.LeavesLots = executionEvent.Kind == ExecutionEventKind.Filled ? 0 : Math.Max(0, executionEvent.LeavesQuantity.Lots);
                slot.TotalLots = slot.FilledLots + slot.LeavesLots;
                slot.Acked = true;
                if (slot.VenueOrderId.IsNone)
                {
                    slot.VenueOrderId = executionEvent.VenueOrderId;
                }

                if (slot.LeavesLots == 0)
                {
                    Close(id, slot, OrderState.Filled);
                }
                else if (slot.State != OrderState.PendingCancel)
                {
                    slot.State = OrderState.PartiallyFilled;
                }

                return ExecutionOutcome.FillApplied;

            case ExecutionEventKind.Cancelled:
                slot.LeavesLots = 0;
                slot.TotalLots = slot.FilledLots;
                Close(id, slot, OrderState.Cancelled);
                return ExecutionOutcome.Applied;

            case ExecutionEventKind.CancelRejected:
                if (executionEvent.RejectReason == RejectReason.UnknownOrder)
                {
                    // The venue no longer has it (filled or cancelled, perhaps with events still on the way, or
                    // never placed): close it, so it cannot become an orphan in our books; late fills still count.
                    Close(id, slot, slot.Acked ? OrderState.Cancelled : OrderState.Rejected);
                    return ExecutionOutcome.Applied;
                }

                if (slot.State == OrderState.PendingCancel)
                {
                    // The venue keeps the order (rate limit, busy, too late...): it rests again and its leaves still count,
                    // but it stays on its way out. The refusal is remembered so that the next cancel waits for the order
                    // manager's backoff instead of going out on the very next decision.
                    slot.State = !slot.Acked ? OrderState.PendingNew : slot.FilledLots > 0 ? OrderState.PartiallyFilled : OrderState.Open;
                    slot.CancelRefusals = slot.CancelRefusals == int.MaxValue ? int.MaxValue : slot.CancelRefusals + 1;
                    slot.CancelRefusedNanoseconds = nowNanoseconds;
                }

                return ExecutionOutcome.Applied;

            case ExecutionEventKind.Amended:
                // Fills that overtook the amend's acknowledgement already reduced what is open.
                slot.PriceTicks = executionEvent.Price.Ticks;
                slot.LeavesLots = Math.Max(0, executionEvent.LeavesQuantity.Lots - Math.Max(0, slot.FilledLots - executionEvent.FilledQuantity.Lots));
                slot.TotalLots = slot.FilledLots + slot.LeavesLots;
                slot.AmendPending = false;
                return ExecutionOutcome.Applied;

            default: // AmendRejected
                slot.AmendPending = false;
                if (executionEvent.RejectReason == RejectReason.UnknownOrder)
                {
                    Close(id, slot, slot.Acked ? OrderState.Cancelled : OrderState.Rejected);
                }

                return ExecutionOutcome.Applied;
        }
    }

    /// <summary>
    /// Copies the orders not closed into <paramref name="destination"/> as the reconciler sees them: with a
    /// pending amend's price and size, and the time a cancel was sent. An order whose cancel the venue refused is
    /// still leaving (<see cref="LiveOrder.IsCancelPending"/>): it is not matched to a quote again, and its next cancel
    /// is the order manager's to time (<see cref="TrackedOrder.CancelRefusals"/>).
    /// </summary>
    /// <param name="destination">Where to copy them.</param>
    /// <param name="includeManual">Whether to include manual orders (for cancelling everything); quote reconciliation leaves them out.</param>
    /// <returns>How many were copied (at most the destination's length).</returns>
    public int CopyLiveOrders(Span<LiveOrder> destination, bool includeManual = false)
    {
        var count = 0;
        foreach (var (id, slot) in _active)
        {
            if (count == destination.Length)
            {
                break;
            }

            if (slot.Manual && !includeManual)
            {
                continue;
            }

            destination[count++] = new LiveOrder(
                id,
                slot.Side,
                new Price(slot.AmendPending ? slot.AmendPriceTicks : slot.PriceTicks),
                new Quantity(slot.AmendPending ? slot.AmendLeavesLots : slot.LeavesLots),
                slot.CreatedNanoseconds,
                slot.State == OrderState.PendingCancel || slot.CancelRefusals > 0 ? Math.Max(1, slot.CancelSentNanoseconds) : 0);
        }

        return count;
    }

    /// <summary>
    /// Copies the ids of orders whose last cancel the venue refused (for a reason other than not knowing the order)
    /// and that have no cancel on its way now: they still rest at the venue and still have to be cancelled.
    /// </summary>
    /// <returns>How many were copied (at most the destination's length).</returns>
    public int CopyCancelRefused(Span<ClientOrderId> destination)
    {
        var count = 0;
        foreach (var (id, slot) in _active)
        {
            if (count == destination.Length)
            {
                break;
            }

            if (slot.CancelRefusals > 0 && slot.State != OrderState.PendingCancel)
            {
                destination[count++] = new ClientOrderId(id);
            }
        }

        return count;
    }

    /// <summary>
    /// Copies the ids of orders still <see cref="OrderState.PendingNew"/> (no acknowledgement, no fill, no
    /// cancel sent) that were sent at or before <paramref name="sentAtOrBeforeNanoseconds"/>.
    /// </summary>
    /// <returns>How many were copied (at most the destination's length).</returns>
    public int CopyUnacknowledged(long sentAtOrBeforeNanoseconds, Span<ClientOrderId> destination)
    {
        var count = 0;
        foreach (var (id, slot) in _active)
        {
            if (count == destination.Length)
            {
                break;
            }

            if (slot.State == OrderState.PendingNew && slot.CreatedNanoseconds <= sentAtOrBeforeNanoseconds)
            {
                destination[count++] = new ClientOrderId(id);
            }
        }

        return count;
    }

    /// <summary>The open size of all orders not closed, per side (a pending amend counts with its new size), leaving out <paramref name="except"/>.</summary>
    public void GetOpenLots(out long buyLots, out long sellLots, ClientOrderId except = default)
    {
        buyLots = 0;
        sellLots = 0;
        foreach (var (id, slot) in _active)
        {
            if (id == except.Value)
            {
                continue;
            }

            var lots = slot.AmendPending ? Math.Max(slot.AmendLeavesLots, slot.LeavesLots) : slot.LeavesLots;
            if (slot.Side == Side.Buy)
            {
                buyLots += lots;
            }
            else
            {
                sellLots += lots;
            }
        }
    }

    /// <summary>
    /// The open size our orders will have at <paramref name="price"/> on <paramref name="side"/> once the venue has
    /// applied every command sent: open and not yet acknowledged orders count their open size, an order with an
    /// amend in flight counts at its new price with its new open size, an order with a cancel in flight counts
    /// nothing. What the engine expects the venue's feed to show of ours there (see <c>OwnFeedShares</c>).
    /// </summary>
    public long RestingTargetLotsAt(Side side, Price price)
    {
        long lots = 0;
        foreach (var (_, slot) in _active)
        {
            if (slot.Side != side || slot.State == OrderState.PendingCancel)
            {
                continue;
            }

            if (slot.AmendPending ? slot.AmendPriceTicks == price.Ticks : slot.PriceTicks == price.Ticks)
            {
                lots += slot.AmendPending ? slot.AmendLeavesLots : slot.LeavesLots;
            }
        }

        return lots;
    }

    /// <summary>The order <paramref name="clientOrderId"/>, open or remembered as closed.</summary>
    /// <returns><see langword="false"/> when it is not known (never tracked, or forgotten).</returns>
    public bool TryGet(ClientOrderId clientOrderId, out TrackedOrder order)
    {
        if (_active.TryGetValue(clientOrderId.Value, out var slot))
        {
            order = ToTracked(clientOrderId.Value, slot);
            return true;
        }

        if (_closed.TryGetValue(clientOrderId.Value, out var closed))
        {
            order = new TrackedOrder(clientOrderId, default, closed.Side, new Price(closed.PriceTicks), new Quantity(closed.TotalLots), Quantity.Zero, new Quantity(closed.FilledLots), closed.State, 0, 0, 0, false, false);
            return true;
        }

        order = default;
        return false;
    }

    /// <summary>A copy of every order not closed, ordered by client order id (allocates: for reports and tests).</summary>
    public IReadOnlyList<TrackedOrder> GetOpenOrders()
    {
        var list = new List<TrackedOrder>(_active.Count);
        foreach (var (id, slot) in _active)
        {
            list.Add(ToTracked(id, slot));
        }

        list.Sort((a, b) => a.ClientOrderId.Value.CompareTo(b.ClientOrderId.Value));
        return list;
    }

    /// <summary>
    /// Writes the whole state (open orders, remembered closed orders and trade ids, the highest id and the
    /// counters) in a versioned little-endian binary form that <see cref="RestoreState"/> reads.
    /// </summary>
    /// <remarks>
    /// Version 1: an 80-byte header, then 112 bytes per open order, 40 per closed order and 16 per trade id. An open order:
    /// <code>
    ///   0 id i64 | 8 price i64 | 16 total i64 | 24 leaves i64 | 32 filled i64 | 40 created ns i64 | 48 cancel sent ns i64
    ///  56 amend price i64 | 64 amend leaves i64 | 72 venue id (16 bytes, big-endian guid) | 88 cancel attempts i32
    ///  92 side u8 | 93 state u8 | 94 acked u8 | 95 amend pending u8 | 96 ack seen u8 | 97 manual u8 | 98 reserved (0) u16
    /// 100 cancel refusals i32 | 104 last cancel refused ns i64
    /// </code>
    /// The cancel refusal fields took bytes that were reserved and always written as zero, which reads as "no refusal":
    /// states written before them restore unchanged, and the version stayed 1, so that an older reader still restores a
    /// newer state (it forgets the refusals, and cancels such an order again at once).
    /// </remarks>
    public void WriteState(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var header = writer.GetSpan(64);
        header[0] = StateVersion;
        header[1..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], HighestClientOrderId);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], _active.Count);
        BinaryPrimitives.WriteInt32LittleEndian(header[20..], _closedCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], _tradeCount);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], DuplicateCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[40..], LateCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[48..], UnknownCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[56..], LateFillCount);
        writer.Advance(64);
        var more = writer.GetSpan(16);
        BinaryPrimitives.WriteInt64LittleEndian(more, UnknownFillCount);
        BinaryPrimitives.WriteInt64LittleEndian(more[8..], InvalidCount);
        writer.Advance(16);

        foreach (var (id, slot) in _active)
        {
            var span = writer.GetSpan(SlotBytes);
            BinaryPrimitives.WriteInt64LittleEndian(span, id);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], slot.PriceTicks);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], slot.TotalLots);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], slot.LeavesLots);
            BinaryPrimitives.WriteInt64LittleEndian(span[32..], slot.FilledLots);
            BinaryPrimitives.WriteInt64LittleEndian(span[40..], slot.CreatedNanoseconds);
            BinaryPrimitives.WriteInt64LittleEndian(span[48..], slot.CancelSentNanoseconds);
            BinaryPrimitives.WriteInt64LittleEndian(span[56..], slot.AmendPriceTicks);
            BinaryPrimitives.WriteInt64LittleEndian(span[64..], slot.AmendLeavesLots);
            slot.VenueOrderId.Value.TryWriteBytes(span.Slice(72, 16), bigEndian: true, out _);
            BinaryPrimitives.WriteInt32LittleEndian(span[88..], slot.CancelAttempts);
            span[92] = (byte)slot.Side;
            span[93] = (byte)slot.State;
            span[94] = slot.Acked ? (byte)1 : (byte)0;
            span[95] = slot.AmendPending ? (byte)1 : (byte)0;
            span.Slice(96, 16).Clear();
            span[96] = slot.AckSeen ? (byte)1 : (byte)0;
            span[97] = slot.Manual ? (byte)1 : (byte)0;
            BinaryPrimitives.WriteInt32LittleEndian(span[100..], slot.CancelRefusals);
            BinaryPrimitives.WriteInt64LittleEndian(span[104..], slot.CancelRefusedNanoseconds);
            writer.Advance(SlotBytes);
        }

        for (var i = 0; i < _closedCount; i++)
        {
            var id = _closedRing[(_closedHead + i) % _closedRing.Length];
            var closed = _closed[id];
            var span = writer.GetSpan(ClosedBytes);
            BinaryPrimitives.WriteInt64LittleEndian(span, id);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], closed.PriceTicks);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], closed.TotalLots);
            BinaryPrimitives.WriteInt64LittleEndian(span[24..], closed.FilledLots);
            span[32] = (byte)closed.Side;
            span[33] = (byte)closed.State;
            span.Slice(34, 6).Clear();
            writer.Advance(ClosedBytes);
        }

        for (var i = 0; i < _tradeCount; i++)
        {
            var (tradeId, orderId) = _tradeRing[(_tradeHead + i) % _tradeRing.Length];
            var span = writer.GetSpan(16);
            BinaryPrimitives.WriteInt64LittleEndian(span, tradeId);
            BinaryPrimitives.WriteInt64LittleEndian(span[8..], orderId);
            writer.Advance(16);
        }
    }

    /// <summary>Replaces the whole state with one written by <see cref="WriteState"/> (of a tracker with at least the same capacities).</summary>
    /// <exception cref="ArgumentException">The bytes are not such a state (wrong version, length or content); the message says which, and nothing is changed.</exception>
    public void RestoreState(ReadOnlySpan<byte> data)
    {
        if (data.Length < 80 || data[0] != StateVersion)
        {
            throw new ArgumentException($"data: not an order tracker state of version {StateVersion} ({data.Length} bytes).", nameof(data));
        }

        var activeCount = BinaryPrimitives.ReadInt32LittleEndian(data[16..]);
        var closedCount = BinaryPrimitives.ReadInt32LittleEndian(data[20..]);
        var tradeCount = BinaryPrimitives.ReadInt32LittleEndian(data[24..]);
        var expected = 80L + ((long)activeCount * SlotBytes) + ((long)closedCount * ClosedBytes) + ((long)tradeCount * 16);
        if (activeCount < 0 || closedCount < 0 || tradeCount < 0 || expected != data.Length)
        {
            throw new ArgumentException($"data: counts ({activeCount} open, {closedCount} closed, {tradeCount} trades) do not match the length {data.Length}.", nameof(data));
        }

        if (closedCount > _closedRing.Length || tradeCount > _tradeRing.Length)
        {
            throw new ArgumentException($"data: {closedCount} closed orders and {tradeCount} trade ids do not fit this tracker's capacities ({_closedRing.Length}, {_tradeRing.Length}).", nameof(data));
        }

        _active.Clear();
        _closed.Clear();
        _trades.Clear();
        _closedHead = _closedCount = _tradeHead = _tradeCount = 0;
        HighestClientOrderId = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
        DuplicateCount = BinaryPrimitives.ReadInt64LittleEndian(data[32..]);
        LateCount = BinaryPrimitives.ReadInt64LittleEndian(data[40..]);
        UnknownCount = BinaryPrimitives.ReadInt64LittleEndian(data[48..]);
        LateFillCount = BinaryPrimitives.ReadInt64LittleEndian(data[56..]);
        UnknownFillCount = BinaryPrimitives.ReadInt64LittleEndian(data[64..]);
        InvalidCount = BinaryPrimitives.ReadInt64LittleEndian(data[72..]);
        var offset = 80;
        for (var i = 0; i < activeCount; i++, offset += SlotBytes)
        {
            var span = data.Slice(offset, SlotBytes);
            _active[BinaryPrimitives.ReadInt64LittleEndian(span)] = new Slot
            {
                PriceTicks = BinaryPrimitives.ReadInt64LittleEndian(span[8..]),
                TotalLots = BinaryPrimitives.ReadInt64LittleEndian(span[16..]),
                LeavesLots = BinaryPrimitives.ReadInt64LittleEndian(span[24..]),
                FilledLots = BinaryPrimitives.ReadInt64LittleEndian(span[32..]),
                CreatedNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[40..]),
                CancelSentNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[48..]),
                AmendPriceTicks = BinaryPrimitives.ReadInt64LittleEndian(span[56..]),
                AmendLeavesLots = BinaryPrimitives.ReadInt64LittleEndian(span[64..]),
                VenueOrderId = new VenueOrderId(new Guid(span.Slice(72, 16), bigEndian: true)),
                CancelAttempts = BinaryPrimitives.ReadInt32LittleEndian(span[88..]),
                Side = (Side)span[92],
                State = (OrderState)span[93],
                Acked = span[94] != 0,
                AmendPending = span[95] != 0,
                AckSeen = span[96] != 0,
                Manual = span[97] != 0,
                CancelRefusals = BinaryPrimitives.ReadInt32LittleEndian(span[100..]),
                CancelRefusedNanoseconds = BinaryPrimitives.ReadInt64LittleEndian(span[104..]),
            };
        }

        for (var i = 0; i < closedCount; i++, offset += ClosedBytes)
        {
            var span = data.Slice(offset, ClosedBytes);
            var id = BinaryPrimitives.ReadInt64LittleEndian(span);
            AddClosed(id, new ClosedOrder((Side)span[32], (OrderState)span[33], BinaryPrimitives.ReadInt64LittleEndian(span[8..]), BinaryPrimitives.ReadInt64LittleEndian(span[16..]), BinaryPrimitives.ReadInt64LittleEndian(span[24..])));
        }

        for (var i = 0; i < tradeCount; i++, offset += 16)
        {
            RememberTrade(BinaryPrimitives.ReadInt64LittleEndian(data[offset..]), BinaryPrimitives.ReadInt64LittleEndian(data[(offset + 8)..]));
        }
    }

    private ExecutionOutcome ApplyToInactive(in ExecutionEvent executionEvent)
    {
        var id = executionEvent.ClientOrderId.Value;
        ref var closed = ref CollectionsMarshal.GetValueRefOrNullRef(_closed, id);
        if (!executionEvent.IsFill)
        {
            if (Unsafe.IsNullRef(ref closed))
            {
                UnknownCount++;
                return ExecutionOutcome.Unknown;
            }

            LateCount++;
            return ExecutionOutcome.Late;
        }

        if (IsDuplicateFill(executionEvent, Unsafe.IsNullRef(ref closed) ? long.MinValue : closed.FilledLots))
        {
            DuplicateCount++;
            return ExecutionOutcome.Duplicate;
        }

        ApplyFill(executionEvent);
        if (Unsafe.IsNullRef(ref closed))
        {
            UnknownFillCount++;
            return ExecutionOutcome.UnknownFillApplied;
        }

        closed.FilledLots += executionEvent.Quantity.Lots;
        closed.TotalLots = Math.Max(closed.TotalLots, closed.FilledLots);
        LateFillCount++;
        return ExecutionOutcome.LateFillApplied;
    }

    private bool IsDuplicateFill(in ExecutionEvent executionEvent, long knownFilledLots)
    {
        if (executionEvent.TradeId != 0)
        {
            var orderId = executionEvent.ClientOrderId.Value;
            if (_trades.Contains((executionEvent.TradeId, orderId)))
            {
                return true;
            }

            // A venue's fill history after a restart may not know which of our orders a fill was (client order id
            // none), and the stream may have told us before: the trade id alone then recognises it, either way round.
            // (Both sides of a trade between two of our own orders would then count as one: self-trade prevention
            // keeps that from happening at the venues we connect to.)
            return orderId == 0 ? KnowsTrade(executionEvent.TradeId) : _trades.Contains((executionEvent.TradeId, 0));
        }

        // Without a trade id the cumulative filled size orders the fills of one order.
        return executionEvent.FilledQuantity.Lots > 0 && executionEvent.FilledQuantity.Lots <= knownFilledLots;
    }

    private void ApplyFill(in ExecutionEvent executionEvent)
    {
        if (executionEvent.TradeId != 0)
        {
            RememberTrade(executionEvent.TradeId, executionEvent.ClientOrderId.Value);
        }

        if (Position is null)
        {
            return;
        }

        // The same rule as MarketMakerStrategy.OnOrderEvent: the venue's fee when it reports one.
        if (executionEvent.Fee >= 0)
        {
            Position.ApplyFill(executionEvent.Side, executionEvent.Price, executionEvent.Quantity, executionEvent.Liquidity, executionEvent.Fee);
        }
        else
        {
            Position.ApplyFill(executionEvent.Side, executionEvent.Price, executionEvent.Quantity, executionEvent.Liquidity);
        }
    }

    /// <summary>Whether any order's fill with <paramref name="tradeId"/> is remembered (a scan: only for fills of unknown orders).</summary>
    private bool KnowsTrade(long tradeId)
    {
        for (var i = 0; i < _tradeCount; i++)
        {
            if (_tradeRing[(_tradeHead + i) % _tradeRing.Length].TradeId == tradeId)
            {
                return true;
            }
        }

        return false;
    }

    private void RememberTrade(long tradeId, long orderId)
    {
        if (!_trades.Add((tradeId, orderId)))
        {
            return;
        }

        if (_tradeCount == _tradeRing.Length)
        {
            _trades.Remove(_tradeRing[_tradeHead]);
            _tradeHead = (_tradeHead + 1) % _tradeRing.Length;
            _tradeCount--;
        }

        _tradeRing[(_tradeHead + _tradeCount) % _tradeRing.Length] = (tradeId, orderId);
        _tradeCount++;
    }

    private void Close(long id, in Slot slot, OrderState state)
    {
        var copy = slot;
        _active.Remove(id);
        Remember(id, copy, state);
    }

    private void Remember(long id, in Slot slot, OrderState state) =>
        AddClosed(id, new ClosedOrder(slot.Side, state, slot.PriceTicks, Math.Max(slot.TotalLots, slot.FilledLots), slot.FilledLots));

    private void AddClosed(long id, ClosedOrder closed)
    {
        if (_closedCount == _closedRing.Length)
        {
            _closed.Remove(_closedRing[_closedHead]);
            _closedHead = (_closedHead + 1) % _closedRing.Length;
            _closedCount--;
        }

        _closed[id] = closed;
        _closedRing[(_closedHead + _closedCount) % _closedRing.Length] = id;
        _closedCount++;
    }

    private static TrackedOrder ToTracked(long id, in Slot slot) => new(
        new ClientOrderId(id),
        slot.VenueOrderId,
        slot.Side,
        new Price(slot.PriceTicks),
        new Quantity(slot.TotalLots),
        new Quantity(slot.LeavesLots),
        new Quantity(slot.FilledLots),
        slot.State,
        slot.CreatedNanoseconds,
        slot.CancelSentNanoseconds,
        slot.CancelAttempts,
        slot.AmendPending,
        slot.Manual)
    {
        CancelRefusals = slot.CancelRefusals,
        CancelRefusedNanoseconds = slot.CancelRefusedNanoseconds,
    };

    private static bool IsValidFill(in ExecutionEvent e) =>
        e.Side is Side.Buy or Side.Sell && e.Liquidity is Liquidity.Maker or Liquidity.Taker && e.Price.Ticks > 0 && e.Quantity.Lots > 0;

    private static void CheckCapacity(int value, string name)
    {
        if (value is < 16 or > 1_048_576)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} {value} must be from 16 to 1048576.");
        }
    }

    private static void ThrowBadPlace(in OrderCommand command) =>
        throw new ArgumentException($"command: {command.Kind} {command.ClientOrderId} is not a place with a new positive client order id.", nameof(command));

    private struct Slot
    {
        public VenueOrderId VenueOrderId;
        public long PriceTicks;
        public long TotalLots;
        public long LeavesLots;
        public long FilledLots;
        public long CreatedNanoseconds;
        public long CancelSentNanoseconds;
        public long AmendPriceTicks;
        public long AmendLeavesLots;
        public int CancelAttempts;
        public int CancelRefusals;
        public long CancelRefusedNanoseconds;
        public Side Side;
        public OrderState State;
        public bool Acked;
        public bool AckSeen;
        public bool AmendPending;
        public bool Manual;
    }

    private record struct ClosedOrder(Side Side, OrderState State, long PriceTicks, long TotalLots, long FilledLots);
}
