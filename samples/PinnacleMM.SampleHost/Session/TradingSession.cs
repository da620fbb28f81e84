using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using PinnacleMM.Core.Portfolio;
using PinnacleMM.Core.Strategies;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Replay;
using PinnacleMM.SampleHost.Hosting;
using PinnacleMM.Exchange.Simulator;
using PinnacleMM.SampleHost.Display;
using PinnacleMM.Security.Audit;
using Spectre.Console;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// One market-making session as a hosted service: builds the strategy, the venue (the simulator, or Coinbase market
/// data live or replayed with paper or live order entry) and the engine from the
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

        // Resolving the factory builds the connectors (SessionVenue: Coinbase feed or replay, paper exchange, recorder).
        var engines = services.GetRequiredService<TradingEngineFactory>();
        var venue = services.GetService<SessionVenue>();
        var instrument = engines.Instrument;
        var virtualTime = SessionModeRegistration.EventsDriveClock(commandLine, simulatorOptions);

        // The strategy's position pays the configured fees (the simulator's, which the paper exchange charges too), so
        // that its P&L matches the venue's balances.
        var strategies = services.GetRequiredService<MarketMakerStrategyFactory>();
        var position = new PositionTracker(instrument, simulatorOptions.MakerFeeRate, simulatorOptions.TakerFeeRate);
        MarketMakerStrategy strategy = commandLine.Strategy == StrategyKind.Basic
            ? strategies.CreateBasicMarketMaker(instrument, position)
            : strategies.CreateAvellanedaStoikovMarketMaker(instrument, position);

        // From here on files are written: the data directory and its lock, the journal, the audit log. The factory
        // gives the engine the registered persistence manager, audit log, rate limiters, clock and meter factory.
        var audit = services.GetRequiredService<IAuditLog>();
        var simulator = commandLine.Exchange == ExchangeKind.Simulator ? services.GetRequiredService<ExchangeSimulator>() : null;
        await using var engine = engines.Create(strategy);
        var market = new MarketTimeSource(simulator, venue?.Replay is not null ? venue.Paper : null, time);
        var session = new SessionContext(
            engine,
            instrument,
            strategy.GetType().Name,
            commandLine,
            venue?.Description ?? string.Create(CultureInfo.InvariantCulture, $"simulator, seed {simulatorOptions.Seed}"),
            simulator is not null ? (simulatorOptions.BaseCurrency, simulatorOptions.QuoteCurrency) : SessionVenue.Currencies(instrument.Symbol),
            Mode(simulatorOptions, virtualTime),
            virtualTime,
            () => market.Elapsed,
            venue?.Feed);
        var output = Console.Out;

        SessionReport.WriteStart(output, session);
        if (venue?.RecordingDirectory is { } recordingDirectory)
        {
            output.WriteLine($"recording market data into {recordingDirectory}");
        }

        WriteAudit(audit, "session.start", session, AuditOutcome.Success, new Dictionary<string, string>
        {
            ["strategy"] = session.StrategyName,
            ["venue"] = session.Venue,
            ["mode"] = session.Mode,
        });

        // A live feed's connector returns from connect once the feed is connected, retrying failed attempts with
        // backoff meanwhile: give up after --connect-timeout (or on Ctrl-C) instead of waiting forever for an
        // unreachable endpoint. The engine cleans up a failed start.
        EngineRecoveryReport report;
        using (var connecting = venue?.Feed is not null
            ? new CancellationTokenSource(commandLine.ConnectTimeout, time)
            : new CancellationTokenSource())
        using (var startToken = CancellationTokenSource.CreateLinkedTokenSource(connecting.Token, stoppingToken))
        {
            try
            {
                report = await engine.StartAsync(startToken.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (connecting.IsCancellationRequested || stoppingToken.IsCancellationRequested)
            {
                venue?.Feed?.Drain(output.WriteLine);
                await Console.Error.WriteLineAsync(connecting.IsCancellationRequested
                    ? string.Create(CultureInfo.InvariantCulture,
                        $"error: could not connect to the Coinbase feed at {venue!.Feed!.Endpoint} within {commandLine.ConnectTimeout.TotalSeconds:0.###} s (--connect-timeout); last attempt: {venue.Feed.LastDisconnectReason ?? "no answer"}. Nothing was traded.")
                    : "error: stopped before the market data feed was connected").ConfigureAwait(false);
                return 1;
            }
        }

        venue?.Feed?.Drain(output.WriteLine);
        SessionReport.WriteRecovery(output, session, report);
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        var started = Stopwatch.GetTimestamp();
        market.Start();
        var duration = session.Duration is { } d ? d.Ticks * TimeSpan.NanosecondsPerTick : long.MaxValue;
        Task running;
        if (simulator is not null)
        {
            var end = duration == long.MaxValue ? long.MaxValue : checked(simulator.NowNanoseconds + duration);
            running = virtualTime
                ? Task.Factory.StartNew(() => DriveVirtualTime(simulator, engine, end, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                : WaitRealTimeAsync(simulator, engine, end, simulatorOptions.Speed, time, stoppingToken);
        }
        else if (venue?.Replay is { } replay && commandLine.Speed is null)
        {
            running = Task.Factory.StartNew(() => DriveReplay(replay, market, engine, duration, stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        else
        {
            running = WaitFeedAsync(venue?.Replay, market, engine, duration, time, stoppingToken);
        }

        IStatusDisplay display = commandLine.Plain || Console.IsOutputRedirected
            ? new PlainStatusDisplay(output, time)
            : new LiveDashboard(AnsiConsole.Console, time);
        await display.ShowAsync(session, running).ConfigureAwait(false);
        await running.ConfigureAwait(false);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stopping: cancelling {engine.Status.OpenOrders.Count} open orders, taking the final snapshot, flushing the journal"));
        try
        {
            await StopEngineAsync(engine, simulator, virtualTime).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            // The engine failed (StopAsync rethrows the failure): the session still ends in the audit log, as a failure.
            WriteAudit(audit, "session.stop", session, AuditOutcome.Failure, StopDetails(engine.Status, e));
            throw;
        }

        var status = engine.Status;
        venue?.Feed?.Drain(output.WriteLine);
        SessionReport.WriteSummary(output, session, status, Stopwatch.GetElapsedTime(started));
        if (venue?.Replay?.Report is { } replayed)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  replay:          {replayed.EventsDelivered} events to the end of the recording{(replayed.Fault is { } fault ? ", stopped early: " + fault : string.Empty)}"));
        }

        if (venue?.RecordingDirectory is { } recorded)
        {
            output.WriteLine($"  recorded:        {recorded} (replay it with --exchange coinbase --replay {recorded})");
        }

        // Orders the stop left open may still rest, and trade, at the venue: not a successful end.
        WriteAudit(audit, "session.stop", session, status.Stop is { IsClean: false } ? AuditOutcome.Failure : AuditOutcome.Success, StopDetails(status, failure: null));
        await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        return 0;
    }

    private string Mode(ExchangeSimulatorOptions simulator, bool virtualTime) => commandLine.Exchange switch
    {
        ExchangeKind.Simulator => virtualTime
            ? "virtual time (as fast as possible, deterministic)"
            : string.Create(CultureInfo.InvariantCulture, $"speed {simulator.Speed:0.###}x real time"),
        _ when commandLine.ReplayDirectory is null => "real time",
        _ when commandLine.Speed is { } speed => string.Create(CultureInfo.InvariantCulture, $"recorded time at {speed:0.###}x (engine on the recorded clock)"),
        _ => "recorded time as fast as possible (deterministic)",
    };

    /// <summary>
    /// A replay driven event by event on this thread, the engine and the paper exchange inline with it, until the
    /// duration of recorded time has passed or the recording ends: the same recording gives the same session.
    /// </summary>
    private static void DriveReplay(ReplayMarketDataConnector replay, MarketTimeSource market, TradingEngine engine, long duration, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && engine.IsRunning && replay.ReplayNext(1) == 1)
        {
            if (market.ElapsedNanoseconds >= duration)
            {
                return;
            }
        }
    }

    /// <summary>A live feed (wall-clock duration) or a paced replay (recorded-time duration, or its end).</summary>
    private static async Task WaitFeedAsync(ReplayMarketDataConnector? replay, MarketTimeSource market, TradingEngine engine, long duration, TimeProvider time, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && engine.IsRunning && market.ElapsedNanoseconds < duration && replay?.Completion.IsCompleted != true)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Clamp((duration - market.ElapsedNanoseconds) / 1e6, 1, 100)), time, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
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
    private static async Task StopEngineAsync(TradingEngine engine, ExchangeSimulator? simulator, bool virtualTime)
    {
        // The paper exchange answers the cancels itself (on the thread pool); only the simulator must be driven.
        var stop = engine.StopAsync(CancellationToken.None);
        if (virtualTime && simulator is not null)
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

    /// <summary>The <c>session.stop</c> record's details: the position and fills at the stop, the orders it left open, and the failure that ended the session.</summary>
    private static Dictionary<string, string> StopDetails(EngineStatus status, Exception? failure)
    {
        var details = new Dictionary<string, string>
        {
            ["fills"] = status.FillCount.ToString(CultureInfo.InvariantCulture),
            ["position"] = status.Position.ToString(CultureInfo.InvariantCulture),
            ["realizedPnl"] = status.RealizedPnl.ToString(CultureInfo.InvariantCulture),
            ["ordersLeftOpen"] = (status.Stop?.OrdersLeftOpen.Count ?? 0).ToString(CultureInfo.InvariantCulture),
        };
        if (failure is not null)
        {
            details["error"] = failure.Message;
        }

        return details;
    }

    private static void WriteAudit(IAuditLog audit, string type, SessionContext session, AuditOutcome result, IReadOnlyDictionary<string, string> details) =>
        audit.TryWrite(new AuditEvent(type, AuditActor, Environment.MachineName, session.Instrument.Symbol, result, details));
}
