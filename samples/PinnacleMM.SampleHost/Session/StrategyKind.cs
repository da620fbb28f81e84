namespace PinnacleMM.SampleHost.Session;

/// <summary>The built-in strategies the sample host can run.</summary>
internal enum StrategyKind
{
    /// <summary><c>BasicMarketMaker</c>: symmetric spread with inventory skew.</summary>
    Basic,

    /// <summary><c>AvellanedaStoikovMarketMaker</c>: reservation price and optimal spread.</summary>
    AvellanedaStoikov,
}
