namespace PinnacleMM.Exchange.Simulator;

/// <summary>The order sizes of one kind of simulated participant, in lots.</summary>
public sealed class SizeDistribution
{
    /// <summary>The shape. Default <see cref="SizeDistributionKind.Exponential"/>.</summary>
    public SizeDistributionKind Kind { get; set; } = SizeDistributionKind.Exponential;

    /// <summary>The smallest size in lots: at least 1 and at least the instrument's minimum quantity. Default 1.</summary>
    public long MinLots { get; set; } = 1;

    /// <summary>The largest size in lots: at least <see cref="MinLots"/>, at most the instrument's maximum quantity. Default 100.</summary>
    public long MaxLots { get; set; } = 100;

    /// <summary>For <see cref="SizeDistributionKind.Exponential"/>: the mean size in lots before capping, from <see cref="MinLots"/> to <see cref="MaxLots"/>. Default 10.</summary>
    public double MeanLots { get; set; } = 10;
}
