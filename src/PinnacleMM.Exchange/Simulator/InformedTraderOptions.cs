namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// Informed and arbitrage flow. On each arrival: when the book's mid is at least
/// <see cref="ArbitrageThresholdTicks"/> away from the fair price, an immediate-or-cancel order at the fair
/// price takes the mispriced side (arbitrage back to fair); otherwise, when the top-of-book imbalance is at
/// least <see cref="ImbalanceThreshold"/> in size, a market order trades in its direction. Otherwise it
/// does nothing. Default 2 arrivals per second.
/// </summary>
public sealed class InformedTraderOptions : ParticipantOptions
{
    /// <summary>Creates the defaults.</summary>
    public InformedTraderOptions() => RatePerSecond = 2;

    /// <summary>The imbalance (bid − ask) / (bid + ask) that triggers a trade, in size; greater than 0, at most 1. Default 0.4.</summary>
    public double ImbalanceThreshold { get; set; } = 0.4;

    /// <summary>How many levels per side the imbalance is measured over; at least 1. Default 3.</summary>
    public int ImbalanceLevels { get; set; } = 3;

    /// <summary>How far (in ticks) the mid must be from the fair price to trade it back; at least 1. Default 3.</summary>
    public int ArbitrageThresholdTicks { get; set; } = 3;
}
