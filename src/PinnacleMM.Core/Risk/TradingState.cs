namespace PinnacleMM.Core.Risk;

/// <summary>What a strategy may do right now.</summary>
public enum TradingState : byte
{
    /// <summary>Quote both sides normally.</summary>
    Active = 0,

    /// <summary>Only orders that bring the position closer to flat (stop loss, take profit, or a manual reduce).</summary>
    Reducing = 1,

    /// <summary>No new orders; cancel everything (drawdown kill switch, or a manual halt). Only cancels pass.</summary>
    Halted = 2,
}
