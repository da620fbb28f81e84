using System.Text;
using System.Text.Json;
using PinnacleMM.Security.Audit;

namespace PinnacleMM.Security.Tests.Audit;

internal static class AuditTestSupport
{
    public static string NewDirectory() => Directory.CreateTempSubdirectory("pmm-audit-").FullName;

    public static AuditLogOptions Options(string directory, long maxFileBytes = 16L * 1024 * 1024, int retained = 20, int capacity = 8192) =>
        new() { Directory = directory, MaxFileBytes = maxFileBytes, RetainedFiles = retained, QueueCapacity = capacity, FlushToDisk = false };

    public static AuditEvent Event(int i, string actor = "tester") =>
        new("test.event", actor, "unit-test", $"target-{i}", AuditOutcome.Success, new Dictionary<string, string> { ["i"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });

    /// <summary>Writes <paramref name="count"/> events to a fresh log and returns its directory.</summary>
    public static string WriteLog(int count, long maxFileBytes = 16L * 1024 * 1024, int retained = 20)
    {
        var directory = NewDirectory();
        using var log = new AuditLog(Options(directory, maxFileBytes, retained), new ManualTimeProvider());
        for (var i = 0; i < count; i++)
        {
            Assert.IsTrue(log.TryWrite(Event(i)));
        }

        return directory;
    }

    public static string SingleFile(string directory) => Directory.GetFiles(directory, "audit-*.jsonl").Single();

    public static List<string> Lines(string path) => [.. File.ReadAllText(path).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    public static void WriteLines(string path, IEnumerable<string> lines) => File.WriteAllText(path, string.Concat(lines.Select(l => l + "\n")));

    public static JsonElement Parse(string line) => JsonDocument.Parse(Encoding.UTF8.GetBytes(line)).RootElement;

    /// <summary>All records of every file, oldest first, parsed.</summary>
    public static List<JsonElement> AllRecords(string directory) =>
        [.. Directory.GetFiles(directory, "audit-*.jsonl").Order(StringComparer.Ordinal).SelectMany(Lines).Select(Parse)];
}
