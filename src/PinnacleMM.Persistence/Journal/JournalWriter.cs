using System.Runtime.CompilerServices;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Persistence.Journal;

/// <summary>
/// Appends records to a journal: a directory of preallocated, memory-mapped segment files, one
/// journal per instrument. Each record gets the next sequence number (1, 2, 3…); appending copies
/// into the mapped file and allocates nothing. Durability is explicit: <see cref="Flush"/> returns
/// once every record appended so far is on disk, <see cref="DurableSequence"/> says how far that is,
/// and <see cref="JournalOptions.SyncPolicy"/> decides whether the writer also flushes on its own.
/// </summary>
/// <remarks>
/// One thread appends (append methods are not thread-safe); <see cref="Flush"/>,
/// <see cref="FlushAsync"/>, <see cref="LastSequence"/> and <see cref="DurableSequence"/> may be used
/// from any thread. Only one writer may hold a journal directory at a time (a lock file enforces it).
/// Opening resumes right after the last valid record, cuts off a torn tail (reported in
/// <see cref="RepairedTail"/>) and refuses a journal with corruption in the middle.
/// </remarks>
public sealed unsafe class JournalWriter : IDisposable, IAsyncDisposable
{
    private readonly JournalOptions _options;
    private readonly long _segmentSize;
    private readonly FileStream _lockFile;
    private readonly object _flushLock = new();
    private readonly List<FileStream> _retired = [];
    private readonly Thread? _flusher;
    private readonly ManualResetEventSlim _stopFlusher = new(false);
    private readonly SegmentPrefaulter? _prefaulter;
    private MappedSegment _segment;
    private long _segmentCapacity;
    private long _offset;
    private long _lastSequence;
    private long _durableSequence;
    private int _reservedLength = -1;
    private JournalRecordType _reservedType;
    private long _reservedTimestamp;
    private Exception? _failure;
    private int _disposed;

    private JournalWriter(string directory, JournalOptions options, FileStream lockFile, MappedSegment segment, long segmentCapacity, long offset, long lastSequence, JournalFault? repairedTail)
    {
        Directory = directory;
        _options = options;
        _segmentSize = options.SegmentSize;
        _lockFile = lockFile;
        _segment = segment;
        _segmentCapacity = segmentCapacity;
        _offset = offset;
        _lastSequence = lastSequence;
        _durableSequence = lastSequence;
        RepairedTail = repairedTail;
        MaxPayloadLength = (int)(_segmentSize - SegmentHeader.Size - RecordHeader.Size);
        if (options.SyncPolicy == JournalSyncPolicy.Interval)
        {
            _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "PinnacleMM journal flush" };
            _flusher.Start();
        }

        if (options.PrefaultBytes > 0 && SegmentPrefaulter.IsSupported)
        {
            // A racy read of the write position is fine: a stale value only makes the prefaulter run less far ahead.
            _prefaulter = new SegmentPrefaulter(options.PrefaultBytes, () => _offset);
            _prefaulter.Track(segment, offset);
        }
    }

    /// <summary>The full path of the journal directory.</summary>
    public string Directory { get; }

    /// <summary>The sync policy in force.</summary>
    public JournalSyncPolicy SyncPolicy => _options.SyncPolicy;

    /// <summary>The largest payload a record can carry: the segment size minus the 64-byte segment header and the 32-byte record header.</summary>
    public int MaxPayloadLength { get; }

    /// <summary>The sequence number of the last appended record (<see cref="JournalOptions.FirstSequence"/> − 1 for a new, empty journal). Any thread may read it.</summary>
    public long LastSequence => Volatile.Read(ref _lastSequence);

    /// <summary>The highest sequence number known to be durable (flushed and fsynced). Any thread may read it.</summary>
    public long DurableSequence => Volatile.Read(ref _durableSequence);

    /// <summary>The background prefaulter, or null when it is off (tests).</summary>
    internal SegmentPrefaulter? Prefaulter => _prefaulter;

    /// <summary>The byte offset in the current segment where the next record goes (tests).</summary>
    internal long WriteOffset => Volatile.Read(ref _offset);

    /// <summary>The torn tail that opening cut off (zeroed), or null when the journal ended cleanly.</summary>
    public JournalFault? RepairedTail { get; }

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="directory"/> for appending. Checks every
    /// record, cuts off a torn tail and resumes right after the last valid record in the existing last
    /// segment (files are not extended); records already present are fsynced, so
    /// <see cref="DurableSequence"/> starts at <see cref="LastSequence"/>.
    /// </summary>
    /// <param name="directory">The journal directory; created when missing.</param>
    /// <param name="options">Settings; null for the defaults. Validated.</param>
    /// <exception cref="ArgumentException">When an option breaks its rule (the message names it).</exception>
    /// <exception cref="JournalCorruptedException">When the journal is corrupted other than at its tail; nothing is changed.</exception>
    /// <exception cref="JournalException">When the directory cannot be created or written, another writer holds it, or the disk is full.</exception>
    public static JournalWriter Open(string directory, JournalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        options ??= new JournalOptions();
        options.Validate();
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("The journal format is little-endian and is only written on little-endian machines.");
        }

        var full = Path.GetFullPath(directory);
        var lockFile = AcquireLock(full);
        MappedSegment? segment = null;
        try
        {
            foreach (var leftover in System.IO.Directory.EnumerateFiles(full, "*" + SegmentNames.Extension + SegmentNames.TempExtension))
            {
                File.Delete(leftover);
            }

            long offset;
            long lastSequence;
            long capacity;
            JournalFault? repaired = null;
            using (var reader = JournalReader.Open(full))
            {
                while (reader.TryRead(out _))
                {
                }

                if (reader.Fault is { IsTornTail: false } corruption)
                {
                    throw new JournalCorruptedException(corruption);
                }

                if (reader.SegmentCount == 0)
                {
                    reader.Dispose();
                    segment = CreateSegment(full, options.FirstSequence, options);
                    offset = SegmentHeader.Size;
                    lastSequence = options.FirstSequence - 1;
                    capacity = options.SegmentSize;
                }
                else
                {
                    var path = reader.CurrentPath!;
                    offset = reader.CurrentOffset;
                    lastSequence = reader.NextSequence - 1;
                    capacity = reader.CurrentDeclaredSize;
                    var trailingGarbage = !reader.IsZeroAfterCurrentOffset;
                    var shortFile = reader.CurrentFileLength != capacity;
                    repaired = reader.Fault
                        ?? (trailingGarbage ? new JournalFault(JournalFaultReason.TrailingData, path, offset, lastSequence + 1, isTornTail: true) : null);
                    reader.Dispose();
                    if (offset == SegmentHeader.Size && capacity != options.SegmentSize)
                    {
                        // An empty last segment of another size (SegmentSize changed): start it afresh, so
                        // that a record of the new maximum size fits and no roll reuses its name.
                        File.Delete(path);
                        segment = CreateSegment(full, lastSequence + 1, options);
                        capacity = options.SegmentSize;
                    }
                    else
                    {
                        if (repaired is not null || shortFile)
                        {
                            RewritePrefix(full, path, offset, capacity);
                        }

                        segment = MappedSegment.OpenWrite(path, capacity);
                        segment.FlushToDisk();
                    }
                }
            }

            return new JournalWriter(full, options, lockFile, segment, capacity, offset, lastSequence, repaired);
        }
        catch (Exception e)
        {
            segment?.Dispose();
            lockFile.Dispose();
            if (e is IOException or UnauthorizedAccessException && e is not JournalException)
            {
                throw new JournalException($"Cannot open journal '{full}' for writing: {e.Message}", e);
            }

            throw;
        }
    }

    /// <summary>
    /// Appends a record without throwing for bad input: returns <see cref="JournalAppendStatus.Appended"/>
    /// and its sequence number, or why it was rejected (then nothing was written and <paramref name="sequence"/> is 0).
    /// Allocates nothing. With <see cref="JournalSyncPolicy.EveryAppend"/> it returns once the record is durable.
    /// </summary>
    /// <param name="type">The record type: a library type (1–6) or <see cref="JournalRecordType.ApplicationBase"/> and above; <see cref="JournalRecordType.None"/> and the reserved 7–0x0FFF are rejected.</param>
    /// <param name="timestampNs">The record's timestamp in nanoseconds (any value; usually <see cref="Core.Time.MonotonicClock"/>).</param>
    /// <param name="payload">
    /// The payload: for a library type exactly the size <see cref="OrderBookRecordCodec"/> writes for it (else
    /// <see cref="JournalAppendStatus.InvalidPayloadLength"/>), for an application type at most <see cref="MaxPayloadLength"/> bytes.
    /// </param>
    /// <param name="sequence">The record's sequence number.</param>
    /// <exception cref="JournalException">When a new segment cannot be created (disk full, directory unwritable) or an earlier flush failed; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">When a <see cref="BeginAppend"/> reservation is pending.</exception>
    /// <exception cref="ObjectDisposedException">When the writer is disposed.</exception>
    public JournalAppendStatus TryAppend(JournalRecordType type, long timestampNs, ReadOnlySpan<byte> payload, out long sequence)
    {
        sequence = 0;
        var status = Check(type, payload.Length);
        if (status != JournalAppendStatus.Appended)
        {
            return status;
        }

        var record = Reserve(payload.Length);
        payload.CopyTo(new Span<byte>(record + RecordHeader.Size, payload.Length));
        sequence = Publish(record, type, timestampNs, payload.Length);
        return JournalAppendStatus.Appended;
    }

    /// <summary>Appends a record and returns its sequence number. Allocates nothing.</summary>
    /// <param name="type">The record type: a library type (1–6) or <see cref="JournalRecordType.ApplicationBase"/> and above.</param>
    /// <param name="timestampNs">The record's timestamp in nanoseconds.</param>
    /// <param name="payload">The payload: for a library type exactly the size <see cref="OrderBookRecordCodec"/> writes for it, else at most <see cref="MaxPayloadLength"/> bytes.</param>
    /// <exception cref="ArgumentException">
    /// When the type is None or reserved (7–0x0FFF), a library type's payload is not its codec size (recovery could not
    /// read the record) or the payload is too large; the message names the parameter and the rule, and nothing was written.
    /// </exception>
    /// <exception cref="JournalException">When a new segment cannot be created or an earlier flush failed; nothing was written.</exception>
    /// <exception cref="InvalidOperationException">When a <see cref="BeginAppend"/> reservation is pending.</exception>
    /// <exception cref="ObjectDisposedException">When the writer is disposed.</exception>
    public long Append(JournalRecordType type, long timestampNs, ReadOnlySpan<byte> payload)
    {
        var status = TryAppend(type, timestampNs, payload, out var sequence);
        if (status != JournalAppendStatus.Appended)
        {
            ThrowRejected(status, type, payload.Length, nameof(payload));
        }

        return sequence;
    }

    /// <summary>Appends a record stamped with <see cref="JournalOptions.Clock"/> and returns its sequence number.</summary>
    /// <param name="type">The record type: a library type (1–6) or <see cref="JournalRecordType.ApplicationBase"/> and above.</param>
    /// <param name="payload">The payload: for a library type exactly the size <see cref="OrderBookRecordCodec"/> writes for it, else at most <see cref="MaxPayloadLength"/> bytes.</param>
    /// <exception cref="ArgumentException">
    /// When the type is None or reserved (7–0x0FFF), a library type's payload is not its codec size or the payload is too
    /// large; nothing was written.
    /// </exception>
    /// <exception cref="JournalException">When a new segment cannot be created or an earlier flush failed; nothing was written.</exception>
    public long Append(JournalRecordType type, ReadOnlySpan<byte> payload) => Append(type, _options.Clock.NowNanoseconds, payload);

    /// <summary>
    /// Reserves room for a record of up to <paramref name="maxPayloadLength"/> bytes and returns the
    /// payload area inside the mapped file to write in place (zero-copy). Finish with
    /// <see cref="CommitAppend(int)"/> or <see cref="AbortAppend"/>; until then the record does not exist.
    /// The span is valid until then.
    /// </summary>
    /// <remarks>
    /// A library type (1–6) has one payload size, known when the type is: the reservation must be exactly that size
    /// (<see cref="OrderBookRecordCodec"/>'s <c>OrderSize</c>, <c>CancelSize</c>, ...) and is committed whole, so
    /// <see cref="CommitAppend(int)"/> refuses any other length for it. An application type may reserve more than it
    /// commits.
    /// </remarks>
    /// <param name="type">The record type: a library type (1–6) or <see cref="JournalRecordType.ApplicationBase"/> and above.</param>
    /// <param name="timestampNs">The record's timestamp in nanoseconds.</param>
    /// <param name="maxPayloadLength">The room to reserve: for a library type exactly its codec size, else 0 to <see cref="MaxPayloadLength"/>.</param>
    /// <exception cref="ArgumentException">
    /// When the type is None or reserved (7–0x0FFF), a library type's length is not its codec size, or the length is out of
    /// range; the message names the parameter and the rule, and nothing is reserved.
    /// </exception>
    /// <exception cref="InvalidOperationException">When another reservation is pending.</exception>
    /// <exception cref="JournalException">When a new segment cannot be created or an earlier flush failed.</exception>
    public Span<byte> BeginAppend(JournalRecordType type, long timestampNs, int maxPayloadLength)
    {
        var status = Check(type, maxPayloadLength);
        if (status != JournalAppendStatus.Appended)
        {
            ThrowRejected(status, type, maxPayloadLength, nameof(maxPayloadLength));
        }

        var record = Reserve(maxPayloadLength);
        _reservedLength = maxPayloadLength;
        _reservedType = type;
        _reservedTimestamp = timestampNs;
        return new Span<byte>(record + RecordHeader.Size, maxPayloadLength);
    }

    /// <summary>Completes the pending <see cref="BeginAppend"/> with its whole reserved length and returns the sequence number.</summary>
    /// <exception cref="InvalidOperationException">When no reservation is pending.</exception>
    public long CommitAppend() => CommitAppend(_reservedLength);

    /// <summary>Completes the pending <see cref="BeginAppend"/> with the first <paramref name="payloadLength"/> bytes written and returns the sequence number.</summary>
    /// <param name="payloadLength">The bytes actually written: 0 to the reserved length; for a library type (1–6) exactly the reserved length, its codec size.</param>
    /// <exception cref="InvalidOperationException">When no reservation is pending.</exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// When the length exceeds the reservation, or is short of it for a library type (recovery could not read the record);
    /// nothing is written and the reservation stays pending (commit the right length or call <see cref="AbortAppend"/>).
    /// </exception>
    public long CommitAppend(int payloadLength)
    {
        if (_reservedLength < 0)
        {
            throw new InvalidOperationException("CommitAppend: no BeginAppend reservation is pending");
        }

        if ((uint)payloadLength > (uint)_reservedLength)
        {
            throw new ArgumentOutOfRangeException(nameof(payloadLength), payloadLength, $"payloadLength: must be between 0 and the reserved {_reservedLength} bytes");
        }

        if (payloadLength != _reservedLength && _reservedType < JournalRecordType.ApplicationBase)
        {
            ThrowLibraryCommitShort(payloadLength);
        }

        var record = _segment.Base + _offset;
        // The format requires zeros after the payload (padding, unwritten space).
        new Span<byte>(record + RecordHeader.Size + payloadLength, _reservedLength - payloadLength).Clear();
        _reservedLength = -1;
        return Publish(record, _reservedType, _reservedTimestamp, payloadLength);
    }

    /// <summary>Drops the pending <see cref="BeginAppend"/> reservation (its bytes are zeroed); does nothing when none is pending.</summary>
    public void AbortAppend()
    {
        if (_reservedLength < 0)
        {
            return;
        }

        new Span<byte>(_segment.Base + _offset + RecordHeader.Size, _reservedLength).Clear();
        _reservedLength = -1;
    }

    /// <summary>
    /// Makes every record appended so far durable (msync of the mapped range and fsync of the files,
    /// including segments rolled since the last flush) and then advances <see cref="DurableSequence"/>.
    /// Safe from any thread; concurrent flushes are serialized.
    /// </summary>
    /// <exception cref="JournalException">When the flush fails; the writer then refuses further appends, since what is on disk is unknown.</exception>
    /// <exception cref="ObjectDisposedException">When the writer is disposed.</exception>
    public void Flush()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        FlushCore();
    }

    /// <summary>Runs <see cref="Flush"/> on the thread pool: completes once everything appended before the call is durable.</summary>
    /// <param name="cancellationToken">Cancels waiting to start; a flush that started completes.</param>
    /// <exception cref="JournalException">When the flush fails.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Task.Run(Flush, cancellationToken);

    /// <summary>Stops the group-commit thread, flushes everything (when no flush failed before) and closes the files.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _stopFlusher.Set();
        _flusher?.Join();
        _prefaulter?.Dispose();
        try
        {
            AbortAppend();
            if (_failure is null)
            {
                FlushCore();
            }
        }
        finally
        {
            lock (_flushLock)
            {
                foreach (var file in _retired)
                {
                    file.Dispose();
                }

                _retired.Clear();
                _segment.Dispose();
            }

            _lockFile.Dispose();
            _stopFlusher.Dispose();
        }
    }

    /// <summary>Same as <see cref="Dispose"/>, with the final flush on the thread pool.</summary>
    public ValueTask DisposeAsync() => new(Task.Run(Dispose));

    /// <summary>
    /// Whether a record of this type and payload length may be stored: an application type with a payload up to
    /// <see cref="MaxPayloadLength"/>, or a library type (1 to <see cref="JournalRecordType.Checkpoint"/>) with exactly the
    /// payload size <see cref="OrderBookRecordCodec"/> writes for it. Recovery reads nothing else: it refuses
    /// <see cref="JournalRecordType.None"/> (unwritten space), the reserved 7–0x0FFF and a library record of another size
    /// for good, so storing one would make the journal unrecoverable. A few compares and one table read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private JournalAppendStatus Check(JournalRecordType type, int payloadLength)
    {
        if (type >= JournalRecordType.ApplicationBase)
        {
            return (uint)payloadLength <= (uint)MaxPayloadLength ? JournalAppendStatus.Appended : JournalAppendStatus.PayloadTooLarge;
        }

        if ((uint)type - 1 >= (uint)JournalRecordType.Checkpoint)
        {
            return JournalAppendStatus.InvalidRecordType;
        }

        return payloadLength == OrderBookRecordCodec.PayloadSizeOf(type) ? JournalAppendStatus.Appended : JournalAppendStatus.InvalidPayloadLength;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowRejected(JournalAppendStatus status, JournalRecordType type, int payloadLength, string lengthParameter) => throw (status switch
    {
        JournalAppendStatus.InvalidRecordType when type == JournalRecordType.None =>
            new ArgumentException("type: JournalRecordType.None marks unwritten space and cannot be appended", nameof(type)),
        JournalAppendStatus.InvalidRecordType => new ArgumentException(
            $"type {(ushort)type} (0x{(ushort)type:X4}) is reserved for future library record types (7 to 0x0FFF), which recovery refuses: use a library type (1 to 6) or ApplicationBase (0x1000) and above",
            nameof(type)),
        JournalAppendStatus.InvalidPayloadLength => new ArgumentException(
            $"{lengthParameter}: {payloadLength} bytes, but a {type} record's payload is exactly {OrderBookRecordCodec.PayloadSizeOf(type)} bytes "
            + $"(OrderBookRecordCodec.{OrderBookRecordCodec.PayloadSizeName(type)}), the only size recovery reads: write it with OrderBookRecordCodec, "
            + "or use an application type (ApplicationBase and above) for a payload of your own",
            lengthParameter),
        _ => new ArgumentException(
            $"{lengthParameter}: {payloadLength} bytes exceed the maximum payload of this journal (segment size minus 96 bytes); a record never spans segments",
            lengthParameter),
    });

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowLibraryCommitShort(int payloadLength) => throw new ArgumentOutOfRangeException(
        "payloadLength",
        payloadLength,
        $"payloadLength: {payloadLength} bytes, but a {_reservedType} record's payload is exactly the reserved {_reservedLength} bytes "
        + $"(OrderBookRecordCodec.{OrderBookRecordCodec.PayloadSizeName(_reservedType)}), the only size recovery reads: commit all of it or call AbortAppend");

    /// <summary>Makes room for a record and returns its address; the bytes there are zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* Reserve(int payloadLength)
    {
        if (_reservedLength >= 0 || _failure is not null || _disposed != 0)
        {
            ThrowCannotAppend();
        }

        if (_offset + RecordHeader.RecordSize(payloadLength) > _segmentCapacity)
        {
            Roll();
        }

        return _segment.Base + _offset;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long Publish(byte* record, JournalRecordType type, long timestampNs, int payloadLength)
    {
        var sequence = _lastSequence + 1;
        ref var header = ref Unsafe.AsRef<RecordHeader>(record);
        header.PayloadLength = payloadLength;
        header.Type = (ushort)type;
        header.Flags = 0;
        header.Sequence = sequence;
        header.TimestampNs = timestampNs;
        header.Reserved = 0;
        header.Checksum = SegmentFormat.RecordChecksum(record, payloadLength);
        _offset += RecordHeader.RecordSize(payloadLength);
        // Release: a flushing thread that sees this sequence also sees the record's bytes.
        Volatile.Write(ref _lastSequence, sequence);
        if (_options.SyncPolicy == JournalSyncPolicy.EveryAppend)
        {
            FlushCore();
        }

        return sequence;
    }

    private void ThrowCannotAppend()
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (_failure is not null)
        {
            throw new JournalException($"Journal '{Directory}' failed earlier and accepts no more appends: {_failure.Message}", _failure);
        }

        throw new InvalidOperationException("A BeginAppend reservation is pending: call CommitAppend or AbortAppend first");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Roll()
    {
        // A new segment starts with the next record. If it cannot be created (disk full, directory not
        // writable) the caller gets the error and nothing changed: the next append tries again.
        var next = CreateSegment(Directory, _lastSequence + 1, _options);
        _prefaulter?.Track(next, SegmentHeader.Size);
        lock (_flushLock)
        {
            // Unmapped now, fsynced at the next flush: the page cache keeps the written pages.
            _retired.Add(_segment.DetachFile());
            _segment = next;
            _segmentCapacity = _segmentSize;
            _offset = SegmentHeader.Size;
        }
    }

    private void FlushCore()
    {
        lock (_flushLock)
        {
            if (_failure is not null)
            {
                throw new JournalException($"Journal '{Directory}' failed earlier: {_failure.Message}", _failure);
            }

            var target = Volatile.Read(ref _lastSequence);
            if (target == _durableSequence && _retired.Count == 0)
            {
                return;
            }

            // Read after the sequence (acquire): the appender advances the offset before publishing a
            // sequence, so everything up to the target record lies below this offset.
            var writtenUpTo = Volatile.Read(ref _offset);

            try
            {
                foreach (var file in _retired)
                {
                    file.Flush(flushToDisk: true);
                }

                foreach (var file in _retired)
                {
                    file.Dispose();
                }

                _retired.Clear();
                _segment.FlushToDisk(writtenUpTo);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // After a failed fsync the kernel may have dropped the dirty pages: what is on disk is unknown.
                _failure = e;
                throw new JournalException($"Flushing journal '{Directory}' failed; appends are refused from now on: {e.Message}", e);
            }

            Volatile.Write(ref _durableSequence, target);
        }
    }

    private void RunFlusher()
    {
        var interval = _options.SyncInterval;
        while (!_stopFlusher.Wait(interval))
        {
            if (Volatile.Read(ref _lastSequence) == Volatile.Read(ref _durableSequence))
            {
                continue;
            }

            try
            {
                FlushCore();
            }
            catch (JournalException)
            {
                // Recorded in _failure: the next append or flush reports it to the caller.
                return;
            }
        }
    }

    private static FileStream AcquireLock(string directory)
    {
        try
        {
            System.IO.Directory.CreateDirectory(directory);
            return new FileStream(Path.Combine(directory, SegmentNames.LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JournalException(
                $"Cannot open journal '{directory}' for writing (the directory is not writable, or another writer holds it): {e.Message}", e);
        }
    }

    /// <summary>Creates a segment atomically: a preallocated temporary file gets its header and fsync, then is renamed.</summary>
    private static MappedSegment CreateSegment(string directory, long firstSequence, JournalOptions options)
    {
        var path = Path.Combine(directory, SegmentNames.FileName(firstSequence));
        var temp = path + SegmentNames.TempExtension;
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = options.SegmentSize,
            };
            using (var file = new FileStream(temp, fileOptions))
            {
                file.SetLength(options.SegmentSize);
                Span<byte> header = stackalloc byte[SegmentHeader.Size];
                SegmentHeader.Write(header, firstSequence, options.SegmentSize, UnixNanoseconds(options.TimeProvider));
                RandomAccess.Write(file.SafeFileHandle, header, 0);
                file.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: false);
            DirectorySync.Flush(directory);
            return MappedSegment.OpenWrite(path, options.SegmentSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw e as JournalException ?? new JournalException($"Cannot create journal segment '{path}': {e.Message}", e);
        }
    }

    /// <summary>Replaces a segment by a copy of its first <paramref name="length"/> bytes, zero-filled to its full size.</summary>
    private static void RewritePrefix(string directory, string path, long length, long segmentSize)
    {
        var temp = path + SegmentNames.TempExtension;
        try
        {
            var fileOptions = new FileStreamOptions
            {
                Mode = FileMode.Create,
                Access = FileAccess.ReadWrite,
                Share = FileShare.None,
                BufferSize = 0,
                PreallocationSize = segmentSize,
            };
            using (var target = new FileStream(temp, fileOptions))
            using (var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1))
            {
                target.SetLength(segmentSize);
                var buffer = new byte[1 << 20];
                long copied = 0;
                while (copied < length)
                {
                    var read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, length - copied));
                    if (read == 0)
                    {
                        break;
                    }

                    RandomAccess.Write(target.SafeFileHandle, buffer.AsSpan(0, read), copied);
                    copied += read;
                }

                target.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
            DirectorySync.Flush(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new JournalException($"Cannot cut the torn tail off journal segment '{path}': {e.Message}", e);
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
            // Best effort: a leftover temporary file is deleted by the next Open.
        }
    }

    private static long UnixNanoseconds(TimeProvider timeProvider) =>
        (timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
}
