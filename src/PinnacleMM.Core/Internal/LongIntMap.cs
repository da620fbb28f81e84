using System.Numerics;
using System.Runtime.CompilerServices;

namespace PinnacleMM.Core.Internal;

/// <summary>
/// An open-addressing hash map from positive <see cref="long"/> keys to <see cref="int"/> values with
/// linear probing and backward-shift deletion (no tombstones, so lookups stay short under churn).
/// Allocates only when it grows; key 0 marks an empty slot, so keys must be non-zero.
/// </summary>
internal sealed class LongIntMap
{
    private long[] _keys;
    private int[] _values;
    private int _mask;
    private int _shift;
    private int _count;
    private int _growAt;

    public LongIntMap(int capacity)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _keys = new long[size];
        _values = new int[size];
        SetSize(size);
    }

    public int Count => _count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15UL)) >> _shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGetValue(long key, out int value)
    {
        var keys = _keys;
        var i = Home(key);
        while (true)
        {
            var k = keys[i];
            if (k == key)
            {
                value = _values[i];
                return true;
            }

            if (k == 0)
            {
                value = -1;
                return false;
            }

            i = (i + 1) & _mask;
        }
    }

    public bool ContainsKey(long key) => TryGetValue(key, out _);

    /// <summary>Adds a key that is known not to be present.</summary>
    public void Add(long key, int value)
    {
        if (_count >= _growAt)
        {
            Grow();
        }

        var keys = _keys;
        var i = Home(key);
        while (keys[i] != 0)
        {
            i = (i + 1) & _mask;
        }

        keys[i] = key;
        _values[i] = value;
        _count++;
    }

    /// <summary>Sets the value of a key that is present.</summary>
    public void SetExisting(long key, int value)
    {
        var keys = _keys;
        var i = Home(key);
        while (keys[i] != key)
        {
            i = (i + 1) & _mask;
        }

        _values[i] = value;
    }

    public bool Remove(long key)
    {
        var keys = _keys;
        var values = _values;
        var mask = _mask;
        var i = Home(key);
        while (true)
        {
            var k = keys[i];
            if (k == 0)
            {
                return false;
            }

            if (k == key)
            {
                break;
            }

            i = (i + 1) & mask;
        }

        // Backward-shift deletion: move later entries of the probe run into the hole when their home
        // position allows it, so that every key stays reachable without tombstones.
        var hole = i;
        var j = i;
        while (true)
        {
            j = (j + 1) & mask;
            var k = keys[j];
            if (k == 0)
            {
                break;
            }

            var home = Home(k);
            var distanceToHole = (hole - home) & mask;
            var distanceToJ = (j - home) & mask;
            if (distanceToHole <= distanceToJ)
            {
                keys[hole] = k;
                values[hole] = values[j];
                hole = j;
            }
        }

        keys[hole] = 0;
        _count--;
        return true;
    }

    public void Clear()
    {
        Array.Clear(_keys);
        _count = 0;
    }

    private void SetSize(int size)
    {
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
        _growAt = size / 2;
    }

    private void Grow()
    {
        var oldKeys = _keys;
        var oldValues = _values;
        var size = oldKeys.Length * 2;
        _keys = new long[size];
        _values = new int[size];
        SetSize(size);
        _count = 0;
        for (var i = 0; i < oldKeys.Length; i++)
        {
            if (oldKeys[i] != 0)
            {
                Add(oldKeys[i], oldValues[i]);
            }
        }
    }
}
