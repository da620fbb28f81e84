using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.SampleHost.Session;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>
/// The exchange layer of the sample: the traded instrument, the simulator's and the engine's options, bound from
/// <c>PinnacleMM:Exchange</c> (sub-sections <c>Instrument</c>, <c>Simulator</c>, <c>Engine</c>) and validated when the
/// host starts, and the monotonic clock the strategy and engine share.
/// </summary>
/// <remarks>
/// The Exchange package's own <c>AddPinnacleMMExchange</c> is not on this branch yet; this registration uses the
/// same section layout so that switching to it changes no configuration file.
/// </remarks>
internal static class SimulatedExchangeRegistration
{
    public const string SectionName = "PinnacleMM:Exchange";

    public static IServiceCollection AddSimulatedExchange(this IServiceCollection services, IConfiguration configuration, SessionCommandLine commandLine)
    {
        var section = configuration.GetSection(SectionName);
        services.AddOptions<TradedInstrumentSettings>()
            .Bind(section.GetSection("Instrument"))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TradedInstrumentSettings>>(new SectionValidator<TradedInstrumentSettings>(SectionName + ":Instrument", o => o.Validate()));

        services.TryAddSingleton<InstrumentRegistry>();
        services.AddOptions<ExchangeSimulatorOptions>()
            .Bind(section.GetSection("Simulator"))
            .PostConfigure<IOptions<TradedInstrumentSettings>, InstrumentRegistry>((simulator, instrument, registry) =>
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
                if (instrument.Value.Validate().Count == 0)
                {
                    var spec = instrument.Value.ToSpec();
                    simulator.InstrumentId = registry.TryGetId(spec.Symbol, out var id) ? id : registry.Register(spec);
                    simulator.Instrument = registry.Get(simulator.InstrumentId);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ExchangeSimulatorOptions>>(new SectionValidator<ExchangeSimulatorOptions>(SectionName + ":Simulator", o => o.Validate()));

        services.AddOptions<TradingEngineOptions>()
            .Bind(section.GetSection("Engine"))
            .PostConfigure<IOptions<ExchangeSimulatorOptions>, IOptions<BasicMarketMakerOptions>>((engine, simulator, basic) =>
            {
                // Virtual time: every stage on the simulator's thread, the clock moved by the events (deterministic).
                // Real time: the strategy, execution and persistence threads of a live engine.
                var virtualTime = simulator.Value.TimeMode == SimulatorTimeMode.Virtual;
                engine.Threading = virtualTime ? EngineThreading.Inline : EngineThreading.Threaded;
                engine.ClockFollowsEvents = virtualTime;
                if (commandLine.Strategy == StrategyKind.Basic && engine.Orders is not null)
                {
                    // The basic strategy's order timeout, cancel retry and refresh tolerance drive the reconciler.
                    engine.Orders = engine.Orders with { Reconciler = basic.Value.ToReconcilerOptions() };
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TradingEngineOptions>>(new SectionValidator<TradingEngineOptions>(SectionName + ":Engine", o => o.Validate()));

        // One clock for the strategy and the engine: the system's in real time, one moved by the events in virtual time.
        services.TryAddSingleton<MonotonicClock>(sp =>
            sp.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value.TimeMode == SimulatorTimeMode.Virtual
                ? new ManualMonotonicClock()
                : MonotonicClock.System);
        return services;
    }
}
