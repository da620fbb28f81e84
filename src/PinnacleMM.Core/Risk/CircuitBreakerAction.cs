namespace PinnacleMM.Core.Risk;

/// <summary>What a tripped <see cref="CircuitBreaker"/> does to quoting.</summary>
public enum CircuitBreakerAction : byte
{
    /// <summary>Keep quoting with the spread multiplied by <see cref="CircuitBreakerOptions.WidenFactor"/>.</summary>
    Widen = 0,

    /// <summary>Stop quoting (cancel everything) until the stress has passed.</summary>
    Pause = 1,
}
