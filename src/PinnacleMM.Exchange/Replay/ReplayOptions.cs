using System.Globalization;
using PinnacleMM.Core.Time;
using PinnacleMM.Exchange.Abstractions;

namespace PinnacleMM.Exchange.Replay;

/// <summary>
/// What a <see cref="ReplayMarketDataConnector"/> replays and how. <see cref="Validate"/> lists every broken rule,
/// naming the field; the connector refuses to start with any.
/// </summary>
public sealed class ReplayOptions
{
    /// <summary>The journal directory of the recording (a <see cref="RecordingMarketDataConnector"/>'s, or an engine instrument's <c>journal/</c>). Required.</summary>
    public string? Directory { get; set; }

    /// <summary>Manual, as fast as possible, or paced by the original timestamps. Default <see cref="ReplayPacing.AsFastAsPossible"/>.</summary>
    public ReplayPacing Pacing { get; set; } = ReplayPacing.AsFastAsPossible;

    /// <summary>For <see cref="ReplayPacing.Paced"/>: recorded seconds per real second; greater than 0, at most 1,000,000. Default 1.</summary>
    public double Speed { get; set; } = 1;

    /// <summary>The first journal sequence number to replay; 0 (the default) for the first record.</summary>
    public long FromSequence { get; set; }

    /// <summary>
    /// The replaying application's instruments. When given and the recording names its instruments, each recorded id
    /// is mapped to this registry's id for the same symbol (events of symbols not registered are skipped); otherwise
    /// ids are replayed as recorded.
    /// </summary>
    public InstrumentRegistry? Instruments { get; set; }

    /// <summary>For <see cref="ReplayPacing.Paced"/>: the source of elapsed time and delays. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; set; }

    /// <summary>
    /// Restamps <see cref="MarketEvent.ReceivedNanoseconds"/> at delivery (e.g. the engine's clock, to measure latency).
    /// When null (the default) the recorded values are kept, which makes a replay repeatable event for event.
    /// </summary>
    public MonotonicClock? ReceiveClock { get; set; }

    /// <summary>Whether the replay ends with a feed-wide <see cref="MarketEventKind.Status"/> (disconnected), as a feed that stops would: the engine then stops quoting. Default true.</summary>
    public bool EndWithDisconnect { get; set; } = true;

    /// <summary>The venue name the connector reports; 1 to 64 characters. Default <c>replay</c>.</summary>
    public string Venue { get; set; } = "replay";

    /// <summary>Checks every rule; each error names the field, its value and the rule.</summary>
    /// <returns>The errors; empty when the options are valid.</returns>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Directory))
        {
            errors.Add("Directory: is required (the recording's journal directory).");
        }

        if (!Enum.IsDefined(Pacing))
        {
            errors.Add($"Pacing: {Pacing} is not a defined value.");
        }

        if (!(Speed > 0 && Speed <= 1_000_000))
        {
            errors.Add($"Speed: {Speed.ToString(CultureInfo.InvariantCulture)} must be greater than 0 and at most 1000000.");
        }

        if (FromSequence < 0)
        {
            errors.Add($"FromSequence: {FromSequence} must not be negative.");
        }

        if (string.IsNullOrWhiteSpace(Venue) || Venue.Length > 64)
        {
            errors.Add($"Venue: '{Venue}' must be 1 to 64 characters.");
        }

        return errors;
    }
}
