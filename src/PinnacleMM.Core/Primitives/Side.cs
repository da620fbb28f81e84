namespace PinnacleMM.Core.Primitives;

/// <summary>The side of an order or a book: buy (bid) or sell (ask).</summary>
public enum Side : byte
{
    /// <summary>Buy: rests on the bid side.</summary>
    Buy = 0,

    /// <summary>Sell: rests on the ask side.</summary>
    Sell = 1,
}
