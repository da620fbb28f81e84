namespace PinnacleMM.Exchange.Abstractions;

/// <summary>
/// A venue's market data feed, normalized: after <see cref="ConnectAsync"/>, every subscribed
/// instrument's book snapshot and updates, trades, tickers and connection state changes reach the sink as
/// <see cref="MarketEvent"/> structs. Implemented by the exchange simulator and the Coinbase connector.
/// </summary>
/// <remarks>
/// For each subscription the connector sends a <see cref="MarketEventKind.Status"/> (syncing), a snapshot
/// (<see cref="MarketEventKind.SnapshotBegin"/>, levels, <see cref="MarketEventKind.SnapshotEnd"/>), a
/// <see cref="MarketEventKind.Status"/> (synced), then updates. After a lost connection or a sequence gap
/// it sends a status and a fresh snapshot. A connector that cannot see a gap itself (or a consumer whose own book
/// found one) is asked for a fresh snapshot with <see cref="ResyncAsync"/>. Disposing disconnects and stops all delivery.
/// </remarks>
public interface IMarketDataConnector : IAsyncDisposable
{
    /// <summary>A short name of the venue, e.g. <c>simulator</c> or <c>coinbase</c>.</summary>
    string Venue { get; }

    /// <summary>The feed's connection state now.</summary>
    ConnectionState State { get; }

    /// <summary>
    /// Connects and starts delivering events to <paramref name="sink"/>. Completes when connected (subscriptions
    /// may then be made).
    /// </summary>
    /// <param name="sink">Receives every event of this connector; called on the connector's delivery thread.</param>
    /// <param name="cancellationToken">Abandons the connection attempt.</param>
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Already connected.</exception>
    /// <exception cref="ObjectDisposedException">The connector was disposed.</exception>
    ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default);

    /// <summary>Subscribes to <paramref name="instrument"/>'s book, trades and ticker; a snapshot follows. Subscribing twice is a no-op.</summary>
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is not traded by this connector; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Not connected.</exception>
    ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default);

    /// <summary>Stops <paramref name="instrument"/>'s events (a status event says so). Unsubscribing an instrument not subscribed is a no-op.</summary>
    ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks for a fresh snapshot of <paramref name="instrument"/>'s book, because the consumer's copy has a gap or is
    /// otherwise out of sync. The connector sends a <see cref="MarketEventKind.Status"/> (syncing), the snapshot and a
    /// status (synced), as after a subscription; updates older than the snapshot are not sent again. Completes when
    /// the request was made, not when the snapshot arrived. The default unsubscribes and subscribes again, which a
    /// connector with a cheaper way (a snapshot request on the open connection) should override.
    /// </summary>
    /// <param name="instrument">A subscribed instrument.</param>
    /// <param name="cancellationToken">Abandons the request.</param>
    /// <exception cref="ArgumentException"><paramref name="instrument"/> is not traded by this connector; the message names it.</exception>
    /// <exception cref="InvalidOperationException">Not connected, or <paramref name="instrument"/> is not subscribed.</exception>
    async ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default)
    {
        await UnsubscribeAsync(instrument, cancellationToken).ConfigureAwait(false);
        await SubscribeAsync(instrument, cancellationToken).ConfigureAwait(false);
    }
}
