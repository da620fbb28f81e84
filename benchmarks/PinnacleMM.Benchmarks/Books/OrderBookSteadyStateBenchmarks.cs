using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>
/// Single operation kinds on a warm book of about 1,000 resting orders that stays the same size, so
/// that BenchmarkDotNet can run millions of invocations without a per-iteration setup: add then
/// cancel, reprice back and forth, rest then match (an IOC that fills the order just added), and the
/// best bid/ask read. Each against the textbook <see cref="NaiveOrderBook"/> (the baseline of its
/// category); the reported time is per operation.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OrderBookSteadyStateBenchmarks
{
    private const int Slots = 1024;
    private const long Mid = OrderFlow.Mid;

    private readonly BookCommand[] _adds = new BookCommand[Slots];
    private readonly BookCommand[] _cancels = new BookCommand[Slots];
    private readonly BookCommand[] _repriceAway = new BookCommand[Slots];
    private readonly BookCommand[] _repriceBack = new BookCommand[Slots];
    private readonly BookCommand[] _rests = new BookCommand[Slots];
    private readonly BookCommand[] _matches = new BookCommand[Slots];
    private OrderBook _book = null!;
    private NaiveOrderBook _naive = null!;
    private int _next;

    [GlobalSetup]
    public void GlobalSetup()
    {
        var flow = OrderFlow.Generate(0);
        _book = flow.CreateWarmBook();
        _naive = new NaiveOrderBook();
        foreach (var command in flow.WarmUp)
        {
            _naive.Apply(command);
        }

        var random = new Random(11);
        var resting = new List<OrderInfo>();
        foreach (var order in _book.GetOrders(Side.Buy))
        {
            resting.Add(order);
        }

        foreach (var order in _book.GetOrders(Side.Sell))
        {
            resting.Add(order);
        }

        for (var i = 0; i < Slots; i++)
        {
            // Adds land inside the existing book without crossing: bids below the mid, asks above it.
            var side = (i & 1) == 0 ? Side.Buy : Side.Sell;
            var offset = 1 + random.Next(50);
            var id = 10_000_000 + i;
            _adds[i] = new BookCommand(OrderRequest.Limit(id, 3, side, new Price(side == Side.Buy ? Mid - offset : Mid + offset), new Quantity(random.Next(1, 100))));
            _cancels[i] = new BookCommand(BookCommandKind.Cancel, id);

            // Reprices move away from the spread and back, so they never cross.
            var victim = resting[random.Next(resting.Count)];
            var away = victim.Side == Side.Buy ? victim.Price.Ticks - 1 : victim.Price.Ticks + 1;
            _repriceAway[i] = new BookCommand(BookCommandKind.Modify, victim.OrderId, new Price(away), victim.Remaining);
            _repriceBack[i] = new BookCommand(BookCommandKind.Modify, victim.OrderId, victim.Price, victim.Remaining);

            // A bid at the mid becomes the best bid (asks start above it); an IOC sell at the mid fills exactly it.
            var quantity = new Quantity(random.Next(1, 100));
            _rests[i] = new BookCommand(OrderRequest.Limit(20_000_000 + i, 4, Side.Buy, new Price(Mid), quantity));
            _matches[i] = new BookCommand(OrderRequest.Limit(30_000_000 + i, 5, Side.Sell, new Price(Mid), quantity, TimeInForce.ImmediateOrCancel));
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2), BenchmarkCategory("AddThenCancel")]
    public long AddThenCancel_Naive()
    {
        var i = Next();
        return _naive.Apply(_adds[i]) + _naive.Apply(_cancels[i]);
    }

    [Benchmark(OperationsPerInvoke = 2), BenchmarkCategory("AddThenCancel")]
    public long AddThenCancel_OrderBook()
    {
        var i = Next();
        return _adds[i].ApplyTo(_book) + _cancels[i].ApplyTo(_book);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2), BenchmarkCategory("RepriceAwayAndBack")]
    public long Reprice_Naive()
    {
        var i = Next();
        return _naive.Apply(_repriceAway[i]) + _naive.Apply(_repriceBack[i]);
    }

    [Benchmark(OperationsPerInvoke = 2), BenchmarkCategory("RepriceAwayAndBack")]
    public long Reprice_OrderBook()
    {
        var i = Next();
        return _repriceAway[i].ApplyTo(_book) + _repriceBack[i].ApplyTo(_book);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 2), BenchmarkCategory("RestThenMatch")]
    public long RestThenMatch_Naive()
    {
        var i = Next();
        return _naive.Apply(_rests[i]) + _naive.Apply(_matches[i]);
    }

    [Benchmark(OperationsPerInvoke = 2), BenchmarkCategory("RestThenMatch")]
    public long RestThenMatch_OrderBook()
    {
        var i = Next();
        return _rests[i].ApplyTo(_book) + _matches[i].ApplyTo(_book);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("BestBidAsk")]
    public long BestBidAsk_Naive()
    {
        _naive.TryGetBestBid(out var bid);
        _naive.TryGetBestAsk(out var ask);
        return bid + ask;
    }

    [Benchmark, BenchmarkCategory("BestBidAsk")]
    public long BestBidAsk_OrderBook()
    {
        _book.TryGetBestBid(out var bid, out _);
        _book.TryGetBestAsk(out var ask, out _);
        return bid.Ticks + ask.Ticks;
    }

    private int Next() => _next = (_next + 1) & (Slots - 1);
}
