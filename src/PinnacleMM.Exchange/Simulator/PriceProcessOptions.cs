namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// The fair (reference) price that simulated participants follow. It is a latent model value, kept as a
/// <see cref="double"/> in ticks and only ever turned into a price on the instrument's grid by rounding
/// when a participant places an order.
/// </summary>
public sealed class PriceProcessOptions
{
    /// <summary>Random walk in ticks or geometric Brownian motion. Default <see cref="PriceProcessKind.RandomWalk"/>.</summary>
    public PriceProcessKind Kind { get; set; } = PriceProcessKind.RandomWalk;

    /// <summary>How often the fair price moves (and a ticker is sent); positive. Default 100 ms.</summary>
    public TimeSpan StepInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Drift per second: ticks per second for a random walk, a fraction per second (e.g. 0.0001) for GBM. Finite. Default 0.</summary>
    public double DriftPerSecond { get; set; }

    /// <summary>Volatility per √second: ticks for a random walk, a fraction for GBM. Zero or positive, finite. Default 2 (ticks).</summary>
    public double VolatilityPerSqrtSecond { get; set; } = 2;

    /// <summary>Jumps per second (Poisson); 0 for none. Zero or positive, finite. Default 0.</summary>
    public double JumpRatePerSecond { get; set; }

    /// <summary>The standard deviation of a jump: ticks for a random walk, a log-fraction for GBM. Zero or positive, finite. Default 20.</summary>
    public double JumpStandardDeviation { get; set; } = 20;
}
