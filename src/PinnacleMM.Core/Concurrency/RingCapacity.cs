using System.Diagnostics.CodeAnalysis;
using System.Numerics;

namespace PinnacleMM.Core.Concurrency;

/// <summary>Capacity rule and cold-path throw helpers shared by the rings.</summary>
internal static class RingCapacity
{
    /// <summary>The smallest capacity; a per-slot sequence ring cannot tell "full" from "free" with one slot.</summary>
    public const int Min = 2;

    /// <summary>The largest capacity.</summary>
    public const int Max = 1 << 30;

    public static void Validate(int capacity, string paramName)
    {
        if (capacity < Min || capacity > Max || !BitOperations.IsPow2(capacity))
        {
            ThrowInvalidCapacity(capacity, paramName);
        }
    }

    public static void ValidateStrategy(WaitStrategy waitStrategy, string paramName)
    {
        if (waitStrategy is not (WaitStrategy.BusySpin or WaitStrategy.Yielding or WaitStrategy.Blocking))
        {
            throw new ArgumentOutOfRangeException(paramName, waitStrategy, "Unknown wait strategy.");
        }
    }

    [DoesNotReturn]
    private static void ThrowInvalidCapacity(int capacity, string paramName) =>
        throw new ArgumentException($"Capacity must be a power of two between {Min} and {Max}; got {capacity}.", paramName);

    [DoesNotReturn]
    public static void ThrowCompleted() =>
        throw new InvalidOperationException("The ring has been completed; no more items can be written.");
}
