using PinnacleMM.Core.Books;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Abstractions;

namespace PackageConsumer;

/// <summary>
/// Connects a venue to a strategy on one thread, the simplest way: market data goes into the strategy's
/// L2 book, our order events into its position. It also keeps a fingerprint of everything delivered so two
/// runs can be compared.
/// </summary>
internal sealed class StrategySink(MarketMakerStrategy strategy) : IMarketDataSink, IExecutionSink
{
    private long _fingerprint = 17;

    public int MarketEvents { get; private set; }

    public int Trades { get; private set; }

    public List<ExecutionEvent> Executions { get; } = [];

    public long Fingerprint => _fingerprint;

    public void OnMarketEvent(in MarketEvent marketEvent)
    {
        MarketEvents++;
        Mix((long)marketEvent.Kind, marketEvent.Price.Ticks, marketEvent.Quantity.Lots, marketEvent.Sequence);
        var book = strategy.Book;
        var result = marketEvent.Kind switch
        {
            MarketEventKind.SnapshotBegin => book.BeginSnapshot(marketEvent.Sequence),
            MarketEventKind.SnapshotLevel => book.AddSnapshotLevel(marketEvent.Side, marketEvent.Price, marketEvent.Quantity),
            MarketEventKind.SnapshotEnd => book.EndSnapshot(),
            MarketEventKind.LevelUpdate => book.SetLevel(marketEvent.Sequence, marketEvent.Side, marketEvent.Price, marketEvent.Quantity),
            _ => DepthBookResultCode.Applied,
        };
        if (result != DepthBookResultCode.Applied)
        {
            throw new InvalidOperationException($"{marketEvent.Kind} at sequence {marketEvent.Sequence} was not applied: {result}");
        }

        if (marketEvent.Kind == MarketEventKind.Trade)
        {
            Trades++;
        }
    }

    public void OnExecutionEvent(in ExecutionEvent executionEvent)
    {
        Executions.Add(executionEvent);
        Mix((long)executionEvent.Kind, executionEvent.ClientOrderId.Value, executionEvent.Price.Ticks, executionEvent.Quantity.Lots);
        if (executionEvent.TryToOrderEvent(out var orderEvent))
        {
            strategy.OnOrderEvent(orderEvent);
        }
    }

    private void Mix(long a, long b, long c, long d)
    {
        foreach (var value in (ReadOnlySpan<long>)[a, b, c, d])
        {
            _fingerprint = unchecked((_fingerprint * 1_000_003) ^ value);
        }
    }
}
