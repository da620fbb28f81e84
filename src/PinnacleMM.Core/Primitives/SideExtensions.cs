using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PinnacleMM.Core.Primitives;

/// <summary>Helpers for <see cref="Side"/>.</summary>
public static class SideExtensions
{
    /// <summary>The other side: buy for sell and sell for buy.</summary>
    public static Side Opposite(this Side side) => side == Side.Buy ? Side.Sell : Side.Buy;

    /// <summary>+1 for buy, -1 for sell: the sign of a fill's effect on a position.</summary>
    public static int Sign(this Side side) => side == Side.Buy ? 1 : -1;

    /// <summary>Refuses a side that is neither buy nor sell, naming the parameter: a query about such a side has no answer.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is undefined.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void ThrowIfUndefined(Side side, [CallerArgumentExpression(nameof(side))] string? paramName = null)
    {
        if ((uint)side > (uint)Side.Sell)
        {
            ThrowUndefined(side, paramName);
        }
    }

    [DoesNotReturn]
    private static void ThrowUndefined(Side side, string? paramName) =>
        throw new ArgumentOutOfRangeException(paramName, side, $"{paramName} {(int)side} is not Buy or Sell.");
}
