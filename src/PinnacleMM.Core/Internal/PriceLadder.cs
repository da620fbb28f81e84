using System.Runtime.CompilerServices;

namespace PinnacleMM.Core.Internal;

/// <summary>
/// One side of a book as a sorted array of price keys with a <see cref="long"/> payload each, ordered
/// so that the best price is at the end: reading, adding or removing at the best price is O(1), and
/// a level deeper in the book costs a binary search plus a move of the (few) better levels. The key
/// is the price for bids and the negated price for asks, so both sides sort ascending by quality.
/// </summary>
internal sealed class PriceLadder
{
    private long[] _keys;
    private long[] _values;

    public PriceLadder(bool isBid, int capacity)
    {
        IsBid = isBid;
        capacity = Math.Max(16, capacity);
        _keys = new long[capacity];
        _values = new long[capacity];
    }

    public bool IsBid { get; }

    public int Count { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long KeyOf(long priceTicks) => IsBid ? priceTicks : -priceTicks;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long PriceAt(int index) => IsBid ? _keys[index] : -_keys[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ValueAt(int index) => _values[index];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref long ValueRefAt(int index) => ref _values[index];

    /// <summary>The index of the best level; only when <see cref="Count"/> &gt; 0.</summary>
    public int BestIndex => Count - 1;

    /// <summary>
    /// The index of <paramref name="priceTicks"/>, or the bitwise complement of the index where it
    /// would be inserted. Checks the best level first: most activity is at the top of the book.
    /// </summary>
    public int IndexOf(long priceTicks)
    {
        var key = KeyOf(priceTicks);
        var keys = _keys;
        var hi = Count - 1;
        if (hi >= 0)
        {
            var best = keys[hi];
            if (key == best)
            {
                return hi;
            }

            if (key > best)
            {
                return ~Count;
            }
        }

        var lo = 0;
        hi--;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var k = keys[mid];
            if (k == key)
            {
                return mid;
            }

            if (k < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    public void InsertAt(int index, long priceTicks, long value)
    {
        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, _keys.Length * 2);
            Array.Resize(ref _values, _values.Length * 2);
        }

        // Span copies are a plain memmove; Array.Copy's type checks cost more than moving a few levels.
        var moved = Count - index;
        if (moved > 0)
        {
            _keys.AsSpan(index, moved).CopyTo(_keys.AsSpan(index + 1));
            _values.AsSpan(index, moved).CopyTo(_values.AsSpan(index + 1));
        }

        _keys[index] = KeyOf(priceTicks);
        _values[index] = value;
        Count++;
    }

    public void RemoveAt(int index)
    {
        var moved = Count - index - 1;
        if (moved > 0)
        {
            _keys.AsSpan(index + 1, moved).CopyTo(_keys.AsSpan(index));
            _values.AsSpan(index + 1, moved).CopyTo(_values.AsSpan(index));
        }

        Count--;
    }

    public void Clear() => Count = 0;
}
