using PinnacleMM.Core.Concurrency;

namespace PinnacleMM.Benchmarks.Rings;

/// <summary>A struct drain handler that touches every message so the work cannot be elided.</summary>
public struct SumHandler : IRingHandler<MarketMessage>
{
    public long Sum;

    public void OnItem(in MarketMessage item, long sequence, bool endOfBatch) => Sum += item.Price;
}
