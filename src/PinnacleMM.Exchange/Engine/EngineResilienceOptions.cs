namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// How a <see cref="TradingEngine"/> recovers from a lost order-entry connection and from gaps in the market data
/// (the <c>Engine:Resilience</c> configuration section). <see cref="Validate"/> lists every broken rule, naming the field.
/// </summary>
public sealed class EngineResilienceOptions
{
    /// <summary>
    /// Whether the engine reconciles our orders with the venue when order entry comes back after a disconnect (open
    /// orders, and the fills missed meanwhile where the connector keeps a fill history), holding every command until
    /// it is done. Default true.
    /// </summary>
    public bool ReconcileOnReconnect { get; set; } = true;

    /// <summary>How long after a failed reconciliation query it is tried again; 1 ms to 10 min. Default 1 s.</summary>
    public TimeSpan ReconcileRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Whether the engine asks the market data connector for a fresh snapshot (<see cref="Abstractions.IMarketDataConnector.ResyncAsync"/>)
    /// when its book of the venue has a sequence gap or goes out of sync without the connector resyncing. Default true.
    /// </summary>
    public bool ResyncOnGap { get; set; } = true;

    /// <summary>
    /// The shortest time between two resync requests; each request doubles it up to <see cref="ResyncBackoffMaximum"/>,
    /// so that a feed that keeps gapping cannot cause a storm of snapshots. 1 ms to 10 min. Default 250 ms.
    /// </summary>
    public TimeSpan ResyncBackoffInitial { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The longest time between two resync requests; also how long the book must stay in sync before the time between
    /// requests falls back to <see cref="ResyncBackoffInitial"/>. At least <see cref="ResyncBackoffInitial"/>, at most 1 hour. Default 30 s.
    /// </summary>
    public TimeSpan ResyncBackoffMaximum { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the engine leaves a resync to a connector that said its book is coming back (status disconnected,
    /// connecting or syncing: a connector reconnects and subscribes afresh by itself)
    /// before it asks for a snapshot itself. 0 to 10 min. Default 5 s.
    /// </summary>
    public TimeSpan ConnectorResyncGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Every broken rule, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (ReconcileRetryInterval < TimeSpan.FromMilliseconds(1) || ReconcileRetryInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"ReconcileRetryInterval: {ReconcileRetryInterval} must be from 1 ms to 10 min.");
        }

        if (ResyncBackoffInitial < TimeSpan.FromMilliseconds(1) || ResyncBackoffInitial > TimeSpan.FromMinutes(10))
        {
            errors.Add($"ResyncBackoffInitial: {ResyncBackoffInitial} must be from 1 ms to 10 min.");
        }

        if (ResyncBackoffMaximum < ResyncBackoffInitial || ResyncBackoffMaximum > TimeSpan.FromHours(1))
        {
            errors.Add($"ResyncBackoffMaximum: {ResyncBackoffMaximum} must be from ResyncBackoffInitial ({ResyncBackoffInitial}) to 1 hour.");
        }

        if (ConnectorResyncGrace < TimeSpan.Zero || ConnectorResyncGrace > TimeSpan.FromMinutes(10))
        {
            errors.Add($"ConnectorResyncGrace: {ConnectorResyncGrace} must be from 0 to 10 min.");
        }

        return errors;
    }
}
