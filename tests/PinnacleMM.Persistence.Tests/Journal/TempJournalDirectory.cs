namespace PinnacleMM.Persistence.Tests.Journal;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
internal sealed class TempJournalDirectory : IDisposable
{
    public TempJournalDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pinnaclemm-journal-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string[] Segments() => Directory.GetFiles(Path, "*.journal").Order(StringComparer.Ordinal).ToArray();

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test that failed may still hold a file; the temp folder is cleaned by the OS.
        }
    }
}
