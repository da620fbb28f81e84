using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>Deterministic payloads and a simple read-everything helper.</summary>
internal static class JournalTestData
{
    public static byte[] Payload(long sequence, int length)
    {
        var payload = new byte[length];
        DeterministicRecords.Fill(sequence, payload);
        return payload;
    }

    public static JournalRecordType TypeOf(long sequence) => DeterministicRecords.TypeOf(sequence);

    public static int LengthOf(long sequence) => DeterministicRecords.LengthOf(sequence);

    /// <summary>Appends records whose content is a function of their sequence number.</summary>
    public static void AppendDeterministic(JournalWriter writer, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var sequence = writer.LastSequence + 1;
            var appended = writer.Append(TypeOf(sequence), DeterministicRecords.TimestampOf(sequence), Payload(sequence, LengthOf(sequence)));
            Assert.AreEqual(sequence, appended);
        }
    }

    public sealed record Stored(JournalRecordType Type, long Sequence, long TimestampNs, byte[] Payload);

    public static (List<Stored> Records, JournalFault? Fault) ReadAll(string directory, long fromSequence = 0)
    {
        using var reader = JournalReader.Open(directory, fromSequence);
        var records = new List<Stored>();
        while (reader.TryRead(out var record))
        {
            records.Add(new Stored(record.Type, record.Sequence, record.TimestampNs, record.Payload.ToArray()));
        }

        return (records, reader.Fault);
    }

    /// <summary>Asserts records 1..count are the deterministic ones.</summary>
    public static void AssertDeterministic(IReadOnlyList<Stored> records, long count)
    {
        Assert.HasCount((int)count, records);
        for (var i = 0; i < records.Count; i++)
        {
            var sequence = i + 1L;
            Assert.AreEqual(sequence, records[i].Sequence);
            Assert.AreEqual(TypeOf(sequence), records[i].Type);
            Assert.AreEqual(DeterministicRecords.TimestampOf(sequence), records[i].TimestampNs);
            CollectionAssert.AreEqual(Payload(sequence, LengthOf(sequence)), records[i].Payload, $"payload of sequence {sequence}");
        }
    }

    public static Dictionary<string, byte[]> Snapshot(string directory) =>
        Directory.GetFiles(directory, "*.journal").ToDictionary(p => p, File.ReadAllBytes);
}
