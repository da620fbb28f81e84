namespace PinnacleMM.Core.Risk;

/// <summary>What a <see cref="KillSwitch"/> remembers, as plain data for a snapshot (<see cref="KillSwitch.CaptureState"/>, <see cref="KillSwitch.RestoreState"/>).</summary>
public sealed record KillSwitchState
{
    /// <summary>Whether equity has been checked at least once.</summary>
    public bool HasEquity { get; init; }

    /// <summary>The equity peak since start or the last rebase, in quote currency.</summary>
    public decimal EquityPeak { get; init; }

    /// <summary>The last equity checked, in quote currency.</summary>
    public decimal LastEquity { get; init; }

    /// <summary>The reference equity of <see cref="UtcDay"/>, in quote currency.</summary>
    public decimal DayStartEquity { get; init; }

    /// <summary>The UTC day of the last check.</summary>
    public DateOnly UtcDay { get; init; }

    /// <summary>The latched halt: <see cref="KillSwitchReason.None"/>, <see cref="KillSwitchReason.MaxDrawdown"/> or <see cref="KillSwitchReason.DailyLoss"/>.</summary>
    public KillSwitchReason Halt { get; init; }
}
