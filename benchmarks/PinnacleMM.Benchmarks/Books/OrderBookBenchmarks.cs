using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Books;

namespace PinnacleMM.Benchmarks.Books;

/// <summary>
/// The mixed workload (about 1,000 resting orders; GTC and IOC adds, market orders, cancels and
/// modifies): <see cref="OrderBook"/> against the textbook <see cref="NaiveOrderBook"/> baseline.
/// Reported time is per operation.
/// </summary>
[MemoryDiagnoser]
public class OrderBookMixedWorkloadBenchmarks
{
    private const int Operations = 1_000_000;
    private OrderFlow _flow = null!;
    private OrderBook _book = null!;
    private NaiveOrderBook _naive = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _flow = OrderFlow.Generate(Operations);

        // The two books must do the same work for the ratio to mean anything.
        var book = _flow.CreateWarmBook();
        var naive = CreateWarmNaive();
        long a = 0, b = 0;
        foreach (var command in _flow.Commands)
        {
            a += command.ApplyTo(book);
            b += naive.Apply(command);
        }

        if (a != b || book.OrderCount != naive.OrderCount)
        {
            throw new InvalidOperationException($"the naive book diverged: filled {a} vs {b}, orders {book.OrderCount} vs {naive.OrderCount}");
        }
    }

    [IterationSetup(Target = nameof(OrderBook_Mixed))]
    public void SetupBook() => _book = _flow.CreateWarmBook();

    [IterationSetup(Target = nameof(Naive_Mixed))]
    public void SetupNaive() => _naive = CreateWarmNaive();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public long Naive_Mixed()
    {
        var naive = _naive;
        long sum = 0;
        foreach (ref readonly var command in _flow.Commands.AsSpan())
        {
            sum += naive.Apply(command);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public long OrderBook_Mixed()
    {
        var book = _book;
        long sum = 0;
        foreach (ref readonly var command in _flow.Commands.AsSpan())
        {
            sum += command.ApplyTo(book);
        }

        return sum;
    }

    private NaiveOrderBook CreateWarmNaive()
    {
        var naive = new NaiveOrderBook();
        foreach (var command in _flow.WarmUp)
        {
            naive.Apply(command);
        }

        return naive;
    }
}
