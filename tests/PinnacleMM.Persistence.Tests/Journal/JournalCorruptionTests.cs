using System.Buffers.Binary;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Persistence.Tests.Journal;

[TestClass]
public sealed class JournalCorruptionTests
{
    private static readonly JournalOptions Options = new() { SegmentSize = 4096, SyncPolicy = JournalSyncPolicy.None };

    private static string CopyJournal(string source, string root, string name)
    {
        var target = Path.Combine(root, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(source, "*.journal"))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }

    private static string Segment(string directory, long firstSequence) =>
        Path.Combine(directory, firstSequence.ToString("D20", System.Globalization.CultureInfo.InvariantCulture) + ".journal");

    private static void AssertFault(JournalFault? fault, JournalFaultReason reason, string path, long offset, long sequence, bool tornTail)
    {
        Assert.IsNotNull(fault, $"expected {reason}");
        Assert.AreEqual(reason, fault.Reason, fault.ToString());
        Assert.AreEqual(path, fault.SegmentPath);
        Assert.AreEqual(offset, fault.Offset, fault.ToString());
        Assert.AreEqual(sequence, fault.Sequence, fault.ToString());
        Assert.AreEqual(tornTail, fault.IsTornTail, fault.ToString());
    }

    /// <summary>A single segment holding five records of 200-byte payloads (232 bytes each on disk).</summary>
    private static string FiveRecords(TempJournalDirectory dir)
    {
        var source = Path.Combine(dir.Path, "source");
        using var writer = JournalWriter.Open(source, Options);
        for (var sequence = 1L; sequence <= 5; sequence++)
        {
            writer.Append(JournalTestData.TypeOf(sequence), sequence * 1000, JournalTestData.Payload(sequence, 200));
        }

        return source;
    }

    [TestMethod]
    public void A_last_record_cut_at_every_byte_is_a_torn_tail_that_reopening_cuts_off()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        const long lastRecord = 64 + (4 * 232);
        var original = File.ReadAllBytes(Segment(source, 1));

        for (var cut = 0; cut < 232; cut++)
        {
            foreach (var zeroFill in new[] { false, true })
            {
                var copy = CopyJournal(source, dir.Path, $"{cut}-{zeroFill}");
                var path = Segment(copy, 1);
                if (zeroFill)
                {
                    // A torn write into the preallocated file: the rest of the record never reached the disk.
                    var bytes = (byte[])original.Clone();
                    Array.Clear(bytes, (int)lastRecord + cut, bytes.Length - (int)lastRecord - cut);
                    File.WriteAllBytes(path, bytes);
                }
                else
                {
                    using var file = new FileStream(path, FileMode.Open);
                    file.SetLength(lastRecord + cut);
                }

                var (records, fault) = JournalTestData.ReadAll(copy);
                Assert.HasCount(4, records, $"cut {cut} zero {zeroFill}");
                for (var i = 0; i < 4; i++)
                {
                    CollectionAssert.AreEqual(JournalTestData.Payload(i + 1, 200), records[i].Payload);
                }

                JournalFaultReason? expected = cut == 0 ? null
                    : !zeroFill ? JournalFaultReason.TruncatedRecord
                    : cut <= 4 ? JournalFaultReason.InvalidRecordHeader
                    : JournalFaultReason.RecordChecksumMismatch;
                if (expected is null)
                {
                    Assert.IsNull(fault, $"cut {cut} zero {zeroFill}: {fault}");
                }
                else
                {
                    AssertFault(fault, expected.Value, path, lastRecord, 5, tornTail: true);
                }

                // Reopening cuts the tail off, reports it, restores the preallocated size and continues at 5.
                if (cut % 8 == 1 || cut < 40)
                {
                    using (var writer = JournalWriter.Open(copy, Options))
                    {
                        Assert.AreEqual(4, writer.LastSequence);
                        if (expected is null)
                        {
                            Assert.IsNull(writer.RepairedTail);
                        }
                        else
                        {
                            AssertFault(writer.RepairedTail, expected.Value, path, lastRecord, 5, tornTail: true);
                        }

                        Assert.AreEqual(5, writer.Append(JournalRecordType.ApplicationBase, 5000, JournalTestData.Payload(5, 10)));
                    }

                    Assert.AreEqual(4096, new FileInfo(path).Length);
                    var (after, afterFault) = JournalTestData.ReadAll(copy);
                    Assert.IsNull(afterFault);
                    Assert.HasCount(5, after);
                    CollectionAssert.AreEqual(JournalTestData.Payload(5, 10), after[4].Payload);
                }
            }
        }
    }

    [TestMethod]
    public void Random_bit_flips_anywhere_are_detected_and_only_the_valid_prefix_is_read()
    {
        using var dir = new TempJournalDirectory();
        var source = Path.Combine(dir.Path, "source");
        using (var writer = JournalWriter.Open(source, Options))
        {
            JournalTestData.AppendDeterministic(writer, 80);
        }

        var segments = Directory.GetFiles(source, "*.journal").Order(StringComparer.Ordinal).ToArray();
        Assert.IsGreaterThan(2, segments.Length);
        var layouts = SegmentLayout.Parse(segments);
        var (originals, _) = JournalTestData.ReadAll(source);
        var random = new Random(12345);

        for (var round = 0; round < 300; round++)
        {
            var segmentIndex = random.Next(segments.Length);
            var layout = layouts[segmentIndex];
            // Half of the flips land in the written part (headers and records), half anywhere.
            var offset = random.Next(2) == 0 ? random.Next((int)layout.EndOffset) : random.Next((int)layout.Length);
            var bit = random.Next(8);
            var copy = CopyJournal(source, dir.Path, round.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var path = Path.Combine(copy, Path.GetFileName(layout.Path));
            var bytes = File.ReadAllBytes(path);
            bytes[offset] ^= (byte)(1 << bit);
            File.WriteAllBytes(path, bytes);
            var context = $"round {round}: segment {segmentIndex} offset {offset} bit {bit}";

            var (records, fault) = JournalTestData.ReadAll(copy);
            for (var i = 0; i < records.Count; i++)
            {
                Assert.AreEqual(originals[i], records[i] with { Payload = originals[i].Payload }, context);
                CollectionAssert.AreEqual(originals[i].Payload, records[i].Payload, context);
            }

            var isLastSegment = segmentIndex == segments.Length - 1;
            var firstInSegment = layout.Records[0].Sequence;
            if (offset < 64)
            {
                JournalFaultReason expected = offset switch
                {
                    < 8 => JournalFaultReason.NotAJournalSegment,
                    < 10 => JournalFaultReason.UnsupportedVersion,
                    < 60 => JournalFaultReason.SegmentHeaderChecksumMismatch,
                    _ => JournalFaultReason.InvalidSegmentHeader,
                };
                AssertFault(fault, expected, path, 0, firstInSegment, tornTail: false);
                Assert.HasCount((int)firstInSegment - 1, records, context);
            }
            else if (offset < layout.EndOffset)
            {
                var (start, _, sequence) = layout.Records.Single(r => offset >= r.Offset && offset < r.Offset + r.Size);
                var field = offset - start;
                Assert.IsNotNull(fault, context);
                var allowed = field switch
                {
                    < 4 => new[] { JournalFaultReason.InvalidRecordLength, JournalFaultReason.RecordChecksumMismatch },
                    < 6 => [JournalFaultReason.InvalidRecordHeader, JournalFaultReason.RecordChecksumMismatch],
                    < 8 => [JournalFaultReason.InvalidRecordHeader],
                    < 28 => [JournalFaultReason.RecordChecksumMismatch],
                    < 32 => [JournalFaultReason.InvalidRecordHeader],
                    _ => [JournalFaultReason.RecordChecksumMismatch],
                };
                CollectionAssert.Contains(allowed, fault.Reason, context + " " + fault);
                var isLastRecord = isLastSegment && sequence == layout.Records[^1].Sequence;
                AssertFault(fault, fault.Reason, path, start, sequence, tornTail: isLastRecord);
                Assert.HasCount((int)sequence - 1, records, context);
            }
            else if (fault is not null)
            {
                // Garbage in unwritten space is only seen where the next header would be.
                AssertFault(fault, fault.Reason, path, layout.EndOffset, layout.Records[^1].Sequence + 1, tornTail: isLastSegment);
                Assert.HasCount((int)layout.Records[^1].Sequence, records, context);
            }
            else
            {
                Assert.HasCount(originals.Count, records, context);
            }

            // A writer repairs a torn tail and refuses anything else, changing nothing.
            if (round % 5 == 0 && fault is not null)
            {
                var before = JournalTestData.Snapshot(copy);
                if (fault.IsTornTail)
                {
                    using var writer = JournalWriter.Open(copy, Options);
                    Assert.AreEqual(fault.Sequence - 1, writer.LastSequence, context);
                    Assert.AreEqual(fault.Reason, writer.RepairedTail!.Reason, context);
                }
                else
                {
                    var thrown = Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(copy, Options), context);
                    Assert.AreEqual(fault.ToString(), thrown.Fault.ToString());
                    AssertSameFiles(before, JournalTestData.Snapshot(copy));
                }
            }
        }
    }

    [TestMethod]
    public void Corruption_in_the_middle_refuses_the_writer_naming_file_offset_and_reason()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        var path = Segment(source, 1);
        var bytes = File.ReadAllBytes(path);
        bytes[64 + 232 + 100] ^= 0x10;
        File.WriteAllBytes(path, bytes);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.HasCount(1, records);
        AssertFault(fault, JournalFaultReason.RecordChecksumMismatch, path, 296, 2, tornTail: false);

        var thrown = Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(source, Options));
        StringAssert.Contains(thrown.Message, path);
        StringAssert.Contains(thrown.Message, "offset 296");
        StringAssert.Contains(thrown.Message, "record CRC-32C mismatch");
        StringAssert.Contains(thrown.Message, "sequence 2");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void A_bad_record_followed_by_another_segment_is_corruption()
    {
        using var dir = new TempJournalDirectory();
        var source = Path.Combine(dir.Path, "j");
        using (var writer = JournalWriter.Open(source, Options))
        {
            JournalTestData.AppendDeterministic(writer, 80);
        }

        var layouts = SegmentLayout.Parse(Directory.GetFiles(source, "*.journal").Order(StringComparer.Ordinal).ToArray());
        var first = layouts[0];
        var (lastOffset, _, lastSequence) = first.Records[^1];
        var bytes = File.ReadAllBytes(first.Path);
        bytes[lastOffset + 10] ^= 1;
        File.WriteAllBytes(first.Path, bytes);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.HasCount((int)lastSequence - 1, records);
        AssertFault(fault, JournalFaultReason.RecordChecksumMismatch, first.Path, lastOffset, lastSequence, tornTail: false);
        Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(source, Options));
    }

    [TestMethod]
    public void A_zeroed_record_followed_by_valid_records_is_corruption()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        var path = Segment(source, 1);
        var bytes = File.ReadAllBytes(path);
        Array.Clear(bytes, 64 + 232, 232);
        File.WriteAllBytes(path, bytes);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.HasCount(1, records);
        AssertFault(fault, JournalFaultReason.ZeroedRecordHeader, path, 296, 2, tornTail: false);
        Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(source, Options));
    }

    [TestMethod]
    public void A_missing_middle_segment_is_a_sequence_gap()
    {
        using var dir = new TempJournalDirectory();
        var source = Path.Combine(dir.Path, "j");
        using (var writer = JournalWriter.Open(source, Options))
        {
            JournalTestData.AppendDeterministic(writer, 80);
        }

        var segments = Directory.GetFiles(source, "*.journal").Order(StringComparer.Ordinal).ToArray();
        var layouts = SegmentLayout.Parse(segments);
        File.Delete(segments[1]);

        var (records, fault) = JournalTestData.ReadAll(source);
        var expected = layouts[0].Records[^1].Sequence;
        Assert.HasCount((int)expected, records);
        AssertFault(fault, JournalFaultReason.SequenceGap, segments[2], 0, expected + 1, tornTail: false);
        var thrown = Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(source, Options));
        Assert.AreEqual(JournalFaultReason.SequenceGap, thrown.Fault.Reason);
    }

    [TestMethod]
    public void A_zero_filled_segment_is_reported_and_refused()
    {
        using var dir = new TempJournalDirectory();
        var path = Segment(dir.Path, 1);
        File.WriteAllBytes(path, new byte[4096]);

        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsEmpty(records);
        AssertFault(fault, JournalFaultReason.SegmentHeaderZeroed, path, 0, 1, tornTail: false);
        var thrown = Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(dir.Path, Options));
        StringAssert.Contains(thrown.Message, "zero-filled");
        StringAssert.Contains(thrown.Message, path);
        CollectionAssert.AreEqual(new byte[4096], File.ReadAllBytes(path));
    }

    [TestMethod]
    public void A_segment_of_another_format_version_is_refused()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        var path = Segment(source, 1);
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), 2);
        File.WriteAllBytes(path, bytes);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.IsEmpty(records);
        AssertFault(fault, JournalFaultReason.UnsupportedVersion, path, 0, 1, tornTail: false);
        var thrown = Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(source, Options));
        StringAssert.Contains(thrown.Message, "version");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path));
    }

    [TestMethod]
    [DataRow(0, JournalFaultReason.SegmentTooShort)]
    [DataRow(63, JournalFaultReason.SegmentTooShort)]
    [DataRow(4096, JournalFaultReason.NotAJournalSegment)]
    public void A_foreign_file_is_reported_and_refused(int length, JournalFaultReason reason)
    {
        using var dir = new TempJournalDirectory();
        var path = Segment(dir.Path, 1);
        var bytes = new byte[length];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var (records, fault) = JournalTestData.ReadAll(dir.Path);
        Assert.IsEmpty(records);
        AssertFault(fault, reason, path, 0, 1, tornTail: false);
        Assert.ThrowsExactly<JournalCorruptedException>(() => JournalWriter.Open(dir.Path, Options));
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void A_renamed_segment_is_reported()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        var renamed = Segment(source, 2);
        File.Move(Segment(source, 1), renamed);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.IsEmpty(records);
        AssertFault(fault, JournalFaultReason.SegmentNameMismatch, renamed, 0, 2, tornTail: false);
    }

    [TestMethod]
    public void Reading_from_before_the_first_stored_sequence_is_rejected()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        File.Move(Segment(source, 1), Segment(source, 3));
        var thrown = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => JournalReader.Open(source, 2));
        StringAssert.Contains(thrown.Message, "starts at sequence 3");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => JournalReader.Open(source, -1));
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => JournalReader.Open(Path.Combine(dir.Path, "missing")));
    }

    [TestMethod]
    public void Leftover_garbage_after_the_last_record_is_cleared_and_reported_on_open()
    {
        using var dir = new TempJournalDirectory();
        var source = FiveRecords(dir);
        var path = Segment(source, 1);
        var bytes = File.ReadAllBytes(path);
        bytes[64 + (5 * 232) + 40] = 0xAB;
        File.WriteAllBytes(path, bytes);

        var (records, fault) = JournalTestData.ReadAll(source);
        Assert.HasCount(5, records);
        Assert.IsNull(fault);
        using (var writer = JournalWriter.Open(source, Options))
        {
            AssertFault(writer.RepairedTail, JournalFaultReason.TrailingData, path, 64 + (5 * 232), 6, tornTail: true);
        }

        Assert.AreEqual(0, File.ReadAllBytes(path)[64 + (5 * 232) + 40]);
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
