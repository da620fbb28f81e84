using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>
/// <see cref="DepthBook"/> on a sequenced 50-level-per-side book, as a Binance or Coinbase connector
/// drives it: level size changes near the top, a removal and re-add of a level, a deep level change,
/// and the best bid read that the strategy does on every tick. The baseline is the commonest feed
/// message, a size change at the best bid (a read alone is too fast for a meaningful ratio).
/// </summary>
[MemoryDiagnoser]
public class DepthBookBenchmarks
{
    private const int Levels = 50;
    private const long BestBid = 100_000;
    private const long BestAsk = 100_001;

    private readonly DepthBook _book = new(new InstrumentSpec("BTC-USD", 0.01m, 0.00000001m), levelCapacity: 64);
    private long _sequence;

    [GlobalSetup]
    public void Setup()
    {
        var bids = new DepthLevel[Levels];
        var asks = new DepthLevel[Levels];
        for (var i = 0; i < Levels; i++)
        {
            bids[i] = new DepthLevel(new Price(BestBid - i), new Quantity(1_000 + i), 0);
            asks[i] = new DepthLevel(new Price(BestAsk + i), new Quantity(1_000 + i), 0);
        }

        _sequence = 1;
        if (_book.ApplySnapshot(_sequence, bids, asks) != DepthBookResultCode.Applied)
        {
            throw new InvalidOperationException("snapshot rejected");
        }
    }

    [Benchmark(Description = "best bid read")]
    public long BestBidRead() => _book.TryGetBestBid(out var price, out var size) ? price.Ticks + size.Lots : 0;

    [Benchmark(Baseline = true, Description = "update size at best bid")]
    public DepthBookResultCode UpdateBest() =>
        _book.SetLevel(++_sequence, Side.Buy, new Price(BestBid), new Quantity(1_000 + (_sequence & 7)));

    /// <summary>Size changes spread over the top 5 levels of both sides: one update per operation.</summary>
    [Benchmark(OperationsPerInvoke = 10, Description = "update size in top 5 (per update)")]
    public int UpdateTop5()
    {
        var accepted = 0;
        var size = new Quantity(1_000 + (_sequence & 7));
        for (var i = 0; i < 5; i++)
        {
            accepted += _book.SetLevel(++_sequence, Side.Buy, new Price(BestBid - i), size).IsAccepted() ? 1 : 0;
            accepted += _book.SetLevel(++_sequence, Side.Sell, new Price(BestAsk + i), size).IsAccepted() ? 1 : 0;
        }

        return accepted;
    }

    /// <summary>Removes the third-best ask and adds it back: two updates per operation, the add an insert into the sorted side.</summary>
    [Benchmark(Description = "remove + re-add 3rd level")]
    public DepthBookResultCode RemoveAndReAdd()
    {
        var price = new Price(BestAsk + 2);
        _book.SetLevel(++_sequence, Side.Sell, price, Quantity.Zero);
        return _book.SetLevel(++_sequence, Side.Sell, price, new Quantity(1_002));
    }

    /// <summary>Removes and re-adds the 40th bid: the insert moves the 39 better levels.</summary>
    [Benchmark(Description = "remove + re-add 40th level")]
    public DepthBookResultCode RemoveAndReAddDeep()
    {
        var price = new Price(BestBid - 39);
        _book.SetLevel(++_sequence, Side.Buy, price, Quantity.Zero);
        return _book.SetLevel(++_sequence, Side.Buy, price, new Quantity(1_039));
    }
}
