using PinnacleMM.Core.Books;

namespace PinnacleMM.Persistence.Snapshots;

/// <summary>A verified snapshot: the restored order book and the application state sections by name.</summary>
public sealed class LoadedSnapshot
{
    internal LoadedSnapshot(SnapshotInfo info, OrderBook book, IReadOnlyDictionary<string, ReadOnlyMemory<byte>> sections)
    {
        Info = info;
        Book = book;
        Sections = sections;
    }

    /// <summary>The file, journal sequence, time and size.</summary>
    public SnapshotInfo Info { get; }

    /// <summary>The order book exactly as it was (same orders, queue order, timestamps and last trade id); no listener attached.</summary>
    public OrderBook Book { get; }

    /// <summary>The application state sections (see <see cref="ISnapshotStateProvider"/>), by name.</summary>
    public IReadOnlyDictionary<string, ReadOnlyMemory<byte>> Sections { get; }
}
