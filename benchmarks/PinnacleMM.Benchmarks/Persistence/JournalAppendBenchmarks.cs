using System.Buffers.Binary;
using BenchmarkDotNet.Attributes;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Journal.Internal;

namespace PinnacleMM.Benchmarks.Persistence;

/// <summary>
/// Appending records of 64 bytes and 4 KiB to a journal in the temp folder (one operation = one record),
/// against a textbook baseline: a buffered <see cref="FileStream"/> writing a length-prefixed record with
/// its CRC (no memory mapping, no fsync). The journal's Interval policy fsyncs every 10 ms in the
/// background, so the disk is part of the measurement. Every 256 MiB the journal is closed and a fresh one
/// opened (inside the measurement, like segment rolls), so the benchmark does not fill the disk.
/// </summary>
[MemoryDiagnoser]
public class JournalAppendBenchmarks
{
    private const int Batch = 10_000;
    private const long ResetBytes = 256L * 1024 * 1024;

    private string _root = null!;
    private byte[] _payload = null!;
    private byte[] _baselineBuffer = null!;
    private JournalWriter? _writer;
    private FileStream? _baseline;
    private long _written;
    private int _generation;
    private JournalSyncPolicy _policy;

    /// <summary>The payload size in bytes.</summary>
    [Params(64, 4096)]
    public int PayloadSize { get; set; }

    [GlobalSetup]
    public void GlobalSetup()
    {
        _root = Path.Combine(Path.GetTempPath(), "pinnaclemm-journal-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_root);
        _payload = new byte[PayloadSize];
        new Random(1).NextBytes(_payload);
        _baselineBuffer = new byte[PayloadSize + 16];
    }

    [GlobalCleanup]
    public void GlobalCleanup()
    {
        _writer?.Dispose();
        _baseline?.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Batch)]
    public long BufferedFileStream()
    {
        var file = _baseline ??= new FileStream(Path.Combine(_root, "baseline.bin"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        for (var i = 0; i < Batch; i++)
        {
            var record = _baselineBuffer.AsSpan();
            BinaryPrimitives.WriteInt32LittleEndian(record, _payload.Length);
            BinaryPrimitives.WriteInt64LittleEndian(record[4..], i);
            _payload.CopyTo(record[16..]);
            BinaryPrimitives.WriteUInt32LittleEndian(record[12..], Crc32C.Compute(record[16..]));
            file.Write(record);
            _written += record.Length;
        }

        if (_written > ResetBytes)
        {
            file.Position = 0;
            _written = 0;
        }

        return file.Position;
    }

    [Benchmark(OperationsPerInvoke = Batch)]
    public long JournalIntervalPolicy() => AppendBatch(JournalSyncPolicy.Interval);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long JournalNoSyncPolicy() => AppendBatch(JournalSyncPolicy.None);

    [Benchmark(OperationsPerInvoke = Batch)]
    public long JournalReserveCommitIntervalPolicy()
    {
        Open(JournalSyncPolicy.Interval);
        var writer = _writer!;
        long sequence = 0;
        for (var i = 0; i < Batch; i++)
        {
            var span = writer.BeginAppend(JournalRecordType.ApplicationBase, i, _payload.Length);
            _payload.CopyTo(span);
            sequence = writer.CommitAppend();
        }

        ResetIfLarge();
        return sequence;
    }

    private long AppendBatch(JournalSyncPolicy policy)
    {
        Open(policy);
        var writer = _writer!;
        long sequence = 0;
        for (var i = 0; i < Batch; i++)
        {
            sequence = writer.Append(JournalRecordType.ApplicationBase, i, _payload);
        }

        ResetIfLarge();
        return sequence;
    }

    private void Open(JournalSyncPolicy policy)
    {
        if (_writer is not null && _policy == policy)
        {
            return;
        }

        _policy = policy;
        Reset();
    }

    private void ResetIfLarge()
    {
        if (_writer!.LastSequence * (PayloadSize + 32L) > ResetBytes)
        {
            Reset();
        }
    }

    private void Reset()
    {
        if (_writer is not null)
        {
            var old = _writer.Directory;
            _writer.Dispose();
            Directory.Delete(old, recursive: true);
        }

        _writer = JournalWriter.Open(
            Path.Combine(_root, "j" + _generation++),
            new JournalOptions { SyncPolicy = _policy, SegmentSize = JournalOptions.DefaultSegmentSize });
    }
}
