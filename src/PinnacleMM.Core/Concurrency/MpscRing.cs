using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// A bounded, lock-free, allocation-free ring of structs from any number of producer threads to one
/// consumer thread (multiple producers, single consumer).
/// </summary>
/// <remarks>
/// <para>Each slot carries a sequence number (D. Vyukov's bounded queue): slot <c>i</c> is free for the
/// item of sequence <c>s</c> when its number equals <c>s</c>, and holds that item when it equals
/// <c>s + 1</c>; the consumer frees it for the next lap by setting <c>s + Capacity</c>. Producers claim
/// sequences with <see cref="Interlocked.CompareExchange(ref long, long, long)"/> on a shared claim
/// cursor, so a claim never blocks another producer, then publish their slot individually; the consumer
/// sees items in claim order and stops at the first slot not yet published. Items of one producer are
/// read in the order that producer wrote them.</para>
/// <para>Producer-side members (any thread): <see cref="TryWrite"/>, <see cref="Write"/>,
/// <see cref="TryWriteBatch"/>, <see cref="WriteBatch"/>, <see cref="Complete"/>. Consumer-side members
/// (one thread at a time): <see cref="TryRead"/>, <see cref="Read"/>, <see cref="WaitToRead"/>,
/// <see cref="ReadBatch"/>, <see cref="Drain{THandler}"/>.</para>
/// <para>Call <see cref="Complete"/> after every producer has finished writing: a write racing with it
/// may either throw or be delivered.</para>
/// </remarks>
/// <typeparam name="T">The item type, copied into and out of the ring's slots.</typeparam>
public sealed class MpscRing<T>
    where T : struct
{
    private readonly Slot[] _slots;
    private readonly long _mask;
    private readonly int _capacity;
    private readonly bool _signals;
    private readonly RingWaiter _consumerWaiter;
    private readonly RingWaiter _producerWaiter;
    private int _completed;
    private PaddedLong _claimSequence;
    private PaddedLong _consumerSequence;

    /// <summary>Creates an empty ring.</summary>
    /// <param name="capacity">The number of slots: a power of two between 2 and 2^30.</param>
    /// <param name="waitStrategy">How the waiting operations wait; see <see cref="WaitStrategy"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a power of two in range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="waitStrategy"/> is not a defined value.</exception>
    public MpscRing(int capacity, WaitStrategy waitStrategy = WaitStrategy.Yielding)
    {
        RingCapacity.Validate(capacity, nameof(capacity));
        RingCapacity.ValidateStrategy(waitStrategy, nameof(waitStrategy));
        _slots = new Slot[capacity];

        // Also touches every page now, so that the first lap takes no page faults (see SpscRing's constructor).
        for (var i = 0; i < capacity; i++)
        {
            _slots[i].Sequence = i;
        }

        _capacity = capacity;
        _mask = capacity - 1;
        WaitStrategy = waitStrategy;
        _signals = waitStrategy == WaitStrategy.Blocking;
        _consumerWaiter = new RingWaiter(waitStrategy);
        _producerWaiter = new RingWaiter(waitStrategy);
    }

    /// <summary>The number of slots.</summary>
    public int Capacity => _capacity;

    /// <summary>The wait strategy chosen at construction.</summary>
    public WaitStrategy WaitStrategy { get; }

    /// <summary>
    /// The number of items claimed by producers and not yet read (including items being written right
    /// now). A snapshot that may already be stale when other threads are active.
    /// </summary>
    public int Count
    {
        get
        {
            var consumed = Volatile.Read(ref _consumerSequence.Value);
            var claimed = Volatile.Read(ref _claimSequence.Value);
            return (int)Math.Clamp(claimed - consumed, 0, _capacity);
        }
    }

    /// <summary>
    /// Whether <see cref="Complete"/> has been called. Items written before may still be waiting to be read.
    /// </summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Producer (any thread): writes <paramref name="item"/> if there is a free slot; never waits.</summary>
    /// <param name="item">The item to copy into the ring.</param>
    /// <returns><see langword="true"/> if written; <see langword="false"/> if the ring is full.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    public bool TryWrite(in T item)
    {
        if (Volatile.Read(ref _completed) != 0)
        {
            RingCapacity.ThrowCompleted();
        }

        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        var sequence = Volatile.Read(ref _claimSequence.Value);
        while (true)
        {
            ref var slot = ref Unsafe.Add(ref slots, (nint)(sequence & _mask));
            var lag = Volatile.Read(ref slot.Sequence) - sequence;
            if (lag == 0)
            {
                var observed = Interlocked.CompareExchange(ref _claimSequence.Value, sequence + 1, sequence);
                if (observed == sequence)
                {
                    slot.Item = item;
                    Volatile.Write(ref slot.Sequence, sequence + 1);
                    SignalConsumer();
                    return true;
                }

                sequence = observed;
            }
            else if (lag < 0)
            {
                // The slot still holds the item of the previous lap: the ring is full.
                return false;
            }
            else
            {
                // Another producer claimed this sequence already; catch up.
                sequence = Volatile.Read(ref _claimSequence.Value);
            }
        }
    }

    /// <summary>
    /// Producer (any thread): writes <paramref name="item"/>, waiting according to the
    /// <see cref="WaitStrategy"/> while the ring is full.
    /// </summary>
    /// <param name="item">The item to copy into the ring.</param>
    /// <param name="cancellationToken">Stops the wait; the item is then not written.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    public void Write(in T item, CancellationToken cancellationToken = default)
    {
        while (!TryWrite(item))
        {
            WaitForSpace(cancellationToken);
        }
    }

    /// <summary>
    /// Producer (any thread): claims as many slots as are free now, up to <paramref name="items"/>.Length,
    /// with a single claim, and writes that many items from the start of <paramref name="items"/>, in
    /// order and contiguous in the stream. Never waits.
    /// </summary>
    /// <param name="items">The items to copy into the ring.</param>
    /// <returns>How many items were written (0 if the ring is full).</returns>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    public int TryWriteBatch(ReadOnlySpan<T> items)
    {
        if (Volatile.Read(ref _completed) != 0)
        {
            RingCapacity.ThrowCompleted();
        }

        if (items.IsEmpty)
        {
            return 0;
        }

        var sequence = Volatile.Read(ref _claimSequence.Value);
        int count;
        while (true)
        {
            // The consumer frees a slot before advancing its cursor, so every slot below
            // consumer + capacity is free; a stale consumer cursor only under-counts.
            var free = _capacity - (sequence - Volatile.Read(ref _consumerSequence.Value));
            count = (int)Math.Min(free, items.Length);
            if (count <= 0)
            {
                return 0;
            }

            var observed = Interlocked.CompareExchange(ref _claimSequence.Value, sequence + count, sequence);
            if (observed == sequence)
            {
                break;
            }

            sequence = observed;
        }

        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        for (var i = 0; i < count; i++)
        {
            ref var slot = ref Unsafe.Add(ref slots, (nint)((sequence + i) & _mask));
            slot.Item = items[i];
            Volatile.Write(ref slot.Sequence, sequence + i + 1);
        }

        SignalConsumer();
        return count;
    }

    /// <summary>
    /// Producer (any thread): writes all of <paramref name="items"/> in order, waiting according to the
    /// <see cref="WaitStrategy"/> while the ring is full. Other producers' items may be interleaved
    /// between the chunks that fit at a time.
    /// </summary>
    /// <param name="items">The items to copy into the ring.</param>
    /// <param name="cancellationToken">Stops the wait; items already written stay written.</param>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    public void WriteBatch(ReadOnlySpan<T> items, CancellationToken cancellationToken = default)
    {
        while (!items.IsEmpty)
        {
            var written = TryWriteBatch(items);
            items = items[written..];
            if (written == 0)
            {
                WaitForSpace(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Marks the end of the stream, once every producer has finished. A consumer's <see cref="Read"/>
    /// and <see cref="WaitToRead"/> return <see langword="false"/> once the items written have been
    /// read; later writes throw. Idempotent.
    /// </summary>
    public void Complete()
    {
        Interlocked.Exchange(ref _completed, 1);
        _consumerWaiter.WakeAll();
        _producerWaiter.WakeAll();
    }

    /// <summary>Consumer: reads the oldest published item if there is one; never waits.</summary>
    /// <param name="item">The item read, or <see langword="default"/> when none is available.</param>
    /// <returns><see langword="true"/> if an item was read; <see langword="false"/> if none is available.</returns>
    public bool TryRead(out T item)
    {
        var sequence = _consumerSequence.Value;
        ref var slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(sequence & _mask));
        if (Volatile.Read(ref slot.Sequence) != sequence + 1)
        {
            item = default;
            return false;
        }

        item = slot.Item;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot.Item = default;
        }

        Volatile.Write(ref slot.Sequence, sequence + _capacity);
        Volatile.Write(ref _consumerSequence.Value, sequence + 1);
        SignalProducers();
        return true;
    }

    /// <summary>
    /// Consumer: reads the oldest item, waiting according to the <see cref="WaitStrategy"/> while none
    /// is available and the ring is not completed.
    /// </summary>
    /// <param name="item">The item read, or <see langword="default"/> when the stream has ended.</param>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>
    /// <see langword="true"/> if an item was read; <see langword="false"/> if the ring is completed and drained.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public bool Read(out T item, CancellationToken cancellationToken = default)
    {
        while (!TryRead(out item))
        {
            if (!WaitToRead(cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Consumer: waits according to the <see cref="WaitStrategy"/> until at least one item can be read.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>
    /// <see langword="true"/> when an item is available; <see langword="false"/> when the ring is completed and drained.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public bool WaitToRead(CancellationToken cancellationToken = default)
    {
        if (IsPublished(_consumerSequence.Value))
        {
            return true;
        }

        var condition = new ItemsOrCompletion(this);
        _consumerWaiter.WaitUntil(ref condition, cancellationToken);
        return IsPublished(_consumerSequence.Value);
    }

    /// <summary>Consumer: copies up to <paramref name="destination"/>.Length of the oldest published items; never waits.</summary>
    /// <param name="destination">Where to copy the items, oldest first.</param>
    /// <returns>How many items were read (0 if none is available).</returns>
    public int ReadBatch(Span<T> destination)
    {
        var sequence = _consumerSequence.Value;
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);
        var count = 0;
        while (count < destination.Length)
        {
            ref var slot = ref Unsafe.Add(ref slots, (nint)((sequence + count) & _mask));
            if (Volatile.Read(ref slot.Sequence) != sequence + count + 1)
            {
                break;
            }

            destination[count] = slot.Item;
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                slot.Item = default;
            }

            Volatile.Write(ref slot.Sequence, sequence + count + _capacity);
            count++;
        }

        if (count > 0)
        {
            Volatile.Write(ref _consumerSequence.Value, sequence + count);
            SignalProducers();
        }

        return count;
    }

    /// <summary>
    /// Consumer: passes up to <paramref name="maxItems"/> published items, oldest first, to
    /// <paramref name="handler"/> in place, freeing each slot after its call and publishing the consumer
    /// cursor once at the end. Never waits; pair it with <see cref="WaitToRead"/> to block.
    /// </summary>
    /// <remarks>
    /// If the handler throws, the items handled so far and the one that threw count as read (it will
    /// not be delivered again) and the exception propagates.
    /// </remarks>
    /// <typeparam name="THandler">A struct handler, so the call is devirtualized.</typeparam>
    /// <param name="handler">The handler; passed by reference so its state is kept.</param>
    /// <param name="maxItems">The most items to handle in this call; must be positive.</param>
    /// <returns>How many items were handled (0 if none is available).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is zero or negative.</exception>
    public int Drain<THandler>(ref THandler handler, int maxItems)
        where THandler : struct, IRingHandler<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        var sequence = _consumerSequence.Value;
        ref var slots = ref MemoryMarshal.GetArrayDataReference(_slots);

        // Find the published run first, so endOfBatch is known for the last item.
        var count = 0;
        while (count < maxItems &&
               Volatile.Read(ref Unsafe.Add(ref slots, (nint)((sequence + count) & _mask)).Sequence) == sequence + count + 1)
        {
            count++;
        }

        if (count == 0)
        {
            return 0;
        }

        var handled = 0;
        try
        {
            var last = count - 1;
            for (; handled < count; handled++)
            {
                var itemSequence = sequence + handled;
                ref var slot = ref Unsafe.Add(ref slots, (nint)(itemSequence & _mask));
                handler.OnItem(in slot.Item, itemSequence, handled == last);
                FreeSlot(ref slot, itemSequence);
            }
        }
        finally
        {
            if (handled < count)
            {
                // The item that threw counts as consumed, so it is not redelivered forever.
                FreeSlot(ref Unsafe.Add(ref slots, (nint)((sequence + handled) & _mask)), sequence + handled);
                handled++;
            }

            Volatile.Write(ref _consumerSequence.Value, sequence + handled);
            SignalProducers();
        }

        return count;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FreeSlot(ref Slot slot, long sequence)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot.Item = default;
        }

        Volatile.Write(ref slot.Sequence, sequence + _capacity);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsPublished(long sequence) =>
        Volatile.Read(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), (nint)(sequence & _mask)).Sequence) == sequence + 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SignalConsumer()
    {
        if (_signals)
        {
            _consumerWaiter.Signal();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SignalProducers()
    {
        if (_signals)
        {
            _producerWaiter.Signal();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForSpace(CancellationToken cancellationToken)
    {
        var condition = new SpaceOrCompletion(this);
        _producerWaiter.WaitUntil(ref condition, cancellationToken);
    }

    private struct Slot
    {
        public long Sequence;
        public T Item;
    }

    private readonly struct ItemsOrCompletion(MpscRing<T> ring) : IRingWaitCondition
    {
        // After completion, keep waiting while a claimed item is still being written.
        public bool IsSatisfied()
        {
            var sequence = ring._consumerSequence.Value;
            return ring.IsPublished(sequence) ||
                   (Volatile.Read(ref ring._completed) != 0 && Volatile.Read(ref ring._claimSequence.Value) == sequence);
        }
    }

    private readonly struct SpaceOrCompletion(MpscRing<T> ring) : IRingWaitCondition
    {
        public bool IsSatisfied() =>
            Volatile.Read(ref ring._completed) != 0 ||
            Volatile.Read(ref ring._claimSequence.Value) - Volatile.Read(ref ring._consumerSequence.Value) < ring._capacity;
    }
}
