namespace PinnacleMM.SampleHost.Session;

/// <summary>Where the session's market data comes from and where its orders go.</summary>
internal enum ExchangeKind
{
    /// <summary>The built-in exchange simulator (market data and order entry).</summary>
    Simulator,

    /// <summary>Coinbase Exchange market data (live or a replayed recording); paper trading unless <c>--live</c>.</summary>
    Coinbase,
}
