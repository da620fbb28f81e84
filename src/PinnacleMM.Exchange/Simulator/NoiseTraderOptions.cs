namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// Noise traders: either cancel a random simulated order, or place a good-till-cancel limit order at a
/// random price around the fair price on a random side (which trades when it crosses). Default 20
/// arrivals per second, half of them cancels.
/// </summary>
public sealed class NoiseTraderOptions : ParticipantOptions
{
    /// <summary>Creates the defaults.</summary>
    public NoiseTraderOptions() => RatePerSecond = 20;

    /// <summary>The chance that an arrival is a cancel rather than a new order; 0 to 1. Default 0.5.</summary>
    public double CancelProbability { get; set; } = 0.5;

    /// <summary>The farthest from the fair price a noise order is priced, in ticks, either way; at least 1. Default 5.</summary>
    public int MaxDistanceTicks { get; set; } = 5;
}
