namespace PinnacleMM.Exchange.Tests.Coinbase;

/// <summary>A wall clock that stands still at a given instant, moved by the test.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
