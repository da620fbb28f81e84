using System.Runtime.InteropServices;

namespace PinnacleMM.Core.Concurrency;

/// <summary>
/// The two cursors of an <see cref="SpscRing{T}"/>, each on its own cache line together with the owning
/// side's cached copy of the other side's cursor. A side writes only its own line and reads the other
/// line only when its cached copy says the ring looks full (producer) or empty (consumer), so in steady
/// state the lines do not bounce between cores on every item.
/// <code>
/// offset   0 ..  63  padding (whatever precedes the struct in the ring object)
/// offset  64         ProducerSequence        written by the producer (release), read by the consumer
/// offset  72         CachedConsumerSequence  producer only
/// offset  80 .. 191  padding (rest of the line plus one more line against adjacent-line prefetch)
/// offset 192         ConsumerSequence        written by the consumer (release), read by the producer
/// offset 200         CachedProducerSequence  consumer only
/// offset 208 .. 319  padding
/// </code>
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 320)]
internal struct SpscCursors
{
    /// <summary>The sequence of the next item the producer will write (= items written so far).</summary>
    [FieldOffset(64)]
    public long ProducerSequence;

    /// <summary>The producer's last observed <see cref="ConsumerSequence"/>.</summary>
    [FieldOffset(72)]
    public long CachedConsumerSequence;

    /// <summary>The sequence of the next item the consumer will read (= items read so far).</summary>
    [FieldOffset(192)]
    public long ConsumerSequence;

    /// <summary>The consumer's last observed <see cref="ProducerSequence"/>.</summary>
    [FieldOffset(200)]
    public long CachedProducerSequence;
}
