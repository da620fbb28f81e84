using System.Diagnostics;
using System.Runtime.Versioning;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>
/// Broken environments: an unwritable directory and a full disk. Root ignores directory permissions, so
/// as root these tests use small tmpfs mounts (read-only, or full); the full-disk test needs root.
/// </summary>
[TestClass]
public sealed class JournalEnvironmentFaultTests
{
    private static readonly JournalOptions Options = new() { SegmentSize = 64 * 1024, SyncPolicy = JournalSyncPolicy.None };

    [TestMethod]
    [UnsupportedOSPlatform("windows")]
    public void An_unwritable_directory_is_a_clear_error_and_the_stored_records_stay_readable()
    {
        using var dir = new TempJournalDirectory();
        using var mount = Environment.IsPrivilegedProcess ? TmpfsMount.TryCreate(dir.Path, "1m") : null;
        if (Environment.IsPrivilegedProcess && mount is null)
        {
            Assert.Inconclusive("running as root but cannot mount a tmpfs: root ignores permissions, so the directory cannot be made unwritable");
        }

        var journal = Path.Combine(dir.Path, "j");
        using (var writer = JournalWriter.Open(journal, Options))
        {
            JournalTestData.AppendDeterministic(writer, 10);
        }

        var before = JournalTestData.Snapshot(journal);
        if (mount is not null)
        {
            mount.Remount("ro");
        }
        else
        {
            File.SetUnixFileMode(journal, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        try
        {
            var thrown = Assert.ThrowsExactly<JournalException>(() => JournalWriter.Open(journal, Options));
            StringAssert.Contains(thrown.Message, journal);
            Assert.IsNotNull(thrown.InnerException);

            var (records, fault) = JournalTestData.ReadAll(journal);
            Assert.IsNull(fault);
            JournalTestData.AssertDeterministic(records, 10);
            var after = JournalTestData.Snapshot(journal);
            foreach (var (path, bytes) in before)
            {
                CollectionAssert.AreEqual(bytes, after[path]);
            }
        }
        finally
        {
            if (mount is not null)
            {
                mount.Remount("rw");
            }
            else
            {
                File.SetUnixFileMode(journal, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
    }

    [TestMethod]
    public void A_journal_path_below_a_file_is_a_clear_error()
    {
        using var dir = new TempJournalDirectory();
        var file = Path.Combine(dir.Path, "file");
        File.WriteAllText(file, "not a directory");
        var journal = Path.Combine(file, "j");
        var thrown = Assert.ThrowsExactly<JournalException>(() => JournalWriter.Open(journal, Options));
        StringAssert.Contains(thrown.Message, journal);
        Assert.AreEqual("not a directory", File.ReadAllText(file));
    }

    [TestMethod]
    public void A_full_disk_surfaces_an_error_on_append_and_loses_nothing_durable()
    {
        using var dir = new TempJournalDirectory();
        using var mount = TmpfsMount.TryCreate(dir.Path, "256k");
        if (mount is null)
        {
            Assert.Inconclusive("a full disk is simulated with a small tmpfs, which needs root");
        }

        var journal = Path.Combine(dir.Path, "j");
        JournalException? thrown = null;
        long durableBeforeFailure;
        using (var writer = JournalWriter.Open(journal, Options))
        {
            for (var i = 0; i < 20_000 && thrown is null; i++)
            {
                var sequence = writer.LastSequence + 1;
                try
                {
                    writer.Append(JournalTestData.TypeOf(sequence), sequence * 1000, JournalTestData.Payload(sequence, JournalTestData.LengthOf(sequence)));
                    writer.Flush();
                }
                catch (JournalException e)
                {
                    thrown = e;
                }
            }

            Assert.IsNotNull(thrown, "a 256 KiB tmpfs must fill up");
            StringAssert.Contains(thrown.Message, journal);
            Assert.IsInstanceOfType<IOException>(thrown.InnerException);
            durableBeforeFailure = writer.DurableSequence;
            Assert.AreEqual(writer.LastSequence, durableBeforeFailure, "the failed append must not have taken a sequence");

            // The writer stays usable for what fits and keeps reporting the full disk.
            Assert.ThrowsExactly<JournalException>(() => writer.Append(JournalRecordType.ApplicationBase, 1, new byte[writer.MaxPayloadLength]));
            Assert.AreEqual(durableBeforeFailure, writer.LastSequence);
        }

        Assert.IsEmpty(Directory.GetFiles(journal, "*.tmp"), "a failed segment creation must not leave its temporary file");
        var (records, fault) = JournalTestData.ReadAll(journal);
        Assert.IsNull(fault);
        Assert.IsGreaterThan(100, records.Count);
        JournalTestData.AssertDeterministic(records, durableBeforeFailure);
    }

    /// <summary>A tmpfs mounted over a directory for the duration of a test (root only).</summary>
    private sealed class TmpfsMount : IDisposable
    {
        private readonly string _path;

        private TmpfsMount(string path) => _path = path;

        public static TmpfsMount? TryCreate(string path, string size) =>
            OperatingSystem.IsLinux() && Environment.IsPrivilegedProcess && Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", path)
                ? new TmpfsMount(path)
                : null;

        public void Remount(string mode) => Assert.IsTrue(Run("mount", "-o", "remount," + mode, _path), "remount " + mode);

        public void Dispose() => Run("umount", _path);

        private static bool Run(string command, params string[] arguments)
        {
            var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            try
            {
                using var process = Process.Start(start)!;
                process.WaitForExit();
                return process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }
    }
}
