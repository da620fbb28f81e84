using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Benchmarks.Rings;

/// <summary>
/// One producer thread to one consumer (the benchmark thread), <see cref="Messages"/> 32-byte messages
/// per invocation; with <c>OperationsPerInvoke</c> the reported time is per message.
/// </summary>
[MemoryDiagnoser]
public class SpscRingBenchmarks
{
    public const int Messages = 1 << 17;
    private const int Capacity = 4096;
    private const int Batch = 64;

    private Channel<MarketMessage> _channel = null!;
    private SpscRing<MarketMessage> _busySpin = null!;
    private SpscRing<MarketMessage> _yielding = null!;
    private SpscRing<MarketMessage> _blocking = null!;
    private SpscRing<MarketMessage> _batched = null!;
    private ProducerThreads _producer = null!;

    [GlobalSetup(Target = nameof(Channel))]
    public void SetupChannel()
    {
        _channel = System.Threading.Channels.Channel.CreateBounded<MarketMessage>(new BoundedChannelOptions(Capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var writer = _channel.Writer;
        _producer = new ProducerThreads(1, _ =>
        {
            for (long i = 0; i < Messages; i++)
            {
                ChannelSync.Write(writer, new MarketMessage(i));
            }
        });
    }

    [GlobalSetup(Target = nameof(SpscRing_BusySpin))]
    public void SetupBusySpin() => _busySpin = StartSingle(WaitStrategy.BusySpin);

    [GlobalSetup(Target = nameof(SpscRing_Yielding))]
    public void SetupYielding() => _yielding = StartSingle(WaitStrategy.Yielding);

    [GlobalSetup(Target = nameof(SpscRing_Blocking))]
    public void SetupBlocking() => _blocking = StartSingle(WaitStrategy.Blocking);

    [GlobalSetup(Target = nameof(SpscRing_Batched_Yielding))]
    public void SetupBatched()
    {
        var ring = _batched = new SpscRing<MarketMessage>(Capacity, WaitStrategy.Yielding);
        _producer = new ProducerThreads(1, _ =>
        {
            Span<MarketMessage> batch = stackalloc MarketMessage[Batch];
            for (long i = 0; i < Messages; i += Batch)
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
    public void Cleanup() => _producer.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public long Channel()
    {
        _producer.Go();
        var reader = _channel.Reader;
        long sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            sum += ChannelSync.Read(reader).Price;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = Messages)]
    public long SpscRing_BusySpin() => ConsumeSingle(_busySpin);

    [Benchmark(OperationsPerInvoke = Messages)]
    public long SpscRing_Yielding() => ConsumeSingle(_yielding);

    [Benchmark(OperationsPerInvoke = Messages)]
    public long SpscRing_Blocking() => ConsumeSingle(_blocking);

    [Benchmark(OperationsPerInvoke = Messages)]
    public long SpscRing_Batched_Yielding()
    {
        _producer.Go();
        var ring = _batched;
        var handler = default(SumHandler);
        var received = 0;
        while (received < Messages)
        {
            ring.WaitToRead();
            received += ring.Drain(ref handler, 256);
        }

        return handler.Sum;
    }

    private SpscRing<MarketMessage> StartSingle(WaitStrategy strategy)
    {
        var ring = new SpscRing<MarketMessage>(Capacity, strategy);
        _producer = new ProducerThreads(1, _ =>
        {
            for (long i = 0; i < Messages; i++)
            {
                ring.Write(new MarketMessage(i));
            }
        });
        return ring;
    }

    private long ConsumeSingle(SpscRing<MarketMessage> ring)
    {
        _producer.Go();
        long sum = 0;
        for (var i = 0; i < Messages; i++)
        {
            ring.Read(out var message);
            sum += message.Price;
        }

        return sum;
    }
}
