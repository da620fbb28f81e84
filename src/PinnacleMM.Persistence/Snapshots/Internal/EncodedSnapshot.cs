using System.Buffers;

namespace PinnacleMM.Persistence.Snapshots.Internal;

/// <summary>A complete snapshot file in a pooled buffer, captured on the book's thread and written to disk afterwards.</summary>
internal sealed class EncodedSnapshot(byte[] buffer, int length, long journalSequence, long createdNs, long orderCount, long stateHash) : IDisposable
{
    private byte[]? _buffer = buffer;

    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, length);

    public long JournalSequence { get; } = journalSequence;

    public long CreatedNs { get; } = createdNs;

    public long OrderCount { get; } = orderCount;

    public long StateHash { get; } = stateHash;

    public void Dispose()
    {
        if (_buffer is { } b)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
    }
}
