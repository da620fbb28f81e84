using System.Diagnostics;
using System.Globalization;
using PinnacleMM.Benchmarks.Engine;
using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Benchmarks.Rings;

/// <summary>
/// The hop between two cores through an <see cref="SpscRing{T}"/>, as the trading engine's strategy thread sees it: a
/// producer pinned to CPU 0 stamps a 64-byte item and writes it, one every 30 µs (paced by spinning, so that no wake-up
/// is measured); a consumer pinned to the last CPU polls two rings and reads the clock each round, as the engine's
/// loop does, and pauses with <see cref="Thread.SpinWait(int)"/> between idle rounds. The latency is stamp to take.
/// The pause lengths given are run in turn, round after round, so that each sees the same machine.
/// Usage: <c>ring-hop [items per run] [rounds] [spins...]</c>, e.g. <c>ring-hop 200000 3 1 8</c>.
/// </summary>
public static class RingHopHarness
{
    private const long GapNanoseconds = 30_000;

    /// <summary>Runs the harness; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        var spins = args.Length > 2 ? args[2..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 8];
        if (items <= 0 || rounds <= 0 || spins.Any(s => s < 0) || Environment.ProcessorCount < 2)
        {
            Console.Error.WriteLine("usage: ring-hop [items per run > 0] [rounds > 0] [SpinWait iterations >= 0 ...]; needs 2 CPUs");
            return 2;
        }

        Console.WriteLine("| SpinWait | published by | round | items | p50 | p90 | p99 |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var spin in spins)
        {
            foreach (var tagged in (ReadOnlySpan<bool>)[false, true])
            {
                _ = Measure(Math.Min(items, 20_000), spin, tagged); // warm-up (tiered JIT)
            }
        }

        for (var round = 1; round <= rounds; round++)
        {
            foreach (var spin in spins)
            {
                foreach (var tagged in (ReadOnlySpan<bool>)[false, true])
                {
                    var sorted = Measure(items, spin, tagged);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {spin} | {(tagged ? "slot tag" : "cursor")} | {round} | {sorted.Length:N0} | {Ns(sorted, 0.50)} ns | {Ns(sorted, 0.90)} ns | {Ns(sorted, 0.99)} ns |"));
                }
            }
        }

        return 0;
    }

    private static long Ns(long[] sorted, double quantile) =>
        (long)(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))] * (1e9 / Stopwatch.Frequency));

    private static long[] Measure(int items, int spin, bool tagged)
    {
        // Tagged: the ring publishes each item in its slot, with a byte of the padding as the tag.
        var ring = new SpscRing<Item>(4096, WaitStrategy.BusySpin, tagged ? 0 : null);
        var other = new SpscRing<Item>(4096, WaitStrategy.BusySpin);
        var latencies = new long[items];
        var done = 0;
        var consumer = new Thread(() =>
        {
            EngineLatencyHarness.PinToCpu(Environment.ProcessorCount - 1);
            var handler = new Recorder(latencies);
            var none = new Recorder([]);
            while (Volatile.Read(ref done) == 0)
            {
                var work = other.Drain(ref none, 256) + ring.Drain(ref handler, 256);
                _ = Stopwatch.GetTimestamp();
                if (work == 0)
                {
                    Thread.SpinWait(spin);
                }
            }
        })
        { IsBackground = true, Name = "ring-hop consumer" };
        consumer.Start();
        var producer = new Thread(() =>
        {
            EngineLatencyHarness.PinToCpu(0);
            var gap = GapNanoseconds * Stopwatch.Frequency / 1_000_000_000;
            for (var i = 0; i < items; i++)
            {
                var start = Stopwatch.GetTimestamp();
                while (Stopwatch.GetTimestamp() - start < gap)
                {
                    Thread.SpinWait(20);
                }

                ring.Write(new Item { Stamp = Stopwatch.GetTimestamp() });
            }
        })
        { Name = "ring-hop producer" };
        producer.Start();
        producer.Join();
        while (ring.Count > 0)
        {
            Thread.Sleep(1);
        }

        Volatile.Write(ref done, 1);
        consumer.Join();
        Array.Sort(latencies);
        return latencies;
    }

    /// <summary>The size of a market event: one cache line.</summary>
    private struct Item
    {
#pragma warning disable CS0649 // padding to a market event's 64 bytes
        public long A, B, C, D, E, F, G;
#pragma warning restore CS0649
        public long Stamp;
    }

    private struct Recorder(long[] latencies) : IRingHandler<Item>
    {
        private int _count;

        public void OnItem(in Item item, long sequence, bool endOfBatch) => latencies[_count++] = Stopwatch.GetTimestamp() - item.Stamp;
    }
}
