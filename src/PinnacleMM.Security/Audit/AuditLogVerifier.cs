using System.Globalization;
using PinnacleMM.Security.Internal;

namespace PinnacleMM.Security.Audit;

/// <summary>
/// Checks an audit log directory: every record's hash matches its content (edits), every <c>prev</c> is the hash
/// of the record before it across all files (replacements), and sequence numbers run without gaps (deletions,
/// also of whole files) or repeats (insertions, reordering). Records missing before the oldest file are accepted
/// only when a retention record says they were deleted on purpose.
/// </summary>
/// <remarks>
/// Without a secret key nothing can stop someone who rewrites the whole chain, or cuts off its newest records;
/// compare <see cref="AuditVerificationResult.LastSequence"/> and <see cref="AuditVerificationResult.LastHash"/>
/// with a copy kept elsewhere to catch that.
/// </remarks>
public static class AuditLogVerifier
{
    /// <summary>The event type of the record written before rotation deletes old files.</summary>
    public const string RetentionEventType = "audit.retention";

    /// <summary>The detail of a retention record giving the first sequence number still kept.</summary>
    public const string OldestRetainedSequenceDetail = "oldestRetainedSequence";

    /// <summary>Verifies every <c>{prefix}-NNNNNNNN.jsonl</c> file in <paramref name="directory"/>, oldest first.</summary>
    /// <param name="directory">The log directory.</param>
    /// <param name="filePrefix">The file prefix; <c>audit</c> by default.</param>
    /// <returns>The files, counts, last hash and every problem found (with file and line).</returns>
    /// <exception cref="ArgumentException"><paramref name="directory"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static AuditVerificationResult Verify(string directory, string filePrefix = "audit")
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentException.ThrowIfNullOrEmpty(filePrefix);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"audit log directory '{Path.GetFullPath(directory)}' does not exist");
        }

        var files = AuditRecordFormat.ListFiles(Path.GetFullPath(directory), filePrefix);
        var problems = new List<AuditProblem>();
        long records = 0;
        long firstSequence = 0;
        string? firstFile = null;
        long lastSequence = 0;
        var lastHash = string.Empty;
        long? expectedSequence = null;
        string? expectedPrevious = null;
        long? oldestRetained = null;

        foreach (var (_, path) in files)
        {
            var content = File.ReadAllBytes(path);
            var lineNumber = 0;
            var offset = 0;
            while (offset < content.Length)
            {
                lineNumber++;
                var end = Array.IndexOf(content, (byte)'\n', offset);
                var torn = end < 0;
                var line = content.AsSpan(offset, (torn ? content.Length : end) - offset);
                offset = torn ? content.Length : end + 1;
                records++;
                var record = AuditRecordFormat.Parse(line, out var error);
                if (record is null || torn)
                {
                    var why = torn ? "the last line is incomplete (no newline): a torn or truncated write" : error;
                    problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.Malformed, $"line {lineNumber} of '{path}' is not a valid audit record: {why}"));
                    expectedSequence = null; // resynchronise on the next good record
                    expectedPrevious = null;
                    continue;
                }

                var at = $"line {lineNumber} of '{path}' (seq {record.Sequence})";
                if (!record.ContentMatchesHash)
                {
                    problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.Edited, $"{at}: the content does not match its hash: the record was edited"));
                }

                if (firstFile is null)
                {
                    firstFile = path;
                    firstSequence = record.Sequence;
                    if (record.Sequence == 1 && record.PreviousHash != AuditRecordFormat.GenesisHash)
                    {
                        problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.ChainBroken, $"{at}: the first record's prev must be 64 zeros"));
                    }
                }
                else if (expectedSequence is { } expected)
                {
                    if (record.Sequence > expected)
                    {
                        var range = record.Sequence - 1 == expected ? $"record {expected} is" : $"records {expected} to {record.Sequence - 1} are";
                        problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.Missing, $"{at}: {range} missing (deleted)"));
                    }
                    else if (record.Sequence < expected)
                    {
                        problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.OutOfOrder, $"{at}: follows seq {expected - 1}: a record was inserted or the records were reordered"));
                        continue; // the chain goes on from the newest record seen, not from this stray one
                    }
                    else if (record.PreviousHash != expectedPrevious)
                    {
                        problems.Add(new AuditProblem(path, lineNumber, AuditProblemKind.ChainBroken, $"{at}: prev is not the hash of the record before it: that record was replaced"));
                    }
                }

                if (record.Type == RetentionEventType
                    && record.Details.TryGetValue(OldestRetainedSequenceDetail, out var oldestText)
                    && long.TryParse(oldestText, NumberStyles.None, CultureInfo.InvariantCulture, out var oldest))
                {
                    oldestRetained = oldest;
                }

                // Continue from this record's stated hash, so that one edit is reported once, not on every later record.
                expectedSequence = record.Sequence + 1;
                expectedPrevious = record.Hash;
                lastSequence = record.Sequence;
                lastHash = record.Hash;
            }
        }

        if (firstFile is not null && firstSequence > 1 && (oldestRetained is null || firstSequence > oldestRetained))
        {
            var explained = oldestRetained is null ? "no retention record explains it" : $"the last retention record kept records from {oldestRetained}";
            problems.Insert(0, new AuditProblem(firstFile, 1, AuditProblemKind.Missing, $"line 1 of '{firstFile}' (seq {firstSequence}): records 1 to {firstSequence - 1} are missing and {explained}: files were deleted"));
        }

        return new AuditVerificationResult([.. files.Select(f => f.Path)], records, firstSequence, lastSequence, lastHash, problems);
    }
}
