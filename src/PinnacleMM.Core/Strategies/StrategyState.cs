using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Risk;

namespace PinnacleMM.Core.Strategies;

/// <summary>
/// What a <see cref="MarketMakerStrategy"/> needs to carry across a restart, as plain data for the engine's snapshot:
/// the position and P&amp;L, the kill switch's memory (peak, day reference, latched halt) and the operator's trading state.
/// </summary>
/// <remarks>
/// Not included, on purpose: the book (rebuilt from the feed), desired quotes (decided again), the volatility, trade-intensity
/// and circuit-breaker readings (they are tied to the monotonic clock of the process that made them and rebuild in seconds),
/// and rejection counts (this process's metrics).
/// </remarks>
public sealed record StrategyState
{
    /// <summary>The position and P&amp;L.</summary>
    public required PositionTrackerState Position { get; init; }

    /// <summary>The kill switch's memory; null when the strategy has none.</summary>
    public KillSwitchState? KillSwitch { get; init; }

    /// <summary>The operator's state (<see cref="MarketMakerStrategy.Pause"/>, <see cref="MarketMakerStrategy.Reduce"/>).</summary>
    public TradingState ManualState { get; init; }

    /// <summary>The reason given with <see cref="ManualState"/>.</summary>
    public string ManualReason { get; init; } = string.Empty;
}
