namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// Makers: post-only limit orders a few ticks around the fair price, on a random side; a maker order that
/// would cross is refused, as on a venue. Default 40 arrivals per second.
/// </summary>
public sealed class MakerOptions : ParticipantOptions
{
    /// <summary>Creates the defaults.</summary>
    public MakerOptions() => RatePerSecond = 40;

    /// <summary>The farthest a maker quotes from the fair price, in ticks (it picks 1 to this, uniformly); at least 1. Default 10.</summary>
    public int MaxDistanceTicks { get; set; } = 10;
}
