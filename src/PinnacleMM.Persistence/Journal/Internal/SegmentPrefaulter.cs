using System.Runtime.InteropServices;

namespace PinnacleMM.Persistence.Journal.Internal;

/// <summary>
/// Keeps the pages just ahead of the writer's position mapped writable, on a background thread, so
/// that the appending thread does not take the page faults itself. A freshly preallocated segment is
/// an "unwritten extent": the first write to each page costs a fault in which the file system converts
/// the extent (several microseconds here), which dominated the cost of an append. Linux's
/// <c>madvise(MADV_POPULATE_WRITE)</c> (kernel 5.14+) performs exactly that fault without writing any
/// data; where it is not available the prefaulter switches itself off and appends fault as before.
/// </summary>
internal sealed unsafe partial class SegmentPrefaulter : IDisposable
{
    private const int MadvPopulateWrite = 23;
    private const long PageSize = 4096;
    private const long ChunkSize = 256 * 1024;

    private readonly object _gate = new();
    private readonly long _window;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _stop = new(false);
    private readonly Func<long> _writePosition;
    private MappedSegment? _segment;
    private long _populatedUpTo;
    private bool _unsupported;

    public SegmentPrefaulter(long window, Func<long> writePosition)
    {
        _window = window;
        _writePosition = writePosition;
        _thread = new Thread(Run) { IsBackground = true, Name = "PinnacleMM journal prefault" };
        _thread.Start();
    }

    /// <summary>Whether it is working: false on other systems, older kernels or after an error.</summary>
    public static bool IsSupported => OperatingSystem.IsLinux();

    /// <summary>Whether it has switched itself off after a failed madvise (tests).</summary>
    internal bool HasStopped
    {
        get
        {
            lock (_gate)
            {
                return _unsupported;
            }
        }
    }

    /// <summary>How far the tracked segment is populated, in bytes from its start (tests).</summary>
    internal long PopulatedUpTo
    {
        get
        {
            lock (_gate)
            {
                return _populatedUpTo;
            }
        }
    }

    /// <summary>Starts populating <paramref name="segment"/> from <paramref name="offset"/>. Waits for a chunk in progress on the previous segment, so that it can be unmapped safely afterwards.</summary>
    public void Track(MappedSegment? segment, long offset)
    {
        lock (_gate)
        {
            _segment = segment;
            _populatedUpTo = offset & ~(PageSize - 1);
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _thread.Join();
        lock (_gate)
        {
            _segment = null;
        }

        _stop.Dispose();
    }

    private void Run()
    {
        while (!_stop.IsSet)
        {
            if (!PopulateOneChunk())
            {
                // Caught up with the window (or nothing to do): look again shortly. At 1 GB/s the writer
                // moves about 1 MiB per millisecond, well inside the window.
                _stop.Wait(1);
            }
        }
    }

    private bool PopulateOneChunk()
    {
        lock (_gate)
        {
            var segment = _segment;
            if (segment is null || _unsupported || segment.Base == null)
            {
                return false;
            }

            // Page-aligned: madvise needs an aligned start, and each chunk starts where the previous ended.
            var target = Math.Min(segment.Length, _writePosition() + _window) & ~(PageSize - 1);
            if (_populatedUpTo >= target)
            {
                return false;
            }

            var length = Math.Min(ChunkSize, target - _populatedUpTo);
            if (madvise(segment.Base + _populatedUpTo, (nuint)length, MadvPopulateWrite) != 0)
            {
                // EINVAL: a kernel without MADV_POPULATE_WRITE. Anything else: leave the faults to the writer.
                _unsupported = true;
                return false;
            }

            _populatedUpTo += length;
            return true;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int madvise(void* address, nuint length, int advice);
}
