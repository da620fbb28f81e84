using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using PinnacleMM.Core.Concurrency;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.Persistence;
using static PinnacleMM.Benchmarks.Engine.EngineBenchmarkQuoter;

namespace PinnacleMM.Benchmarks.Engine;

/// <summary>
/// Tick-to-quote through the threaded engine with the simulator, paced like a live feed: a producer thread (the
/// "market data thread") advances the simulator's virtual time to the real elapsed time and delivers what is due
/// into the engine, then sleeps (about 50-100 µs on Linux, no spinning) before the next small burst. The engine's
/// strategy, execution and persistence threads run as configured for a 2-core machine (see
/// <see cref="TradingEngineOptions"/>); every market event and order activity is journaled to a temporary
/// directory. The engine's own histogram measures each command from the receipt of the market event that caused
/// it to its hand-over to the simulator ("market event in → order command out"). The last three columns: how often
/// the strategy thread's loop took a turn over 10 µs (<see cref="TradingEngine.SlowCycles"/>); the share of the
/// measured commands whose latency overlapped such a turn (<see cref="TradingEngine.CommandsAfterSlowCycle"/>), which
/// when over 1 % means the p99 is set by the machine pausing the thread, not by the engine's work; and p50 / p99 of
/// the other commands (<see cref="TradingEngine.TickToQuoteWithoutSlowCycles"/>).
/// The <c>Inline</c> mode runs every stage on the market data thread: the work without the hand-offs.
/// A mode <c>S/E</c> sets the strategy thread's and the execution thread's wait strategies; <c>BusySpin</c> alone means
/// <c>BusySpin/Yielding</c>. <c>S/Direct</c> is <see cref="EngineThreading.ThreadedDirectSend"/>: no execution thread, the
/// strategy thread (waiting with S) sends itself. A <c>+pin</c> suffix pins the strategy thread to the last CPU
/// (<see cref="TradingEngineOptions.StrategyThreadCpu"/>) and the market data thread to CPU 0.
/// Usage: <c>engine-latency [events] [BusySpin|Yielding|Blocking|S/E|S/Direct|Inline|all] [eventsPerSecond] [runs]</c>.
/// </summary>
public static partial class EngineLatencyHarness
{

    /// <summary>The reference mode: every stage on the market data thread (no hand-off, only the work).</summary>
    private const string InlineMode = "Inline";

    /// <summary>The execution part of a mode that has no execution thread (the strategy thread sends).</summary>
    private const string DirectSend = "Direct";

    /// <summary>The suffix of a mode whose strategy thread and market data thread are pinned to CPUs of their own.</summary>
    private const string PinSuffix = "+pin";

    public static int Run(string[] args)
    {
        var events = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var modes = args.Length > 1 && !args[1].Equals("all", StringComparison.OrdinalIgnoreCase)
            ? [Normalize(args[1])]
            : new[] { Normalize("BusySpin"), Normalize("Yielding"), Normalize("Blocking"), Normalize("BusySpin/Direct"), Normalize("BusySpin/Direct+pin"), Normalize("Yielding/Direct"), InlineMode };
        var rate = args.Length > 2 ? double.Parse(args[2], CultureInfo.InvariantCulture) : 20_000;
        var runs = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
        if (events <= 0 || rate <= 0 || runs <= 0)
        {
            Console.Error.WriteLine("usage: engine-latency [events > 0] [BusySpin|Yielding|Blocking|<strategy>/<execution>|<strategy>/Direct|Inline|all] [eventsPerSecond > 0] [runs > 0]");
            return 2;
        }

        Console.WriteLine($"nproc {Environment.ProcessorCount}, {CpuModel()}; target {rate:N0} market events/s, {events:N0} measured events per run");

        // Warm-up (tiered compilation, PGO): a short run whose numbers are thrown away.
        foreach (var mode in modes)
        {
            RunOnce(Math.Min(events, 40_000), mode, rate, print: false);
        }

        var report = new StringBuilder();
        report.AppendLine("| mode | run | load avg (1 min) before | market events | events/s | commands | p50 | p90 | p99 | p99.9 | max | CPU (cores busy) | gen-0 GCs | slow turns/s | commands after a slow turn | p50 / p99 without them |");
        report.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        for (var run = 1; run <= runs; run++)
        {
            foreach (var mode in modes)
            {
                var line = RunOnce(events, mode, rate, print: true, run);
                report.AppendLine(line);
            }
        }

        Console.WriteLine();
        Console.WriteLine(report.ToString());
        return 0;
    }

    private static string RunOnce(int events, string mode, double rate, bool print, int run = 0)
    {
        var inline = mode == InlineMode;
        var pinned = mode.EndsWith(PinSuffix, StringComparison.Ordinal);
        var parts = mode.Replace(PinSuffix, "", StringComparison.Ordinal).Split('/');
        var direct = !inline && parts[1] == DirectSend;
        var load = LoadAverage();
        var directory = Path.Combine(Path.GetTempPath(), "pinnaclemm-engine-latency-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            using var persistence = new PersistenceManager(new PersistenceOptions { DataDirectory = directory, SnapshotIntervalMin = 0 });
            var simulator = new ExchangeSimulator(MarketOptions(rate));
            var strategyOptions = StrategyOptions();
            var strategy = Strategy(strategyOptions);
            var engine = new TradingEngine(
                new TradingEngineOptions
                {
                    Threading = inline ? EngineThreading.Inline : direct ? EngineThreading.ThreadedDirectSend : EngineThreading.Threaded,
                    WaitStrategy = inline ? WaitStrategy.Yielding : Enum.Parse<WaitStrategy>(parts[0]),
                    ExecutionWaitStrategy = inline || direct ? null : Enum.Parse<WaitStrategy>(parts[1]),
                    SnapshotInterval = TimeSpan.Zero,
                    StrategyThreadCpu = pinned ? Environment.ProcessorCount - 1 : null,
                    Orders = new OrderManagerOptions { Reconciler = strategyOptions.ToReconcilerOptions() },
                },
                strategy,
                Id,
                simulator,
                simulator,
                persistence);
            engine.StartAsync().GetAwaiter().GetResult();

            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var gcBefore = GC.CollectionCount(0);
            var started = Stopwatch.GetTimestamp();
            var producer = new Thread(() => Produce(simulator, engine, events, pinned)) { Name = "market data (harness)", IsBackground = true };
            producer.Start();
            producer.Join();
            var elapsed = Stopwatch.GetElapsedTime(started);
            process.Refresh();
            var cpu = process.TotalProcessorTime - cpuBefore;
            var collections = GC.CollectionCount(0) - gcBefore;
            var processed = engine.MarketEventsProcessed;
            var stopping = engine.StopAsync();
            while (inline && !stopping.IsCompleted)
            {
                // Inline: the caller drives the venue until the cancels of the stop are confirmed.
                simulator.RunFor(TimeSpan.FromMilliseconds(1));
                SleepBriefly();
            }

            stopping.GetAwaiter().GetResult();
            var p = engine.TickToQuote.GetPercentiles();
            var commands = engine.Status.OrdersSent;
            var slowTurns = inline ? "-" : string.Create(CultureInfo.InvariantCulture, $"{engine.SlowCycles / elapsed.TotalSeconds:N0}");
            var afterSlowTurn = inline ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * engine.CommandsAfterSlowCycle / Math.Max(1, engine.TickToQuote.Count):F1} %");
            var steady = engine.TickToQuoteWithoutSlowCycles.GetPercentiles();
            var withoutSlowTurns = inline ? "-" : $"{Micros(steady.P50)} / {Micros(steady.P99)}";
            engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            simulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
            var line = string.Create(
                CultureInfo.InvariantCulture,
                $"| {mode} | {run} | {load} | {processed:N0} | {processed / elapsed.TotalSeconds:N0} | {commands:N0} | {Micros(p.P50)} | {Micros(p.P90)} | {Micros(p.P99)} | {Micros(p.P999)} | {Micros(p.Max)} | {cpu.TotalSeconds / elapsed.TotalSeconds:F2} | {collections} | {slowTurns} | {afterSlowTurn} | {withoutSlowTurns} |");
            if (print)
            {
                Console.WriteLine(line);
            }

            return line;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// The market data thread: keeps the simulator's virtual time at the real elapsed time, delivering whatever is
    /// due, and sleeps between steps instead of spinning, until the engine has processed <paramref name="events"/>.
    /// </summary>
    private static void Produce(ExchangeSimulator simulator, TradingEngine engine, int events, bool pinned)
    {
        if (pinned)
        {
            PinToCpu(0);
        }

        var clock = MonotonicClock.System;
        var virtualStart = simulator.NowNanoseconds;
        var realStart = clock.NowNanoseconds;
        var target = engine.MarketEventsProcessed + events;
        while (engine.MarketEventsProcessed < target)
        {
            simulator.RunUntil(virtualStart + (clock.NowNanoseconds - realStart));
            SleepBriefly();
        }
    }

    private static void SleepBriefly()
    {
        if (OperatingSystem.IsLinux())
        {
            // 20 µs asked; the kernel's timer slack (50 µs) makes it roughly 60-100 µs.
            _ = Usleep(20);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>Pins the calling thread to <paramref name="cpu"/> (Linux).</summary>
    internal static void PinToCpu(int cpu)
    {
        var mask = 1UL << cpu;
        if (SchedSetAffinity(0, sizeof(ulong), ref mask) != 0)
        {
            throw new InvalidOperationException($"sched_setaffinity(CPU {cpu}) failed.");
        }
    }

    [LibraryImport("libc", EntryPoint = "sched_setaffinity")]
    private static partial int SchedSetAffinity(int pid, nuint size, ref ulong mask);

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int Usleep(uint microseconds);

    private static ExchangeSimulatorOptions MarketOptions(double rate)
    {
        // Participant rates scaled so that the market events (book changes and trades) come at about `rate` per
        // second; the measured rate is printed.
        var options = new ExchangeSimulatorOptions
        {
            Instrument = Instrument,
            InstrumentId = Id,
            Seed = 17,
            InitialPrice = 100m,
            InitialQuoteBalance = 1_000_000_000m,
            InitialBaseBalance = 1_000_000m,
            ReceiveClock = MonotonicClock.System,
            Latency = { OrderEntry = TimeSpan.FromMicroseconds(100), MarketData = TimeSpan.FromMicroseconds(100) },
        };
        options.Makers.RatePerSecond = rate * 0.4;
        options.Makers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 20, MaxLots = 200 };
        options.Takers.RatePerSecond = rate * 0.05;
        options.Takers.Size = new SizeDistribution { Kind = SizeDistributionKind.Uniform, MinLots = 10, MaxLots = 60 };
        options.NoiseTraders.RatePerSecond = rate * 0.4;
        return options;
    }

    /// <summary>
    /// "strategy/execution" wait strategies. A bare name is the 2-core configuration: a busy-spinning strategy thread
    /// with a yielding execution thread (two spinning threads plus the market data thread need three cores); the
    /// yielding and blocking engines use their strategy for both threads.
    /// </summary>
    private static string Normalize(string mode)
    {
        if (mode.Equals(InlineMode, StringComparison.OrdinalIgnoreCase))
        {
            return InlineMode;
        }

        if (mode.EndsWith(PinSuffix, StringComparison.OrdinalIgnoreCase))
        {
            return Normalize(mode[..^PinSuffix.Length]) + PinSuffix;
        }

        var parts = mode.Split('/');
        var strategy = Enum.Parse<WaitStrategy>(parts[0], ignoreCase: true);
        if (parts.Length > 1 && parts[1].Equals(DirectSend, StringComparison.OrdinalIgnoreCase))
        {
            return $"{strategy}/{DirectSend}";
        }

        var execution = parts.Length > 1 ? Enum.Parse<WaitStrategy>(parts[1], ignoreCase: true)
            : strategy == WaitStrategy.BusySpin ? WaitStrategy.Yielding : strategy;
        return $"{strategy}/{execution}";
    }

    private static string Micros(long nanoseconds) => nanoseconds < 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1000.0:0.0} µs")
        : string.Create(CultureInfo.InvariantCulture, $"{nanoseconds / 1_000_000.0:0.00} ms");

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "CPU model unknown";
        }
        catch (IOException)
        {
            return "CPU model unknown";
        }
    }
}
