namespace PinnacleMM.Exchange.Simulator;

/// <summary>How the simulator's fair price moves.</summary>
public enum PriceProcessKind
{
    /// <summary>Arithmetic random walk in ticks: each step adds drift·dt + volatility·√dt·Z ticks.</summary>
    RandomWalk = 0,

    /// <summary>Geometric Brownian motion: each step multiplies by exp((drift − volatility²/2)·dt + volatility·√dt·Z).</summary>
    GeometricBrownianMotion = 1,
}
