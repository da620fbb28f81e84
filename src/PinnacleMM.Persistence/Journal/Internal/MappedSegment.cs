using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>A segment file mapped into memory, read-only (readers) or read-write (the writer).</summary>
internal sealed unsafe partial class MappedSegment : IDisposable
{
    private FileStream? _file;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private const int MsSync = 4;
    private const long PageSize = 4096;
    private bool _pointerAcquired;
    private long _flushedUpTo;

    private MappedSegment(string path, FileStream file, long length, bool writable)
    {
        Path = path;
        _file = file;
        Length = length;
        try
        {
            var access = writable ? MemoryMappedFileAccess.ReadWrite : MemoryMappedFileAccess.Read;
            _map = MemoryMappedFile.CreateFromFile(file, null, length, access, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, length, access);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _pointerAcquired = true;
            Base = pointer + _view.PointerOffset;
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary>The mapped length: the whole file.</summary>
    public long Length { get; }

    public byte* Base { get; private set; }

    /// <summary>Maps an existing file read-only; the file stays writable and deletable by others.</summary>
    public static MappedSegment OpenRead(string path, long length)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
        try
        {
            return new MappedSegment(path, file, length, writable: false);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Maps an existing, fully preallocated segment read-write.</summary>
    public static MappedSegment OpenWrite(string path, long length)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1, FileOptions.None);
        try
        {
            return new MappedSegment(path, file, length, writable: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>msync of the whole mapped range, then fsync of the file.</summary>
    public void FlushToDisk()
    {
        _view!.Flush();
        _file!.Flush(flushToDisk: true);
        _flushedUpTo = Length;
    }

    /// <summary>
    /// Makes the bytes written below <paramref name="upTo"/> durable. On Linux this is one
    /// <c>msync(MS_SYNC)</c> of the pages written since the last flush: the kernel writes back that
    /// range and commits the metadata needed to read it (an fdatasync of the range; the file keeps its
    /// preallocated size), and leaves the pages beyond it alone. A whole-file fsync would also write
    /// back the zero pages the prefaulter has made writable ahead of the writer, and write-protect
    /// them again, so the writer would fault on each of them after every group commit. Elsewhere the
    /// whole view and file are flushed.
    /// </summary>
    /// <exception cref="IOException">When the kernel reports an error (e.g. EIO): what is on disk is unknown.</exception>
    public void FlushToDisk(long upTo)
    {
        if (!OperatingSystem.IsLinux())
        {
            FlushToDisk();
            return;
        }

        var from = Math.Min(_flushedUpTo, upTo) & ~(PageSize - 1);
        if (upTo > from && msync(Base + from, (nuint)(upTo - from), MsSync) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"msync of '{Path}' [{from}, {upTo}) failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }

        // The last page may be only partly written: it is synced again next time.
        _flushedUpTo = Math.Max(_flushedUpTo, upTo);
    }

    /// <summary>Unmaps the file and hands over its still-open stream, so it can be fsynced later.</summary>
    public FileStream DetachFile()
    {
        var file = _file!;
        _file = null;
        Dispose();
        return file;
    }

    public void Dispose()
    {
        if (_pointerAcquired)
        {
            _view!.SafeMemoryMappedViewHandle.ReleasePointer();
            _pointerAcquired = false;
            Base = null;
        }

        _view?.Dispose();
        _view = null;
        _map?.Dispose();
        _map = null;
        _file?.Dispose();
        _file = null;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int msync(void* address, nuint length, int flags);
}
