namespace PinnacleMM.Core.Risk;

/// <summary>Why <see cref="KillSwitch"/> stopped or restricted trading.</summary>
public enum KillSwitchReason : byte
{
    /// <summary>No kill-switch condition holds.</summary>
    None = 0,

    /// <summary>Equity fell <see cref="KillSwitchOptions.MaxDrawdown"/> or more below its peak: halted until resumed.</summary>
    MaxDrawdown = 1,

    /// <summary>Equity fell <see cref="KillSwitchOptions.DailyLossLimit"/> or more below its level at the start of the UTC day: halted until the next UTC day or a resume.</summary>
    DailyLoss = 2,

    /// <summary>The open position lost <see cref="KillSwitchOptions.StopLossPercent"/> or more of its entry value: reduce only while it does.</summary>
    StopLoss = 3,

    /// <summary>The open position gained <see cref="KillSwitchOptions.TakeProfitPercent"/> or more of its entry value: reduce only while it does.</summary>
    TakeProfit = 4,
}
