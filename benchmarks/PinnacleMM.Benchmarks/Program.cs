using BenchmarkDotNet.Running;
using PinnacleMM.Benchmarks.Engine;
using PinnacleMM.Benchmarks.Latency;
using PinnacleMM.Benchmarks.Persistence;
using PinnacleMM.Benchmarks.Rings;

// `latency [operations]` runs the order book's per-operation latency harness, `journal-latency [records]
// [rate]` the paced journal append latency harness; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "latency")
{
    return LatencyHarness.Run(args[1..]);
}

if (args.Length > 0 && args[0] == "journal-latency")
{
    return JournalLatencyHarness.Run(args[1..]);
}

// `recovery-cpu [rounds]`: RecoveryBenchmarks' two operations timed by wall clock and by thread CPU time.
if (args.Length > 0 && args[0] == "recovery-cpu")
{
    return RecoveryCpuHarness.Run(args[1..]);
}

// `engine-latency [events] [BusySpin|Yielding|Blocking|<strategy>/<execution>|Inline|all] [eventsPerSecond] [runs]`:
// tick-to-quote through the threaded engine with the simulator, fed by a paced (sleeping) market data thread.
if (args.Length > 0 && args[0] == "engine-latency")
{
    return EngineLatencyHarness.Run(args[1..]);
}

// `ring-hop [items] [rounds] [spins...]`: the hop between two pinned threads through an SpscRing, by idle pause length.
if (args.Length > 0 && args[0] == "ring-hop")
{
    return RingHopHarness.Run(args[1..]);
}

// `pauses [seconds] [threshold µs] [rounds]`: how often the machine stops a pinned, spinning thread per CPU (the
// floor under any latency tail).
if (args.Length > 0 && args[0] == "pauses")
{
    return MachinePauseHarness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LatencyHarness).Assembly).Run(args);
return 0;
