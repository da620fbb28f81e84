using System.Buffers;
using System.Globalization;
using System.Threading.Channels;
using PinnacleMM.Security.Internal;

namespace PinnacleMM.Security.Audit;

/// <summary>
/// A tamper-evident audit log: JSON lines, each carrying the SHA-256 of the previous record (format in the
/// package README), written by a background task so that <see cref="TryWrite"/> never blocks the caller. A full
/// queue never drops silently: the events are counted and a <c>audit.dropped</c> record says how many. Files
/// rotate by size; retention deletes the oldest after writing a record that says so, which keeps
/// <see cref="AuditLogVerifier"/> able to verify what remains. Thread-safe.
/// </summary>
public sealed class AuditLog : IAuditLog, IAsyncDisposable, IDisposable
{
    /// <summary>The event type of the record that counts events dropped because the queue was full.</summary>
    public const string DroppedEventType = "audit.dropped";

    /// <summary>The event type of the record written when a log is reopened after a crash cut its last line.</summary>
    public const string RecoveredEventType = "audit.recovered";

    private const int MaxBatch = 512;

    /// <summary>More than any record's bytes besides its fields' characters (names, quotes, seq, ts, hashes, up to 64 detail entries).</summary>
    private const int RecordOverheadBound = 1024;

    /// <summary>Most bytes one character of a field takes in a record: JSON escapes it as <c>\uXXXX</c> at worst.</summary>
    private const int BytesPerCharBound = 6;
    private const string Actor = "audit-log";
    private const string Source = "PinnacleMM.Security";

    private readonly AuditLogOptions _options;
    private readonly TimeProvider _time;
    private readonly string _directory;
    private readonly Channel<Pending> _queue;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly ArrayBufferWriter<byte> _line = new(1024);
    private readonly Lock _flushLock = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _flushWaiters = [];
    private readonly Task _writer;
    private readonly long _maxEventRecordBytes;
    private readonly long _retentionReserve;
    private FileStream _file;
    private long _fileIndex;
    private long _fileLength;
    private long _sequence;
    private string _previousHash;
    private long _accepted;
    private long _processed;
    private long _dropped;
    private long _droppedNotRecorded;
    private long _recordsWritten;
    private Exception? _fault;
    private int _disposed;

    /// <summary>Opens (or creates) the log in <see cref="AuditLogOptions.Directory"/> and continues its chain.</summary>
    /// <param name="options">Where and how to write; validated here.</param>
    /// <param name="timeProvider">The clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    /// <exception cref="InvalidDataException">The newest file's last complete line is not a valid record, so the chain cannot be continued (run <see cref="AuditLogVerifier.Verify"/>).</exception>
    /// <exception cref="IOException">The directory or file cannot be opened.</exception>
    public AuditLog(AuditLogOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _directory = Path.GetFullPath(options.Directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(_directory);
        }
        else
        {
            Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // A rotation may start the new file with a retention record, and the event follows it in that file. The record's
        // size depends only on the file prefix (not on the directory's path or on how many files it deletes), so this
        // bound holds for every retention record.
        var longestName = AuditRecordFormat.FileName(options.FilePrefix, 99_999_999);
        _retentionReserve = LongestRecordBytes(RetentionEvent(options.FilePrefix, long.MaxValue, DeletedFiles(longestName, longestName, int.MaxValue)));
        _maxEventRecordBytes = options.MaxFileBytes - _retentionReserve;
        _previousHash = AuditRecordFormat.GenesisHash;
        var tornBytes = OpenNewest();
        _file = OpenForAppend(_fileIndex);
        _fileLength = _file.Length;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite this never waits: it returns false and we count the drop
            SingleReader = true,
            SingleWriter = false,
        });
        if (tornBytes > 0)
        {
            Append(new Pending(_time.GetUtcNow(), new AuditEvent(RecoveredEventType, Actor, Source, AuditRecordFormat.FileName(_options.FilePrefix, _fileIndex), AuditOutcome.Info,
                new Dictionary<string, string> { ["discardedBytes"] = tornBytes.ToString(CultureInfo.InvariantCulture) })));
            WriteBuffer();
        }

        _writer = Task.Run(WriteLoopAsync);
    }

    /// <summary>The directory of the log files.</summary>
    public string DirectoryPath => _directory;

    /// <summary>How many events were dropped because the queue was full (each one is counted in an <c>audit.dropped</c> record).</summary>
    public long DroppedCount => Interlocked.Read(ref _dropped);

    /// <summary>How many records were written to files so far, including dropped-count, retention and recovery records.</summary>
    public long RecordsWritten => Interlocked.Read(ref _recordsWritten);

    /// <summary>The error that stopped the writer (a full disk, a removed directory), or null. Events after it are counted as dropped.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Test hook: while a test holds this gate the writer waits before each batch, which fills the queue.</summary>
    internal SemaphoreSlim? WriterGate { get; set; }

    /// <summary>Queues an event with the current UTC time; never blocks. When the queue is full the event is counted as dropped.</summary>
    /// <param name="auditEvent">The event; validated here.</param>
    /// <returns>Whether it was queued.</returns>
    /// <exception cref="ArgumentException">
    /// A field is invalid, or the event's record would not fit in one file (more than <see cref="AuditLogOptions.MaxFileBytes"/>
    /// less room for the retention record a rotation may write before it); the exception names the longest field and the
    /// limit. Nothing is queued or counted.
    /// </exception>
    /// <exception cref="ObjectDisposedException">The log was disposed.</exception>
    public bool TryWrite(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);
        auditEvent.Validate();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (RecordOverheadBound + (BytesPerCharBound * FieldCharacters(auditEvent)) > _maxEventRecordBytes)
        {
            CheckFitsInAFile(auditEvent); // encodes only an event that might not fit: never with the default 16 MiB files
        }

        if (Volatile.Read(ref _fault) is null && _queue.Writer.TryWrite(new Pending(_time.GetUtcNow(), auditEvent)))
        {
            Interlocked.Increment(ref _accepted);
            return true;
        }

        Interlocked.Increment(ref _dropped);
        Interlocked.Increment(ref _droppedNotRecorded);
        return false;
    }

    /// <summary>Completes when every event queued before the call is written (and flushed to disk when <see cref="AuditLogOptions.FlushToDisk"/>).</summary>
    /// <param name="cancellationToken">Stops waiting (the events are still written).</param>
    /// <returns>A task that completes when the events are on disk.</returns>
    /// <exception cref="IOException">The writer failed (see <see cref="Fault"/>).</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var target = Interlocked.Read(ref _accepted);
        TaskCompletionSource done;
        lock (_flushLock)
        {
            if (_fault is not null)
            {
                return Task.FromException(new IOException($"the audit log in '{_directory}' stopped writing: {_fault.Message}", _fault));
            }

            if (Interlocked.Read(ref _processed) >= target && Interlocked.Read(ref _droppedNotRecorded) == 0)
            {
                return Task.CompletedTask;
            }

            done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _flushWaiters.Add((target, done));
        }

        // A drop only happens while the queue is full, so the writer is bound to wake and record its count.
        return done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Writes everything queued, records any drop count, closes the file. Later <see cref="TryWrite"/> calls throw.</summary>
    /// <returns>A task that completes when the file is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, blocking.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            if (WriterGate is { } gate)
            {
                await gate.WaitAsync().ConfigureAwait(false);
                gate.Release();
            }

            WriteBatch(reader);
        }

        WriteBatch(reader);
    }

    private void WriteBatch(ChannelReader<Pending> reader)
    {
        var taken = 0L;
        try
        {
            while (taken < MaxBatch && reader.TryRead(out var pending))
            {
                taken++;
                if (_fault is null)
                {
                    Append(pending);
                }
                else
                {
                    Interlocked.Increment(ref _dropped);
                }
            }

            if (_fault is null)
            {
                var dropped = Interlocked.Exchange(ref _droppedNotRecorded, 0);
                if (dropped > 0)
                {
                    Append(new Pending(_time.GetUtcNow(), new AuditEvent(DroppedEventType, Actor, Source, LogFiles(_options.FilePrefix), AuditOutcome.Failure,
                        new Dictionary<string, string> { ["dropped"] = dropped.ToString(CultureInfo.InvariantCulture), ["reason"] = "queue full" })));
                }

                WriteBuffer();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // Stop writing (a half-written batch must not be followed by more records) and fail every flush from now on.
            Volatile.Write(ref _fault, ex);
            _buffer.ResetWrittenCount();
        }
        finally
        {
            Interlocked.Add(ref _processed, taken);
            CompleteFlushWaiters();
        }
    }

    private static long FieldCharacters(AuditEvent e)
    {
        long characters = e.EventType.Length + e.Actor.Length + e.Source.Length + e.Target.Length;
        if (e.Details is not null)
        {
            foreach (var (key, value) in e.Details)
            {
                characters += key.Length + value.Length;
            }
        }

        return characters;
    }

    /// <summary>The bytes of the event's record with the longest sequence number and timestamp: no real record of it is longer.</summary>
    private static long LongestRecordBytes(AuditEvent e)
    {
        var line = new ArrayBufferWriter<byte>(4096);
        AuditRecordFormat.Encode(line, long.MaxValue, DateTimeOffset.MaxValue, e, AuditRecordFormat.GenesisHash);
        return line.WrittenCount;
    }

    /// <summary>A record that will not fit in one file would be written anyway after rotation, past the documented cap.</summary>
    private void CheckFitsInAFile(AuditEvent e)
    {
        var bytes = LongestRecordBytes(e);
        if (bytes <= _maxEventRecordBytes)
        {
            return;
        }

        var (field, description) = LongestField(e);
        throw new ArgumentException(
            $"{description}: the event's record would be up to {bytes} bytes, more than the {_maxEventRecordBytes} bytes a record may take in this log "
            + $"(MaxFileBytes {_options.MaxFileBytes} less {_retentionReserve} for the retention record a rotation may write before it); shorten {field}",
            field);
    }

    private static (string Field, string Description) LongestField(AuditEvent e)
    {
        (string Field, string Description, int Length) longest = (nameof(AuditEvent.EventType), $"EventType is {e.EventType.Length} characters", e.EventType.Length);
        foreach (var (field, value) in new[] { (nameof(AuditEvent.Actor), e.Actor), (nameof(AuditEvent.Source), e.Source), (nameof(AuditEvent.Target), e.Target) })
        {
            if (value.Length > longest.Length)
            {
                longest = (field, $"{field} is {value.Length} characters", value.Length);
            }
        }

        foreach (var (key, value) in e.Details ?? new Dictionary<string, string>())
        {
            if (Math.Max(key.Length, value.Length) > longest.Length)
            {
                var length = Math.Max(key.Length, value.Length);
                longest = (nameof(AuditEvent.Details), $"Details entry '{(key.Length > 32 ? key[..32] + "..." : key)}' is {length} characters", length);
            }
        }

        return (longest.Field, longest.Description);
    }

    private void CompleteFlushWaiters()
    {
        lock (_flushLock)
        {
            var processed = Interlocked.Read(ref _processed);
            var pendingDrops = Interlocked.Read(ref _droppedNotRecorded);
            for (var i = _flushWaiters.Count - 1; i >= 0; i--)
            {
                var (target, done) = _flushWaiters[i];
                if (_fault is not null)
                {
                    done.TrySetException(new IOException($"the audit log in '{_directory}' stopped writing: {_fault.Message}", _fault));
                }
                else if (processed >= target && pendingDrops == 0)
                {
                    done.TrySetResult();
                }
                else
                {
                    continue;
                }

                _flushWaiters.RemoveAt(i);
            }
        }
    }

    /// <summary>Encodes one record into the batch buffer, rotating first when it would not fit in the current file.</summary>
    private void Append(Pending pending)
    {
        _line.ResetWrittenCount();
        var hash = AuditRecordFormat.Encode(_line, _sequence + 1, pending.Timestamp, pending.Event, _previousHash);
        var pendingLength = _fileLength + _buffer.WrittenCount;
        if (pendingLength > 0 && pendingLength + _line.WrittenCount > _options.MaxFileBytes)
        {
            WriteBuffer();
            if (Rotate())
            {
                // Rotation wrote a retention record, which took this sequence number: encode again after it.
                _line.ResetWrittenCount();
                hash = AuditRecordFormat.Encode(_line, _sequence + 1, pending.Timestamp, pending.Event, _previousHash);
            }
        }

        _buffer.Write(_line.WrittenSpan);
        _sequence++;
        _previousHash = hash;
        Interlocked.Increment(ref _recordsWritten);
    }

    private void WriteBuffer()
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        _file.Write(_buffer.WrittenSpan);
        _file.Flush(flushToDisk: _options.FlushToDisk);
        _fileLength += _buffer.WrittenCount;
        _buffer.ResetWrittenCount();
    }

    /// <summary>Starts the next file; applies retention. Returns whether a retention record was written.</summary>
    private bool Rotate()
    {
        _file.Dispose();
        _fileIndex++;
        _file = OpenForAppend(_fileIndex);
        _fileLength = _file.Length;

        var files = AuditRecordFormat.ListFiles(_directory, _options.FilePrefix);
        var excess = files.Count - _options.RetainedFiles;
        if (excess <= 0)
        {
            return false;
        }

        // Say what is deleted before deleting it: the verifier accepts missing old records only with this record.
        var oldestKept = files[excess];
        var oldestSequence = oldestKept.Index == _fileIndex ? _sequence + 1 : FirstSequenceOf(oldestKept.Path);
        var deleted = DeletedFiles(Path.GetFileName(files[0].Path), Path.GetFileName(files[excess - 1].Path), excess);
        var hash = AuditRecordFormat.Encode(_buffer, _sequence + 1, _time.GetUtcNow(), RetentionEvent(_options.FilePrefix, oldestSequence, deleted), _previousHash);
        _sequence++;
        _previousHash = hash;
        Interlocked.Increment(ref _recordsWritten);
        WriteBuffer();
        foreach (var (_, path) in files.Take(excess))
        {
            File.Delete(path);
        }

        return true;
    }

    // "audit-00000001.jsonl", or "audit-00000001.jsonl to audit-00000190.jsonl (190 files)" when RetainedFiles was lowered
    // between runs: the oldest files, up to the last one deleted.
    private static string DeletedFiles(string first, string last, int count) => count == 1 ? first : $"{first} to {last} ({count} files)";

    // The target of the log's own records: its files ("audit-*.jsonl"), not the directory's path, which has no bound on
    // its length and could make such a record longer than a file may be.
    private static string LogFiles(string filePrefix) => $"{filePrefix}-*.jsonl";

    private static AuditEvent RetentionEvent(string filePrefix, long oldestSequence, string deletedFiles) =>
        new(AuditLogVerifier.RetentionEventType, Actor, Source, LogFiles(filePrefix), AuditOutcome.Info, new Dictionary<string, string>
        {
            [AuditLogVerifier.OldestRetainedSequenceDetail] = oldestSequence.ToString(CultureInfo.InvariantCulture),
            ["deletedFiles"] = deletedFiles,
        });

    private static long FirstSequenceOf(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var line = new List<byte>(512);
        int b;
        while ((b = stream.ReadByte()) >= 0 && b != '\n')
        {
            line.Add((byte)b);
        }

        return AuditRecordFormat.Parse(line.ToArray(), out _)?.Sequence
            ?? throw new InvalidDataException($"the first line of audit file '{path}' is not a valid record");
    }

    /// <summary>Finds the newest file and its last record; cuts off a torn last line (a crash mid-write) and returns its length.</summary>
    private long OpenNewest()
    {
        var files = AuditRecordFormat.ListFiles(_directory, _options.FilePrefix);
        if (files.Count == 0)
        {
            _fileIndex = 1;
            return 0;
        }

        _fileIndex = files[^1].Index;
        long torn = 0;
        for (var i = files.Count - 1; i >= 0; i--)
        {
            var path = files[i].Path;
            var content = File.ReadAllBytes(path);
            var end = content.Length;
            if (i == files.Count - 1 && end > 0 && content[end - 1] != '\n')
            {
                // A line without its newline was never completely written (the writer writes whole lines).
                var lastNewline = Array.LastIndexOf(content, (byte)'\n');
                end = lastNewline + 1;
                torn = content.Length - end;
                using var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
                truncate.SetLength(end);
                truncate.Flush(flushToDisk: true);
            }

            if (end == 0)
            {
                continue;
            }

            var start = Array.LastIndexOf(content, (byte)'\n', end - 2) + 1;
            var lineNumber = content.AsSpan(0, start).Count((byte)'\n') + 1;
            var record = AuditRecordFormat.Parse(content.AsSpan(start, end - 1 - start), out var error)
                ?? throw new InvalidDataException($"cannot continue the audit chain: line {lineNumber} of '{path}' is not a valid record ({error}); run the verify command");
            _sequence = record.Sequence;
            _previousHash = record.Hash;
            return torn;
        }

        return torn;
    }

    private FileStream OpenForAppend(long index)
    {
        var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // audit trails name hosts and accounts
        }

        return new FileStream(Path.Combine(_directory, AuditRecordFormat.FileName(_options.FilePrefix, index)), options);
    }

    private readonly record struct Pending(DateTimeOffset Timestamp, AuditEvent Event);
}
