using BenchmarkDotNet.Attributes;
using PinnacleMM.Persistence.Journal;

namespace PinnacleMM.Benchmarks.Persistence;

/// <summary>
/// Replaying a journal of one million 64-byte records (about 96 MB in two segments), checking every
/// record's CRC-32C and sequence (one operation = one record), against a baseline that only walks the
/// same bytes in memory summing the payload lengths (no checks): the cost of verification.
/// </summary>
[MemoryDiagnoser]
public class JournalScanBenchmarks
{
    private const int Records = 1_000_000;

    private string _directory = null!;
    private byte[] _flat = null!;

    [GlobalSetup]
    public void GlobalSetup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "pinnaclemm-journal-bench", Guid.NewGuid().ToString("N"));
        var payload = new byte[64];
        new Random(1).NextBytes(payload);
        using (var writer = JournalWriter.Open(_directory, new JournalOptions { SyncPolicy = JournalSyncPolicy.None }))
        {
            for (var i = 0; i < Records; i++)
            {
                // An application type: random 64-byte payloads are not a library record (a trade is 72 bytes).
                writer.Append(JournalRecordType.ApplicationBase, i, payload);
            }
        }

        _flat = new byte[Records * 96];
        for (var i = 0; i < Records; i++)
        {
            BitConverter.TryWriteBytes(_flat.AsSpan(i * 96), 64);
        }
    }

    [GlobalCleanup]
    public void GlobalCleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark(Baseline = true, OperationsPerInvoke = Records)]
    public long WalkWithoutChecks()
    {
        long total = 0;
        var flat = _flat;
        for (var offset = 0; offset < flat.Length; offset += 96)
        {
            total += BitConverter.ToInt32(flat, offset);
        }

        return total;
    }

    [Benchmark(OperationsPerInvoke = Records)]
    public long JournalReader_FullCheck()
    {
        long total = 0;
        using var reader = JournalReader.Open(_directory);
        while (reader.TryRead(out var record))
        {
            total += record.Payload.Length;
        }

        if (reader.Fault is not null || reader.LastSequenceRead != Records)
        {
            throw new InvalidOperationException("scan stopped early: " + reader.Fault);
        }

        return total;
    }
}
