using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PinnacleMM.Security.Audit;
using static PinnacleMM.Security.Tests.Audit.AuditTestSupport;

namespace PinnacleMM.Security.Tests.Audit;

[TestClass]
public sealed class AuditLogTests
{
    [TestMethod]
    public async Task Records_are_json_lines_with_every_field_and_a_sha256_chain()
    {
        var directory = NewDirectory();
        var time = new ManualTimeProvider();
        await using (var log = new AuditLog(Options(directory), time))
        {
            Assert.IsTrue(log.TryWrite(new AuditEvent("vault.open", "alice", "host-1", "credentials.vault", AuditOutcome.Denied, new Dictionary<string, string> { ["reason"] = "WrongPassword" })));
            time.Advance(TimeSpan.FromMilliseconds(1500));
            Assert.IsTrue(log.TryWrite(new AuditEvent("vault.open", "alice", "host-1", "credentials.vault", AuditOutcome.Success)));
            await log.FlushAsync();
        }

        var lines = Lines(SingleFile(directory));
        Assert.HasCount(2, lines);
        var first = Parse(lines[0]);
        Assert.AreEqual(1, first.GetProperty("seq").GetInt64());
        Assert.AreEqual("2026-01-02T00:00:00Z", first.GetProperty("ts").GetString(), "UTC ISO-8601 from the TimeProvider");
        Assert.AreEqual("vault.open", first.GetProperty("type").GetString());
        Assert.AreEqual("alice", first.GetProperty("actor").GetString());
        Assert.AreEqual("host-1", first.GetProperty("source").GetString());
        Assert.AreEqual("credentials.vault", first.GetProperty("target").GetString());
        Assert.AreEqual("denied", first.GetProperty("outcome").GetString());
        Assert.AreEqual("WrongPassword", first.GetProperty("details").GetProperty("reason").GetString());
        Assert.AreEqual(new string('0', 64), first.GetProperty("prev").GetString());

        // The hash is the SHA-256 of the line before ,"hash": — recomputed here independently of the library.
        var hashAt = lines[0].LastIndexOf(",\"hash\":\"", StringComparison.Ordinal);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(lines[0][..hashAt])));
        Assert.AreEqual(expected, first.GetProperty("hash").GetString());
        var second = Parse(lines[1]);
        Assert.AreEqual(expected, second.GetProperty("prev").GetString());
        Assert.AreEqual("2026-01-02T00:00:01.5Z", second.GetProperty("ts").GetString());

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        Assert.AreEqual((2L, 1L, 2L), (result.RecordCount, result.FirstSequence, result.LastSequence));
        Assert.AreEqual(second.GetProperty("hash").GetString(), result.LastHash);
    }

    [TestMethod]
    public void A_newline_or_quote_in_a_field_cannot_forge_a_second_record()
    {
        var directory = NewDirectory();
        using (var log = new AuditLog(Options(directory)))
        {
            log.TryWrite(new AuditEvent("login", "mallory\n{\"seq\":99}", "x\"y", "t", AuditOutcome.Failure));
        }

        var lines = Lines(SingleFile(directory));
        Assert.HasCount(1, lines);
        Assert.AreEqual("mallory\n{\"seq\":99}", Parse(lines[0]).GetProperty("actor").GetString());
        Assert.IsTrue(AuditLogVerifier.Verify(directory).IsValid);
    }

    [TestMethod]
    public void An_edited_record_is_reported_with_its_file_and_line()
    {
        var directory = WriteLog(6);
        var path = SingleFile(directory);
        var lines = Lines(path);
        lines[2] = lines[2].Replace("\"target-2\"", "\"target-X\"", StringComparison.Ordinal);
        WriteLines(path, lines);

        var problem = AuditLogVerifier.Verify(directory).Problems.Single();
        Assert.AreEqual((path, 3, AuditProblemKind.Edited), (problem.File, problem.Line, problem.Kind));
        StringAssert.Contains(problem.Message, "line 3");
        StringAssert.Contains(problem.Message, path);
    }

    [TestMethod]
    public void An_edit_with_a_recomputed_hash_breaks_the_link_to_the_next_record()
    {
        var directory = WriteLog(6);
        var path = SingleFile(directory);
        var lines = Lines(path);
        var body = lines[2][..lines[2].LastIndexOf(",\"hash\":\"", StringComparison.Ordinal)].Replace("success", "failure", StringComparison.Ordinal);
        lines[2] = $"{body},\"hash\":\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body)))}\"}}";
        WriteLines(path, lines);

        var problem = AuditLogVerifier.Verify(directory).Problems.Single();
        Assert.AreEqual((4, AuditProblemKind.ChainBroken), (problem.Line, problem.Kind));
    }

    [TestMethod]
    public void A_deleted_record_is_reported_at_the_record_after_it()
    {
        var directory = WriteLog(6);
        var path = SingleFile(directory);
        var lines = Lines(path);
        lines.RemoveAt(3);
        WriteLines(path, lines);

        var problem = AuditLogVerifier.Verify(directory).Problems.Single();
        Assert.AreEqual((4, AuditProblemKind.Missing), (problem.Line, problem.Kind));
        StringAssert.Contains(problem.Message, "record 4 is missing");
    }

    [TestMethod]
    public void Reordered_and_inserted_records_are_reported()
    {
        var directory = WriteLog(6);
        var path = SingleFile(directory);
        var lines = Lines(path);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        WriteLines(path, lines);
        var reordered = AuditLogVerifier.Verify(directory).Problems;
        Assert.AreEqual(AuditProblemKind.Missing, reordered[0].Kind);
        Assert.AreEqual((3, AuditProblemKind.OutOfOrder), (reordered[1].Line, reordered[1].Kind));

        var directory2 = WriteLog(6);
        var path2 = SingleFile(directory2);
        var lines2 = Lines(path2);
        lines2.Insert(4, lines2[1]);
        WriteLines(path2, lines2);
        var inserted = AuditLogVerifier.Verify(directory2).Problems.Single();
        Assert.AreEqual((5, AuditProblemKind.OutOfOrder), (inserted.Line, inserted.Kind));
    }

    [TestMethod]
    public void Any_single_tamper_is_found_at_the_line_a_simple_model_predicts()
    {
        // Model: the verifier must report a problem at exactly this line for each kind of tamper.
        var cases = Gen.Choose(3, 12).SelectMany(n => Gen.Choose(0, 3).SelectMany(op => Gen.Choose(0, n - 2).Select(at => (n, op, at))));
        Prop.ForAll(Arb.From(cases), c =>
            {
                var (n, op, at) = c;
                var directory = WriteLog(n);
                var path = SingleFile(directory);
                var lines = Lines(path);
                int expectedLine;
                switch (op)
                {
                    case 0: // edit a field
                        lines[at] = lines[at].Replace($"\"target-{at}\"", $"\"target-{at}!\"", StringComparison.Ordinal);
                        expectedLine = at + 1;
                        break;
                    case 1: // delete (not the last record: see the anchor remark in the verifier)
                        lines.RemoveAt(at);
                        expectedLine = at + 1;
                        break;
                    case 2: // swap with the next
                        (lines[at], lines[at + 1]) = (lines[at + 1], lines[at]);
                        expectedLine = at + 1;
                        break;
                    default: // insert a copy of an earlier or the same record after it
                        lines.Insert(at + 1, lines[at]);
                        expectedLine = at + 2;
                        break;
                }

                WriteLines(path, lines);
                var problems = AuditLogVerifier.Verify(directory).Problems;
                Directory.Delete(directory, recursive: true);
                return problems.Count > 0 && problems[0].Line == expectedLine && problems[0].File == path;
            }).QuickCheckThrowOnFailure();
    }

    [TestMethod]
    public async Task Rotation_splits_by_size_and_the_chain_continues_across_files()
    {
        var directory = NewDirectory();
        await using (var log = new AuditLog(Options(directory, maxFileBytes: 4096)))
        {
            for (var i = 0; i < 200; i++)
            {
                log.TryWrite(Event(i));
            }
        }

        var files = Directory.GetFiles(directory, "audit-*.jsonl").Order(StringComparer.Ordinal).ToArray();
        Assert.IsGreaterThan(3, files.Length);
        foreach (var file in files)
        {
            Assert.IsLessThanOrEqualTo(4096L, new FileInfo(file).Length, file);
        }

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        Assert.AreEqual((200L, 1L, 200L), (result.RecordCount, result.FirstSequence, result.LastSequence));
        CollectionAssert.AreEqual(Enumerable.Range(0, 200).Select(i => $"target-{i}").ToArray(), AllRecords(directory).Select(r => r.GetProperty("target").GetString()).ToArray());

        // A middle file deleted: the gap is reported at the first line of the next file.
        File.Delete(files[1]);
        var problem = AuditLogVerifier.Verify(directory).Problems.Single();
        Assert.AreEqual((files[2], 1, AuditProblemKind.Missing), (problem.File, problem.Line, problem.Kind));
    }

    [TestMethod]
    public void Retention_deletes_old_files_and_what_remains_still_verifies()
    {
        var directory = WriteLog(300, maxFileBytes: 4096, retained: 3);
        var files = Directory.GetFiles(directory, "audit-*.jsonl").Order(StringComparer.Ordinal).ToArray();
        Assert.HasCount(3, files);
        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        Assert.IsGreaterThan(1L, result.FirstSequence);
        var records = AllRecords(directory);
        Assert.IsTrue(records.Any(r => r.GetProperty("type").GetString() == AuditLogVerifier.RetentionEventType));
        Assert.AreEqual("target-299", records[^1].GetProperty("target").GetString());

        // Deleting the oldest retained file by hand is not explained by a retention record.
        File.Delete(files[0]);
        var problem = AuditLogVerifier.Verify(directory).Problems[0];
        Assert.AreEqual((files[1], 1, AuditProblemKind.Missing), (problem.File, problem.Line, problem.Kind));
        StringAssert.Contains(problem.Message, "files were deleted");
    }

    [TestMethod]
    public void Lowering_RetainedFiles_between_runs_deletes_the_excess_in_one_record_that_fits_in_a_file()
    {
        // About 200 files: their names alone (21 bytes each) are longer than a 4 KiB file.
        var directory = WriteLog(4000, maxFileBytes: 4096, retained: 1000);
        var before = Directory.GetFiles(directory, "audit-*.jsonl").Order(StringComparer.Ordinal).ToArray();
        Assert.IsGreaterThan(195, before.Length);

        using (var log = new AuditLog(Options(directory, maxFileBytes: 4096, retained: 2), new ManualTimeProvider()))
        {
            // Until the current file is full nothing rotates, so nothing is deleted yet.
            for (var i = 0; Directory.GetFiles(directory, "audit-*.jsonl").Length > 2; i++)
            {
                Assert.IsTrue(log.TryWrite(Event(4000 + i)));
                Assert.IsLessThan(100, i, "a rotation happened");
                log.FlushAsync().GetAwaiter().GetResult();
            }
        }

        foreach (var file in Directory.GetFiles(directory, "audit-*.jsonl"))
        {
            Assert.IsLessThanOrEqualTo(4096L, new FileInfo(file).Length, file);
        }

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        var retention = AllRecords(directory).Single(r => r.GetProperty("type").GetString() == AuditLogVerifier.RetentionEventType);
        Assert.AreEqual(
            $"{Path.GetFileName(before[0])} to {Path.GetFileName(before[^2])} ({before.Length - 1} files)",
            retention.GetProperty("details").GetProperty("deletedFiles").GetString());
        Assert.AreEqual("audit-*.jsonl", retention.GetProperty("target").GetString());
    }

    [TestMethod]
    public async Task A_directory_path_of_thousands_of_characters_does_not_push_the_log_s_own_records_past_MaxFileBytes()
    {
        // Linux allows 4,095 bytes in a path; each name at most 255.
        var directory = NewDirectory();
        while (directory.Length < 3800)
        {
            directory = Path.Combine(directory, new string('d', Math.Min(200, 3900 - directory.Length)));
        }

        await using (var log = new AuditLog(Options(directory, maxFileBytes: 4096, retained: 2), new ManualTimeProvider()))
        {
            for (var i = 0; i < 300; i++)
            {
                Assert.IsTrue(log.TryWrite(Event(i)), "an ordinary event fits");
            }

            await log.FlushAsync();
        }

        var files = Directory.GetFiles(directory, "audit-*.jsonl");
        Assert.HasCount(2, files);
        foreach (var file in files)
        {
            Assert.IsLessThanOrEqualTo(4096L, new FileInfo(file).Length, file);
        }

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        Assert.IsTrue(AllRecords(directory).Any(r => r.GetProperty("type").GetString() == AuditLogVerifier.RetentionEventType));
    }

    [TestMethod]
    public void Reopening_continues_the_chain_and_a_torn_last_line_is_cut_and_recorded()
    {
        var directory = WriteLog(5);
        var path = SingleFile(directory);
        File.AppendAllText(path, "{\"seq\":6,\"ts\":\"2026-01-0");
        var torn = AuditLogVerifier.Verify(directory).Problems.Single();
        Assert.AreEqual((6, AuditProblemKind.Malformed), (torn.Line, torn.Kind));

        using (var log = new AuditLog(Options(directory), new ManualTimeProvider()))
        {
            log.TryWrite(Event(5));
        }

        var records = AllRecords(directory);
        Assert.AreEqual(AuditLog.RecoveredEventType, records[5].GetProperty("type").GetString());
        Assert.AreEqual("24", records[5].GetProperty("details").GetProperty("discardedBytes").GetString());
        Assert.AreEqual(7, records[6].GetProperty("seq").GetInt64());
        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        Assert.AreEqual(7L, result.LastSequence);
    }

    [TestMethod]
    public void A_corrupt_last_record_stops_the_log_from_opening_with_file_and_line()
    {
        var directory = WriteLog(3);
        var path = SingleFile(directory);
        var lines = Lines(path);
        lines[2] = "{\"not\":\"a record\"}";
        WriteLines(path, lines);
        var before = File.ReadAllBytes(path);
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => new AuditLog(Options(directory)));
        StringAssert.Contains(ex.Message, $"line 3 of '{path}'");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
    }

    [TestMethod]
    public async Task Concurrent_writers_lose_nothing_and_keep_one_valid_chain()
    {
        var directory = NewDirectory();
        const int Threads = 4;
        const int PerThread = 1500;
        await using (var log = new AuditLog(Options(directory, maxFileBytes: 256 * 1024, capacity: Threads * PerThread)))
        {
            var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                for (var i = 0; i < PerThread; i++)
                {
                    Assert.IsTrue(log.TryWrite(Event(i, actor: $"thread-{t}")));
                }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            await log.FlushAsync();
            Assert.AreEqual(Threads * PerThread, log.RecordsWritten);
            Assert.AreEqual(0, log.DroppedCount);
        }

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        var records = AllRecords(directory);
        Assert.HasCount(Threads * PerThread, records);
        for (var t = 0; t < Threads; t++)
        {
            // Each thread's events appear once each, in the order that thread wrote them.
            var mine = records.Where(r => r.GetProperty("actor").GetString() == $"thread-{t}").Select(r => r.GetProperty("target").GetString()).ToArray();
            CollectionAssert.AreEqual(Enumerable.Range(0, PerThread).Select(i => $"target-{i}").ToArray(), mine);
        }
    }

    [TestMethod]
    public async Task A_full_queue_never_blocks_and_the_drop_count_is_recorded()
    {
        var directory = NewDirectory();
        using var gate = new SemaphoreSlim(0, 1);
        await using (var log = new AuditLog(Options(directory, capacity: 16)) { WriterGate = gate })
        {
            var accepted = Enumerable.Range(0, 100).Count(i => log.TryWrite(Event(i)));

            // The writer stops at the gate before it reads anything: exactly the capacity is queued.
            Assert.AreEqual(16, accepted);
            Assert.AreEqual(100 - accepted, log.DroppedCount);
            gate.Release();
            await log.FlushAsync();
            Assert.AreEqual(accepted + 1, log.RecordsWritten);
        }

        var records = AllRecords(directory);
        var dropped = records.Single(r => r.GetProperty("type").GetString() == AuditLog.DroppedEventType);
        Assert.AreEqual((100 - (records.Count - 1)).ToString(CultureInfo.InvariantCulture), dropped.GetProperty("details").GetProperty("dropped").GetString());
        Assert.AreEqual("failure", dropped.GetProperty("outcome").GetString());
        Assert.IsTrue(AuditLogVerifier.Verify(directory).IsValid);
    }

    [TestMethod]
    public async Task Under_concurrent_overload_every_event_is_written_or_counted_as_dropped()
    {
        var directory = NewDirectory();
        long accepted = 0;
        long droppedByCaller = 0;
        long droppedByLog;
        await using (var log = new AuditLog(Options(directory, capacity: 16)))
        {
            Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
            {
                for (var i = 0; i < 3000; i++)
                {
                    if (log.TryWrite(Event(i)))
                    {
                        Interlocked.Increment(ref accepted);
                    }
                    else
                    {
                        Interlocked.Increment(ref droppedByCaller);
                    }
                }
            });
            await log.FlushAsync();
            droppedByLog = log.DroppedCount;
        }

        Assert.AreEqual(12_000, accepted + droppedByCaller);
        Assert.AreEqual(droppedByCaller, droppedByLog);
        var records = AllRecords(directory);
        var written = records.Count(r => r.GetProperty("type").GetString() == "test.event");
        var recordedDrops = records.Where(r => r.GetProperty("type").GetString() == AuditLog.DroppedEventType)
            .Sum(r => long.Parse(r.GetProperty("details").GetProperty("dropped").GetString()!, CultureInfo.InvariantCulture));
        Assert.AreEqual(accepted, written);
        Assert.AreEqual(droppedByCaller, recordedDrops, "every drop is accounted for in a record");
        Assert.IsTrue(AuditLogVerifier.Verify(directory).IsValid);
    }

    [TestMethod]
    public async Task A_writer_that_cannot_write_fails_flushes_and_counts_every_later_event_as_dropped()
    {
        var directory = NewDirectory();
        var log = new AuditLog(Options(directory, maxFileBytes: 4096));
        log.TryWrite(Event(0));
        await log.FlushAsync();
        Directory.Delete(directory, recursive: true); // the next rotation cannot create its file

        var accepted = Enumerable.Range(1, 100).Count(i => log.TryWrite(Event(i)));
        var ex = await Assert.ThrowsExactlyAsync<IOException>(() => log.FlushAsync());
        StringAssert.Contains(ex.Message, $"the audit log in '{directory}' stopped writing");
        Assert.IsNotNull(log.Fault);
        var droppedBefore = log.DroppedCount;
        Assert.IsFalse(log.TryWrite(Event(101)), "after a fault nothing is queued");
        Assert.AreEqual(droppedBefore + 1, log.DroppedCount);
        Assert.IsGreaterThan(0, accepted);
        await log.DisposeAsync();
    }

    [TestMethod]
    public async Task Invalid_events_and_options_are_rejected_naming_the_field_and_nothing_is_written()
    {
        var directory = NewDirectory();
        await using (var log = new AuditLog(Options(directory)))
        {
            log.TryWrite(Event(0));
            var ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(new AuditEvent("", "a", "s", "t", AuditOutcome.Info)));
            Assert.AreEqual("EventType", ex.ParamName);
            StringAssert.Contains(ex.Message, "eventType must be 1 to 128 characters");
            ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(new AuditEvent("x", new string('a', 5000), "s", "t", AuditOutcome.Info)));
            Assert.AreEqual("Actor", ex.ParamName);
            ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(new AuditEvent("x", "a", "s", "t", (AuditOutcome)42)));
            Assert.AreEqual("Outcome", ex.ParamName);
            await log.FlushAsync();
            Assert.AreEqual(1, log.RecordsWritten);
            Assert.AreEqual(0, log.DroppedCount);
        }

        Assert.HasCount(1, Lines(SingleFile(directory)));
        Assert.AreEqual("MaxFileBytes", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new AuditLog(Options(directory, maxFileBytes: 100))).ParamName);
        Assert.AreEqual("FilePrefix", Assert.ThrowsExactly<ArgumentException>(() => new AuditLog(new AuditLogOptions { Directory = directory, FilePrefix = "../x" })).ParamName);
        Assert.AreEqual("Directory", Assert.ThrowsExactly<ArgumentException>(() => new AuditLog(new AuditLogOptions())).ParamName);
        Assert.ThrowsExactly<ObjectDisposedException>(() =>
        {
            var log = new AuditLog(Options(NewDirectory()));
            log.Dispose();
            log.TryWrite(Event(1));
        });
    }

    [TestMethod]
    public async Task An_event_too_large_for_one_file_is_refused_naming_the_field_and_the_limit_and_no_file_grows_past_MaxFileBytes()
    {
        var directory = NewDirectory();
        static AuditEvent Big(int targetLength) => new("test.big", "a", "s", new string('t', targetLength), AuditOutcome.Info);
        int fits;
        await using (var log = new AuditLog(Options(directory, maxFileBytes: 4096, retained: 2), new ManualTimeProvider()))
        {
            Assert.IsTrue(log.TryWrite(Event(0)));
            var ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(Big(4096)));
            Assert.AreEqual("Target", ex.ParamName);
            StringAssert.StartsWith(ex.Message, "Target is 4096 characters: the event's record would be up to ");
            StringAssert.Contains(ex.Message, "(MaxFileBytes 4096 less ");
            ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(new AuditEvent("test.big", new string('a', 4096), new string('s', 4096), new string('t', 4096), AuditOutcome.Info)));
            Assert.AreEqual("Actor", ex.ParamName, "the first of the longest fields");
            ex = Assert.ThrowsExactly<ArgumentException>(() => log.TryWrite(new AuditEvent("test.big", "a", "s", "t", AuditOutcome.Info, new Dictionary<string, string> { ["note"] = new('\u00e9', 1000) })));
            Assert.AreEqual("Details", ex.ParamName, "1000 characters that JSON escapes to 6 bytes each");
            StringAssert.StartsWith(ex.Message, "Details entry 'note' is 1000 characters");

            // The longest target that fits is accepted, one more character is not; each such record rotates, and with
            // two files retained the new file starts with a retention record, which must still leave room for it.
            fits = 4096;
            while (!TryAccept(log, Big(fits)))
            {
                fits--;
            }

            Assert.IsGreaterThan(3000, fits);
            for (var i = 0; i < 4; i++)
            {
                Assert.IsTrue(log.TryWrite(Big(fits)));
            }

            await log.FlushAsync();
            Assert.AreEqual(0, log.DroppedCount);
        }

        foreach (var file in Directory.GetFiles(directory, "audit-*.jsonl"))
        {
            Assert.IsLessThanOrEqualTo(4096L, new FileInfo(file).Length, file);
        }

        var result = AuditLogVerifier.Verify(directory);
        Assert.IsTrue(result.IsValid, string.Join("; ", result.Problems));
        var records = AllRecords(directory);
        Assert.IsTrue(records.Any(r => r.GetProperty("type").GetString() == AuditLogVerifier.RetentionEventType));
        Assert.AreEqual(fits, records[^1].GetProperty("target").GetString()!.Length);
        Assert.IsFalse(records.Any(r => r.GetProperty("target").GetString()!.Length > fits), "no refused event was written");
    }

    private static bool TryAccept(AuditLog log, AuditEvent auditEvent)
    {
        try
        {
            return log.TryWrite(auditEvent);
        }
        catch (ArgumentException ex) when (ex.ParamName == "Target")
        {
            return false;
        }
    }

    [TestMethod]
    public void Files_are_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var directory = WriteLog(1);
        Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(SingleFile(directory)));
    }
}
