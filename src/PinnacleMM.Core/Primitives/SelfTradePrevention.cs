namespace PinnacleMM.Core.Primitives;

/// <summary>
/// What the book does when an incoming order would trade with a resting order of the same owner.
/// The incoming (taker) order's mode applies, as on most exchanges.
/// </summary>
public enum SelfTradePrevention : byte
{
    /// <summary>Self-trades are allowed.</summary>
    None = 0,

    /// <summary>The resting order is cancelled and matching goes on with the next resting order.</summary>
    CancelResting = 1,

    /// <summary>Matching stops and the incoming order's remainder is cancelled; the resting order stays.</summary>
    CancelIncoming = 2,

    /// <summary>The resting order is cancelled, matching stops and the incoming remainder is cancelled.</summary>
    CancelBoth = 3,
}
