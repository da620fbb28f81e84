using System.Globalization;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Engine;

namespace PinnacleMM.SampleHost.Session;

/// <summary>What the displays and reports show about a running session, and how they format it.</summary>
/// <param name="engine">The engine.</param>
/// <param name="instrument">The traded instrument.</param>
/// <param name="strategyName">The strategy's type name.</param>
/// <param name="commandLine">The command line (data directory, duration).</param>
/// <param name="venue">The venue in words: "simulator, seed 1", "coinbase wss://..., paper trading", "replay of ...".</param>
/// <param name="currencies">The base and quote currency of positions and P&amp;L.</param>
/// <param name="mode">How market time runs, in words.</param>
/// <param name="virtualTime">Whether the engine's clock follows the events (latency is not measured then).</param>
/// <param name="marketTime">Market time since the session started: the simulator's clock, the replayed feed's, or wall-clock time.</param>
/// <param name="feed">A live Coinbase feed's state changes, or null.</param>
internal sealed class SessionContext(
    TradingEngine engine,
    InstrumentSpec instrument,
    string strategyName,
    SessionCommandLine commandLine,
    string venue,
    (string Base, string Quote) currencies,
    string mode,
    bool virtualTime,
    Func<TimeSpan> marketTime,
    FeedMonitor? feed)
{
    public TradingEngine Engine { get; } = engine;

    public InstrumentSpec Instrument { get; } = instrument;

    public string StrategyName { get; } = strategyName;

    public string BaseCurrency { get; } = currencies.Base;

    public string QuoteCurrency { get; } = currencies.Quote;

    public bool VirtualTime { get; } = virtualTime;

    /// <summary>A live Coinbase feed's state changes and counts, or null (the simulator or a replay).</summary>
    public FeedMonitor? Feed { get; } = feed;

    public string Venue { get; } = venue;

    public string DataDirectory { get; } = commandLine.DataDirectory;

    public TimeSpan? Duration { get; } = commandLine.Duration;

    /// <summary>How market time runs, in words.</summary>
    public string Mode { get; } = mode;

    /// <summary>Market time since the session started.</summary>
    public TimeSpan MarketTime => marketTime();

    public string Quantity(decimal value) => value.ToString("F" + Instrument.QuantityDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public string Price(decimal? value) => value is { } v ? v.ToString("F" + Instrument.PriceDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";

    public string Price(Price price) => Instrument.Format(price);

    public string Size(Quantity quantity) => Instrument.Format(quantity);

    /// <summary>Quote-currency amounts, to the hundredth of a tick so that P&amp;L of single lots shows.</summary>
    public static string Money(decimal value) => value.ToString("0.000000", CultureInfo.InvariantCulture);

    public static string Microseconds(long nanoseconds) => (nanoseconds / 1000.0).ToString("F1", CultureInfo.InvariantCulture) + " µs";

    /// <summary>Tick-to-quote latency, or why there is none.</summary>
    public string Latency(EngineStatus status, bool full) => VirtualTime
        ? full ? "not measured in virtual time (every stage runs on the clock of the events)" : "n/a (virtual time)"
        : status.TickToQuote.Count == 0
            ? "no quote sent yet"
            : full
                ? $"p50 {Microseconds(status.TickToQuote.P50)}, p90 {Microseconds(status.TickToQuote.P90)}, p99 {Microseconds(status.TickToQuote.P99)}, p99.9 {Microseconds(status.TickToQuote.P999)}, max {Microseconds(status.TickToQuote.Max)} (n = {status.TickToQuote.Count}; {status.CommandsAfterSlowCycle} after a slow turn of the strategy thread, which had {status.SlowCycles})"
                : $"p50 {Microseconds(status.TickToQuote.P50)} p99 {Microseconds(status.TickToQuote.P99)}";

    public static string Clock(TimeSpan time) => time.ToString(time.TotalHours >= 1 ? @"h\:mm\:ss\.f" : @"mm\:ss\.f", CultureInfo.InvariantCulture);
}
