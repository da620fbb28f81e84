namespace PinnacleMM.Core.Primitives;

/// <summary>Helpers for <see cref="Side"/>.</summary>
public static class SideExtensions
{
    /// <summary>The other side: buy for sell and sell for buy.</summary>
    public static Side Opposite(this Side side) => side == Side.Buy ? Side.Sell : Side.Buy;

    /// <summary>+1 for buy, -1 for sell: the sign of a fill's effect on a position.</summary>
    public static int Sign(this Side side) => side == Side.Buy ? 1 : -1;
}
