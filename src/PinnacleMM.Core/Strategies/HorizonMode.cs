namespace PinnacleMM.Core.Strategies;

/// <summary>How <see cref="AvellanedaStoikovMarketMaker"/> sets the time to the horizon, T − t.</summary>
public enum HorizonMode : byte
{
    /// <summary>
    /// A stationary approximation for markets that never close: T − t is always the full
    /// <see cref="AvellanedaStoikovOptions.Horizon"/>, so the inventory penalty and the spread do not change with the clock.
    /// </summary>
    Infinite = 0,

    /// <summary>
    /// Trading sessions of length <see cref="AvellanedaStoikovOptions.Horizon"/> that start at every UTC midnight (the
    /// last one of a day ends at midnight, so it may be shorter): T − t is the wall-clock time left in the current
    /// session, read from the strategy's <see cref="TimeProvider"/>. Quotes tighten and the skew fades as the session ends.
    /// </summary>
    Finite = 1,
}
