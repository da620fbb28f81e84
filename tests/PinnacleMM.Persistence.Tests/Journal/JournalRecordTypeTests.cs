using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class JournalRecordTypeTests
{
    // The values are written to disk: changing one would make old journals unreadable.
    [TestMethod]
    [DataRow(JournalRecordType.None, 0)]
    [DataRow(JournalRecordType.OrderAdded, 1)]
    [DataRow(JournalRecordType.OrderCancelled, 2)]
    [DataRow(JournalRecordType.OrderModified, 3)]
    [DataRow(JournalRecordType.Trade, 4)]
    [DataRow(JournalRecordType.MarketOrder, 5)]
    [DataRow(JournalRecordType.Checkpoint, 6)]
    [DataRow(JournalRecordType.ApplicationBase, 0x1000)]
    public void On_disk_values_are_stable(JournalRecordType type, int expected) => Assert.AreEqual(expected, (int)type);
}
