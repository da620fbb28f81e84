using System.IO.MemoryMappedFiles;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>A segment file mapped into memory, read-only (readers) or read-write (the writer).</summary>
internal sealed unsafe class MappedSegment : IDisposable
{
    private FileStream? _file;
    private MemoryMappedFile? _map;
    private MemoryMappedViewAccessor? _view;
    private bool _pointerAcquired;

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

    /// <summary>msync of the mapped range, then fsync of the file.</summary>
    public void FlushToDisk()
    {
        _view!.Flush();
        _file!.Flush(flushToDisk: true);
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
}
