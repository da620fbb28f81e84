namespace PinnacleMM.Core.Strategies;

/// <summary>What the reconciler asks the engine to do.</summary>
public enum QuoteActionKind : byte
{
    /// <summary>Place a new post-only limit order.</summary>
    Place = 0,

    /// <summary>Cancel a live order (also sent again when an earlier cancel got no answer in time).</summary>
    Cancel = 1,

    /// <summary>Change a live order's price and size (where the venue cannot, the engine cancels and places).</summary>
    Amend = 2,
}
