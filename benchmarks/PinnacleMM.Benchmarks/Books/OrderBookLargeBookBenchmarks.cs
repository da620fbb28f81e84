using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>
/// Single operation kinds on a large book (up to 100,000 resting orders on 400 levels, rebuilt before
/// each iteration), each against the textbook <see cref="NaiveOrderBook"/>
/// (the baseline of its category): adding resting orders, cancelling, repricing, matching (an
/// immediate-or-cancel order that fills one resting order), and reading the best bid and ask.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class OrderBookLargeBookBenchmarks
{
    private const int Operations = 100_000;
    private const long Mid = OrderFlow.Mid;

    private BookCommand[] _adds = null!;
    private BookCommand[] _cancels = null!;
    private BookCommand[] _reprices = null!;
    private BookCommand[] _restingAsks = null!;
    private BookCommand[] _matches = null!;
    private OrderBook _book = null!;
    private NaiveOrderBook _naive = null!;
    private OrderBook _readBook = null!;
    private NaiveOrderBook _readNaive = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        var random = new Random(7);
        _adds = new BookCommand[Operations];
        var prices = new long[Operations];
        for (var i = 0; i < Operations; i++)
        {
            var side = (i & 1) == 0 ? Side.Buy : Side.Sell;
            var price = side == Side.Buy ? Mid - 10 - random.Next(200) : Mid + 10 + random.Next(200);
            prices[i] = price;
            _adds[i] = new BookCommand(OrderRequest.Limit(i + 1, i % 50, side, new Price(price), new Quantity(random.Next(1, 100))));
        }

        var order = Enumerable.Range(1, Operations).OrderBy(_ => random.Next()).ToArray();
        _cancels = order.Select(id => new BookCommand(BookCommandKind.Cancel, id)).ToArray();
        _reprices = order.Select(id =>
        {
            var move = random.Next(1, 4) * (random.Next(2) == 0 ? -1 : 1);
            return new BookCommand(BookCommandKind.Modify, id, new Price(prices[id - 1] + move), _adds[id - 1].Order.Quantity);
        }).ToArray();

        _restingAsks = new BookCommand[Operations];
        _matches = new BookCommand[Operations];
        for (var i = 0; i < Operations; i++)
        {
            _restingAsks[i] = new BookCommand(OrderRequest.Limit(i + 1, 1, Side.Sell, new Price(Mid + 1 + (i % 100)), new Quantity(10)));
            _matches[i] = new BookCommand(OrderRequest.Limit(Operations + i + 1, 2, Side.Buy, new Price(Mid + 100), new Quantity(10), TimeInForce.ImmediateOrCancel));
        }

        var flow = OrderFlow.Generate(0);
        _readBook = flow.CreateWarmBook();
        _readNaive = new NaiveOrderBook();
        foreach (var command in flow.WarmUp)
        {
            _readNaive.Apply(command);
        }
    }

    [IterationSetup(Targets = [nameof(Add_OrderBook), nameof(Add_Naive)])]
    public void SetupEmpty()
    {
        _book = NewBook();
        _naive = new NaiveOrderBook();
    }

    [IterationSetup(Targets = [nameof(Cancel_OrderBook), nameof(Cancel_Naive), nameof(Reprice_OrderBook), nameof(Reprice_Naive)])]
    public void SetupFull() => Setup(_adds);

    [IterationSetup(Targets = [nameof(Match_OrderBook), nameof(Match_Naive)])]
    public void SetupAsks() => Setup(_restingAsks);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Add")]
    public long Add_Naive() => Run(_naive, _adds);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Add")]
    public long Add_OrderBook() => Run(_book, _adds);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Cancel")]
    public long Cancel_Naive() => Run(_naive, _cancels);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Cancel")]
    public long Cancel_OrderBook() => Run(_book, _cancels);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Reprice")]
    public long Reprice_Naive() => Run(_naive, _reprices);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Reprice")]
    public long Reprice_OrderBook() => Run(_book, _reprices);

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations), BenchmarkCategory("Match")]
    public long Match_Naive() => Run(_naive, _matches);

    [Benchmark(OperationsPerInvoke = Operations), BenchmarkCategory("Match")]
    public long Match_OrderBook() => Run(_book, _matches);

    [Benchmark(Baseline = true), BenchmarkCategory("BestBidAsk")]
    public long BestBidAsk_Naive()
    {
        _readNaive.TryGetBestBid(out var bid);
        _readNaive.TryGetBestAsk(out var ask);
        return bid + ask;
    }

    [Benchmark, BenchmarkCategory("BestBidAsk")]
    public long BestBidAsk_OrderBook()
    {
        _readBook.TryGetBestBid(out var bid, out _);
        _readBook.TryGetBestAsk(out var ask, out _);
        return bid.Ticks + ask.Ticks;
    }

    private static OrderBook NewBook() => new(OrderFlow.Instrument, new OrderBookOptions { InitialOrderCapacity = Operations * 2, InitialLevelCapacity = 1024 });

    private void Setup(BookCommand[] commands)
    {
        SetupEmpty();
        Run(_book, commands);
        Run(_naive, commands);
    }

    private static long Run(OrderBook book, BookCommand[] commands)
    {
        long sum = 0;
        foreach (ref readonly var command in commands.AsSpan())
        {
            sum += command.ApplyTo(book);
        }

        return sum;
    }

    private static long Run(NaiveOrderBook book, BookCommand[] commands)
    {
        long sum = 0;
        foreach (ref readonly var command in commands.AsSpan())
        {
            sum += book.Apply(command);
        }

        return sum;
    }
}
