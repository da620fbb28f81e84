namespace PinnacleMM.Exchange.Simulator;

/// <summary>The kinds of simulated participant; each trades under its own owner id in the book.</summary>
public enum ParticipantKind
{
    /// <summary>Market orders (<see cref="TakerOptions"/>). Owner id 2.</summary>
    Taker = 0,

    /// <summary>Post-only limit orders around the fair price (<see cref="MakerOptions"/>). Owner id 3.</summary>
    Maker = 1,

    /// <summary>Random orders and cancels (<see cref="NoiseTraderOptions"/>). Owner id 4.</summary>
    NoiseTrader = 2,

    /// <summary>Flow on imbalance and mispricing (<see cref="InformedTraderOptions"/>). Owner id 5.</summary>
    InformedTrader = 3,
}
