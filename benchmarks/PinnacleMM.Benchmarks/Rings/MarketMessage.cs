namespace PinnacleMM.Benchmarks.Rings;

/// <summary>A 32-byte message, the size of a normalized market data event.</summary>
public struct MarketMessage
{
    public long Sequence;
    public long Price;
    public long Quantity;
    public long Timestamp;

    public MarketMessage(long sequence)
    {
        Sequence = sequence;
        Price = 100_000 + (sequence & 1023);
        Quantity = 1 + (sequence & 15);
        Timestamp = sequence * 1000;
    }
}
