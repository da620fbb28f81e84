using System.Globalization;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Simulator;

namespace PinnacleMM.SampleHost.Session;

/// <summary>What the displays and reports show about a running session, and how they format it.</summary>
internal sealed class SessionContext(
    TradingEngine engine,
    ExchangeSimulator simulator,
    ExchangeSimulatorOptions simulatorOptions,
    string strategyName,
    SessionCommandLine commandLine)
{
    public TradingEngine Engine { get; } = engine;

    public ExchangeSimulator Simulator { get; } = simulator;

    public InstrumentSpec Instrument { get; } = simulatorOptions.Instrument!;

    public string StrategyName { get; } = strategyName;

    public string BaseCurrency { get; } = simulatorOptions.BaseCurrency;

    public string QuoteCurrency { get; } = simulatorOptions.QuoteCurrency;

    public bool VirtualTime { get; } = simulatorOptions.TimeMode == SimulatorTimeMode.Virtual;

    public long Seed { get; } = simulatorOptions.Seed;

    public string DataDirectory { get; } = commandLine.DataDirectory;

    public TimeSpan? Duration { get; } = commandLine.Duration;

    /// <summary>How simulated time runs, in words.</summary>
    public string Mode { get; } = simulatorOptions.TimeMode == SimulatorTimeMode.Virtual
        ? "virtual time (as fast as possible, deterministic)"
        : string.Create(CultureInfo.InvariantCulture, $"speed {simulatorOptions.Speed:0.###}x real time");

    /// <summary>Simulated market time since the simulator started.</summary>
    public TimeSpan MarketTime => TimeSpan.FromTicks(Simulator.NowNanoseconds / TimeSpan.NanosecondsPerTick);

    public string Quantity(decimal value) => value.ToString("F" + Instrument.QuantityDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    public string Price(decimal? value) => value is { } v ? v.ToString("F" + Instrument.PriceDecimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "-";

    public string Price(Price price) => Instrument.Format(price);

    public string Size(Quantity quantity) => Instrument.Format(quantity);

    /// <summary>Quote-currency amounts, to the hundredth of a tick so that P&amp;L of single lots shows.</summary>
    public static string Money(decimal value) => value.ToString("0.000000", CultureInfo.InvariantCulture);

    public static string Microseconds(long nanoseconds) => (nanoseconds / 1000.0).ToString("F1", CultureInfo.InvariantCulture) + " µs";

    /// <summary>Tick-to-quote latency, or why there is none.</summary>
    public string Latency(EngineStatus status, bool full) => VirtualTime
        ? full ? "not measured in virtual time (every stage runs on the simulator's clock)" : "n/a (virtual time)"
        : status.TickToQuote.Count == 0
            ? "no quote sent yet"
            : full
                ? $"p50 {Microseconds(status.TickToQuote.P50)}, p90 {Microseconds(status.TickToQuote.P90)}, p99 {Microseconds(status.TickToQuote.P99)}, p99.9 {Microseconds(status.TickToQuote.P999)}, max {Microseconds(status.TickToQuote.Max)} (n = {status.TickToQuote.Count})"
                : $"p50 {Microseconds(status.TickToQuote.P50)} p99 {Microseconds(status.TickToQuote.P99)}";

    public static string Clock(TimeSpan time) => time.ToString(time.TotalHours >= 1 ? @"h\:mm\:ss\.f" : @"mm\:ss\.f", CultureInfo.InvariantCulture);
}
