namespace PinnacleMM.Exchange.Simulator;

/// <summary>Takers: market orders on a random side, sweeping the book. Default 5 arrivals per second.</summary>
public sealed class TakerOptions : ParticipantOptions
{
    /// <summary>Creates the defaults.</summary>
    public TakerOptions() => RatePerSecond = 5;
}
