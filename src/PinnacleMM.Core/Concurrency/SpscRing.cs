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
/// </remarks>
/// <typeparam name="T">The item type, copied into and out of the ring's slots.</typeparam>
public sealed class SpscRing<T>
    where T : struct
{
    private readonly T[] _buffer;
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
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a power of two in range.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="waitStrategy"/> is not a defined value.</exception>
    public SpscRing(int capacity, WaitStrategy waitStrategy = WaitStrategy.Yielding)
    {
        RingCapacity.Validate(capacity, nameof(capacity));
        RingCapacity.ValidateStrategy(waitStrategy, nameof(waitStrategy));
        _buffer = new T[capacity];

        // Touch every page now: a large new array is untouched memory, and the first write to each of its pages
        // would otherwise take a page fault (1-2 µs) on the producer's hot path during the ring's first lap.
        _buffer.AsSpan().Clear();
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

        Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), (nint)(sequence & _mask)) = item;
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

        var start = (int)(sequence & _mask);
        var first = Math.Min(count, _capacity - start);
        items[..first].CopyTo(_buffer.AsSpan(start));
        items[first..count].CopyTo(_buffer);
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
        if (sequence >= _cursors.CachedProducerSequence && !RefreshAvailable(sequence))
        {
            item = default;
            return false;
        }

        ref var slot = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), (nint)(sequence & _mask));
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
        if (sequence < _cursors.CachedProducerSequence || RefreshAvailable(sequence))
        {
            return true;
        }

        var condition = new ItemsOrCompletion(this);
        _consumerWaiter.WaitUntil(ref condition, cancellationToken);

        // The wait ended on data or on completion; completion was published after the last item.
        return RefreshAvailable(sequence);
    }

    /// <summary>Consumer: copies up to <paramref name="destination"/>.Length of the oldest items; never waits.</summary>
    /// <param name="destination">Where to copy the items, oldest first.</param>
    /// <returns>How many items were read (0 if the ring is empty).</returns>
    public int ReadBatch(Span<T> destination)
    {
        var sequence = _cursors.ConsumerSequence;
        var available = _cursors.CachedProducerSequence - sequence;
        if (available < destination.Length)
        {
            _cursors.CachedProducerSequence = Volatile.Read(ref _cursors.ProducerSequence);
            available = _cursors.CachedProducerSequence - sequence;
        }

        var count = (int)Math.Min(available, destination.Length);
        if (count == 0)
        {
            return 0;
        }

        var start = (int)(sequence & _mask);
        var first = Math.Min(count, _capacity - start);
        var head = _buffer.AsSpan(start, first);
        var wrapped = _buffer.AsSpan(0, count - first);
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
        var available = _cursors.CachedProducerSequence - sequence;
        if (available < maxItems)
        {
            _cursors.CachedProducerSequence = Volatile.Read(ref _cursors.ProducerSequence);
            available = _cursors.CachedProducerSequence - sequence;
        }

        var count = (int)Math.Min(available, maxItems);
        if (count == 0)
        {
            return 0;
        }

        ref var data = ref MemoryMarshal.GetArrayDataReference(_buffer);
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

    /// <summary>Consumer: re-reads the producer cursor; true if the item at <paramref name="sequence"/> is published.</summary>
    private bool RefreshAvailable(long sequence)
    {
        _cursors.CachedProducerSequence = Volatile.Read(ref _cursors.ProducerSequence);
        return sequence < _cursors.CachedProducerSequence;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WaitForSpace(CancellationToken cancellationToken)
    {
        var condition = new SpaceAvailable(this, _cursors.ProducerSequence);
        _producerWaiter.WaitUntil(ref condition, cancellationToken);
    }

    private readonly struct ItemsOrCompletion(SpscRing<T> ring) : IRingWaitCondition
    {
        public bool IsSatisfied() =>
            Volatile.Read(ref ring._completed) != 0 ||
            Volatile.Read(ref ring._cursors.ProducerSequence) != ring._cursors.ConsumerSequence;
    }

    private readonly struct SpaceAvailable(SpscRing<T> ring, long producerSequence) : IRingWaitCondition
    {
        public bool IsSatisfied() =>
            producerSequence - Volatile.Read(ref ring._cursors.ConsumerSequence) < ring._capacity;
    }
}
