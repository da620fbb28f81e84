namespace PinnacleMM.Core.Primitives;

/// <summary>What happens to the part of an order that does not trade on arrival.</summary>
public enum TimeInForce : byte
{
    /// <summary>Good till cancelled: the remainder rests in the book.</summary>
    GoodTillCancel = 0,

    /// <summary>Immediate or cancel: trades what it can now, the remainder is cancelled.</summary>
    ImmediateOrCancel = 1,

    /// <summary>Fill or kill: trades its whole quantity now, or is rejected with nothing changed.</summary>
    FillOrKill = 2,
}
