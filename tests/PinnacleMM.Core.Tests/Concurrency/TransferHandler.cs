using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>A struct drain handler feeding a <see cref="TransferCheck"/> and checking the ring's own sequence numbers.</summary>
public struct TransferHandler(TransferCheck check) : IRingHandler<SequencedItem>
{
    public long NextRingSequence;
    public int RingSequenceErrors;

    public readonly TransferCheck Check => check;

    public void OnItem(in SequencedItem item, long sequence, bool endOfBatch)
    {
        if (sequence != NextRingSequence)
        {
            RingSequenceErrors++;
        }

        NextRingSequence = sequence + 1;
        check.Accept(item);
    }
}
