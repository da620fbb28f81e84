using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// A bounded, lock-free, allocation-free ring of structs between exactly one producer thread and one
/// consumer thread (single producer, single consumer).
/// </summary>
/// <remarks>
/// <para>The capacity is a power of two so a slot is found with a mask. Each side has its own cursor on
/// its own cache line and caches the other side's cursor, reading the shared one only when the cached
/// value says the ring looks full or empty. Batched operations and <see cref="Drain{THandler}"/>
/// publish their cursor once per batch.</para>
/// <para>Producer-side members: <see cref="TryWrite"/>, <see cref="Write"/>, <see cref="TryWriteBatch"/>,
/// <see cref="WriteBatch"/>, <see cref="Complete"/>. Consumer-side members: <see cref="TryRead"/>,
/// <see cref="Read"/>, <see cref="WaitToRead"/>, <see cref="ReadBatch"/>, <see cref="Drain{THandler}"/>.
/// Calling one side's members from more than one thread at a time is not detected and corrupts the
/// ring; use <see cref="MpscRing{T}"/> for several producers. <see cref="Count"/>, <see cref="Capacity"/>
/// and <see cref="IsCompleted"/> may be read from any thread.</para>
/// <para>Items without references get slots that start on a cache line. With a slot tag (see the
/// constructor) each item is also published in its own slot, so that a consumer learns of it and reads it
/// with one cache-line transfer between the cores instead of two (the producer's cursor, then the slot).</para>
/// </remarks>
/// <typeparam name="T">The item type, copied into and out of the ring's slots.</typeparam>
public sealed class SpscRing<T>
    where T : struct
{
    private const int CacheLine = 64;

    private readonly T[] _buffer;
    private readonly nint _firstSlotOffset;
    private readonly nint _tagOffset;
    private readonly int _lapShift;
    private readonly long _mask;
    private readonly int _capacity;
    private readonly bool _signals;
    private readonly RingWaiter _consumerWaiter;
    private readonly RingWaiter _producerWaiter;
    private int _completed;
    private SpscCursors _cursors;

    /// <summary>Creates an empty ring. Its memory is written once here, so that the first lap takes no page faults.</summary>
    /// <param name="capacity">The number of slots: a power of two between 2 and 2^30.</param>
    /// <param name="waitStrategy">How the waiting operations wait; see <see cref="WaitStrategy"/>.</param>
    /// <param name="slotTagOffset">
    /// The offset of a byte of <typeparamref name="T"/> that carries no data (padding, a reserved field), which the ring
    /// may then use to publish each item in its slot: the consumer sees a new item by reading the slot itself and
    /// never reads the producer's cursor. The consumer gets that byte changed. Null (the default): the items are
    /// published through the producer's cursor. Only for a <typeparamref name="T"/> without references.
    /// </param>
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a power of two in range, or <paramref name="slotTagOffset"/> is given for a <typeparamref name="T"/> with references.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="waitStrategy"/> is not a defined value, or <paramref name="slotTagOffset"/> is outside <typeparamref name="T"/>.</exception>
    public SpscRing(int capacity, WaitStrategy waitStrategy = WaitStrategy.Yielding, int? slotTagOffset = null)
    {
        RingCapacity.Validate(capacity, nameof(capacity));
        RingCapacity.ValidateStrategy(waitStrategy, nameof(waitStrategy));
        _tagOffset = -1;
        if (slotTagOffset is { } tagOffset)
        {
            if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
            {
                throw new ArgumentException($"slotTagOffset: a slot tag needs an item type without references; {typeof(T).Name} has references.", nameof(slotTagOffset));
            }

            ArgumentOutOfRangeException.ThrowIfNegative(tagOffset, nameof(slotTagOffset));
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tagOffset, Unsafe.SizeOf<T>(), nameof(slotTagOffset));
            _tagOffset = tagOffset;
        }

        _lapShift = BitOperations.Log2((uint)capacity);
        _capacity = capacity;
        (_buffer, _firstSlotOffset) = AllocateSlots(capacity);

        // Touch every page now: a large new array is untouched memory, and the first write to each of its pages
        // would otherwise take a page fault (1-2 µs) on the producer's hot path during the ring's first lap.
        _buffer.AsSpan().Clear();
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
    /// The number of items written and not yet read. Exact when called from either side with the other
    /// side idle; otherwise a snapshot that may already be stale.
    /// </summary>
    public int Count
    {
        get
        {
            // Consumer first: the producer cursor, read later, can only be larger.
            var consumed = Volatile.Read(ref _cursors.ConsumerSequence);
            var produced = Volatile.Read(ref _cursors.ProducerSequence);
            return (int)Math.Clamp(produced - consumed, 0, _capacity);
        }
    }

    /// <summary>
    /// Whether <see cref="Complete"/> has been called. Items written before may still be waiting to be read.
    /// </summary>
    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Producer: writes <paramref name="item"/> if there is a free slot; never waits.</summary>
    /// <param name="item">The item to copy into the ring.</param>
    /// <returns><see langword="true"/> if written; <see langword="false"/> if the ring is full.</returns>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryWrite(in T item)
    {
        if (_completed != 0)
        {
            RingCapacity.ThrowCompleted();
        }

        var sequence = _cursors.ProducerSequence;
        if (sequence - _cursors.CachedConsumerSequence >= _capacity && !RefreshFree(sequence))
        {
            return false;
        }

        Store(sequence, item);
        Publish(sequence + 1);
        return true;
    }

    /// <summary>
    /// Producer: writes <paramref name="item"/>, waiting according to the <see cref="WaitStrategy"/>
    /// while the ring is full.
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

    /// <summary>Producer: writes as many of <paramref name="items"/> as fit now, in order; never waits.</summary>
    /// <param name="items">The items to copy into the ring.</param>
    /// <returns>How many items, from the start of <paramref name="items"/>, were written (0 if the ring is full).</returns>
    /// <exception cref="InvalidOperationException"><see cref="Complete"/> has been called.</exception>
    public int TryWriteBatch(ReadOnlySpan<T> items)
    {
        if (_completed != 0)
        {
            RingCapacity.ThrowCompleted();
        }

        var sequence = _cursors.ProducerSequence;
        var free = _capacity - (sequence - _cursors.CachedConsumerSequence);
        if (free < items.Length)
        {
            _cursors.CachedConsumerSequence = Volatile.Read(ref _cursors.ConsumerSequence);
            free = _capacity - (sequence - _cursors.CachedConsumerSequence);
        }

        var count = (int)Math.Min(free, items.Length);
        if (count == 0)
        {
            return 0;
        }

        if (_tagOffset >= 0)
        {
            for (var i = 0; i < count; i++)
            {
                Store(sequence + i, items[i]);
            }
        }
        else
        {
            var start = (int)(sequence & _mask);
            var first = Math.Min(count, _capacity - start);
            var slots = Slots;
            items[..first].CopyTo(slots[start..]);
            items[first..count].CopyTo(slots);
        }

        Publish(sequence + count);
        return count;
    }

    /// <summary>
    /// Producer: writes all of <paramref name="items"/> in order, publishing as many as fit at a time and
    /// waiting according to the <see cref="WaitStrategy"/> while the ring is full.
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
    /// Producer: marks the end of the stream. A consumer's <see cref="Read"/> and <see cref="WaitToRead"/>
    /// return <see langword="false"/> once the items already written have been read. Idempotent.
    /// </summary>
    public void Complete()
    {
        // Full fence: the completion flag is visible after every item written before it.
        Interlocked.Exchange(ref _completed, 1);
        _consumerWaiter.WakeAll();
    }

    /// <summary>Consumer: reads the oldest item if there is one; never waits.</summary>
    /// <param name="item">The item read, or <see langword="default"/> when the ring is empty.</param>
    /// <returns><see langword="true"/> if an item was read; <see langword="false"/> if the ring is empty.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryRead(out T item)
    {
        var sequence = _cursors.ConsumerSequence;
        if (Available(sequence, 1) == 0)
        {
            item = default;
            return false;
        }

        ref var slot = ref Unsafe.Add(ref FirstSlot, (nint)(sequence & _mask));
        item = slot;
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            slot = default;
        }

        Release(sequence + 1);
        return true;
    }

    /// <summary>
    /// Consumer: reads the oldest item, waiting according to the <see cref="WaitStrategy"/> while the
    /// ring is empty and not completed.
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
    /// Consumer: waits according to the <see cref="WaitStrategy"/> until at least one item can be read,
    /// typically followed by <see cref="Drain{THandler}"/> or <see cref="ReadBatch"/>.
    /// </summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>
    /// <see langword="true"/> when an item is available; <see langword="false"/> when the ring is completed and drained.
    /// </returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public bool WaitToRead(CancellationToken cancellationToken = default)
    {
        var sequence = _cursors.ConsumerSequence;
        if (Available(sequence, 1) > 0)
        {
            return true;
        }

        var condition = new ItemsOrCompletion(this);
        _consumerWaiter.WaitUntil(ref condition, cancellationToken);

        // The wait ended on data or on completion; completion was published after the last item (and the producer's
        // cursor after the item's tag).
        return Available(sequence, 1) > 0;
    }

    /// <summary>Consumer: copies up to <paramref name="destination"/>.Length of the oldest items; never waits.</summary>
    /// <param name="destination">Where to copy the items, oldest first.</param>
    /// <returns>How many items were read (0 if the ring is empty).</returns>
    public int ReadBatch(Span<T> destination)
    {
        var sequence = _cursors.ConsumerSequence;
        var count = Available(sequence, destination.Length);
        if (count == 0)
        {
            return 0;
        }

        var start = (int)(sequence & _mask);
        var first = Math.Min(count, _capacity - start);
        var slots = Slots;
        var head = slots.Slice(start, first);
        var wrapped = slots[..(count - first)];
        head.CopyTo(destination);
        wrapped.CopyTo(destination[first..]);
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            head.Clear();
            wrapped.Clear();
        }

        Release(sequence + count);
        return count;
    }

    /// <summary>
    /// Consumer: passes up to <paramref name="maxItems"/> available items, oldest first, to
    /// <paramref name="handler"/> in place (no copy out of the ring), then frees their slots with a
    /// single cursor publish. Never waits; pair it with <see cref="WaitToRead"/> to block.
    /// </summary>
    /// <remarks>
    /// If the handler throws, the items handled so far and the one that threw count as read (it will
    /// not be delivered again) and the exception propagates.
    /// </remarks>
    /// <typeparam name="THandler">A struct handler, so the call is devirtualized.</typeparam>
    /// <param name="handler">The handler; passed by reference so its state is kept.</param>
    /// <param name="maxItems">The most items to handle in this call; must be positive.</param>
    /// <returns>How many items were handled (0 if the ring is empty).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxItems"/> is zero or negative.</exception>
    public int Drain<THandler>(ref THandler handler, int maxItems)
        where THandler : struct, IRingHandler<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        var sequence = _cursors.ConsumerSequence;
        var count = Available(sequence, maxItems);
        if (count == 0)
        {
            return 0;
        }

        ref var data = ref FirstSlot;
        var handled = 0;
        try
        {
            var last = count - 1;
            for (; handled < count; handled++)
            {
                var itemSequence = sequence + handled;
                ref var slot = ref Unsafe.Add(ref data, (nint)(itemSequence & _mask));
                handler.OnItem(in slot, itemSequence, handled == last);
                if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
                {
                    slot = default;
                }
            }
        }
        finally
        {
            // On an exception the item that threw counts as consumed, so it is not redelivered forever.
            Release(sequence + (handled < count ? handled + 1 : count));
        }

        return count;
    }

    /// <summary>The first slot: on a cache line of its own when the item type allows it (see <see cref="AllocateSlots"/>).</summary>
    internal ref T FirstSlot
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.AddByteOffset(ref MemoryMarshal.GetArrayDataReference(_buffer), _firstSlotOffset);
    }

    private Span<T> Slots => MemoryMarshal.CreateSpan(ref FirstSlot, _capacity);

    /// <summary>
    /// The slots' memory. Items without references go in a pinned array whose first slot starts on a cache line, so
    /// that a 64-byte item (a market event) takes exactly one line. An array element starts wherever the GC put the
    /// array (8-byte aligned), so otherwise nearly every such item spans two lines: the consumer takes two lines from
    /// the producer's core per item, and one of them is shared with the next item the producer is writing. Items
    /// with references must be the array's own elements for the GC, so they use a plain array as it comes.
    /// </summary>
    private static (T[] Buffer, nint FirstSlotOffset) AllocateSlots(int capacity)
    {
        if (RuntimeHelpers.IsReferenceOrContainsReferences<T>())
        {
            return (new T[capacity], 0);
        }

        // Enough spare slots to move the first one up to the next line boundary.
        var size = Unsafe.SizeOf<T>();
        var buffer = GC.AllocateArray<T>(capacity + ((CacheLine + size - 1) / size), pinned: true);
        var misalignment = (nint)Marshal.UnsafeAddrOfPinnedArrayElement(buffer, 0) & (CacheLine - 1);
        return (buffer, (CacheLine - misalignment) & (CacheLine - 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Publish(long producerSequence)
    {
        Volatile.Write(ref _cursors.ProducerSequence, producerSequence);
        if (_signals)
        {
            _consumerWaiter.Signal();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Release(long consumerSequence)
    {
        Volatile.Write(ref _cursors.ConsumerSequence, consumerSequence);
        if (_signals)
        {
            _producerWaiter.Signal();
        }
    }

    /// <summary>Producer: re-reads the consumer cursor; true if the slot for <paramref name="sequence"/> is free.</summary>
    private bool RefreshFree(long sequence)
    {
        _cursors.CachedConsumerSequence = Volatile.Read(ref _cursors.ConsumerSequence);
        return sequence - _cursors.CachedConsumerSequence < _capacity;
    }

    /// <summary>
    /// Consumer: how many items from <paramref name="sequence"/> on, at most <paramref name="max"/>, are published. Through
    /// the producer's cursor, read again only when the cached copy does not cover <paramref name="max"/>; with a slot
    /// tag, through the slots' tags (which also brings the items' lines over together, not one after the other).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Available(long sequence, int max)
    {
        if (_tagOffset >= 0)
        {
            return TaggedAvailable(sequence, max);
        }

        var available = _cursors.CachedProducerSequence - sequence;
        if (available < max)
        {
            _cursors.CachedProducerSequence = Volatile.Read(ref _cursors.ProducerSequence);
            available = _cursors.CachedProducerSequence - sequence;
        }

        return (int)Math.Min(available, max);
    }

    private int TaggedAvailable(long sequence, int max)
    {
        ref var first = ref FirstSlot;
        var count = 0;
        while (count < max)
        {
            var itemSequence = sequence + count;
            ref var slot = ref Unsafe.Add(ref first, (nint)(itemSequence & _mask));
            if (Volatile.Read(ref TagOf(ref slot)) != TagFor(itemSequence))
            {
                break;
            }

            count++;
        }

        return count;
    }

    /// <summary>
    /// Producer: copies <paramref name="item"/> into the slot of <paramref name="sequence"/>. With a slot tag, the item
    /// goes in with the slot's old tag (never the caller's byte, which might look published before the whole item is
    /// written), and the new tag is written after it: the consumer that sees the tag sees the whole item.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(long sequence, in T item)
    {
        ref var slot = ref Unsafe.Add(ref FirstSlot, (nint)(sequence & _mask));
        if (_tagOffset < 0)
        {
            slot = item;
            return;
        }

        var tag = TagFor(sequence);
        var copy = item;
        TagOf(ref copy) = (byte)(3 - tag);
        slot = copy;
        Volatile.Write(ref TagOf(ref slot), tag);
    }

    /// <summary>The tag of an item published in lap <c>sequence / capacity</c>: 1 and 2 in turn, so a slot's tag from the lap before (or 0, never written) never matches.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte TagFor(long sequence) => (byte)(1 + ((sequence >> _lapShift) & 1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref byte TagOf(ref T slot) => ref Unsafe.AddByteOffset(ref Unsafe.As<T, byte>(ref slot), _tagOffset);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForSpace(CancellationToken cancellationToken)
    {
        var condition = new SpaceAvailable(this, _cursors.ProducerSequence);
        _producerWaiter.WaitUntil(ref condition, cancellationToken);
    }

    private readonly struct ItemsOrCompletion(SpscRing<T> ring) : IRingWaitCondition
    {
        // Greater, not different: with a slot tag the consumer may have read an item before the producer published its
        // cursor past it, and a cursor behind the consumer means nothing new.
        public bool IsSatisfied() =>
            Volatile.Read(ref ring._completed) != 0 ||
            Volatile.Read(ref ring._cursors.ProducerSequence) > ring._cursors.ConsumerSequence;
    }

    private readonly struct SpaceAvailable(SpscRing<T> ring, long producerSequence) : IRingWaitCondition
    {
        public bool IsSatisfied() =>
            producerSequence - Volatile.Read(ref ring._cursors.ConsumerSequence) < ring._capacity;
    }
}
