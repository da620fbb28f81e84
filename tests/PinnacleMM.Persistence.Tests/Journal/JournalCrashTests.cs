using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using PinnacleMM.Persistence.Journal;

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
            var (ready, acknowledged) = RunAndKill(dir.Path, policy, random.Next(20, 200));
            var context = $"{policy} round {round}";

            // The child resumed exactly where the previous round's journal ended.
            StringAssert.StartsWith(ready, $"ready {previousLast} ", context);

            var (records, fault) = JournalTestData.ReadAll(dir.Path);
            Assert.IsTrue(fault is null || fault.IsTornTail, $"{context}: {fault}");
            Assert.IsGreaterThanOrEqualTo(acknowledged, (long)records.Count, context);
            JournalTestData.AssertDeterministic(records, records.Count);

            using (var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 64 * 1024, SyncPolicy = JournalSyncPolicy.None }))
            {
                Assert.AreEqual(records.Count, writer.LastSequence, context);
                // A kill between copying a payload and writing its header leaves only trailing bytes,
                // which readers ignore and the writer clears (reported as TrailingData).
                var expected = fault?.Reason ?? writer.RepairedTail?.Reason ?? JournalFaultReason.None;
                Assert.AreEqual(expected, writer.RepairedTail?.Reason ?? JournalFaultReason.None, context);
                Assert.IsTrue(fault is not null || writer.RepairedTail is null || writer.RepairedTail.Reason == JournalFaultReason.TrailingData, context);
            }

            previousLast = records.Count;
            totalAcknowledged = acknowledged;
        }

        Assert.IsGreaterThan(0L, totalAcknowledged, "the child must have acknowledged records before being killed");
    }

    private static (string Ready, long Acknowledged) RunAndKill(string directory, JournalSyncPolicy policy, int killAfterMs)
    {
        var dll = typeof(JournalCrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "CrashWriterPath").Value!;
        Assert.IsTrue(File.Exists(dll), $"crash writer not built at {dll}");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add(directory);
        start.ArgumentList.Add(policy.ToString());

        using var process = Process.Start(start)!;
        var ready = process.StandardOutput.ReadLine();
        if (ready is null)
        {
            process.WaitForExit();
            Assert.Fail("child wrote nothing: " + process.StandardError.ReadToEnd());
        }

        long acknowledged = 0;
        var reading = Task.Run(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("durable ", StringComparison.Ordinal))
                {
                    Volatile.Write(ref acknowledged, long.Parse(line.AsSpan(8), CultureInfo.InvariantCulture));
                }
            }
        });

        // Let it append for a random while, then kill it (SIGKILL on Unix) mid-flight.
        var deadline = Stopwatch.StartNew();
        while (Volatile.Read(ref acknowledged) == 0 && deadline.Elapsed < TimeSpan.FromSeconds(20) && !process.HasExited)
        {
            Thread.Sleep(1);
        }

        Thread.Sleep(killAfterMs);
        if (process.HasExited)
        {
            Assert.Fail("the child must still be appending when it is killed: " + process.StandardError.ReadToEnd());
        }

        process.Kill();
        process.WaitForExit();
        Assert.IsTrue(reading.Wait(TimeSpan.FromSeconds(20)));
        return (ready, Volatile.Read(ref acknowledged));
    }
}
