using PinnacleMM.Core.Primitives;

namespace PinnacleMM.SampleHost.Hosting;

/// <summary>The traded instrument as configuration (section <c>PinnacleMM:Exchange:Instrument</c>).</summary>
internal sealed class TradedInstrumentSettings
{
    /// <summary>The symbol. Default <c>SIM-USD</c>.</summary>
    public string Symbol { get; set; } = "SIM-USD";

    /// <summary>The price step in quote currency. Default 0.01.</summary>
    public decimal TickSize { get; set; } = 0.01m;

    /// <summary>The quantity step in base currency. Default 0.001.</summary>
    public decimal LotSize { get; set; } = 0.001m;

    /// <summary>The smallest order quantity; one lot when null.</summary>
    public decimal? MinQuantity { get; set; }

    /// <summary>The largest order quantity; unlimited when null.</summary>
    public decimal? MaxQuantity { get; set; }

    /// <summary>The highest price; unlimited when null.</summary>
    public decimal? MaxPrice { get; set; }

    /// <summary>Every broken rule, naming the field; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        try
        {
            ToSpec();
            return [];
        }
        catch (ArgumentException e)
        {
            // InstrumentSpec names its parameter (tickSize, lotSize, ...); the setting is the same word capitalized.
            var field = string.IsNullOrEmpty(e.ParamName) ? "Instrument" : char.ToUpperInvariant(e.ParamName[0]) + e.ParamName[1..];
            return [$"{field}: {e.Message.Split(" (Parameter", 2)[0]}"];
        }
    }

    /// <summary>The instrument.</summary>
    /// <exception cref="ArgumentException">A field breaks its rule.</exception>
    public InstrumentSpec ToSpec() => new(Symbol, TickSize, LotSize, MinQuantity, MaxQuantity, MaxPrice);
}
