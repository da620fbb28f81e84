namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// What every kind of simulated participant has: a Poisson arrival rate and an order size distribution.
/// The derived classes add what is specific to takers, makers, noise traders and informed traders.
/// </summary>
public abstract class ParticipantOptions
{
    /// <summary>Arrivals per second of virtual time (Poisson); 0 turns the participant off. Zero or positive, finite.</summary>
    public double RatePerSecond { get; set; }

    /// <summary>The sizes of the participant's orders.</summary>
    public SizeDistribution Size { get; set; } = new();
}
