using System.Runtime.CompilerServices;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Reads a journal directory in sequence order, across segments, from any sequence number. Every record
/// is checked (length, CRC-32C, contiguous sequence); reading stops at the first torn or corrupt
/// record and <see cref="Fault"/> says where and why. Never returns a record that failed a check.
/// Not thread-safe; many readers may read one journal, also while a writer appends to it.
/// </summary>
/// <example>
/// <code>
/// using var reader = JournalReader.Open("/data/journal/BTC-USD", fromSequence: 1);
/// while (reader.TryRead(out var record)) { Apply(record.Type, record.Payload); }
/// if (reader.Fault is { } fault) { Console.Error.WriteLine(fault); }
/// </code>
/// </example>
public sealed unsafe class JournalReader : IDisposable
{
    private readonly string[] _paths;
    private readonly long[] _nameSequences;
    private readonly long _fromSequence;
    private int _segmentIndex;
    private MappedSegment? _segment;
    private long _available;
    private long _declaredSize;
    private long _offset;
    private long _expected;
    private bool _completed;
    private bool _disposed;

    private JournalReader(string directory, string[] paths, long[] nameSequences, int startIndex, long fromSequence)
    {
        Directory = directory;
        _paths = paths;
        _nameSequences = nameSequences;
        _segmentIndex = startIndex - 1;
        _fromSequence = fromSequence;
        _completed = paths.Length == 0;
    }

    /// <summary>The full path of the journal directory.</summary>
    public string Directory { get; }

    /// <summary>The first sequence number stored in the journal (from the first segment's name), or 0 when it has no segment.</summary>
    public long FirstSequence => _nameSequences.Length == 0 ? 0 : _nameSequences[0];

    /// <summary>The sequence number of the last record returned by <see cref="TryRead"/>, or 0 before the first.</summary>
    public long LastSequenceRead { get; private set; }

    /// <summary>Whether reading has ended, cleanly or at a <see cref="Fault"/>.</summary>
    public bool IsCompleted => _completed;

    /// <summary>Why reading stopped early (file, offset, sequence, reason), or null while reading or after a clean end.</summary>
    public JournalFault? Fault { get; private set; }

    // What a writer resuming the journal needs once the reader has completed.
    internal int SegmentCount => _paths.Length;

    internal string? CurrentPath => _segment?.Path;

    internal long CurrentOffset => _offset;

    internal long CurrentDeclaredSize => _declaredSize;

    internal long CurrentFileLength => _segment?.Length ?? 0;

    internal long NextSequence => _expected;

    internal bool IsZeroAfterCurrentOffset =>
        _segment is null || _offset >= _segment.Length || SegmentFormat.IsZero(_segment.Base + _offset, _segment.Length - _offset);

    /// <summary>Opens a reader positioned at the first record of the journal.</summary>
    /// <param name="directory">The journal directory.</param>
    /// <exception cref="DirectoryNotFoundException">When the directory does not exist.</exception>
    public static JournalReader Open(string directory) => Open(directory, 0);

    /// <summary>Opens a reader whose first record will be <paramref name="fromSequence"/> (records before it are checked and skipped).</summary>
    /// <param name="directory">The journal directory.</param>
    /// <param name="fromSequence">
    /// The first sequence to return; 0 means the journal's first record. A value past the last record
    /// reads nothing. Rejected when negative, or positive but below the journal's first sequence (those records are gone).
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="fromSequence"/> is negative or below the first stored sequence.</exception>
    /// <exception cref="DirectoryNotFoundException">When the directory does not exist.</exception>
    public static JournalReader Open(string directory, long fromSequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(fromSequence);
        var full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Journal directory '{full}' does not exist");
        }

        var (paths, sequences) = SegmentNames.List(full);
        var start = 0;
        if (paths.Length > 0)
        {
            if (fromSequence == 0)
            {
                fromSequence = sequences[0];
            }
            else if (fromSequence < sequences[0])
            {
                throw new ArgumentOutOfRangeException(
                    nameof(fromSequence), fromSequence, $"fromSequence: the journal in '{full}' starts at sequence {sequences[0]}");
            }

            while (start + 1 < sequences.Length && sequences[start + 1] <= fromSequence)
            {
                start++;
            }
        }

        return new JournalReader(full, paths, sequences, start, fromSequence);
    }

    /// <summary>
    /// Reads the next record. Returns false at the end of the journal or at the first bad record;
    /// then <see cref="Fault"/> tells which. The payload stays valid until the next call or dispose.
    /// </summary>
    /// <exception cref="ObjectDisposedException">When the reader is disposed.</exception>
    /// <exception cref="IOException">When a segment file cannot be opened.</exception>
    public bool TryRead(out JournalRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (!_completed)
        {
            if (_segment is null && !OpenNextSegment())
            {
                break;
            }

            var status = SegmentFormat.CheckRecord(_segment!.Base, _offset, _available, _declaredSize, _expected, out var size, out var reason);
            if (status == SegmentFormat.RecordStatus.Valid)
            {
                ref var header = ref Unsafe.AsRef<RecordHeader>(_segment.Base + _offset);
                var payload = new ReadOnlySpan<byte>(_segment.Base + _offset + RecordHeader.Size, header.PayloadLength);
                var sequence = _expected;
                _offset += size;
                _expected++;
                if (sequence >= _fromSequence)
                {
                    LastSequenceRead = sequence;
                    record = new JournalRecord((JournalRecordType)header.Type, sequence, header.TimestampNs, payload);
                    return true;
                }

                continue;
            }

            if (status == SegmentFormat.RecordStatus.End)
            {
                if (SegmentFormat.HasValidRecordAfter(_segment.Base, _offset + 8, _available, _declaredSize))
                {
                    Stop(JournalFaultReason.ZeroedRecordHeader, _offset, tornTail: false);
                }
                else if (_segmentIndex + 1 < _paths.Length)
                {
                    _segment.Dispose();
                    _segment = null;
                }
                else
                {
                    _completed = true;
                }

                continue;
            }

            var torn = _segmentIndex == _paths.Length - 1
                && reason != JournalFaultReason.SequenceBreak
                && !SegmentFormat.HasValidRecordAfter(_segment.Base, _offset + 8, _available, _declaredSize);
            Stop(reason, _offset, torn);
        }

        record = default;
        return false;
    }

    /// <summary>Unmaps the current segment. Payloads handed out before become invalid.</summary>
    public void Dispose()
    {
        _disposed = true;
        _segment?.Dispose();
        _segment = null;
    }

    private bool OpenNextSegment()
    {
        _segmentIndex++;
        var path = _paths[_segmentIndex];
        var length = new FileInfo(path).Length;
        if (length < SegmentHeader.Size)
        {
            StopAtHeader(JournalFaultReason.SegmentTooShort, path);
            return false;
        }

        _segment = MappedSegment.OpenRead(path, length);
        var reason = SegmentFormat.CheckSegmentHeader(_segment.Base, length, _nameSequences[_segmentIndex], out var first, out var declared);
        if (reason == JournalFaultReason.None && _expected != 0 && first != _expected)
        {
            reason = JournalFaultReason.SequenceGap;
        }

        if (reason != JournalFaultReason.None)
        {
            StopAtHeader(reason, path);
            return false;
        }

        _expected = first;
        _available = length;
        _declaredSize = declared;
        _offset = SegmentHeader.Size;
        return true;
    }

    private void StopAtHeader(JournalFaultReason reason, string path)
    {
        if (_expected == 0)
        {
            _expected = _nameSequences[_segmentIndex];
        }

        Fault = new JournalFault(reason, path, 0, _expected, isTornTail: false);
        _completed = true;
    }

    private void Stop(JournalFaultReason reason, long offset, bool tornTail)
    {
        Fault = new JournalFault(reason, _segment!.Path, offset, _expected, tornTail);
        _completed = true;
    }
}
