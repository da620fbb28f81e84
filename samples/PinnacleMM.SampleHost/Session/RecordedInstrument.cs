using System.Text.Json;
using PinnacleMM.Exchange.Engine;

namespace PinnacleMM.SampleHost.Session;

/// <summary>
/// The instrument a recording was made of, stored next to its journal as <see cref="FileName"/>: the journal names
/// the symbol but not the tick and lot size its prices and sizes are counted in, and a replay must use the same grid.
/// </summary>
internal sealed record RecordedInstrument(string Symbol, decimal TickSize, decimal LotSize, decimal? MaxPrice)
{
    public const string FileName = "instrument.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static RecordedInstrument From(TradedInstrumentOptions options) => new(options.Symbol, options.TickSize, options.LotSize, options.MaxPrice);

    /// <summary>Writes the file into <paramref name="directory"/> (created if needed), replacing an older one.</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads the file of a recording. A recording without one (e.g. an engine journal) gives null and true: the
    /// configured instrument is used. A file that does not parse or breaks a rule gives false and names the rule.
    /// </summary>
    public static bool TryRead(string directory, out RecordedInstrument? instrument, out string? error)
    {
        instrument = null;
        error = null;
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return true;
        }

        try
        {
            instrument = JsonSerializer.Deserialize<RecordedInstrument>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            error = $"'{path}' is not a recorded instrument: {e.Message}";
            return false;
        }

        if (instrument is null || string.IsNullOrWhiteSpace(instrument.Symbol) || instrument.TickSize <= 0 || instrument.LotSize <= 0)
        {
            error = $"'{path}': Symbol must be given and TickSize and LotSize must be positive";
            instrument = null;
            return false;
        }

        return true;
    }
}
