using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class JournalPropertyTests
{
    // Application types only: their payloads are of any length, while a library type's payload has the fixed size of
    // its OrderBookRecordCodec layout, the only size recovery reads.
    private static readonly JournalRecordType[] Types =
    [
        JournalRecordType.ApplicationBase, JournalRecordType.ApplicationBase + 1, JournalRecordType.ApplicationBase + 7,
        JournalRecordType.ApplicationBase + 0x0FFF, (JournalRecordType)ushort.MaxValue,
    ];

    private sealed record Model(JournalRecordType Type, long TimestampNs, byte[] Payload);

    [TestMethod]
    public void Appended_records_read_back_identically_after_reopening_from_any_sequence()
    {
        var record =
            from type in Gen.Elements(Types)
            from length in Gen.Choose(0, 2048)
            from seed in Gen.Choose(int.MinValue, int.MaxValue)
            select (Type: type, Length: length, Seed: seed);
        // Both drawn within the list: reopen before record 0 to after the last one; read from 0 (the beginning),
        // from any record, or from just past the end.
        var scenario =
            from records in Gen.ListOf(record)
            from reopenAfter in Gen.Choose(0, records.Count)
            from start in Gen.Choose(0, records.Count + 1)
            select (Records: records.ToArray(), ReopenAfter: reopenAfter, From: start);

        var cases = 0;
        var reopenedBetweenRecords = 0;
        var nonEmptyReads = 0;
        var property = Prop.ForAll(scenario.ToArbitrary(), s =>
        {
            cases++;
            using var dir = new TempJournalDirectory();
            var options = new JournalOptions { SegmentSize = 8192, SyncPolicy = JournalSyncPolicy.None };
            var model = new List<Model>();
            var writer = JournalWriter.Open(dir.Path, options);
            try
            {
                for (var i = 0; i <= s.Records.Length; i++)
                {
                    if (i == s.ReopenAfter)
                    {
                        writer.Dispose();
                        writer = JournalWriter.Open(dir.Path, options);
                        Assert.IsNull(writer.RepairedTail);
                        Assert.AreEqual(model.Count, writer.LastSequence, "reopening resumes after the last record");
                        reopenedBetweenRecords += i > 0 && i < s.Records.Length ? 1 : 0;
                    }

                    if (i == s.Records.Length)
                    {
                        break;
                    }

                    var (type, length, seed) = s.Records[i];
                    var payload = new byte[length];
                    new Random(seed).NextBytes(payload);
                    var timestamp = (long)seed * 1_000_003;
                    Assert.AreEqual(model.Count + 1L, writer.Append(type, timestamp, payload));
                    model.Add(new Model(type, timestamp, payload));
                }
            }
            finally
            {
                writer.Dispose();
            }

            // Reading from `from` (0 = the beginning) returns exactly the model's records from there on.
            var from = s.From;
            var (records, fault) = JournalTestData.ReadAll(dir.Path, from);
            Assert.IsNull(fault);
            var first = from == 0 ? 1 : from;
            Assert.HasCount(model.Count - first + 1, records);
            nonEmptyReads += records.Count > 0 ? 1 : 0;
            for (var i = 0; i < records.Count; i++)
            {
                var expected = model[first - 1 + i];
                Assert.AreEqual(first + i, records[i].Sequence);
                Assert.AreEqual(expected.Type, records[i].Type);
                Assert.AreEqual(expected.TimestampNs, records[i].TimestampNs);
                CollectionAssert.AreEqual(expected.Payload, records[i].Payload);
            }
        });

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), property);

        // The scenarios must exercise what the name promises: a reopen between appends and a read that compares records.
        Assert.AreEqual(40, cases);
        Assert.IsGreaterThanOrEqualTo(16, reopenedBetweenRecords, $"cases that reopened between two appends, of {cases}");
        Assert.IsGreaterThanOrEqualTo(16, nonEmptyReads, $"cases whose read returned records, of {cases}");
    }
}
