using PinnacleMM.Persistence.Journal;
using PinnacleMM.Testing;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class JournalWriterTests
{
    private static JournalOptions Small(JournalSyncPolicy policy = JournalSyncPolicy.None, long segmentSize = 8192) =>
        new() { SegmentSize = segmentSize, SyncPolicy = policy };

    [TestMethod]
    public void Records_read_back_identical_across_segments()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, Small()))
        {
            JournalTestData.AppendDeterministic(writer, 200);
            Assert.AreEqual(200, writer.LastSequence);
        }

        Assert.IsGreaterThan(3, dir.Segments().Length, "200 records of up to 300 bytes must roll 8 KiB segments");
        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        JournalTestData.AssertDeterministic(records, 200);
    }

    [TestMethod]
    public void Segment_files_are_named_by_their_first_sequence()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, Small()))
        {
            JournalTestData.AppendDeterministic(writer, 100);
        }

        var names = dir.Segments().Select(Path.GetFileName).ToArray();
        Assert.AreEqual("00000000000000000001.journal", names[0]);
        var (records, _) = JournalTestData.ReadAll(dir.Path);
        foreach (var name in names.Skip(1))
        {
            var first = long.Parse(name!.AsSpan(0, 20), System.Globalization.CultureInfo.InvariantCulture);
            using var reader = JournalReader.Open(dir.Path, first);
            Assert.IsTrue(reader.TryRead(out var record));
            Assert.AreEqual(first, record.Sequence);
        }

        Assert.HasCount(100, records);
    }

    [TestMethod]
    public void Reopening_resumes_after_the_last_record_and_never_grows_the_files()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, Small()))
        {
            JournalTestData.AppendDeterministic(writer, 3);
        }

        var sizes = dir.Segments().ToDictionary(p => p, p => new FileInfo(p).Length);
        Assert.AreEqual(8192L, sizes.Values.Single());
        for (var round = 0; round < 5; round++)
        {
            using var writer = JournalWriter.Open(dir.Path, Small());
            Assert.IsNull(writer.RepairedTail);
            Assert.AreEqual(3L + round, writer.LastSequence);
            Assert.AreEqual(writer.LastSequence, writer.DurableSequence);
            JournalTestData.AppendDeterministic(writer, 1);
        }

        CollectionAssert.AreEquivalent(sizes.ToList(), dir.Segments().ToDictionary(p => p, p => new FileInfo(p).Length).ToList());
        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        JournalTestData.AssertDeterministic(records, 8);
    }

    [TestMethod]
    public void Durable_sequence_advances_only_on_flush_with_policy_none()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small());
        JournalTestData.AppendDeterministic(writer, 50);
        Assert.AreEqual(50, writer.LastSequence);
        Assert.AreEqual(0, writer.DurableSequence);
        writer.Flush();
        Assert.AreEqual(50, writer.DurableSequence);
        JournalTestData.AppendDeterministic(writer, 1);
        Assert.AreEqual(50, writer.DurableSequence);
    }

    [TestMethod]
    public async Task FlushAsync_makes_everything_appended_before_it_durable()
    {
        using var dir = new TempJournalDirectory();
        await using var writer = JournalWriter.Open(dir.Path, Small());
        JournalTestData.AppendDeterministic(writer, 20);
        await writer.FlushAsync();
        Assert.AreEqual(20, writer.DurableSequence);
    }

    [TestMethod]
    public void Every_append_is_durable_when_it_returns_with_policy_every_append()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small(JournalSyncPolicy.EveryAppend));
        for (var i = 0; i < 30; i++)
        {
            JournalTestData.AppendDeterministic(writer, 1);
            Assert.AreEqual(writer.LastSequence, writer.DurableSequence);
        }
    }

    [TestMethod]
    public void Interval_policy_flushes_in_the_background_and_on_dispose()
    {
        using var dir = new TempJournalDirectory();
        var options = Small(JournalSyncPolicy.Interval);
        options.SyncInterval = TimeSpan.FromMilliseconds(5);
        using (var writer = JournalWriter.Open(dir.Path, options))
        {
            JournalTestData.AppendDeterministic(writer, 10);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (writer.DurableSequence < 10 && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(1);
            }

            Assert.AreEqual(10, writer.DurableSequence, "the group-commit thread must flush within the deadline");
            JournalTestData.AppendDeterministic(writer, 5);
        }

        var (records, _) = JournalTestData.ReadAll(dir.Path);
        JournalTestData.AssertDeterministic(records, 15);
    }

    [TestMethod]
    public void Appending_allocates_nothing()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small(JournalSyncPolicy.Interval, 1 << 20));
        var payload = new byte[64];
        var order = new byte[OrderBookRecordCodec.OrderSize];
        var cancel = new byte[OrderBookRecordCodec.CancelSize];
        writer.Append(JournalRecordType.ApplicationBase, 1, payload);
        writer.TryAppend(JournalRecordType.OrderCancelled, 1, cancel, out _);
        writer.BeginAppend(JournalRecordType.ApplicationBase, 1, 64);
        writer.CommitAppend(10);
        writer.TryAppend(JournalRecordType.None, 1, payload, out _);
        writer.TryAppend(JournalRecordType.OrderCancelled, 1, payload, out _);

        // 2,000 rounds of 4 records in all stay within the 1 MiB segment: no segment is rolled over. Library types
        // go through the payload size check, and a refusal (wrong type, wrong size) allocates nothing either.
        void Appends()
        {
            for (var i = 0; i < 500; i++)
            {
                writer.Append(JournalRecordType.OrderAdded, i, order);
                writer.TryAppend(JournalRecordType.OrderCancelled, i, cancel, out _);
                writer.TryAppend(JournalRecordType.None, i, payload, out _);
                writer.TryAppend(JournalRecordType.OrderCancelled, i, payload, out _);
                var span = writer.BeginAppend(JournalRecordType.ApplicationBase + 1, i, 64);
                span[0] = 1;
                writer.CommitAppend(8);
                writer.Append(JournalRecordType.ApplicationBase + 2, payload);
            }
        }

        Appends();
        SteadyState.AssertAllocatesNothing("500 rounds of appends", Appends);
        Assert.AreEqual(3 + 8000L, writer.LastSequence);
    }

    [TestMethod]
    public void Reserved_append_commits_the_written_length_and_abort_leaves_nothing()
    {
        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, Small()))
        {
            var span = writer.BeginAppend(JournalRecordType.ApplicationBase + 3, 7, 100);
            Assert.AreEqual(100, span.Length);
            span[..3].Fill(9);
            Assert.AreEqual(1, writer.CommitAppend(3));

            span = writer.BeginAppend(JournalRecordType.ApplicationBase + 3, 8, 50);
            span.Fill(5);
            Assert.ThrowsExactly<InvalidOperationException>(() => writer.Append(JournalRecordType.ApplicationBase + 3, 1, [1]));
            writer.AbortAppend();

            Assert.AreEqual(2, writer.Append(JournalRecordType.ApplicationBase + 4, 9, [4, 4]));
            Assert.ThrowsExactly<InvalidOperationException>(() => writer.CommitAppend());
        }

        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsNull(fault);
        Assert.HasCount(2, records);
        CollectionAssert.AreEqual(new byte[] { 9, 9, 9 }, records[0].Payload);
        Assert.AreEqual(7, records[0].TimestampNs);
        CollectionAssert.AreEqual(new byte[] { 4, 4 }, records[1].Payload);
        Assert.AreEqual(JournalRecordType.ApplicationBase + 4, records[1].Type);
    }

    [TestMethod]
    public void Record_type_none_is_rejected_and_nothing_is_written()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small());
        JournalTestData.AppendDeterministic(writer, 5);
        writer.Flush();
        var before = JournalTestData.Snapshot(dir.Path);

        Assert.AreEqual(JournalAppendStatus.InvalidRecordType, writer.TryAppend(JournalRecordType.None, 1, [1, 2, 3], out var sequence));
        Assert.AreEqual(0, sequence);
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.Append(JournalRecordType.None, 1, [1, 2, 3]));
        Assert.AreEqual("type", thrown.ParamName);
        StringAssert.Contains(thrown.Message, "JournalRecordType.None");
        Assert.ThrowsExactly<ArgumentException>(() => writer.BeginAppend(JournalRecordType.None, 1, 3));

        writer.Flush();
        Assert.AreEqual(5, writer.LastSequence);
        AssertSameFiles(before, JournalTestData.Snapshot(dir.Path));
        Assert.AreEqual(6, writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
    }

    [TestMethod]
    [DataRow(7)]
    [DataRow(9)]
    [DataRow(0x0800)]
    [DataRow(0x0FFF)]
    public void Reserved_record_types_are_rejected_naming_the_type_and_nothing_is_written(int value)
    {
        var type = (JournalRecordType)value;
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small());
        JournalTestData.AppendDeterministic(writer, 5);
        writer.Flush();
        var before = JournalTestData.Snapshot(dir.Path);
        var message = $"type {value} (0x{value:X4}) is reserved for future library record types (7 to 0x0FFF), which recovery refuses: "
            + "use a library type (1 to 6) or ApplicationBase (0x1000) and above (Parameter 'type')";

        Assert.AreEqual(JournalAppendStatus.InvalidRecordType, writer.TryAppend(type, 1, [1, 2, 3], out var sequence));
        Assert.AreEqual(0, sequence);
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.Append(type, 1, [1, 2, 3]));
        Assert.AreEqual("type", thrown.ParamName);
        Assert.AreEqual(message, thrown.Message);
        thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.BeginAppend(type, 1, 3));
        Assert.AreEqual(message, thrown.Message);

        writer.Flush();
        Assert.AreEqual(5, writer.LastSequence);
        AssertSameFiles(before, JournalTestData.Snapshot(dir.Path));

        // Nothing was left reserved, and the types on either side of the reserved range are stored.
        Assert.AreEqual(6, writer.Append(JournalRecordType.Checkpoint, 1, new byte[OrderBookRecordCodec.CheckpointSize]));
        Assert.AreEqual(7, writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
        Assert.AreEqual(8, writer.Append((JournalRecordType)ushort.MaxValue, 1, [1]));
    }

    [TestMethod]
    public void Oversized_payload_is_rejected_and_nothing_is_written()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small());
        Assert.AreEqual(8192 - 64 - 32, writer.MaxPayloadLength);
        JournalTestData.AppendDeterministic(writer, 5);
        writer.Flush();
        var before = JournalTestData.Snapshot(dir.Path);
        var tooBig = new byte[writer.MaxPayloadLength + 1];

        Assert.AreEqual(JournalAppendStatus.PayloadTooLarge, writer.TryAppend(JournalRecordType.ApplicationBase, 1, tooBig, out _));
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => writer.Append(JournalRecordType.ApplicationBase, 1, tooBig));
        Assert.AreEqual("payload", thrown.ParamName);
        StringAssert.Contains(thrown.Message, "8097 bytes exceed the maximum payload");
        Assert.ThrowsExactly<ArgumentException>(() => writer.BeginAppend(JournalRecordType.ApplicationBase, 1, tooBig.Length));
        Assert.ThrowsExactly<ArgumentException>(() => writer.BeginAppend(JournalRecordType.ApplicationBase, 1, -1));

        writer.Flush();
        Assert.AreEqual(5, writer.LastSequence);
        AssertSameFiles(before, JournalTestData.Snapshot(dir.Path));

        // The largest payload fits: it gets a segment of its own.
        Assert.AreEqual(6, writer.Append(JournalRecordType.ApplicationBase, 1, new byte[writer.MaxPayloadLength]));
    }

    [TestMethod]
    public void A_second_writer_on_the_same_journal_is_refused()
    {
        using var dir = new TempJournalDirectory();
        using var writer = JournalWriter.Open(dir.Path, Small());
        var thrown = Assert.ThrowsExactly<JournalException>(() => JournalWriter.Open(dir.Path, Small()));
        StringAssert.Contains(thrown.Message, dir.Path);
        Assert.AreEqual(1, writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
    }

    [TestMethod]
    [DataRow(1000L)]
    [DataRow(4097L)]
    [DataRow(2L << 30)]
    public void Invalid_segment_size_is_rejected_naming_the_option(long size)
    {
        using var dir = new TempJournalDirectory();
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = size }));
        Assert.AreEqual("SegmentSize", thrown.ParamName);
        Assert.IsEmpty(dir.Segments());
    }

    [TestMethod]
    public void Invalid_sync_interval_is_rejected_naming_the_option()
    {
        using var dir = new TempJournalDirectory();
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => JournalWriter.Open(dir.Path, new JournalOptions { SyncInterval = TimeSpan.Zero }));
        Assert.AreEqual("SyncInterval", thrown.ParamName);
    }

    [TestMethod]
    [DataRow(-4096L)]
    [DataRow(1000L)]
    [DataRow((256L * 1024 * 1024) + 4096)]
    public void Invalid_prefault_window_is_rejected_naming_the_option(long bytes)
    {
        using var dir = new TempJournalDirectory();
        var thrown = Assert.ThrowsExactly<ArgumentException>(() => JournalWriter.Open(dir.Path, new JournalOptions { PrefaultBytes = bytes }));
        Assert.AreEqual("PrefaultBytes", thrown.ParamName);
        StringAssert.Contains(thrown.Message, $"must be 0 or a multiple of 4096 up to 268435456 bytes (was {bytes})");
        Assert.IsEmpty(dir.Segments());
    }

    [TestMethod]
    [DataRow(0L)]
    [DataRow(4096L)]
    [DataRow(8L * 1024 * 1024)]
    public void Records_read_back_identically_with_or_without_prefaulting_across_rolls(long prefault)
    {
        // The prefaulter populates pages ahead of the writer, and follows it into each new segment;
        // it must never change what is written, nor touch a segment after the writer unmapped it.
        using var dir = new TempJournalDirectory();
        var options = new JournalOptions { SegmentSize = 64 * 1024, PrefaultBytes = prefault, SyncPolicy = JournalSyncPolicy.None };
        var payload = new byte[200];
        using (var writer = JournalWriter.Open(dir.Path, options))
        {
            for (var i = 1; i <= 2_000; i++)
            {
                payload.AsSpan().Fill((byte)i);
                writer.Append(JournalRecordType.ApplicationBase, i, payload);
            }
        }

        Assert.IsGreaterThan(5, dir.Segments().Length, "the test must roll segments");
        using var reader = JournalReader.Open(dir.Path);
        var count = 0;
        while (reader.TryRead(out var record))
        {
            count++;
            Assert.AreEqual(count, record.Sequence);
            Assert.AreEqual(count, record.TimestampNs);
            Assert.IsTrue(record.Payload.IndexOfAnyExcept((byte)count) < 0, $"record {count} payload changed");
        }

        Assert.IsNull(reader.Fault);
        Assert.AreEqual(2_000, count);
    }

    [TestMethod]
    public void Prefaulter_keeps_the_window_ahead_of_a_writer_at_unaligned_offsets()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the prefaulter works on Linux only");
        }

        // 200-byte payloads leave the write position off page boundaries; the populated end must stay
        // page-aligned (madvise refuses anything else) and follow the writer, instead of stopping.
        using var dir = new TempJournalDirectory();
        const long window = 64 * 1024;
        using var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 1024 * 1024, PrefaultBytes = window, SyncPolicy = JournalSyncPolicy.None });
        var payload = new byte[200];
        for (var round = 1; round <= 5; round++)
        {
            for (var i = 0; i < 100; i++)
            {
                writer.Append(JournalRecordType.ApplicationBase, i, payload);
            }

            var wanted = (writer.WriteOffset + window) & ~4095L;
            Assert.AreNotEqual(0L, writer.WriteOffset % 4096, "the writer must stand at an unaligned offset");
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (writer.Prefaulter!.PopulatedUpTo < wanted && !writer.Prefaulter.HasStopped && waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(1);
            }

            Assert.IsFalse(writer.Prefaulter.HasStopped, $"round {round}: the prefaulter switched itself off");
            Assert.AreEqual(wanted, writer.Prefaulter.PopulatedUpTo, $"round {round}: populated up to the aligned end of the window");
        }
    }

    [TestMethod]
    public void Flush_syncs_the_written_range_and_leaves_the_prefaulted_window_writable()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("the ranged msync and /proc/self/smaps are Linux only");
        }

        // A whole-file fsync would write the populated zero pages ahead of the writer back to disk and
        // write-protect them (0 kB dirty afterwards); the ranged flush leaves them dirty and mapped.
        using var dir = new TempJournalDirectory();
        const long window = 1024 * 1024;
        using var writer = JournalWriter.Open(dir.Path, new JournalOptions { SegmentSize = 4 * 1024 * 1024, PrefaultBytes = window, SyncPolicy = JournalSyncPolicy.None });
        for (var i = 0; i < 100; i++)
        {
            writer.Append(JournalRecordType.ApplicationBase, i, new byte[200]);
        }

        var wanted = (writer.WriteOffset + window) & ~4095L;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (writer.Prefaulter!.PopulatedUpTo < wanted && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(1);
        }

        writer.Flush();
        Assert.AreEqual(writer.LastSequence, writer.DurableSequence);
        var dirtyKb = DirtyKilobytes(Path.Combine(dir.Path, "00000000000000000001.journal"));
        Assert.IsGreaterThan((window - writer.WriteOffset) / 1024 - 8, dirtyKb, "the pages ahead of the written range stay dirty (not written back)");
        Assert.IsLessThanOrEqualTo(window / 1024 + 8, dirtyKb, "nothing beyond the window was touched");
    }

    /// <summary>
    /// Evidence from the kernel, not the writer's own counter, that a sync policy writes records back: SIGKILL
    /// keeps the page cache, so the crash tests would pass with a writer that never syncs. The segment's
    /// mapped pages must be clean (0 kB dirty in /proc/self/smaps) whenever the policy reports them durable,
    /// while a writer that does not sync leaves the same appends dirty.
    /// </summary>
    [TestMethod]
    [DataRow(JournalSyncPolicy.EveryAppend)]
    [DataRow(JournalSyncPolicy.Interval)]
    public void Appended_pages_are_written_back_once_the_policy_reports_them_durable(JournalSyncPolicy policy)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("/proc/self/smaps is Linux only");
        }

        // No prefaulting: populated pages ahead of the writer would count as dirty without holding records.
        JournalOptions Options(JournalSyncPolicy p) => new() { SegmentSize = 1024 * 1024, PrefaultBytes = 0, SyncPolicy = p, SyncInterval = TimeSpan.FromMilliseconds(20) };
        var payload = new byte[500];
        new Random(5).NextBytes(payload);

        // The control: the same appends without a sync are seen dirty, so a clean reading below means written back.
        using (var control = new TempJournalDirectory())
        using (var writer = JournalWriter.Open(control.Path, Options(JournalSyncPolicy.None)))
        {
            for (var i = 0; i < 40; i++)
            {
                writer.Append(JournalRecordType.ApplicationBase, i, payload);
            }

            if (DirtyKilobytes(control.Segments().Single()) == 0)
            {
                Assert.Inconclusive("the kernel wrote back the unsynced pages on its own (memory pressure?): dirty pages cannot be observed here");
            }
        }

        using var dir = new TempJournalDirectory();
        using (var writer = JournalWriter.Open(dir.Path, Options(policy)))
        {
            var segment = dir.Segments().Single();
            for (var round = 0; round < 10; round++)
            {
                // Four records (about 2 KiB) a round: the pages of a round are partly new, partly written before.
                for (var i = 0; i < 4; i++)
                {
                    writer.Append(JournalRecordType.ApplicationBase, round, payload);
                    if (policy == JournalSyncPolicy.EveryAppend)
                    {
                        Assert.AreEqual(writer.LastSequence, writer.DurableSequence);
                        Assert.AreEqual(0L, DirtyKilobytes(segment), $"dirty kB after append {writer.LastSequence}, which EveryAppend reported durable");
                    }
                }

                var waited = System.Diagnostics.Stopwatch.StartNew();
                while (writer.DurableSequence < writer.LastSequence && waited.Elapsed < TimeSpan.FromSeconds(20))
                {
                    Thread.Sleep(1);
                }

                Assert.AreEqual(writer.LastSequence, writer.DurableSequence, $"round {round}: the group-commit thread must flush within 20 s");
                Assert.AreEqual(0L, DirtyKilobytes(segment), $"dirty kB in round {round} once sequence {writer.DurableSequence} was reported durable");
            }
        }
    }

    private static long DirtyKilobytes(string mappedFile)
    {
        var lines = File.ReadAllLines("/proc/self/smaps");
        var start = Array.FindIndex(lines, l => l.EndsWith(mappedFile, StringComparison.Ordinal));
        Assert.IsGreaterThanOrEqualTo(0, start, "the segment is mapped");
        long dirty = 0;
        for (var i = start + 1; i < lines.Length && lines[i].Contains(':', StringComparison.Ordinal) && !lines[i].Contains('-', StringComparison.Ordinal); i++)
        {
            if (lines[i].StartsWith("Shared_Dirty:", StringComparison.Ordinal) || lines[i].StartsWith("Private_Dirty:", StringComparison.Ordinal))
            {
                dirty += long.Parse(lines[i].Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return dirty;
    }

    [TestMethod]
    public void Appending_after_dispose_throws()
    {
        using var dir = new TempJournalDirectory();
        var writer = JournalWriter.Open(dir.Path, Small());
        writer.Dispose();
        writer.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => writer.Append(JournalRecordType.ApplicationBase, 1, [1]));
        Assert.ThrowsExactly<ObjectDisposedException>(writer.Flush);
    }

    private static void AssertSameFiles(Dictionary<string, byte[]> expected, Dictionary<string, byte[]> actual)
    {
        CollectionAssert.AreEquivalent(expected.Keys.ToList(), actual.Keys.ToList());
        foreach (var (path, bytes) in expected)
        {
            CollectionAssert.AreEqual(bytes, actual[path], path);
        }
    }
}
