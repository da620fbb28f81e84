using System.Security.Cryptography;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.Exchange.Tests.Simulator;

internal static class SimulatorTestKit
{
    public static readonly InstrumentSpec Instrument = new("SIM-USD", 0.01m, 0.001m, maxPrice: 1_000_000m);

    public static readonly InstrumentId Id = new(1);

    /// <summary>Default market with every participant active, 1 ms latencies, fees.</summary>
    public static ExchangeSimulatorOptions Options(long seed = 7) => new()
    {
        Instrument = Instrument,
        InstrumentId = Id,
        Seed = seed,
        InitialPrice = 100m,
        MakerFeeRate = 0.001m,
        TakerFeeRate = 0.002m,
        InitialQuoteBalance = 1_000_000m,
        InitialBaseBalance = 1_000m,
        BaseCurrency = "SIM",
        QuoteCurrency = "USD",
    };

    /// <summary>A market where nothing happens by itself: only the seeded book and our commands.</summary>
    public static ExchangeSimulatorOptions Quiet(long seed = 7)
    {
        var options = Options(seed);
        options.Takers.RatePerSecond = 0;
        options.Makers.RatePerSecond = 0;
        options.NoiseTraders.RatePerSecond = 0;
        options.InformedTraders.RatePerSecond = 0;
        options.PriceProcess.VolatilityPerSqrtSecond = 0;
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 10 };
        return options;
    }

    public static async Task<(ExchangeSimulator Simulator, RecordingSink Sink)> StartAsync(ExchangeSimulatorOptions options, bool subscribe = true)
    {
        var simulator = new ExchangeSimulator(options);
        var sink = new RecordingSink();
        await simulator.ConnectAsync((IMarketDataSink)sink);
        await simulator.ConnectAsync((IExecutionSink)sink);
        if (subscribe)
        {
            await simulator.SubscribeAsync(options.InstrumentId);
        }

        return (simulator, sink);
    }

    public static long Ms(double milliseconds) => (long)(milliseconds * 1_000_000);
}

/// <summary>Records every event in delivery order, hashes the stream, and can react to events.</summary>
internal sealed class RecordingSink : IMarketDataSink, IExecutionSink
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public List<MarketEvent> Market { get; } = [];

    public List<ExecutionEvent> Executions { get; } = [];

    /// <summary>Every event in delivery order (market as Item1, execution as Item2).</summary>
    public List<(MarketEvent? Market, ExecutionEvent? Execution)> All { get; } = [];

    public bool Record { get; set; } = true;

    public Action<MarketEvent>? OnMarket { get; set; }

    public Action<ExecutionEvent>? OnExecution { get; set; }

    public void OnMarketEvent(in MarketEvent marketEvent)
    {
        Hash(0, (long)marketEvent.Kind, (long)marketEvent.Side, marketEvent.Price.Ticks, marketEvent.Quantity.Lots, marketEvent.OrderCount, marketEvent.TradeId,
            marketEvent.BestBidPrice.Ticks, marketEvent.BestAskPrice.Ticks, marketEvent.Sequence, marketEvent.ExchangeTimestampNanoseconds, marketEvent.ReceivedNanoseconds);
        if (Record)
        {
            Market.Add(marketEvent);
            All.Add((marketEvent, null));
        }

        OnMarket?.Invoke(marketEvent);
    }

    public void OnExecutionEvent(in ExecutionEvent executionEvent)
    {
        var fee = decimal.GetBits(executionEvent.Fee);
        Hash(1, (long)executionEvent.Kind, (long)executionEvent.Side, executionEvent.ClientOrderId.Value, executionEvent.Price.Ticks, executionEvent.Quantity.Lots,
            executionEvent.LeavesQuantity.Lots, executionEvent.FilledQuantity.Lots, (long)executionEvent.Liquidity, fee[0], fee[1], fee[2], fee[3],
            (long)executionEvent.RejectReason, (long)executionEvent.CancelReason, executionEvent.TradeId, executionEvent.Sequence,
            executionEvent.ExchangeTimestampNanoseconds, executionEvent.ReceivedNanoseconds);
        if (Record)
        {
            Executions.Add(executionEvent);
            All.Add((null, executionEvent));
        }

        OnExecution?.Invoke(executionEvent);
    }

    public long Count { get; private set; }

    public string Digest() => Convert.ToHexString(_hash.GetCurrentHash());

    private void Hash(params long[] values)
    {
        Count++;
        foreach (var value in values)
        {
            _hash.AppendData(BitConverter.GetBytes(value));
        }
    }
}
