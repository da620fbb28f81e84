using System.Text;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Coinbase.Internal;

namespace PinnacleMM.Benchmarks.Coinbase;

/// <summary>
/// Why the Coinbase decoders carry their own integer fast path for prices and sizes: one price and one size
/// (as in one book change) through <see cref="InstrumentSpec"/>'s exact decimal parser (the baseline) and
/// through <see cref="FixedPointParser"/>, which falls back to the exact parser for anything unusual.
/// </summary>
[MemoryDiagnoser]
public class CoinbaseNumberParsingBenchmarks
{
    private static readonly byte[] PriceText = Encoding.UTF8.GetBytes("22356.270000");
    private static readonly byte[] SizeText = Encoding.UTF8.GetBytes("0.45054140");
    private readonly InstrumentSpec _instrument = new("BTC-USD", 0.01m, 0.00000001m);
    private GridStep _tick;
    private GridStep _lot;

    [GlobalSetup]
    public void Setup()
    {
        _tick = new GridStep(_instrument.TickSize);
        _lot = new GridStep(_instrument.LotSize);
    }

    [Benchmark(Baseline = true, Description = "InstrumentSpec decimal parse: price + size")]
    public long Decimal() =>
        _instrument.TryParsePrice(PriceText, out var price, out _) && _instrument.TryParseQuantity(SizeText, out var size, out _, allowZero: true)
            ? price.Ticks + size.Lots
            : -1;

    [Benchmark(Description = "FixedPointParser: price + size")]
    public long FastPath() =>
        FixedPointParser.TryParseSteps(PriceText, _tick, out var ticks) && FixedPointParser.TryParseSteps(SizeText, _lot, out var lots)
            ? ticks + lots
            : -1;
}
