using System.Buffers;
using System.Buffers.Binary;
using PinnacleMM.Persistence.Journal;
using PinnacleMM.Persistence.Recovery;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>
/// A small application state (think: a position) changed only by application records of type
/// <see cref="RecordType"/> whose 8-byte payload is added to <see cref="Total"/>; it snapshots itself as
/// (total, count) and checks the section's length when restored.
/// </summary>
internal sealed class CounterState(string name = "counter") : ISnapshotStateProvider, IApplicationRecordHandler
{
    public const JournalRecordType RecordType = JournalRecordType.ApplicationBase + 1;

    public string Name { get; } = name;

    public long Total { get; private set; }

    public long Count { get; private set; }

    public List<long> Sequences { get; } = [];

    public static byte[] Payload(long amount)
    {
        var payload = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(payload, amount);
        return payload;
    }

    public void Apply(in JournalRecord record)
    {
        Assert.AreEqual(RecordType, record.Type);
        Total += BinaryPrimitives.ReadInt64LittleEndian(record.Payload);
        Count++;
        Sequences.Add(record.Sequence);
    }

    public void Write(IBufferWriter<byte> writer)
    {
        var span = writer.GetSpan(16);
        BinaryPrimitives.WriteInt64LittleEndian(span, Total);
        BinaryPrimitives.WriteInt64LittleEndian(span[8..], Count);
        writer.Advance(16);
    }

    public void Restore(ReadOnlySpan<byte> data)
    {
        if (data.Length != 16)
        {
            throw new ArgumentException($"data: a counter section is 16 bytes, not {data.Length}", nameof(data));
        }

        Total = BinaryPrimitives.ReadInt64LittleEndian(data);
        Count = BinaryPrimitives.ReadInt64LittleEndian(data[8..]);
    }
}
