namespace PinnacleMM.Exchange.Simulator;

/// <summary>The shape of a participant's order size distribution.</summary>
public enum SizeDistributionKind
{
    /// <summary>Every size from the minimum to the maximum equally likely.</summary>
    Uniform = 0,

    /// <summary>The minimum plus an exponentially distributed amount, with the given mean, capped at the maximum: many small orders, a few large.</summary>
    Exponential = 1,
}
