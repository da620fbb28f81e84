using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Benchmarks.Rings;

/// <summary>
/// <see cref="Producers"/> producer threads to one consumer (the benchmark thread), <see cref="Messages"/>
/// messages per invocation in total; the reported time is per message.
/// </summary>
[MemoryDiagnoser]
public class MpscRingBenchmarks
{
    public const int Messages = 1 << 17;
    private const int Producers = 2;
    private const int PerProducer = Messages / Producers;
    private const int Capacity = 4096;
    private const int Batch = 64;

    private Channel<MarketMessage> _channel = null!;
    private MpscRing<MarketMessage> _ring = null!;
    private ProducerThreads _producers = null!;

    [GlobalSetup(Target = nameof(Channel_MultiWriter))]
    public void SetupChannel()
    {
        _channel = System.Threading.Channels.Channel.CreateBounded<MarketMessage>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var writer = _channel.Writer;
        _producers = new ProducerThreads(Producers, _ =>
        {
            for (long i = 0; i < PerProducer; i++)
            {
                ChannelSync.Write(writer, new MarketMessage(i));
            }
        });
    }

    [GlobalSetup(Target = nameof(MpscRing_Yielding))]
    public void SetupYielding() => StartSingle(WaitStrategy.Yielding);

    [GlobalSetup(Target = nameof(MpscRing_Blocking))]
    public void SetupBlocking() => StartSingle(WaitStrategy.Blocking);

    [GlobalSetup(Target = nameof(MpscRing_Batched_Yielding))]
    public void SetupBatched()
    {
        var ring = _ring = new MpscRing<MarketMessage>(Capacity, WaitStrategy.Yielding);
        _producers = new ProducerThreads(Producers, _ =>
        {
            Span<MarketMessage> batch = stackalloc MarketMessage[Batch];
            for (long i = 0; i < PerProducer; i += Batch)
            {
                for (var j = 0; j < Batch; j++)
                {
                    batch[j] = new MarketMessage(i + j);
                }

                ring.WriteBatch(batch);
            }
        });
    }

    [GlobalCleanup]
    public void Cleanup() => _producers.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public long Channel_MultiWriter()
    {
        _producers.Go();
        var reader = _channel.Reader;
        long sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            sum += ChannelSync.Read(reader).Price;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long MpscRing_Yielding() => ConsumeSingle();

    [Benchmark(OperationsPerInvoke = Messages)]
    public long MpscRing_Blocking() => ConsumeSingle();

    [Benchmark(OperationsPerInvoke = Messages)]
    public long MpscRing_Batched_Yielding()
    {
        _producers.Go();
        var ring = _ring;
        var handler = default(SumHandler);
        var received = 0;
        while (received < Messages)
        {
            ring.WaitToRead();
            received += ring.Drain(ref handler, 256);
        }

        return handler.Sum;
    }

    private void StartSingle(WaitStrategy strategy)
    {
        var ring = _ring = new MpscRing<MarketMessage>(Capacity, strategy);
        _producers = new ProducerThreads(Producers, _ =>
        {
            for (long i = 0; i < PerProducer; i++)
            {
                ring.Write(new MarketMessage(i));
            }
        });
    }

    private long ConsumeSingle()
    {
        _producers.Go();
        var ring = _ring;
        long sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            ring.Read(out var message);
            sum += message.Price;
        }

        return sum;
    }
}
