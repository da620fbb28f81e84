using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>A journal may start at a sequence above 1 (after a snapshot, once older segments are compacted away).</summary>
[TestClass]
public sealed class JournalFirstSequenceTests
{
    [TestMethod]
    public void A_new_journal_starts_at_first_sequence_and_continues_after_reopening()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { FirstSequence = 101, SyncPolicy = JournalSyncPolicy.None }))
        {
            Assert.AreEqual(100L, writer.LastSequence);
            Assert.AreEqual(101L, writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
        }

        CollectionAssert.AreEqual(new[] { Path.Combine(dir.Path, "00000000000000000101.journal") }, dir.Segments());

        // FirstSequence only applies to an empty journal: an existing one continues after its last record.
        using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { FirstSequence = 7, SyncPolicy = JournalSyncPolicy.None }))
        {
            Assert.AreEqual(102L, writer.Append(JournalRecordType.ApplicationBase, 2, [2]));
        }

        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        CollectionAssert.AreEqual(new long[] { 101, 102 }, records.Select(r => r.Sequence).ToArray());
        using var reader = JournalReader.Open(dir.Path);
        Assert.AreEqual(101L, reader.FirstSequence);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => JournalReader.Open(dir.Path, 100));
        StringAssert.StartsWith(error.Message, "fromSequence: the journal in '" + dir.Path + "' starts at sequence 101");
    }

    [TestMethod]
    public void First_sequence_below_one_is_rejected_and_creates_nothing()
    {
        using var dir = new TempJournalDirectory();
        var error = Assert.Throws<ArgumentException>(() => JournalWriter.Open(dir.Path, new JournalOptions { FirstSequence = 0 }));
        Assert.AreEqual("FirstSequence: must be at least 1 (was 0) (Parameter 'FirstSequence')", error.Message);
        Assert.IsEmpty(Directory.GetFileSystemEntries(dir.Path));
    }
}
