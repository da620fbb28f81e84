using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Exchange.Replay;

/// <summary>How a replay went: what was read, delivered and skipped, and where and why the journal ended early.</summary>
public sealed record ReplayReport
{
    /// <summary>Events handed to the sink (the final disconnect status included).</summary>
    public long EventsDelivered { get; init; }

    /// <summary>Journal records read (every type).</summary>
    public long RecordsRead { get; init; }

    /// <summary>Records not delivered: other record types, and events of instruments not subscribed or not known to the replaying application.</summary>
    public long RecordsSkipped { get; init; }

    /// <summary>The journal sequence number of the last record read; 0 when none was.</summary>
    public long LastSequence { get; init; }

    /// <summary>
    /// Why the journal ended before its end, from the journal reader: a torn tail (an append cut short by a crash:
    /// every intact record before it was replayed) or corruption (<see cref="IsCorrupt"/>). Null after a clean end.
    /// </summary>
    public JournalFault? Fault { get; init; }

    /// <summary>Whether the journal is corrupt in the middle (not just a torn tail): the records after the fault were not replayed.</summary>
    public bool IsCorrupt => Fault is { IsTornTail: false };
}
