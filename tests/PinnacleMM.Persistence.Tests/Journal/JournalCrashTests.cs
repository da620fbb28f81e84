using System.Globalization;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Tests.Support;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>
/// A child process appends and prints each sequence the journal acknowledged as durable; it is killed
/// with SIGKILL at a random moment. Every acknowledged record must read back intact and the journal must
/// reopen and continue. Rounds: PINNACLEMM_CRASH_ROUNDS (default 5) per sync policy.
/// </summary>
[TestClass]
public sealed class JournalCrashTests
{
    internal static int Rounds =>
        int.TryParse(Environment.GetEnvironmentVariable("PINNACLEMM_CRASH_ROUNDS"), NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) && rounds > 0
            ? rounds
            : 5;

    [TestMethod]
    [DataRow(JournalSyncPolicy.EveryAppend)]
    [DataRow(JournalSyncPolicy.Interval)]
    public void Records_acknowledged_as_durable_survive_sigkill(JournalSyncPolicy policy)
    {
        using var dir = new TempJournalDirectory();
        var random = new Random(policy == JournalSyncPolicy.EveryAppend ? 1 : 2);
        long previousLast = 0;
        long totalAcknowledged = 0;
        for (var round = 0; round < Rounds; round++)
        {
            var context = $"{policy} round {round}";
            using var process = CrashWriterProcess.Start(dir.Path, policy.ToString());
            var (ready, acknowledged) = CrashWriterProcess.RunAndKill(process, random.Next(20, 200), context);

            // The child resumed exactly where the previous round's journal ended, and acknowledged records of its own.
            StringAssert.StartsWith(ready, $"ready {previousLast} ", context);
            Assert.IsGreaterThan(previousLast, acknowledged, $"{context}: the child acknowledges only sequences above where it started");

            var (records, fault) = JournalTestData.ReadAll(dir.Path);
            Assert.IsTrue(fault is null || fault.IsTornTail, $"{context}: {fault}");
            Assert.IsGreaterThanOrEqualTo(acknowledged, (long)records.Count, $"{context}: every acknowledged record survives");
            JournalTestData.AssertDeterministic(records, records.Count);

            using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 64 * 1024, SyncPolicy = JournalSyncPolicy.None }))
            {
                Assert.AreEqual(records.Count, writer.LastSequence, context);
                if (fault is not null)
                {
                    // The writer cuts off exactly the torn tail the reader stopped at.
                    Assert.IsNotNull(writer.RepairedTail, $"{context}: the torn tail {fault} must be repaired");
                    Assert.AreEqual(
                        (fault.Reason, fault.SegmentPath, fault.Offset, fault.Sequence),
                        (writer.RepairedTail.Reason, writer.RepairedTail.SegmentPath, writer.RepairedTail.Offset, writer.RepairedTail.Sequence),
                        context);
                }
                else
                {
                    // A kill between copying a payload and writing its header leaves only trailing bytes,
                    // which readers ignore and the writer clears (reported as TrailingData).
                    Assert.IsTrue(writer.RepairedTail is null || writer.RepairedTail.Reason == JournalFaultReason.TrailingData, $"{context}: {writer.RepairedTail}");
                }
            }

            totalAcknowledged += acknowledged - previousLast;
            previousLast = records.Count;
        }

        Assert.IsGreaterThanOrEqualTo((long)Rounds, totalAcknowledged, "every round acknowledged records of its own");
    }
}
