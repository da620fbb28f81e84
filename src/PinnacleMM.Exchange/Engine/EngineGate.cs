using System.Runtime.InteropServices;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// What the connectors' threads read on every event they deliver to the engine (its state, whether it runs inline),
/// on a cache line of its own. Among the engine's other fields these would share a line with counters and flags the
/// strategy thread writes on every event: each delivery would then take the line from the strategy thread's core, and
/// the strategy thread's next write would take it back, two cross-core transfers per market event on the
/// tick-to-quote path.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal struct EngineGate
{
    /// <summary>0 created, 1 running, 2 stopping, 3 stopped.</summary>
    [FieldOffset(64)]
    public int State;

    /// <summary>Every stage runs on the connectors' threads (<see cref="EngineThreading.Inline"/>); set once, at construction.</summary>
    [FieldOffset(68)]
    public bool Inline;
}
