using System.Text;
using PinnacleMM.Core.Books;
using PinnacleMM.Core.Primitives;
using PinnacleMM.Persistence.Internal;
using PinnacleMM.Persistence.Journal.Internal;
using PinnacleMM.Persistence.Snapshots.Internal;

namespace PinnacleMM.Persistence.Snapshots;

/// <summary>
/// The snapshots of one instrument: a directory of files named <c>{journalSequence:D20}.snapshot</c>,
/// each the complete order book plus the application's state sections at that journal sequence, with a
/// magic, format version and CRC-32C trailer. Writing is atomic (temporary file, fsync, rename, fsync of
/// the directory) and keeps the newest <see cref="KeepSnapshots"/> files; loading verifies every file
/// and falls back to the previous one, saying why.
/// </summary>
/// <remarks>Not thread-safe: one thread writes; loading may happen from any thread while nothing writes.</remarks>
public sealed class SnapshotStore
{
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates a store over <paramref name="directory"/> (created on the first write).</summary>
    /// <param name="directory">The snapshot directory of one instrument.</param>
    /// <param name="instrument">The instrument; snapshots of other instruments are refused when loading.</param>
    /// <param name="keepSnapshots">How many snapshots to keep: at least 1. Default 3.</param>
    /// <param name="timeProvider">The wall clock for the snapshot's timestamp; null for <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentException">When the directory is empty or <paramref name="keepSnapshots"/> is below 1.</exception>
    /// <exception cref="ArgumentNullException">When <paramref name="instrument"/> is null.</exception>
    public SnapshotStore(string directory, InstrumentSpec instrument, int keepSnapshots = 3, TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(instrument);
        if (keepSnapshots < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(keepSnapshots), keepSnapshots, "keepSnapshots: must be at least 1");
        }

        Directory = Path.GetFullPath(directory);
        Instrument = instrument;
        KeepSnapshots = keepSnapshots;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The full path of the snapshot directory.</summary>
    public string Directory { get; }

    /// <summary>The instrument whose book the snapshots hold.</summary>
    public InstrumentSpec Instrument { get; }

    /// <summary>How many snapshot files are kept after a write.</summary>
    public int KeepSnapshots { get; }

    internal StepHook? StepHook { get; set; }

    /// <summary>
    /// Writes a snapshot of <paramref name="book"/> and the state of <paramref name="stateProviders"/> as of
    /// journal sequence <paramref name="journalSequence"/>, atomically, then deletes the oldest files beyond
    /// <see cref="KeepSnapshots"/>. Call it on the thread that owns the book, with no change in between.
    /// </summary>
    /// <param name="book">The book; its instrument must be the store's.</param>
    /// <param name="journalSequence">
    /// The last journal record the book and state include: zero or positive, and above the newest stored
    /// snapshot's sequence (an older snapshot would be deleted by retention at once, one of the same sequence
    /// would replace a stored snapshot).
    /// </param>
    /// <param name="stateProviders">Application state sections; null for none. Names must be 1–255 UTF-8 bytes and unique.</param>
    /// <returns>What was written.</returns>
    /// <exception cref="ArgumentException">When an argument breaks its rule (named in the message); nothing is written and stored snapshots are unchanged.</exception>
    /// <exception cref="SnapshotException">When the file cannot be written or synced; earlier snapshots are unchanged.</exception>
    public SnapshotInfo Write(OrderBook book, long journalSequence, IReadOnlyList<ISnapshotStateProvider>? stateProviders = null)
    {
        using var encoded = Capture(book, journalSequence, stateProviders);
        return Persist(encoded);
    }

    /// <summary>
    /// Loads and verifies one snapshot file (magic, version, length, checksum, instrument, name, every
    /// order, the book's state hash).
    /// </summary>
    /// <param name="path">The snapshot file.</param>
    /// <exception cref="SnapshotException">When the file is invalid; <see cref="SnapshotException.Fault"/> says why.</exception>
    /// <exception cref="IOException">When the file cannot be read.</exception>
    public LoadedSnapshot Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var fault = TryLoad(full, out var snapshot);
        return fault is null ? snapshot! : throw new SnapshotException(fault);
    }

    /// <summary>
    /// Loads the newest valid snapshot, trying older ones when a newer one is invalid; every skipped
    /// file is reported in <see cref="SnapshotLoadResult.Fallbacks"/> with its reason. Never returns an
    /// unverified book.
    /// </summary>
    /// <param name="firstJournalSequence">
    /// The first sequence still in the journal (0 when it is empty): a snapshot at sequence S is only
    /// usable when S + 1 ≥ this, otherwise the records after it are gone (<see cref="SnapshotFaultReason.JournalGap"/>).
    /// </param>
    /// <exception cref="IOException">When the directory or a file cannot be read.</exception>
    public SnapshotLoadResult LoadNewestValid(long firstJournalSequence = 0) => LoadNewestValid(firstJournalSequence, accept: null);

    /// <summary>As <see cref="LoadNewestValid(long)"/>, with a last check (e.g. restoring the state sections) that may still refuse a snapshot.</summary>
    internal SnapshotLoadResult LoadNewestValid(long firstJournalSequence, Func<LoadedSnapshot, SnapshotFault?>? accept)
    {
        var fallbacks = new List<SnapshotFault>();
        var files = ListFiles();
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var (sequence, path) = files[i];
            if (firstJournalSequence > 0 && sequence + 1 < firstJournalSequence)
            {
                fallbacks.Add(new SnapshotFault(
                    path, SnapshotFaultReason.JournalGap, $"the snapshot includes records up to {sequence}, but the journal starts at {firstJournalSequence}"));
                continue;
            }

            var fault = TryLoad(path, out var snapshot);
            if (fault is null && accept is not null)
            {
                fault = accept(snapshot!);
            }

            if (fault is null)
            {
                return new SnapshotLoadResult(snapshot, fallbacks);
            }

            fallbacks.Add(fault);
        }

        return new SnapshotLoadResult(null, fallbacks);
    }

    /// <summary>The journal sequences of the snapshot files present, oldest first (not verified).</summary>
    public IReadOnlyList<long> ListSequences() => ListFiles().Select(f => f.Sequence).ToArray();

    /// <summary>Deletes leftover temporary files of interrupted writes.</summary>
    internal void DeleteTemporaryFiles()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return;
        }

        foreach (var temp in System.IO.Directory.EnumerateFiles(Directory, "*" + SnapshotFormat.Extension + SnapshotFormat.TempExtension))
        {
            File.Delete(temp);
        }
    }

    /// <summary>Encodes the snapshot in memory: the only part that reads the book, so the owner thread is blocked only this long.</summary>
    internal EncodedSnapshot Capture(OrderBook book, long journalSequence, IReadOnlyList<ISnapshotStateProvider>? stateProviders)
    {
        ArgumentNullException.ThrowIfNull(book);
        if (!string.Equals(book.Instrument.Symbol, Instrument.Symbol, StringComparison.Ordinal))
        {
            throw new ArgumentException($"book: its instrument '{book.Instrument.Symbol}' is not the store's '{Instrument.Symbol}'", nameof(book));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(journalSequence);
        var providers = stateProviders ?? [];
        ValidateProviders(providers);
        var created = (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        return SnapshotFormat.Encode(book, journalSequence, created, providers);
    }

    /// <summary>Writes a captured snapshot atomically and applies retention.</summary>
    /// <exception cref="ArgumentException">When the snapshot is not newer than the newest stored one; nothing is written.</exception>
    internal SnapshotInfo Persist(EncodedSnapshot encoded)
    {
        if (NewestSequence() is { } newest && encoded.JournalSequence <= newest)
        {
            throw new ArgumentException(
                $"journalSequence {encoded.JournalSequence} must be above the newest stored snapshot's {newest}: retention would delete an older snapshot at once, and one of the same sequence would replace a stored snapshot",
                "journalSequence");
        }

        var path = Path.Combine(Directory, SnapshotFormat.FileName(encoded.JournalSequence));
        var temp = path + SnapshotFormat.TempExtension;
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                file.Write(encoded.Bytes);
                StepHook?.Invoke(PersistenceStep.SnapshotTempWritten);
                file.Flush(flushToDisk: true);
            }

            StepHook?.Invoke(PersistenceStep.SnapshotTempSynced);
            File.Move(temp, path, overwrite: true);
            StepHook?.Invoke(PersistenceStep.SnapshotRenamed);
            DirectorySync.Flush(Directory);
            StepHook?.Invoke(PersistenceStep.SnapshotDirectorySynced);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not SnapshotException)
        {
            TryDelete(temp);
            throw new SnapshotException($"Cannot write snapshot '{path}': {e.Message}", e);
        }

        Prune();
        StepHook?.Invoke(PersistenceStep.SnapshotPruned);
        return new SnapshotInfo(path, encoded.JournalSequence, encoded.CreatedNs, encoded.Bytes.Length, encoded.OrderCount, encoded.StateHash);
    }

    /// <summary>The sequence of the newest snapshot file present (not verified), or null when there is none.</summary>
    internal long? NewestSequence()
    {
        var files = ListFiles();
        return files.Count == 0 ? null : files[^1].Sequence;
    }

    /// <summary>The files present as (sequence, path), oldest first; other files are ignored.</summary>
    internal List<(long Sequence, string Path)> ListFiles()
    {
        var found = new List<(long Sequence, string Path)>();
        if (!System.IO.Directory.Exists(Directory))
        {
            return found;
        }

        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, "*" + SnapshotFormat.Extension))
        {
            if (SnapshotFormat.TryParseFileName(Path.GetFileName(path), out var sequence))
            {
                found.Add((sequence, path));
            }
        }

        found.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return found;
    }

    private static void ValidateProviders(IReadOnlyList<ISnapshotStateProvider> providers)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < providers.Count; i++)
        {
            var name = providers[i]?.Name;
            if (string.IsNullOrEmpty(name) || Encoding.UTF8.GetByteCount(name) > SnapshotFormat.MaxNameBytes)
            {
                throw new ArgumentException($"stateProviders[{i}].Name: must be 1 to {SnapshotFormat.MaxNameBytes} UTF-8 bytes (was '{name}')", "stateProviders");
            }

            if (!names.Add(name))
            {
                throw new ArgumentException($"stateProviders[{i}].Name: '{name}' is used by two providers; names must be unique", "stateProviders");
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temporary file is deleted when the instrument is opened next.
        }
    }

    private unsafe SnapshotFault? TryLoad(string path, out LoadedSnapshot? snapshot)
    {
        snapshot = null;
        if (!SnapshotFormat.TryParseFileName(Path.GetFileName(path), out var nameSequence))
        {
            return new SnapshotFault(path, SnapshotFaultReason.NameMismatch, "the file name is not '{20-digit journal sequence}.snapshot'");
        }

        // Mapped, not read into an array: the book is restored straight from the page cache, without a
        // copy of the whole file on the managed heap.
        MappedSegment? mapped = null;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > int.MaxValue)
            {
                return new SnapshotFault(path, SnapshotFaultReason.InvalidHeader, $"the file has {length} bytes; snapshots are at most {int.MaxValue} bytes");
            }

            ReadOnlySpan<byte> file = [];
            if (length > 0)
            {
                mapped = MappedSegment.OpenRead(path, length);
                file = new ReadOnlySpan<byte>(mapped.Base, (int)length);
            }

            return SnapshotFormat.TryDecode(path, file, nameSequence, Instrument, out snapshot);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new SnapshotException($"Cannot read snapshot '{path}': {e.Message}", e);
        }
        finally
        {
            mapped?.Dispose();
        }
    }

    private void Prune()
    {
        var files = ListFiles();
        for (var i = 0; i < files.Count - KeepSnapshots; i++)
        {
            // Oldest first: a crash in between leaves more snapshots than asked, never fewer.
            File.Delete(files[i].Path);
        }
    }
}
