using System.Runtime.CompilerServices;

namespace PinnacleMM.Core.Internal;

/// <summary>
/// A deterministic 64-bit hash over a sequence of values, used for books' state hashes: the same
/// values in the same order give the same hash in every process and on every machine (unlike
/// <see cref="HashCode"/>, which is randomized per process).
/// </summary>
internal struct StateHasher
{
    private ulong _hash;

    public StateHasher(ulong seed) => _hash = seed ^ 0xCBF29CE484222325UL;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(long value)
    {
        var h = (_hash ^ (ulong)value) * 0x9E3779B97F4A7C15UL;
        _hash = h ^ (h >> 29);
    }

    public readonly long Finish()
    {
        // MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
        var h = _hash;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return (long)h;
    }
}
