using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.SampleHost.Session;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// What the command line changes in the packages' options (after the configuration is bound), and the one monotonic
/// clock the strategy and the engine share: <c>--seed</c> and <c>--speed</c> go to the simulator; the simulator's time
/// mode (or a replay) decides how the engine runs; the Coinbase and recording connectors (<see cref="SessionVenue"/>).
/// </summary>
internal static class SessionModeRegistration
{
    public static IServiceCollection AddSessionMode(this IServiceCollection services, SessionCommandLine commandLine)
    {
        // Registered after AddPinnacleMMExchange: its post-configuration (the instrument) runs first.
        services.AddOptions<ExchangeSimulatorOptions>().PostConfigure(simulator =>
        {
            if (commandLine.Seed is { } seed)
            {
                simulator.Seed = seed;
            }

            if (commandLine.VirtualTime)
            {
                simulator.TimeMode = SimulatorTimeMode.Virtual;
            }
            else if (commandLine.Speed is { } speed)
            {
                simulator.TimeMode = SimulatorTimeMode.RealTime;
                simulator.Speed = speed;
            }

            // In real time the engine measures tick-to-quote from the moment an event reaches it; in virtual time
            // events carry the virtual time, which keeps the run deterministic.
            simulator.ReceiveClock = simulator.TimeMode == SimulatorTimeMode.RealTime ? MonotonicClock.System : null;
        });

        services.AddOptions<TradingEngineOptions>()
            .PostConfigure<IOptions<ExchangeSimulatorOptions>, IOptions<BasicMarketMakerOptions>>((engine, simulatorOptions, basicOptions) =>
            {
                ExchangeSimulatorOptions simulator;
                BasicMarketMakerOptions basic;
                try
                {
                    simulator = simulatorOptions.Value;
                    basic = basicOptions.Value;
                }
                catch (OptionsValidationException)
                {
                    // Reported by their own validation; the engine's settings are still checked, so that one start
                    // lists every problem instead of hiding the engine's behind the simulator's or the strategy's.
                    return;
                }

                if (engine.Orders is null)
                {
                    return; // Refused by the engine options' validation, naming the field.
                }

                // Virtual time: every stage on the simulator's thread, the clock moved by the events (deterministic).
                // Real time: the threads of a live engine. On a machine with two cores or fewer the strategy thread
                // sends the commands itself: a separate execution thread would share a core with the market data
                // thread, and the hand-off to it was most of the tick-to-quote time (benchmarks/results/engine.md).
                var virtualTime = EventsDriveClock(commandLine, simulator);
                engine.Threading = virtualTime
                    ? EngineThreading.Inline
                    : Environment.ProcessorCount <= 2 ? EngineThreading.ThreadedDirectSend : EngineThreading.Threaded;
                engine.ClockFollowsEvents = virtualTime;

                // Rate limits count wall-clock time; in virtual time a market minute passes in a fraction of a second,
                // so they would refuse orders depending on the machine's speed and break determinism.
                engine.Orders = engine.Orders with { EnforceRateLimits = !virtualTime };
                if (commandLine.Strategy == StrategyKind.Basic)
                {
                    // The basic strategy's order timeout, cancel retry and refresh tolerance drive the reconciler.
                    engine.Orders = engine.Orders with { Reconciler = basic.ToReconcilerOptions() };
                }
            });

        // One clock for the strategy and the engine: the system's in real time, one moved by the events in virtual time.
        services.TryAddSingleton<MonotonicClock>(sp =>
            EventsDriveClock(commandLine, sp.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value)
                ? new ManualMonotonicClock()
                : MonotonicClock.System);

        // Coinbase (paper or live) and --record: the venue's connectors instead of the simulator's.
        SessionVenue.Register(services, commandLine);
        return services;
    }

    /// <summary>
    /// Whether the engine runs inline with its feed on a clock moved by the events (deterministic): the simulator in
    /// virtual time, or a replay (the recorded times). A live feed runs the threaded engine on the system clock.
    /// </summary>
    public static bool EventsDriveClock(SessionCommandLine commandLine, ExchangeSimulatorOptions simulator) =>
        commandLine.Exchange == ExchangeKind.Simulator ? simulator.TimeMode == SimulatorTimeMode.Virtual : commandLine.ReplayDrivesClock;
}
