namespace PinnacleMM.Core.Concurrency;

/// <summary>What a waiting ring operation waits for; implemented by structs so the check inlines.</summary>
internal interface IRingWaitCondition
{
    /// <summary>Returns <see langword="true"/> when the waiter should stop waiting.</summary>
    bool IsSatisfied();
}
