using PinnacleMM.Core.Primitives;

namespace PinnacleMM.Exchange.Engine;

/// <summary>
/// The instrument an engine trades, as configuration (the <c>Instrument</c> sub-section of
/// <c>AddPinnacleMMExchange(configuration)</c>): it becomes the <see cref="InstrumentSpec"/> registered in the
/// <see cref="Abstractions.InstrumentRegistry"/> and given to the simulator and the strategy.
/// </summary>
public sealed class TradedInstrumentOptions
{
    /// <summary>The symbol, e.g. <c>BTC-USD</c>. Default <c>SIM-USD</c>.</summary>
    public string Symbol { get; set; } = "SIM-USD";

    /// <summary>The price step in quote currency; positive. Default 0.01.</summary>
    public decimal TickSize { get; set; } = 0.01m;

    /// <summary>The quantity step in base currency; positive. Default 0.001.</summary>
    public decimal LotSize { get; set; } = 0.001m;

    /// <summary>The smallest order quantity (a multiple of the lot size); one lot when null.</summary>
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
            // InstrumentSpec names its parameter ("tickSize 0 must be positive."); this names the setting once: "Instrument.TickSize: 0 must be positive."
            var message = e.Message.Split(" (Parameter")[0];
            if (e.ParamName is not { Length: > 0 } parameter)
            {
                return [$"Instrument: {message}"];
            }

            var setting = char.ToUpperInvariant(parameter[0]) + parameter[1..];
            return [$"Instrument.{setting}: {(message.StartsWith(parameter + " ", StringComparison.Ordinal) ? message[(parameter.Length + 1)..] : message)}"];
        }
    }

    /// <summary>The instrument specification.</summary>
    /// <exception cref="ArgumentException">A field breaks its rule; the message names it.</exception>
    public InstrumentSpec ToSpec() => new(Symbol, TickSize, LotSize, MinQuantity, MaxQuantity, MaxPrice);
}
