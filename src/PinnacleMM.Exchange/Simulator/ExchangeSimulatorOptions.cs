using System.Globalization;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Simulator;

/// <summary>
/// Everything an <see cref="ExchangeSimulator"/> run depends on. The same options and seed give the same
/// run, event for event. <see cref="Validate"/> lists every broken rule, naming the field; the simulator
/// refuses to start with any.
/// </summary>
public sealed class ExchangeSimulatorOptions
{
    /// <summary>The instrument traded (one per simulator); required.</summary>
    public InstrumentSpec? Instrument { get; set; }

    /// <summary>The id events carry for <see cref="Instrument"/> (from the application's <see cref="InstrumentRegistry"/>); positive. Default 1.</summary>
    public InstrumentId InstrumentId { get; set; } = new(1);

    /// <summary>The seed of every random draw. Default 1.</summary>
    public long Seed { get; set; } = 1;

    /// <summary>The starting fair price in quote currency; on the instrument's tick grid and within its maximum price. Default 100.</summary>
    public decimal InitialPrice { get; set; } = 100m;

    /// <summary>Levels per side the book is seeded with (one maker order each, one tick apart from the fair price outwards); 0 to 10,000. Default 10.</summary>
    public int InitialDepthLevels { get; set; } = 10;

    /// <summary>The most simulated (not our) orders resting at once: a participant about to exceed it cancels a random one first. 16 to 1,000,000. Default 2,000.</summary>
    public int MaxRestingOrders { get; set; } = 2_000;

    /// <summary>The fair price process.</summary>
    public PriceProcessOptions PriceProcess { get; set; } = new();

    /// <summary>Takers.</summary>
    public TakerOptions Takers { get; set; } = new();

    /// <summary>Makers.</summary>
    public MakerOptions Makers { get; set; } = new();

    /// <summary>Noise traders.</summary>
    public NoiseTraderOptions NoiseTraders { get; set; } = new();

    /// <summary>Informed and arbitrage traders.</summary>
    public InformedTraderOptions InformedTraders { get; set; } = new();

    /// <summary>Order entry and market data delays.</summary>
    public LatencyOptions Latency { get; set; } = new();

    /// <summary>Faults injected into market data delivery (dropped level updates). Default none.</summary>
    public MarketDataFaultOptions MarketDataFaults { get; set; } = new();

    /// <summary>How many of our most recent fills the venue keeps for <see cref="ExchangeSimulator.GetFillsAsync"/>; 16 to 1,048,576. Default 16,384.</summary>
    public int FillHistoryCapacity { get; set; } = 16_384;

    /// <summary>The maker fee as a fraction of notional (0.001 = 10 bps); 0 to 0.1. Default 0.</summary>
    public decimal MakerFeeRate { get; set; }

    /// <summary>The taker fee as a fraction of notional; 0 to 0.1. Default 0.</summary>
    public decimal TakerFeeRate { get; set; }

    /// <summary>How our own orders are treated when they would trade with each other. Default <see cref="SelfTradePrevention.CancelIncoming"/>.</summary>
    public SelfTradePrevention SelfTradePrevention { get; set; } = SelfTradePrevention.CancelIncoming;

    /// <summary>The base currency code in balances; 1 to 16 characters. Default <c>BASE</c>.</summary>
    public string BaseCurrency { get; set; } = "BASE";

    /// <summary>The quote currency code in balances; 1 to 16 characters, not the base currency. Default <c>QUOTE</c>.</summary>
    public string QuoteCurrency { get; set; } = "QUOTE";

    /// <summary>Our starting base balance; zero or positive. Default 0.</summary>
    public decimal InitialBaseBalance { get; set; }

    /// <summary>Our starting quote balance; zero or positive. Default 0.</summary>
    public decimal InitialQuoteBalance { get; set; }

    /// <summary>Virtual (run by the caller) or paced real time. Default <see cref="SimulatorTimeMode.Virtual"/>.</summary>
    public SimulatorTimeMode TimeMode { get; set; } = SimulatorTimeMode.Virtual;

    /// <summary>For <see cref="SimulatorTimeMode.RealTime"/>: virtual seconds per real second; greater than 0, at most 1,000,000. Default 1.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>For <see cref="SimulatorTimeMode.RealTime"/>: the source of real elapsed time and delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Stamps <see cref="MarketEvent.ReceivedNanoseconds"/> and <see cref="ExecutionEvent.ReceivedNanoseconds"/>
    /// at delivery (use the engine's clock to measure tick-to-quote latency). When null (the default) they are
    /// the virtual delivery time, which keeps a run fully deterministic.
    /// </summary>
    public MonotonicClock? ReceiveClock { get; set; }

    /// <summary>Checks every rule; each error names the field, its value and the rule.</summary>
    /// <returns>The errors; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Instrument is null)
        {
            errors.Add("Instrument: is required.");
        }

        if (InstrumentId.Value <= 0)
        {
            errors.Add($"InstrumentId: {InstrumentId.Value} must be positive.");
        }

        if (Instrument is not null && !Instrument.TryGetPrice(InitialPrice, out _, out var priceError, nameof(InitialPrice)))
        {
            errors.Add($"InitialPrice: {priceError}");
        }

        Range(errors, nameof(InitialDepthLevels), InitialDepthLevels, 0, 10_000);
        Range(errors, nameof(MaxRestingOrders), MaxRestingOrders, 16, 1_000_000);

        if (PriceProcess is null)
        {
            errors.Add("PriceProcess: is required.");
        }
        else
        {
            if (!Enum.IsDefined(PriceProcess.Kind))
            {
                errors.Add($"PriceProcess.Kind: {PriceProcess.Kind} is not a defined value.");
            }

            if (PriceProcess.StepInterval <= TimeSpan.Zero || PriceProcess.StepInterval > TimeSpan.FromHours(1))
            {
                errors.Add($"PriceProcess.StepInterval: {PriceProcess.StepInterval} must be positive and at most 1 hour.");
            }

            Finite(errors, "PriceProcess.DriftPerSecond", PriceProcess.DriftPerSecond, allowNegative: true);
            Finite(errors, "PriceProcess.VolatilityPerSqrtSecond", PriceProcess.VolatilityPerSqrtSecond, allowNegative: false);
            Finite(errors, "PriceProcess.JumpRatePerSecond", PriceProcess.JumpRatePerSecond, allowNegative: false);
            Finite(errors, "PriceProcess.JumpStandardDeviation", PriceProcess.JumpStandardDeviation, allowNegative: false);
        }

        Participant(errors, nameof(Takers), Takers);
        if (Participant(errors, nameof(Makers), Makers))
        {
            Range(errors, "Makers.MaxDistanceTicks", Makers.MaxDistanceTicks, 1, 1_000_000);
        }

        if (Participant(errors, nameof(NoiseTraders), NoiseTraders))
        {
            Range(errors, "NoiseTraders.MaxDistanceTicks", NoiseTraders.MaxDistanceTicks, 1, 1_000_000);
            if (!(NoiseTraders.CancelProbability >= 0 && NoiseTraders.CancelProbability <= 1))
            {
                errors.Add($"NoiseTraders.CancelProbability: {Invariant(NoiseTraders.CancelProbability)} must be from 0 to 1.");
            }
        }

        if (Participant(errors, nameof(InformedTraders), InformedTraders))
        {
            if (!(InformedTraders.ImbalanceThreshold > 0 && InformedTraders.ImbalanceThreshold <= 1))
            {
                errors.Add($"InformedTraders.ImbalanceThreshold: {Invariant(InformedTraders.ImbalanceThreshold)} must be greater than 0 and at most 1.");
            }

            Range(errors, "InformedTraders.ImbalanceLevels", InformedTraders.ImbalanceLevels, 1, 1_000);
            Range(errors, "InformedTraders.ArbitrageThresholdTicks", InformedTraders.ArbitrageThresholdTicks, 1, 1_000_000);
        }

        if (Latency is null)
        {
            errors.Add("Latency: is required.");
        }
        else
        {
            Latency1Hour(errors, "Latency.OrderEntry", Latency.OrderEntry);
            Latency1Hour(errors, "Latency.MarketData", Latency.MarketData);
            Latency1Hour(errors, "Latency.Jitter", Latency.Jitter);
        }

        if (MarketDataFaults is null)
        {
            errors.Add("MarketDataFaults: is required.");
        }
        else
        {
            if (!(MarketDataFaults.LevelUpdateDropRate >= 0 && MarketDataFaults.LevelUpdateDropRate <= 1))
            {
                errors.Add($"MarketDataFaults.LevelUpdateDropRate: {Invariant(MarketDataFaults.LevelUpdateDropRate)} must be from 0 to 1.");
            }

            if (MarketDataFaults.MaxDroppedUpdates is < 0)
            {
                errors.Add($"MarketDataFaults.MaxDroppedUpdates: {MarketDataFaults.MaxDroppedUpdates} must not be negative (null for no limit).");
            }
        }

        Range(errors, nameof(FillHistoryCapacity), FillHistoryCapacity, 16, 1_048_576);
        FeeRate(errors, nameof(MakerFeeRate), MakerFeeRate);
        FeeRate(errors, nameof(TakerFeeRate), TakerFeeRate);
        if ((uint)SelfTradePrevention > (uint)SelfTradePrevention.CancelBoth)
        {
            errors.Add($"SelfTradePrevention: {SelfTradePrevention} is not a defined value.");
        }

        Currency(errors, nameof(BaseCurrency), BaseCurrency);
        Currency(errors, nameof(QuoteCurrency), QuoteCurrency);
        if (BaseCurrency is not null && BaseCurrency == QuoteCurrency)
        {
            errors.Add($"QuoteCurrency: '{QuoteCurrency}' must differ from BaseCurrency.");
        }

        if (InitialBaseBalance < 0)
        {
            errors.Add($"InitialBaseBalance: {Invariant(InitialBaseBalance)} must not be negative.");
        }

        if (InitialQuoteBalance < 0)
        {
            errors.Add($"InitialQuoteBalance: {Invariant(InitialQuoteBalance)} must not be negative.");
        }

        if (!Enum.IsDefined(TimeMode))
        {
            errors.Add($"TimeMode: {TimeMode} is not a defined value.");
        }

        if (!(Speed > 0 && Speed <= 1_000_000))
        {
            errors.Add($"Speed: {Invariant(Speed)} must be greater than 0 and at most 1000000.");
        }

        return errors;
    }

    private bool Participant(List<string> errors, string name, ParticipantOptions? participant)
    {
        if (participant is null)
        {
            errors.Add($"{name}: is required.");
            return false;
        }

        Finite(errors, name + ".RatePerSecond", participant.RatePerSecond, allowNegative: false);
        if (participant.Size is not { } size)
        {
            errors.Add($"{name}.Size: is required.");
            return true;
        }

        if (!Enum.IsDefined(size.Kind))
        {
            errors.Add($"{name}.Size.Kind: {size.Kind} is not a defined value.");
        }

        var min = Math.Max(1, Instrument?.MinQuantity.Lots ?? 1);
        var max = Instrument?.MaxQuantity.Lots ?? long.MaxValue;
        if (size.MinLots < min)
        {
            errors.Add($"{name}.Size.MinLots: {size.MinLots} must be at least {min} (1 and the instrument's minimum quantity).");
        }

        if (size.MaxLots < size.MinLots || size.MaxLots > max)
        {
            errors.Add($"{name}.Size.MaxLots: {size.MaxLots} must be from MinLots ({size.MinLots}) to the instrument's maximum quantity ({max}).");
        }

        if (size.Kind == SizeDistributionKind.Exponential && !(size.MeanLots >= size.MinLots && size.MeanLots <= size.MaxLots))
        {
            errors.Add($"{name}.Size.MeanLots: {Invariant(size.MeanLots)} must be from MinLots ({size.MinLots}) to MaxLots ({size.MaxLots}).");
        }

        return true;
    }

    private static void Range(List<string> errors, string name, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            errors.Add($"{name}: {value} must be from {min} to {max}.");
        }
    }

    private static void Finite(List<string> errors, string name, double value, bool allowNegative)
    {
        if (!double.IsFinite(value) || (!allowNegative && value < 0))
        {
            errors.Add(allowNegative ? $"{name}: {Invariant(value)} must be a finite number." : $"{name}: {Invariant(value)} must be zero or positive and finite.");
        }
    }

    private static void Latency1Hour(List<string> errors, string name, TimeSpan value)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            errors.Add($"{name}: {value} must be from 0 to 1 hour.");
        }
    }

    private static void FeeRate(List<string> errors, string name, decimal value)
    {
        if (value < 0 || value > 0.1m)
        {
            errors.Add($"{name}: {Invariant(value)} must be from 0 to 0.1 (a fraction of notional).");
        }
    }

    private static void Currency(List<string> errors, string name, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 16)
        {
            errors.Add($"{name}: '{value}' must be 1 to 16 characters.");
        }
    }

    private static string Invariant(IFormattable value) => value.ToString(null, CultureInfo.InvariantCulture);
}
