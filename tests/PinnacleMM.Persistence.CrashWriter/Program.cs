using System.Globalization;
using PinnacleMM.Persistence.Journal;

// Usage: CrashWriter <directory> <EveryAppend|Interval> [maxRecords]
// Appends records whose type, timestamp and payload are a function of their sequence number (the same
// function as the crash test's), and prints "durable <sequence>" on stdout each time the journal
// reports a higher durable sequence, until it is killed or has appended maxRecords records.
if (args.Length < 2 || !Enum.TryParse<JournalSyncPolicy>(args[1], out var policy))
{
    Console.Error.WriteLine("usage: CrashWriter <directory> <EveryAppend|Interval> [maxRecords]");
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
    var length = (int)(sequence * 37 % 300);
    for (var i = 0; i < length; i++)
    {
        payload[i] = (byte)((sequence * 31) + (i * 7) + 1);
    }

    writer.Append((JournalRecordType)(1 + (sequence % 6)), sequence * 1000, payload.AsSpan(0, length));
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
