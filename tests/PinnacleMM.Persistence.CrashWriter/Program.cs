using System.Globalization;
using PinnacleMM.Persistence;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Tests.Support;

// Child process for the crash and lock tests of PinnacleMM.Persistence.Tests.
//   CrashWriter <directory> <EveryAppend|Interval> [maxRecords]
//     Appends records whose type, timestamp and payload are a function of their sequence number
//     (DeterministicRecords, which the crash test checks them against), and prints "durable <sequence>" each time the journal reports a
//     higher durable sequence, until it is killed or has appended maxRecords records.
//   CrashWriter book <dataDirectory> <EveryAppend|Interval> <seed>
//     Recovers the instrument TEST-USD, then applies TestBooks.RandomOps(seed) from where the recovered
//     state left off through InstrumentPersistence, snapshotting (and compacting) every 40 ops, and prints
//     "durable <ops>" once that many ops are durable, until it is killed.
//   CrashWriter hold <dataDirectory>
//     Opens a PersistenceManager on the directory, prints "locked" and waits until stdin closes.
if (args.Length >= 2 && args[0] == "hold")
{
    using var manager = new PersistenceManager(new PersistenceOptions { DataDirectory = args[1], SnapshotIntervalMin = 0 });
    Console.Out.WriteLine("locked");
    Console.Out.Flush();
    Console.In.ReadToEnd();
    return 0;
}

if (args.Length >= 4 && args[0] == "book" && Enum.TryParse<JournalSyncPolicy>(args[2], out var bookPolicy))
{
    return RunBook(args[1], bookPolicy, int.Parse(args[3], CultureInfo.InvariantCulture));
}

if (args.Length < 2 || !Enum.TryParse<JournalSyncPolicy>(args[1], out var policy))
{
    Console.Error.WriteLine("usage: CrashWriter <directory> <EveryAppend|Interval> [maxRecords] | book <dataDirectory> <policy> <seed> | hold <dataDirectory>");
    return 2;
}

var maxRecords = args.Length > 2 ? long.Parse(args[2], CultureInfo.InvariantCulture) : 200_000;
var options = new JournalOptions { SegmentSize = 64 * 1024, SyncPolicy = policy, SyncInterval = TimeSpan.FromMilliseconds(2) };
using var writer = JournalWriter.Open(args[0], options);
var output = Console.Out;
output.WriteLine($"ready {writer.LastSequence} {(writer.RepairedTail is null ? "clean" : writer.RepairedTail.Reason.ToString())}");
output.Flush();
var reported = writer.DurableSequence;
var payload = new byte[300];
for (var appended = 0L; appended < maxRecords; appended++)
{
    var sequence = writer.LastSequence + 1;
    var record = payload.AsSpan(0, DeterministicRecords.LengthOf(sequence));
    DeterministicRecords.Fill(sequence, record);
    writer.Append(DeterministicRecords.TypeOf(sequence), DeterministicRecords.TimestampOf(sequence), record);
    if (policy == JournalSyncPolicy.Interval && sequence % 50 == 0)
    {
        writer.Flush();
    }

    var durable = writer.DurableSequence;
    if (durable > reported)
    {
        output.WriteLine($"durable {durable}");
        output.Flush();
        reported = durable;
    }
}

return 0;

static int RunBook(string dataDirectory, JournalSyncPolicy policy, int seed)
{
    var settings = new PersistenceOptions
    {
        DataDirectory = dataDirectory,
        JournalSegmentSize = 4096,
        JournalSyncIntervalMs = policy == JournalSyncPolicy.EveryAppend ? 0 : 2,
        SnapshotIntervalMin = 0,
        KeepSnapshots = 2,
        CompactionThreshold = 8192,
    };
    var counter = new OpCounter();
    using var manager = new PersistenceManager(settings);
    var instrument = manager.Open(TestBooks.Instrument, new InstrumentPersistenceOptions { StateProviders = [counter] });

    // Ops in the snapshot, plus the book records replayed after it: exactly the ops applied so far.
    var done = counter.Value + instrument.Recovery.BookRecords;
    Console.Out.WriteLine($"ready {done}");
    Console.Out.Flush();
    var ops = TestBooks.RandomOps(seed, OpCounter.MaxOps);
    for (var k = (int)done; k < ops.Count; k++)
    {
        switch (ops[k])
        {
            case TestBooks.SubmitOp s:
                instrument.Submit(s.Order);
                break;
            case TestBooks.CancelOp c:
                instrument.Cancel(c.OrderId, c.Timestamp);
                break;
            case TestBooks.ModifyOp m:
                instrument.Modify(m.OrderId, new(m.Price), new(m.Quantity), m.Timestamp);
                break;
        }

        counter.Value = k + 1;
        if (counter.Value % 40 == 0)
        {
            instrument.TakeSnapshot();
        }

        if (policy == JournalSyncPolicy.Interval && counter.Value % 10 == 0)
        {
            instrument.Flush();
        }

        // With EveryAppend each op is durable when it returns; with Interval after the flush above.
        if (policy == JournalSyncPolicy.EveryAppend || counter.Value % 10 == 0)
        {
            Console.Out.WriteLine($"durable {counter.Value}");
            Console.Out.Flush();
        }
    }

    return 0;
}
