namespace PinnacleMM.Core.Tests.Strategies;

/// <summary>Wall-clock time set by the test.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
