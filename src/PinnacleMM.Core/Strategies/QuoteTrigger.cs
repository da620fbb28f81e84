namespace PinnacleMM.Core.Strategies;

/// <summary>Why a strategy is asked whether to requote.</summary>
public enum QuoteTrigger : byte
{
    /// <summary>The book changed.</summary>
    BookUpdate = 0,

    /// <summary>A trade printed.</summary>
    Trade = 1,

    /// <summary>One of our orders changed (acknowledged, filled, cancelled, rejected, amended).</summary>
    OrderEvent = 2,

    /// <summary>A timer tick.</summary>
    Timer = 3,
}
