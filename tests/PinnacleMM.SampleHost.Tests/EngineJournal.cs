using PinnacleMM.Core.Primitives;
using PinnacleMM.Exchange.Abstractions;
using PinnacleMM.Exchange.Engine;
using PinnacleMM.Exchange.Execution;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.SampleHost.Tests;

/// <summary>
/// The order activity a session journaled (<c>&lt;data&gt;/&lt;symbol&gt;/journal</c>), read back with the packages'
/// own journal reader and record codec: what the engine sent and what the venue answered, in order.
/// </summary>
internal static class EngineJournal
{
    /// <summary>Every order activity in the journal, oldest first; fails the test when the journal has a bad record.</summary>
    public static List<OrderActivity> ReadActivities(string journalDirectory)
    {
        var activities = new List<OrderActivity>();
        using var reader = JournalReader.Open(journalDirectory);
        while (reader.TryRead(out var record))
        {
            if (EngineRecordCodec.TryDecodeActivity(record.Type, record.Payload, out var activity))
            {
                activities.Add(activity);
            }
        }

        Assert.IsNull(reader.Fault, $"the journal in {journalDirectory} reads to its end without a fault");
        return activities;
    }

    /// <summary>The fills among <paramref name="activities"/>.</summary>
    public static List<ExecutionEvent> Fills(IEnumerable<OrderActivity> activities) =>
        [.. activities.Where(a => a.Kind == OrderActivityKind.ExecutionReceived && a.Execution.IsFill).Select(a => a.Execution)];

    /// <summary>The order placements the engine sent.</summary>
    public static List<OrderCommand> Places(IEnumerable<OrderActivity> activities) =>
        [.. activities.Where(a => a.Kind == OrderActivityKind.CommandSent && a.Command.Kind == OrderCommandKind.Place).Select(a => a.Command)];

    /// <summary>A price of the Coinbase BTC-USD grid the sample host uses (tick 0.01).</summary>
    public static decimal Price(Price price) => price.Ticks * 0.01m;

    /// <summary>A size of the Coinbase BTC-USD grid (lot 0.00000001).</summary>
    public static decimal Size(Quantity quantity) => quantity.Lots * 0.00000001m;
}
