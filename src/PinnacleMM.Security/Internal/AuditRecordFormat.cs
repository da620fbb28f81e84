using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Security.Internal;

/// <summary>
/// One audit record is one line of UTF-8 JSON, fields in this order:
/// <code>
/// {"seq":7,"ts":"2026-01-01T00:00:00Z","type":"vault.open","actor":"..","source":"..","target":"..",
///  "outcome":"success","details":{"k":"v"},"prev":"&lt;64 hex&gt;","hash":"&lt;64 hex&gt;"}\n
/// </code>
/// <c>hash</c> = lower-case hex SHA-256 of the line's bytes before <c>,"hash":"</c> (so it covers <c>prev</c>);
/// <c>prev</c> = the <c>hash</c> of the previous record, 64 zeros for the first record ever.
/// </summary>
internal static class AuditRecordFormat
{
    public const int HashHexLength = 64;

    /// <summary><c>,"hash":"</c> + 64 hex + <c>"}</c>.</summary>
    public const int SuffixLength = 9 + HashHexLength + 2;

    public static readonly string GenesisHash = new('0', HashHexLength);

    private static ReadOnlySpan<byte> HashFieldStart => ",\"hash\":\""u8;

    public static string FileName(string prefix, long index) => $"{prefix}-{index.ToString("D8", CultureInfo.InvariantCulture)}.jsonl";

    /// <summary>The log's files, oldest first (by the index in the name).</summary>
    public static List<(long Index, string Path)> ListFiles(string directory, string prefix)
    {
        var files = new List<(long, string)>();
        if (!System.IO.Directory.Exists(directory))
        {
            return files;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(directory, prefix + "-*.jsonl"))
        {
            var name = Path.GetFileNameWithoutExtension(path);
            var number = name.AsSpan(prefix.Length + 1);
            if (number.Length == 8 && long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                files.Add((index, path));
            }
        }

        files.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return files;
    }

    /// <summary>Appends one complete line (with its newline) to <paramref name="output"/> and returns its hash.</summary>
    public static string Encode(ArrayBufferWriter<byte> output, long sequence, DateTimeOffset timestamp, AuditEvent e, string previousHash)
    {
        var start = output.WrittenCount;
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq", sequence);
            writer.WriteString("ts", timestamp.UtcDateTime);
            writer.WriteString("type", e.EventType);
            writer.WriteString("actor", e.Actor);
            writer.WriteString("source", e.Source);
            writer.WriteString("target", e.Target);
            writer.WriteString("outcome", OutcomeName(e.Outcome));
            writer.WriteStartObject("details");
            if (e.Details is not null)
            {
                foreach (var (key, value) in e.Details)
                {
                    writer.WriteString(key, value);
                }
            }

            writer.WriteEndObject();
            writer.WriteString("prev", previousHash);

            // The object stays open: the hash covers exactly the bytes so far, then the line is closed by hand.
            writer.Flush();
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(output.WrittenSpan[start..], digest);
        var hash = Convert.ToHexStringLower(digest);
        HashFieldStart.CopyTo(output.GetSpan(HashFieldStart.Length));
        output.Advance(HashFieldStart.Length);
        var tail = output.GetSpan(HashHexLength + 3);
        for (var i = 0; i < HashHexLength; i++)
        {
            tail[i] = (byte)hash[i];
        }

        tail[HashHexLength] = (byte)'"';
        tail[HashHexLength + 1] = (byte)'}';
        tail[HashHexLength + 2] = (byte)'\n';
        output.Advance(HashHexLength + 3);
        return hash;
    }

    public static string OutcomeName(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Success => "success",
        AuditOutcome.Failure => "failure",
        AuditOutcome.Denied => "denied",
        _ => "info",
    };

    /// <summary>
    /// Reads one line (without its newline). Returns null with <paramref name="error"/> set when the line is
    /// not a record; otherwise the record, with <see cref="ParsedRecord.ContentMatchesHash"/> false when it was edited.
    /// </summary>
    public static ParsedRecord? Parse(ReadOnlySpan<byte> line, out string? error)
    {
        error = null;
        if (line.Length <= SuffixLength || !line[^(SuffixLength)..].StartsWith(HashFieldStart) || !line.EndsWith("\"}"u8))
        {
            error = "not a complete record (it must end with ,\"hash\":\"<64 hex>\"})";
            return null;
        }

        var storedHash = System.Text.Encoding.ASCII.GetString(line.Slice(line.Length - HashHexLength - 2, HashHexLength));
        long sequence;
        string? previous;
        string? type;
        Dictionary<string, string> details = new(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(line.ToArray());
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("seq", out var seqElement) || !seqElement.TryGetInt64(out sequence) || sequence < 1
                || !root.TryGetProperty("prev", out var prevElement) || prevElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("ts", out var tsElement) || !tsElement.TryGetDateTimeOffset(out _))
            {
                error = "a record needs a positive seq, a ts timestamp, a type and a prev hash";
                return null;
            }

            previous = prevElement.GetString();
            type = typeElement.GetString();
            if (root.TryGetProperty("details", out var detailsElement) && detailsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in detailsElement.EnumerateObject())
                {
                    details[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
                }
            }
        }
        catch (JsonException ex)
        {
            error = $"not valid JSON ({ex.Message})";
            return null;
        }

        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(line[..^SuffixLength], digest);
        var computed = Convert.ToHexStringLower(digest);
        return new ParsedRecord(sequence, previous ?? string.Empty, storedHash, computed == storedHash, type ?? string.Empty, details);
    }

    /// <summary>A record as read back.</summary>
    public sealed record ParsedRecord(long Sequence, string PreviousHash, string Hash, bool ContentMatchesHash, string Type, IReadOnlyDictionary<string, string> Details);
}
