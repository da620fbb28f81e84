using BenchmarkDotNet.Running;
using PinnacleMM.Benchmarks.Latency;

// `latency [operations]` runs the per-operation latency harness; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "latency")
{
    return LatencyHarness.Run(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(LatencyHarness).Assembly).Run(args);
return 0;
