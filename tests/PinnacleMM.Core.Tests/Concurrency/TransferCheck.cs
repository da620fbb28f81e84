namespace PinnacleMM.Core.Tests.Concurrency;

/// <summary>
/// Consumer-side bookkeeping for transfer tests: each producer's items must arrive intact, exactly once
/// and in order, so the next item of producer p must carry sequence expected[p].
/// </summary>
public sealed class TransferCheck(int producers)
{
    private readonly long[] _expected = new long[producers];

    public long Received { get; private set; }

    public string? FirstError { get; private set; }

    public void Accept(in SequencedItem item)
    {
        Received++;
        if (FirstError is not null)
        {
            return;
        }

        if (!item.IsIntact)
        {
            FirstError = $"torn item {item} at receive #{Received}";
        }
        else if ((uint)item.Producer >= (uint)_expected.Length)
        {
            FirstError = $"unknown producer in {item}";
        }
        else if (item.Sequence != _expected[item.Producer])
        {
            FirstError = $"producer {item.Producer}: expected sequence {_expected[item.Producer]}, got {item.Sequence}";
        }
        else
        {
            _expected[item.Producer]++;
        }
    }

    public long ExpectedNext(int producer) => _expected[producer];
}
