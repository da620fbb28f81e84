using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Paper;

/// <summary>
/// The market data connector of a <see cref="PaperExchange"/>: it connects the live feed it wraps, lets the paper
/// exchange match our orders against every event, and passes the events on to the application's sink (with our
/// paper orders merged into the levels, see <see cref="PaperExchange"/>). Get it from <see cref="PaperExchange.MarketData"/>.
/// </summary>
public sealed class PaperMarketDataConnector : IMarketDataConnector
{
    private readonly IMarketDataConnector _live;
    private readonly PaperExchange _exchange;
    private readonly FeedSink _feedSink;

    internal PaperMarketDataConnector(IMarketDataConnector live, PaperExchange exchange)
    {
        _live = live;
        _exchange = exchange;
        _feedSink = new FeedSink(exchange);
    }

    /// <summary>The live feed's venue name (the market data is the live venue's).</summary>
    public string Venue => _live.Venue;

    /// <summary>The live feed's connection state.</summary>
    public ConnectionState State => _live.State;

    /// <summary>The wrapped live feed.</summary>
    public IMarketDataConnector Live => _live;

    /// <inheritdoc />
    /// <exception cref="ArgumentNullException"><paramref name="sink"/> is null.</exception>
    /// <exception cref="InvalidOperationException">Already connected; nothing changes.</exception>
    public async ValueTask ConnectAsync(IMarketDataSink sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _exchange.AttachMarketSink(sink);
        try
        {
            await _live.ConnectAsync(_feedSink, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _exchange.DetachMarketSink();
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask SubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _live.SubscribeAsync(instrument, cancellationToken);

    /// <inheritdoc />
    public ValueTask UnsubscribeAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _live.UnsubscribeAsync(instrument, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Asks the live feed; its snapshot resets the paper exchange's view of the book too (consumed liquidity is forgotten, our orders are merged in again).</remarks>
    public ValueTask ResyncAsync(InstrumentId instrument, CancellationToken cancellationToken = default) => _live.ResyncAsync(instrument, cancellationToken);

    /// <summary>Disposes the live feed (which stops all delivery).</summary>
    public ValueTask DisposeAsync() => _live.DisposeAsync();

    /// <summary>Receives the live feed's events on its delivery thread.</summary>
    private sealed class FeedSink(PaperExchange exchange) : IMarketDataSink
    {
        public void OnMarketEvent(in MarketEvent marketEvent) => exchange.OnFeedEvent(marketEvent);
    }
}
