namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// A test message: which producer wrote it, its position in that producer's stream, a payload and a
/// checksum over the three, so a torn or stale slot read is detected, not just a wrong order.
/// </summary>
public readonly record struct SequencedItem(int Producer, long Sequence, long Payload, long Checksum)
{
    public static SequencedItem Create(int producer, long sequence)
    {
        var payload = unchecked(sequence * 31 + producer);
        return new SequencedItem(producer, sequence, payload, Mix(producer, sequence, payload));
    }

    public bool IsIntact => Checksum == Mix(Producer, Sequence, Payload);

    private static long Mix(int producer, long sequence, long payload) =>
        unchecked((sequence * (long)0x9E3779B97F4A7C15UL) ^ (payload << 7) ^ ((long)producer << 48) ^ 0x5bd1e995);
}
