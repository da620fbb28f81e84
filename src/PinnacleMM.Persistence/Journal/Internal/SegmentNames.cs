using System.Globalization;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>Segment file names: the first sequence in 20 digits, so names sort in sequence order.</summary>
internal static class SegmentNames
{
    public const string Extension = ".journal";
    public const string TempExtension = ".tmp";
    public const string LockFileName = "journal.lock";
    private const int Digits = 20;

    public static string FileName(long firstSequence) =>
        firstSequence.ToString("D20", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The segment files of <paramref name="directory"/>, ordered by first sequence; other files are ignored.</summary>
    public static (string[] Paths, long[] FirstSequences) List(string directory)
    {
        var found = new List<(long Sequence, string Path)>();
        foreach (var path in Directory.EnumerateFiles(directory, "*" + Extension))
        {
            var name = Path.GetFileName(path);
            if (name.Length == Digits + Extension.Length
                && name.EndsWith(Extension, StringComparison.Ordinal)
                && long.TryParse(name.AsSpan(0, Digits), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                found.Add((sequence, path));
            }
        }

        found.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return (found.Select(f => f.Path).ToArray(), found.Select(f => f.Sequence).ToArray());
    }
}
