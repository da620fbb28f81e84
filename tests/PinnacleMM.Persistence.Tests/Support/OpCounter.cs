using System.Buffers;
using System.Buffers.Binary;
using PinnacleMM.Persistence.Snapshots;

namespace PinnacleMM.Persistence.Tests.Support;

/// <summary>How many ops of the deterministic flow were applied: snapshotted next to the book, so recovery knows where the flow continues.</summary>
internal sealed class OpCounter : ISnapshotStateProvider
{
    /// <summary>Length of the op flow: more than a child appends before it is killed.</summary>
    public const int MaxOps = 200_000;

    public string Name => "ops";

    public long Value { get; set; }

    public void Write(IBufferWriter<byte> writer)
    {
        BinaryPrimitives.WriteInt64LittleEndian(writer.GetSpan(8), Value);
        writer.Advance(8);
    }

    public void Restore(ReadOnlySpan<byte> data)
    {
        if (data.Length != 8)
        {
            throw new ArgumentException($"data: the op counter is 8 bytes, not {data.Length}", nameof(data));
        }

        Value = BinaryPrimitives.ReadInt64LittleEndian(data);
    }
}
