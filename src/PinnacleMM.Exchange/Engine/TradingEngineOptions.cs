using PinnacleMM.Core.Concurrency;
using PinnacleMM.Exchange.Execution;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// Settings of a <see cref="TradingEngine"/>. Settable properties so they bind from configuration
/// (the <c>Engine</c> sub-section of <c>AddPinnacleMMExchange(configuration)</c>); <see cref="Validate"/> lists
/// every broken rule, naming the field.
/// </summary>
public sealed class TradingEngineOptions
{
    /// <summary>
    /// Dedicated threads with an execution thread (<see cref="EngineThreading.Threaded"/>, default: for connectors whose
    /// send does I/O, with 4 or more cores), dedicated threads where the strategy thread sends itself
    /// (<see cref="EngineThreading.ThreadedDirectSend"/>: 2-core machines, connectors that send synchronously), or
    /// everything on the connector's thread (<see cref="EngineThreading.Inline"/>: deterministic research).
    /// </summary>
    public EngineThreading Threading { get; set; } = EngineThreading.Threaded;

    /// <summary>
    /// How the strategy thread (and, unless <see cref="ExecutionWaitStrategy"/> says otherwise, the execution
    /// thread) waits for work: <see cref="WaitStrategy.BusySpin"/> for the lowest latency on a dedicated core,
    /// <see cref="WaitStrategy.Yielding"/> (default) for a shared machine, <see cref="WaitStrategy.Blocking"/> to use
    /// no CPU while idle.
    /// </summary>
    public WaitStrategy WaitStrategy { get; set; } = WaitStrategy.Yielding;

    /// <summary>
    /// How the execution thread waits for commands; null (default) means the same as <see cref="WaitStrategy"/>. Only
    /// <see cref="EngineThreading.Threaded"/> has an execution thread: set with another layout it is refused.
    /// On a machine with fewer cores than spinning threads (2 cores: the market data thread, the strategy thread
    /// and the execution thread), pair <see cref="WaitStrategy"/> = <see cref="WaitStrategy.BusySpin"/> with
    /// <see cref="WaitStrategy.Yielding"/> here: only the strategy thread keeps a core, the execution thread still
    /// picks a command up within a microsecond or so but gives its core to the market data thread whenever that one
    /// has work, and the strategy thread's hand-off stays a plain ring write (only <see cref="WaitStrategy.Blocking"/>
    /// makes each hand-off pay a memory fence, and a wake-up when the execution thread sleeps).
    /// </summary>
    public WaitStrategy? ExecutionWaitStrategy { get; set; }

    /// <summary>
    /// How the persistence and monitoring thread waits (it is off the latency path). <see cref="WaitStrategy.Blocking"/>
    /// (default) polls every millisecond without being signalled, so the strategy thread never pays for waking it.
    /// </summary>
    public WaitStrategy PersistenceWaitStrategy { get; set; } = WaitStrategy.Blocking;

    /// <summary>
    /// The CPU the strategy thread is pinned to (Linux only); null (default) lets the scheduler place it. On a small
    /// machine a busy-spinning strategy thread is otherwise often preempted by the market data thread waking up on
    /// its core, and each market event then waits for that thread's burst to end: pin the strategy thread to one CPU
    /// and keep the market data thread off it. Threaded layouts only.
    /// </summary>
    public int? StrategyThreadCpu { get; set; }

    /// <summary>
    /// With <see cref="WaitStrategy"/> = <see cref="WaitStrategy.BusySpin"/>: how often the idle strategy thread runs
    /// the requote path dry (<see cref="Execution.OrderManager.WarmUp"/>), so that a decision after a quiet spell does
    /// not first fetch its code and data from memory; zero for never. 1 µs to 1 s, or zero. Default 10 µs. A dry run
    /// sends, records and counts nothing; an event that arrives during one waits for it (a few hundred nanoseconds).
    /// Other wait strategies give their idle time away and never run it.
    /// </summary>
    public TimeSpan WarmUpInterval { get; set; } = TimeSpan.FromMicroseconds(10);

    /// <summary>
    /// A turn of the strategy thread's loop that takes longer than this is counted as slow
    /// (<see cref="TradingEngine.SlowCycles"/>), and every command whose tick-to-quote it overlapped as delayed by one
    /// (<see cref="TradingEngine.CommandsAfterSlowCycle"/>). A turn is one look at the rings plus whatever work it found:
    /// a few microseconds at most, so a slow one almost always means the thread was not running (preempted,
    /// interrupted, the machine paused) or a snapshot or stop. 1 µs to 1 s; default 10 µs. Threaded layouts on a real
    /// clock only (not a <see cref="PinnacleMM.Core.Time.ManualMonotonicClock"/>); with a wait strategy other than
    /// <see cref="WaitStrategy.BusySpin"/> a turn that waited for work is not measured, since it gave its time away.
    /// </summary>
    public TimeSpan SlowCycleThreshold { get; set; } = TimeSpan.FromMicroseconds(10);

    /// <summary>
    /// How long a venue level may disagree with what our orders there should show before the engine takes our part of
    /// it as settled (1 ms to 1 minute; default 1 s). The strategy sees each level without our own orders; the engine
    /// follows our part of a level through the feed's own updates, which is exact when the feed shows each of our
    /// changes separately. A change the feed never shows on its own (netted with other participants' changes in one
    /// batched update) is taken as shown after this time. Longer than the feed's batching interval and its lag behind
    /// the order-entry answers.
    /// </summary>
    public TimeSpan OwnOrderFeedGrace { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Slots of the market data ring (a power of two, 16 to 1,048,576). Default 65,536.</summary>
    public int MarketDataRingCapacity { get; set; } = 65_536;

    /// <summary>Slots of the execution event ring and of the command ring (a power of two, 16 to 1,048,576). Default 4,096.</summary>
    public int OrderRingCapacity { get; set; } = 4_096;

    /// <summary>Slots of the ring to the persistence thread (a power of two, 16 to 1,048,576). Default 65,536.</summary>
    public int JournalRingCapacity { get; set; } = 65_536;

    /// <summary>How often the strategy's timer runs (marks the position, checks order timeouts, resends cancels). 1 ms to 1 min. Default 100 ms.</summary>
    public TimeSpan TimerInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often a snapshot of the engine's state is taken (with persistence); zero for none but the final one at stop; at most 1 day. Default 1 min.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long <see cref="TradingEngine.StopAsync"/> waits for the cancels of open orders to be confirmed. 0 to 5 min. Default 5 s.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Inline mode only: the engine's clock must be a <c>ManualMonotonicClock</c>, which the engine moves to each
    /// event's receive time, so that the strategy and the order manager live in the venue's virtual time (the
    /// simulator without a receive clock stamps events with virtual time). Default false.
    /// </summary>
    public bool ClockFollowsEvents { get; set; }

    /// <summary>Whether every market event is journaled (order activities always are). Default true.</summary>
    public bool JournalMarketData { get; set; } = true;

    /// <summary>The name written as the actor of audit events. Default <c>engine</c>.</summary>
    public string AuditActor { get; set; } = "engine";

    /// <summary>How orders are reconciled, timed out and checked.</summary>
    public OrderManagerOptions Orders { get; set; } = new();

    /// <summary>Reconciliation after a reconnect and resync after a market data gap.</summary>
    public EngineResilienceOptions Resilience { get; set; } = new();

    /// <summary>Every broken rule, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Threading))
        {
            errors.Add($"Threading: {Threading} is not a defined value.");
        }

        if (!Enum.IsDefined(WaitStrategy))
        {
            errors.Add($"WaitStrategy: {WaitStrategy} is not a defined value.");
        }

        if (ExecutionWaitStrategy is { } execution && !Enum.IsDefined(execution))
        {
            errors.Add($"ExecutionWaitStrategy: {execution} is not a defined value (BusySpin, Yielding, Blocking, or null for the WaitStrategy's).");
        }
        else if (ExecutionWaitStrategy is not null && Threading != EngineThreading.Threaded)
        {
            errors.Add($"ExecutionWaitStrategy: must be null with Threading = {Threading} (only Threaded has an execution thread).");
        }

        if (!Enum.IsDefined(PersistenceWaitStrategy))
        {
            errors.Add($"PersistenceWaitStrategy: {PersistenceWaitStrategy} is not a defined value.");
        }

        if (StrategyThreadCpu is { } cpu)
        {
            if (Threading == EngineThreading.Inline)
            {
                errors.Add("StrategyThreadCpu: must be null with Threading = Inline (there is no strategy thread).");
            }
            else if (!OperatingSystem.IsLinux())
            {
                errors.Add("StrategyThreadCpu: pinning a thread is supported on Linux only.");
            }
            else if (cpu < 0 || cpu >= Math.Min(Environment.ProcessorCount, ThreadAffinity.MaxCpus))
            {
                errors.Add($"StrategyThreadCpu: {cpu} must be from 0 to {Math.Min(Environment.ProcessorCount, ThreadAffinity.MaxCpus) - 1} (the CPUs of this machine).");
            }
        }

        if (OwnOrderFeedGrace < TimeSpan.FromMilliseconds(1) || OwnOrderFeedGrace > TimeSpan.FromMinutes(1))
        {
            errors.Add($"OwnOrderFeedGrace: {OwnOrderFeedGrace} must be from 1 ms to 1 minute.");
        }

        Capacity(errors, nameof(MarketDataRingCapacity), MarketDataRingCapacity);
        Capacity(errors, nameof(OrderRingCapacity), OrderRingCapacity);
        Capacity(errors, nameof(JournalRingCapacity), JournalRingCapacity);
        if (TimerInterval < TimeSpan.FromMilliseconds(1) || TimerInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add($"TimerInterval: {TimerInterval} must be from 1 ms to 1 min.");
        }

        if (WarmUpInterval != TimeSpan.Zero && (WarmUpInterval < TimeSpan.FromMicroseconds(1) || WarmUpInterval > TimeSpan.FromSeconds(1)))
        {
            errors.Add($"WarmUpInterval: {WarmUpInterval} must be from 1 µs to 1 s, or zero (never).");
        }

        if (SlowCycleThreshold < TimeSpan.FromMicroseconds(1) || SlowCycleThreshold > TimeSpan.FromSeconds(1))
        {
            errors.Add($"SlowCycleThreshold: {SlowCycleThreshold} must be from 1 µs to 1 s.");
        }

        if (SnapshotInterval < TimeSpan.Zero || SnapshotInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"SnapshotInterval: {SnapshotInterval} must be from 0 (only the final snapshot) to 1 day.");
        }

        if (StopTimeout < TimeSpan.Zero || StopTimeout > TimeSpan.FromMinutes(5))
        {
            errors.Add($"StopTimeout: {StopTimeout} must be from 0 to 5 min.");
        }

        if (ClockFollowsEvents && Threading != EngineThreading.Inline)
        {
            errors.Add("ClockFollowsEvents: only possible with Threading = Inline (threads cannot share a clock moved by events).");
        }

        if (string.IsNullOrWhiteSpace(AuditActor) || AuditActor.Length > 256)
        {
            errors.Add($"AuditActor: '{AuditActor}' must be 1 to 256 characters.");
        }

        if (Orders is null)
        {
            errors.Add("Orders: is required.");
        }
        else
        {
            foreach (var error in Orders.Validate())
            {
                errors.Add("Orders." + error);
            }
        }

        if (Resilience is null)
        {
            errors.Add("Resilience: is required.");
        }
        else
        {
            foreach (var error in Resilience.Validate())
            {
                errors.Add("Resilience." + error);
            }
        }

        return errors;
    }

    private static void Capacity(List<string> errors, string name, int value)
    {
        if (value < 16 || value > 1_048_576 || (value & (value - 1)) != 0)
        {
            errors.Add($"{name}: {value} must be a power of two from 16 to 1048576.");
        }
    }
}
