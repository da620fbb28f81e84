using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.SampleHost.Display;
using PinnacleMM.Security.Audit;
using Spectre.Console;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// One market-making session as a hosted service: builds the strategy, the simulator and the engine from the
/// validated options, starts the engine (which recovers from the data directory), shows the dashboard until the
/// duration is reached or the host is asked to stop (Ctrl-C, SIGTERM), stops the engine cleanly (cancel all, final
/// snapshot, journal flush) and prints the summary.
/// </summary>
/// <remarks>
/// Everything is resolved in <see cref="ExecuteAsync"/>, not in the constructor: the host constructs hosted services
/// before it validates the options, and the persistence manager and the audit log create files when constructed.
/// The simulator is the container's (<c>AddPinnacleMMExchange</c>) and is disposed with it.
/// </remarks>
internal sealed class TradingSession(
    IServiceProvider services,
    SessionCommandLine commandLine,
    SessionOutcome outcome,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private const string AuditActor = "sample-host";

    // Virtual time is driven in slices so that a stop request is seen within one slice of simulated time.
    private static readonly TimeSpan VirtualSlice = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan StopSlice = TimeSpan.FromMilliseconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Run off the host's start path: StartAsync returns at once and the console lifetime takes signals meanwhile.
        await Task.Yield();
        try
        {
            outcome.ExitCode = await RunAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"error: {e.Message}").ConfigureAwait(false);
            outcome.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private async Task<int> RunAsync(CancellationToken stoppingToken)
    {
        var simulatorOptions = services.GetRequiredService<IOptions<ExchangeSimulatorOptions>>().Value;
        var time = services.GetRequiredService<TimeProvider>();
        var engines = services.GetRequiredService<TradingEngineFactory>();
        var instrument = engines.Instrument;
        var virtualTime = simulatorOptions.TimeMode == SimulatorTimeMode.Virtual;

        // The strategy's position pays the simulator's fees, so that its P&L matches the venue's balances.
        var strategies = services.GetRequiredService<MarketMakerStrategyFactory>();
        var position = new PositionTracker(instrument, simulatorOptions.MakerFeeRate, simulatorOptions.TakerFeeRate);
        MarketMakerStrategy strategy = commandLine.Strategy == StrategyKind.Basic
            ? strategies.CreateBasicMarketMaker(instrument, position)
            : strategies.CreateAvellanedaStoikovMarketMaker(instrument, position);

        // From here on files are written: the data directory and its lock, the journal, the audit log. The factory
        // gives the engine the registered persistence manager, audit log, rate limiters, clock and meter factory.
        var audit = services.GetRequiredService<IAuditLog>();
        var simulator = services.GetRequiredService<ExchangeSimulator>();
        await using var engine = engines.Create(strategy);
        var session = new SessionContext(engine, simulator, simulatorOptions, strategy.GetType().Name, commandLine);
        var output = Console.Out;

        SessionReport.WriteStart(output, session);
        WriteAudit(audit, "session.start", session, AuditOutcome.Success, new Dictionary<string, string>
        {
            ["strategy"] = session.StrategyName,
            ["seed"] = session.Seed.ToString(CultureInfo.InvariantCulture),
            ["mode"] = session.Mode,
        });

        var report = await engine.StartAsync(CancellationToken.None).ConfigureAwait(false);
        SessionReport.WriteRecovery(output, session, report);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        var started = Stopwatch.GetTimestamp();
        var end = session.Duration is { } duration ? checked(simulator.NowNanoseconds + (duration.Ticks * TimeSpan.NanosecondsPerTick)) : long.MaxValue;
        var running = virtualTime
            ? Task.Factory.StartNew(() => DriveVirtualTime(simulator, engine, end, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
            : WaitRealTimeAsync(simulator, engine, end, simulatorOptions.Speed, time, stoppingToken);

        IStatusDisplay display = commandLine.Plain || Console.IsOutputRedirected
            ? new PlainStatusDisplay(output, time)
            : new LiveDashboard(AnsiConsole.Console, time);
        await display.ShowAsync(session, running).ConfigureAwait(false);
        await running.ConfigureAwait(false);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stopping: cancelling {engine.Status.OpenOrders.Count} open orders, taking the final snapshot, flushing the journal"));
        await StopEngineAsync(engine, simulator, virtualTime).ConfigureAwait(false);

        var status = engine.Status;
        SessionReport.WriteSummary(output, session, status, Stopwatch.GetElapsedTime(started));
        WriteAudit(audit, "session.stop", session, AuditOutcome.Success, new Dictionary<string, string>
        {
            ["fills"] = status.FillCount.ToString(CultureInfo.InvariantCulture),
            ["position"] = status.Position.ToString(CultureInfo.InvariantCulture),
            ["realizedPnl"] = status.RealizedPnl.ToString(CultureInfo.InvariantCulture),
        });
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Virtual time: the simulator runs on this thread, the engine inline with it, slice by slice.</summary>
    private static void DriveVirtualTime(ExchangeSimulator simulator, TradingEngine engine, long end, CancellationToken stop)
    {
        var slice = VirtualSlice.Ticks * TimeSpan.NanosecondsPerTick;
        while (!stop.IsCancellationRequested && engine.IsRunning)
        {
            var now = simulator.NowNanoseconds;
            if (now >= end)
            {
                return;
            }

            simulator.RunUntil(Math.Min(end, now + slice));
        }
    }

    /// <summary>Real time: the simulator's own loop paces the market; this waits until the market time is reached.</summary>
    private static async Task WaitRealTimeAsync(ExchangeSimulator simulator, TradingEngine engine, long end, double speed, TimeProvider time, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && engine.IsRunning)
        {
            var left = end - simulator.NowNanoseconds;
            if (left <= 0)
            {
                return;
            }

            // Wake a little before the end in real time (market time passes `speed` times faster), at most every 100 ms.
            var wait = TimeSpan.FromMilliseconds(Math.Clamp(left / 1e6 / speed, 1, 100));
            try
            {
                await Task.Delay(wait, time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Stops the engine; in virtual time the simulator is driven meanwhile so that the cancels are answered.</summary>
    private static async Task StopEngineAsync(TradingEngine engine, ExchangeSimulator simulator, bool virtualTime)
    {
        var stop = engine.StopAsync(CancellationToken.None);
        if (virtualTime)
        {
            // The engine finishes (final snapshot, flush) on this thread as soon as the last cancel is confirmed; stop
            // driving then, so that the market time at stop is the same in every run of the same seed. At most a
            // simulated minute: the engine's own stop timeout ends the stop if the venue never answers.
            for (var i = 0; i < 60_000 && !stop.IsCompleted && engine.Orders.Tracker.OpenCount > 0; i++)
            {
                simulator.RunFor(StopSlice);
            }
        }

        await stop.ConfigureAwait(false);
    }

    private static void WriteAudit(IAuditLog audit, string type, SessionContext session, AuditOutcome result, IReadOnlyDictionary<string, string> details) =>
        audit.TryWrite(new AuditEvent(type, AuditActor, Environment.MachineName, session.Instrument.Symbol, result, details));
}
